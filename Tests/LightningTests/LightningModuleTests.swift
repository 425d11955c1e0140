import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Manual optimization, datamodules, plateau schedulers and misconfigurations.
final class LightningModuleTests: XCTestCase {
    final class TwoOptimizers: LightningModule<(Tensor, Tensor)> {
        let a = Linear(4, 3), b = Linear(4, 3)
        override var automaticOptimization: Bool { false }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let (optA, optB) = (optimizers()[0], optimizers()[1])
            let lossA = F.crossEntropy(a(batch.0), batch.1)
            optA.zeroGrad()
            manualBackward(lossA)
            optA.step()
            if batchIdx % 2 == 0 {
                let lossB = F.mseLoss(b(batch.0), Tensor.zeros([batch.0.size(0), 3]))
                optB.zeroGrad()
                manualBackward(lossB)
                optB.step()
            }
            log("loss_a", lossA)
            return nil
        }
        override func configureOptimizers() -> OptimizerConfig {
            .init(optimizers: [SGD(a.parameters(), lr: 0.1), Adam(b.parameters(), lr: 0.01)])
        }
    }

    /// Logs a whole batch of outputs, or calls manualBackward under automatic optimization: mistakes
    /// Lightning refuses with a message.
    final class Mistaken: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        let logsOutputs: Bool
        init(logsOutputs: Bool) {
            self.logsOutputs = logsOutputs
            super.init()
        }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let logits = net(batch.0)
            let loss = F.crossEntropy(logits, batch.1)
            if logsOutputs { log("outputs", logits) } else { manualBackward(loss) }
            return loss
        }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
    }

    func testLightningsRefusalsNameTheMistake() throws {
        let dir = try temporaryDirectory()
        let train = DataLoader(classificationData(), batchSize: 8)
        func failure(_ trainer: Trainer, _ model: LightningModule<(Tensor, Tensor)>) -> String {
            do {
                try trainer.fit(model, train: train)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let accumulating = try makeTrainer(dir) { try Trainer(maxEpochs: 1, accumulateGradBatches: 2, defaultRootDir: $0) }
        XCTAssertEqual(failure(accumulating, TwoOptimizers()), "Trainer(accumulateGradBatches: 2) is for automatic optimization; "
            + "in manual optimization step the optimizers yourself every few batches, or remove the argument")
        let plain = { try makeTrainer(dir) { try Trainer(maxEpochs: 1, defaultRootDir: $0) } }
        XCTAssertEqual(failure(try plain(), Mistaken(logsOutputs: true)),
                       "log(\"outputs\", ...) was given a tensor of shape [8, 3]; a logged value must have one element (log a reduction such as .mean())")
        XCTAssertEqual(failure(try plain(), Mistaken(logsOutputs: false)), "manualBackward is for manual optimization: override "
            + "automaticOptimization to return false in your LightningModule, or return the loss from trainingStep")
        XCTAssertEqual(failure(try plain(), NoOptimizers()),
                       "NoOptimizers does not override configureOptimizers(): return the optimizers (and schedulers) to train with from it")
        XCTAssertEqual(failure(try plain(), NegativeLearningRate()),
                       "configureOptimizers() of NegativeLearningRate failed: AdamW: Invalid learning rate: -1.0")
    }

    final class NoOptimizers: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
    }

    final class NegativeLearningRate: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
        override func configureOptimizers() -> OptimizerConfig { .init(AdamW(parameters(), lr: -1)) }
    }

    func testManualOptimizationLogsEveryNBatchesThatStepped() throws {
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, logEveryNSteps: 2, enableProgressBar: false, defaultRootDir: $0)
        }
        try trainer.fit(TwoOptimizers(), train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(trainer.globalStep, 12)
        XCTAssertEqual(trainer.batchesThatStepped, 8)
        let rows = try String(contentsOfFile: trainer.logDir + "/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let steps = rows.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[2] != "" }.map { $0.split(separator: ",")[1] }
        XCTAssertEqual(steps, ["1", "3", "5", "7"], "every second batch, at the index of the batch, as Lightning logs")
    }

    /// A module with its own data (`train_dataloader` and friends on the LightningModule).
    final class SelfContained: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        var prepared = 0, setups: [Stage] = []
        private var data: TensorDataset?
        override func prepareData() { prepared += 1 }
        override func setup(stage: Stage) {
            setups.append(stage)
            data = classificationData(count: 32)
        }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) { log("val_loss", F.crossEntropy(net(batch.0), batch.1)) }
        override func predictStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { net(batch.0).argmax(dim: 1) }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
        override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { data.map { DataLoader($0, batchSize: 8) } }
        override func valDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { data.map { DataLoader($0, batchSize: 16) } }
        override func predictDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { data.map { DataLoader($0, batchSize: 16) } }
    }

    func testAModuleWithItsOwnDataTrainsWithNoLoadersPassed() throws {
        let model = SelfContained()
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 2, numSanityValSteps: 0, enableProgressBar: false, defaultRootDir: $0)
        }
        try trainer.fit(model)
        XCTAssertEqual(trainer.globalStep, 8, "2 epochs of 32 samples in batches of 8, from trainDataloader()")
        XCTAssertNotNil(trainer.callbackMetrics["val_loss"], "validated on valDataloader()")
        XCTAssertNotNil(try trainer.validate(model)["val_loss"])
        XCTAssertEqual(try trainer.predict(model).count, 2)
        XCTAssertEqual(model.prepared, 3, "prepareData before each entry point")
        XCTAssertEqual(model.setups, [.fit, .validate, .predict])
        XCTAssertThrowsError(try trainer.test(model)) { error in
            XCTAssertEqual("\(error)", "test needs a loader: pass one, a datamodule with testDataloader(), or override testDataloader() in SelfContained")
        }
    }

    /// Hyper-parameters said once, in a configuration value.
    final class Configured: LightningModule<(Tensor, Tensor)>, Configurable {
        struct Config: Codable {
            var lr = 0.1
            var hiddenSize = 8
            var useBias = true
            var name = "tiny"
        }
        let config: Config
        let net: Sequential
        init(config: Config) {
            self.config = config
            net = Sequential { Linear(4, config.hiddenSize, bias: config.useBias); ReLU(); Linear(config.hiddenSize, 3) }
            super.init()
            saveHyperparameters(from: config)
        }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: config.lr)) }
    }

    func testLoadFromCheckpointRebuildsTheModuleFromItsHyperparameters() throws {
        let model = Configured(config: .init(lr: 0.05, hiddenSize: 6, useBias: false, name: "small"))
        XCTAssertEqual(model.hparams["hidden_size"]?.intValue, 6)
        XCTAssertEqual(model.hparams["use_bias"]?.boolValue, false)
        XCTAssertEqual(model.hparams["lr"]?.doubleValue, 0.05)
        XCTAssertEqual(model.hparams["name"]?.stringValue, "small")
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0) }
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8))
        let path = trainer.checkpointCallback!.bestModelPath
        let loaded = try Configured.loadFromCheckpoint(path)
        XCTAssertEqual(loaded.config.hiddenSize, 6)
        XCTAssertEqual(loaded.config.useBias, false)
        XCTAssertEqual(loaded.config.name, "small")
        for (name, value) in model.stateDict() { XCTAssertTrue(value.equal(loaded.stateDict()[name]!), name) }
        let changed = try Configured.loadFromCheckpoint(path, mapLocation: .cpu) { $0.lr = 0.01 }
        XCTAssertEqual(changed.config.lr, 0.01)
        XCTAssertEqual(changed.hparams["lr"]?.doubleValue, 0.01, "the rebuilt module records what it was built with")

        let unrecorded = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0) }
        try unrecorded.fit(TwoOptimizers(), train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertThrowsError(try Configured.loadFromCheckpoint(unrecorded.checkpointCallback!.bestModelPath)) { error in
            XCTAssertTrue("\(error)".contains("has no hyper-parameter lr for Config; record the configuration with saveHyperparameters(from: config)"),
                          "\(error)")
        }
    }

    /// Toggling an optimizer keeps the other optimizers' parameters out of the next backward.
    final class Toggling: LightningModule<(Tensor, Tensor)> {
        let a = Linear(4, 3), b = Linear(4, 3)
        var gradientsOfB: [Bool] = [], devices: [Device] = []
        override var automaticOptimization: Bool { false }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            devices.append(device)
            let optA = optimizers()[0]
            toggleOptimizer(optA)
            optA.zeroGrad()
            b.weight.grad = nil
            manualBackward(a(batch.0).sum() + b(batch.0).sum())
            gradientsOfB.append(b.weight.grad != nil)
            optA.step()
            untoggleOptimizer(optA)
            return nil
        }
        override func configureOptimizers() -> OptimizerConfig {
            .init(optimizers: [SGD(a.parameters(), lr: 0.1), SGD(b.parameters(), lr: 0.1)])
        }
    }

    /// `predictStep` may return anything, as in Lightning: here a class and its probability per sample.
    func testPredictCollectsWhateverPredictStepReturns() throws {
        final class Labeller: LightningModule<(Tensor, Tensor)>, PredictionModule {
            let net = Linear(4, 3)
            func predictStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> [(label: Int, probability: Double)]? {
                let probabilities = net(batch.0).softmax(dim: 1)
                let (best, labels) = (probabilities.max(dim: 1).values, probabilities.argmax(dim: 1))
                return zip(labels.scalars(as: Int64.self), best.scalars(as: Float.self)).map { (Int($0), Double($1)) }
            }
        }
        let trainer = try Trainer(enableCheckpointing: false, enableProgressBar: false, enableModelSummary: false, logger: [])
        let predictions = try trainer.predict(Labeller(), DataLoader(classificationData(count: 10), batchSize: 4))
        XCTAssertEqual(predictions.map(\.count), [4, 4, 2])
        XCTAssertTrue(predictions.joined().allSatisfy { (0..<3).contains($0.label) && $0.probability >= 1.0 / 3 && $0.probability <= 1 })
        let tensors = try trainer.predict(TinyClassifier(), DataLoader(classificationData(count: 10), batchSize: 4))
        XCTAssertEqual(tensors.map(\.shape), [[4], [4], [2]], "a module without PredictionModule still gives tensors")
    }

    /// LBFGS in automatic optimization: the Trainer runs the training step and backward inside
    /// the optimizer's closure, giving the weights of the same loop written by hand.
    func testLBFGSReEvaluatesTheTrainingStepInsideItsClosure() throws {
        final class Regression: LightningModule<(Tensor, Tensor)> {
            let net = Linear(4, 3)
            var evaluations = 0
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
                evaluations += 1
                return F.crossEntropy(net(batch.0), batch.1)
            }
            override func configureOptimizers() -> OptimizerConfig { .init(LBFGS(parameters(), lr: 0.5, maxIter: 4)) }
        }
        let data = classificationData(count: 32)
        seedEverything(8)
        let model = Regression()
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 2, defaultRootDir: $0) }
        try trainer.fit(model, train: DataLoader(data, batchSize: 16))
        XCTAssertEqual(trainer.globalStep, 4)
        XCTAssertGreaterThan(model.evaluations, 4, "LBFGS evaluates the step several times per optimizer step")

        seedEverything(8)
        let manual = Regression()
        let optimizer = LBFGS(manual.parameters(), lr: 0.5, maxIter: 4)
        for _ in 0..<2 {
            for batch in DataLoader(data, batchSize: 16) {
                optimizer.step {
                    optimizer.zeroGrad()
                    let loss = F.crossEntropy(manual.net(batch.0), batch.1)
                    loss.backward()
                    return loss
                }
                optimizer.zeroGrad()
            }
        }
        for (name, value) in manual.stateDict() { XCTAssertTrue(value.equal(model.stateDict()[name]!), name) }
        XCTAssertThrowsError(try Trainer(precision: .mixed16, maxEpochs: 1, enableCheckpointing: false, logger: [])
            .fit(Regression(), train: DataLoader(data, batchSize: 16))) {
            XCTAssertTrue("\($0)".contains("LBFGS re-evaluates the loss inside its step"), "\($0)")
        }
    }

    func testToggleOptimizerKeepsTheOthersParametersOutOfBackward() throws {
        let model = Toggling()
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0) }
        try trainer.fit(model, train: DataLoader(classificationData(count: 16), batchSize: 8))
        XCTAssertEqual(model.gradientsOfB, [false, false])
        XCTAssertTrue(model.b.weight.requiresGrad, "untoggled")
        XCTAssertEqual(model.devices, [.cpu, .cpu])
    }

    func testManualOptimizationStepsEachOptimizerAndCountsSteps() throws {
        let model = TwoOptimizers()
        let before = model.b.weight.clone()
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, defaultRootDir: $0) }
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(trainer.globalStep, 8 + 4, "every optimizer step counts")
        XCTAssertFalse(model.b.weight.equal(before))
        XCTAssertNotNil(trainer.callbackMetrics["loss_a"])
    }

    func testAutomaticOptimizationRefusesSeveralOptimizers() throws {
        final class Wrong: LightningModule<(Tensor, Tensor)> {
            let a = Linear(4, 3)
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { a(batch.0).sum() }
            override func configureOptimizers() -> OptimizerConfig {
                .init(optimizers: [SGD(a.parameters()), SGD(a.parameters())])
            }
        }
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, defaultRootDir: $0) }
        XCTAssertThrowsError(try trainer.fit(Wrong(), train: DataLoader(classificationData(), batchSize: 8))) {
            XCTAssertTrue("\($0)".hasPrefix("automatic optimization supports exactly one optimizer (got 2)"), "\($0)")
        }
    }

    final class PlateauModel: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        let monitor: String
        init(monitor: String) {
            self.monitor = monitor
            super.init()
        }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            F.crossEntropy(net(batch.0), batch.1)
        }
        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
            log("val_loss", Tensor(Float(1)))
        }
        override func configureOptimizers() -> OptimizerConfig {
            let opt = SGD(parameters(), lr: 1)
            return .init(opt, scheduler: ReduceLROnPlateau(opt, factor: 0.5, patience: 0), monitor: monitor)
        }
    }

    func testReduceLROnPlateauReadsItsMonitoredMetric() throws {
        let model = PlateauModel(monitor: "val_loss")
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 3, defaultRootDir: $0) }
        let data = DataLoader(classificationData(), batchSize: 32)
        try trainer.fit(model, train: data, val: data)
        XCTAssertEqual(model.lrSchedulers()[0].optimizer.paramGroups[0].lr, 0.25, "constant val_loss: halved after epochs 2 and 3")
        let missing = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, defaultRootDir: $0) }
        XCTAssertThrowsError(try missing.fit(PlateauModel(monitor: "val_acc"), train: data, val: data)) {
            XCTAssertTrue("\($0)".contains("ReduceLROnPlateau conditioned on metric val_acc which is not available. Available metrics are: [\"val_loss\"]"), "\($0)")
        }
    }

    final class Data: LightningDataModule<(Tensor, Tensor)> {
        var stages: [Stage] = []
        var restored: Int?
        override func setup(stage: Stage) { stages.append(stage) }
        override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { DataLoader(classificationData(), batchSize: 16) }
        override func valDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { DataLoader(classificationData(count: 16), batchSize: 16) }
        override func stateDict() -> StateValue { .dict([("version", 3)]) }
        override func loadStateDict(_ state: StateValue) { restored = state["version"]?.intValue }
    }

    func testDataModuleProvidesLoadersAndState() throws {
        let dir = try temporaryDirectory()
        let data = Data()
        let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 2, defaultRootDir: $0) }
        try trainer.fit(TinyClassifier(), datamodule: data)
        XCTAssertEqual(trainer.globalStep, 8)
        XCTAssertEqual(data.stages, [.fit])
        XCTAssertNotNil(trainer.callbackMetrics["val_acc"])
        let checkpoint = try TorchFile.load(trainer.checkpointCallback!.bestModelPath)
        XCTAssertEqual(checkpoint["datamodule"]?["version"]?.intValue, 3)
        let again = Data()
        let resumed = try makeTrainer(dir) { try Trainer(maxEpochs: 3, defaultRootDir: $0) }
        try resumed.fit(TinyClassifier(), datamodule: again, ckptPath: .path(trainer.checkpointCallback!.bestModelPath))
        XCTAssertEqual(again.restored, 3)
        XCTAssertEqual(resumed.globalStep, 12)
        XCTAssertNoThrow(try resumed.test(TinyClassifier(), DataLoader(classificationData(), batchSize: 8), ckptPath: .best))
    }

    /// As Lightning 2.x: SIGTERM saves `last.ckpt`, then `fit` fails, so the program exits with a
    /// failure status and a scheduler or torchrun's agent does not take the job for finished.
    func testSIGTERMSavesAndThenFailsTheFit() throws {
        final class Terminate: Callback {
            func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
                if batchIdx == 2 { raise(SIGTERM) }
            }
        }
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 5, defaultRootDir: $0, callbacks: [Terminate()]) }
        XCTAssertThrowsError(try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8))) { error in
            guard case TrainerError.interrupted(let signal, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(signal, "SIGTERM")
        }
        XCTAssertTrue(trainer.interrupted)
        XCTAssertEqual(trainer.globalStep, 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: trainer.checkpointDirectory + "/last.ckpt"))
    }
}
