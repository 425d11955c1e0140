import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// A classifier with a pretrained-style backbone (a Linear and a batch norm) and a head.
final class FinetunedNet: LightningModule<(Tensor, Tensor)>, HasBackbone {
    let features = Sequential { Linear(4, 8); BatchNorm1d(8); ReLU() }
    let head = Linear(8, 3)
    var backbone: Module { features }
    /// Multiplies the loss at this batch index (a spike), or makes it NaN when `nanAt` says so.
    var spikeAt: Int?
    var nanAt: Int?

    override func forward(_ x: Tensor) -> Tensor { head(features(x)) }

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(forward(batch.0), batch.1)
        if batchIdx == nanAt { return loss * Double.nan }
        return batchIdx == spikeAt ? loss * 100 : loss
    }

    override func predictStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { forward(batch.0).argmax(dim: 1) }

    override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters().filter(\.requiresGrad), lr: 0.1)) }
}

final class BackboneFinetuningTests: XCTestCase {
    /// The backbone's Linear stays as initialised until the unfreeze epoch (its batch norm trains),
    /// then trains in a parameter group of its own whose rate doubles, capped at the head's.
    func testTheBackboneTrainsFromItsEpochWithItsOwnGrowingRate() throws {
        let model = FinetunedNet()
        let initial = model.features.layers[0].parameters().map { $0.detach().clone() }
        let initialNorm = model.features.layers[1].parameters().map { $0.detach().clone() }
        var rates: [[Double]] = [], frozenUntilUnfreeze = false
        let recorder = LambdaCallback(onTrainEpochStart: { trainer, _ in
            if trainer.currentEpoch == 2 {
                frozenUntilUnfreeze = zip(model.features.layers[0].parameters(), initial).allSatisfy { $0.equal($1) }
                    && !zip(model.features.layers[1].parameters(), initialNorm).allSatisfy { $0.equal($1) }
            }
            rates.append(trainer.optimizers[0].paramGroups.map(\.lr))
        })
        let finetuning = BackboneFinetuning(unfreezeBackboneAtEpoch: 2, lambdaFunc: { $0 * 8 }, backboneInitialRatioLr: 0.1)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 4, enableProgressBar: false, defaultRootDir: $0, callbacks: [finetuning, recorder])
        }
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertTrue(frozenUntilUnfreeze, "the Linear froze, the batch norm trained")
        XCTAssertEqual(rates, [[0.1], [0.1], [0.1, 0.01], [0.1, 0.08]])
        XCTAssertFalse(zip(model.features.layers[0].parameters(), initial).allSatisfy { $0.equal($1) }, "trained after unfreezing")
        XCTAssertEqual(finetuning.backboneLr, 0.08)
    }

    func testAModuleWithoutABackboneIsRefused() throws {
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0, callbacks: [BackboneFinetuning()])
        }
        XCTAssertThrowsError(try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8))) {
            XCTAssertEqual("\($0)", "BackboneFinetuning needs TinyClassifier to conform to HasBackbone (a `backbone` module)")
        }
    }
}

final class SpikeDetectionTests: XCTestCase {
    func fit(_ model: FinetunedNet, _ spikes: SpikeDetection, dir: String) throws {
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 2, enableProgressBar: false, defaultRootDir: $0, callbacks: [spikes])
        }
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8))
    }

    /// A loss 100 times the usual ends the fit naming the batch, which is listed with the one
    /// before it in `skip_batches.json`; a run without one finishes.
    func testALossSpikeEndsTheFitAndListsTheBatchesToSkip() throws {
        let dir = try temporaryDirectory()
        XCTAssertNoThrow(try fit(FinetunedNet(), SpikeDetection(window: 3, warmup: 2), dir: try temporaryDirectory()))
        let model = FinetunedNet()
        model.spikeAt = 5
        XCTAssertThrowsError(try fit(model, SpikeDetection(window: 3, warmup: 2), dir: dir)) {
            XCTAssertEqual(($0 as? TrainingSpikeError)?.batchIdx, 5, "\($0)")
        }
        let listed = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/skip_batches.json")))
        XCTAssertEqual(listed as? [Int], [4, 5])
    }

    func testANonFiniteLossIsASpikeWhenFiniteOnly() throws {
        let model = FinetunedNet()
        model.nanAt = 3
        let dir = try temporaryDirectory()
        XCTAssertThrowsError(try fit(model, SpikeDetection(excludeBatchesPath: dir + "/spikes"), dir: dir)) {
            XCTAssertEqual("\($0)", "Training spike detected in batch 3")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/spikes/skip_batches.json"))
    }
}

final class BasePredictionWriterTests: XCTestCase {
    final class Collector: BasePredictionWriter {
        var batches: [(Int, Tensor)] = []
        var epoch: [Tensor] = []
        override func writeOnBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, prediction: Any, batch: Any, batchIdx: Int) throws {
            batches.append((batchIdx, prediction as! Tensor))
        }
        override func writeOnEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase, predictions: [Any]) throws {
            epoch = predictions.map { $0 as! Tensor }
        }
    }

    func testPredictionsAreWrittenPerBatchAndPerEpochAsTheIntervalSays() throws {
        for interval in [BasePredictionWriter.WriteInterval.batch, .epoch, .batchAndEpoch] {
            let writer = Collector(writeInterval: interval)
            let trainer = try makeTrainer(try temporaryDirectory()) {
                try Trainer(enableProgressBar: false, defaultRootDir: $0, callbacks: [writer])
            }
            let predictions = try trainer.predict(FinetunedNet(), DataLoader(classificationData(count: 20), batchSize: 8))
            XCTAssertEqual(predictions.count, 3)
            XCTAssertEqual(writer.batches.map(\.0), interval == .epoch ? [] : [0, 1, 2], "\(interval)")
            XCTAssertEqual(writer.epoch.count, interval == .batch ? 0 : 3, "\(interval)")
            for (written, returned) in zip(interval == .epoch ? writer.epoch : writer.batches.map(\.1), predictions) {
                XCTAssertTrue(written.equal(returned))
            }
        }
    }
}

final class ThroughputMonitorTests: XCTestCase {
    /// Counters every step; rates once the window is full, consistent with each other (samples =
    /// 8 per batch, items = 32, FLOPs = 1,000) and MFU against the given peak.
    func testCountersAndRatesOverTheWindow() throws {
        let logger = MemoryLogger()
        let monitor = ThroughputMonitor(batchSize: { ($0 as! (Tensor, Tensor)).0.shape[0] },
                                        length: { ($0 as! (Tensor, Tensor)).0.numel }, windowSize: 3,
                                        flopsPerBatch: 1000, peakFlopsPerDevice: 1e6)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, logEveryNSteps: 1, enableProgressBar: false, defaultRootDir: $0, callbacks: [monitor],
                        logger: [logger])
        }
        try trainer.fit(FinetunedNet(), train: DataLoader(classificationData(), batchSize: 8), val: DataLoader(classificationData(), batchSize: 8))
        let logged = logger.steps.map { (Dictionary($0.0, uniquingKeysWith: { $1 }), $0.1) }.filter { $0.0["train/batches"] != nil }
        XCTAssertEqual(logged.map(\.1), Array(1...8))
        var lastTime = 0.0
        for (metrics, step) in logged {
            XCTAssertEqual(metrics["train/batches"], Double(step))
            XCTAssertEqual(metrics["train/samples"], Double(8 * step))
            XCTAssertEqual(metrics["train/items"], Double(32 * step))
            let time = try XCTUnwrap(metrics["train/time"])
            XCTAssertGreaterThan(time, lastTime)
            lastTime = time
            guard step >= 3 else {
                XCTAssertNil(metrics["train/batches_per_sec"], "the window is not full at step \(step)")
                continue
            }
            let rate = try XCTUnwrap(metrics["train/device/batches_per_sec"])
            XCTAssertGreaterThan(rate, 0)
            XCTAssertEqual(metrics["train/batches_per_sec"], rate, "one device")
            XCTAssertEqual(try XCTUnwrap(metrics["train/device/samples_per_sec"]), 8 * rate, accuracy: 1e-9 * rate)
            XCTAssertEqual(try XCTUnwrap(metrics["train/device/items_per_sec"]), 32 * rate, accuracy: 1e-9 * rate)
            XCTAssertEqual(try XCTUnwrap(metrics["train/device/flops_per_sec"]), 1000 * rate, accuracy: 1e-9 * rate)
            XCTAssertEqual(try XCTUnwrap(metrics["train/device/mfu"]), 1000 * rate / 1e6, accuracy: 1e-12 * rate)
        }
    }
}

final class ModelPruningTests: XCTestCase {
    /// Half of the kept weights go at each epoch end, across both Linear layers together; the
    /// kept ones restart from their initial values (lottery ticket); the pruning is permanent at
    /// the end and checkpoints hold masked weights under their own names.
    func testPruningAtEpochEndsWithTheLotteryTicketAndPermanentMasks() throws {
        let model = TinyClassifier(dropout: 0)
        let linears = [model.net.layers[0] as! Linear, model.net.layers[3] as! Linear]
        let initial = linears.map { $0.weight.detach().clone() }
        var sparsity: [Double] = [], restarted = false
        let recorder = LambdaCallback(onTrainEpochEnd: { _, _ in
            let weights = linears.map { $0.weight.detach() }
            let zeros = weights.reduce(0) { $0 + ($1 .== 0).sum().item(as: Int.self) }
            sparsity.append(Double(zeros) / Double(weights.reduce(0) { $0 + $1.numel }))
            if sparsity.count == 1 {
                restarted = zip(weights, initial).allSatisfy { w, start in (w .== 0).logicalOr(w .== start).all().item(as: Bool.self) }
            }
        })
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 2, enableProgressBar: false, defaultRootDir: $0,
                        callbacks: [ModelPruning(parameterNames: ["weight"], amount: 0.5), recorder,
                                    ModelCheckpoint(dirpath: dir + "/ckpt", saveTopK: -1)])
        }
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(sparsity, [0.5, 0.75])
        XCTAssertTrue(restarted, "kept weights back at their initial values after pruning")
        XCTAssertFalse(Prune.isPruned(model))
        XCTAssertEqual(model.stateDict().keys.sorted(), ["net.0.bias", "net.0.weight", "net.3.bias", "net.3.weight"])
        let saved = try XCTUnwrap(TorchFile.load(dir + "/ckpt/epoch=0-step=8.ckpt")["state_dict"]?.stateDictValue)
        XCTAssertEqual(saved.keys.sorted(), ["net.0.bias", "net.0.weight", "net.3.bias", "net.3.weight"])
        let zeros = ["net.0.weight", "net.3.weight"].reduce(0) { $0 + (saved[$1]! .== 0).sum().item(as: Int.self) }
        XCTAssertEqual(zeros, (16 * 4 + 3 * 16) / 2)
    }
}

/// A classifier whose loader takes its batch size from the module, and that runs out of memory
/// (a real allocation failure of the CPU allocator) on batches of more than `memoryLimit` samples.
final class SizedClassifier: LightningModule<(Tensor, Tensor)>, BatchSizeTunable {
    let net = Linear(4, 3)
    var batchSize = 4
    var memoryLimit = 24

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        if batch.0.shape[0] > memoryLimit { _ = Tensor.empty([1 << 50]) }
        return F.crossEntropy(net(batch.0), batch.1)
    }

    override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        DataLoader(classificationData(count: 96), batchSize: batchSize, shuffle: true, seed: 4, collate: .pair)
    }

    override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
}

final class BatchSizeFinderTests: XCTestCase {
    func fit(_ model: SizedClassifier, callbacks: [Callback]) throws -> Trainer {
        _ = seedEverything(9)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, enableCheckpointing: false, enableProgressBar: false, defaultRootDir: $0, callbacks: callbacks)
        }
        try trainer.fit(model)
        return trainer
    }

    /// Power scaling doubles until a trial runs out of memory and keeps the last size that fit;
    /// the trials leave no trace: the fit equals one run with that batch size from the start.
    func testPowerScalingKeepsTheLastSizeThatFitAndUndoesItsTrials() throws {
        let finder = BatchSizeFinder(mode: .power, stepsPerTrial: 2)
        let model = SizedClassifier()
        let plain = SizedClassifier()
        try plain.loadStateDict(model.stateDict())
        plain.batchSize = 16
        let trainer = try fit(model, callbacks: [finder])
        XCTAssertEqual(finder.trials.map(\.batchSize), [2, 4, 8, 16, 32])
        XCTAssertEqual(finder.trials.map(\.fit), [true, true, true, true, false])
        XCTAssertEqual(finder.optimalBatchSize, 16)
        XCTAssertEqual(model.batchSize, 16)
        XCTAssertEqual(trainer.globalStep, 6, "96 samples in batches of 16")
        _ = try fit(plain, callbacks: [])
        XCTAssertTrue(model.net.weight.equal(plain.net.weight) && model.net.bias!.equal(plain.net.bias!))
    }

    func testBinarySearchNarrowsDownToTheLargestSizeThatFits() throws {
        let finder = BatchSizeFinder(mode: .binsearch, stepsPerTrial: 1)
        let model = SizedClassifier()
        _ = try fit(model, callbacks: [finder])
        XCTAssertEqual(finder.trials.map(\.batchSize), [2, 4, 8, 16, 32, 24, 28, 26, 25])
        XCTAssertEqual(finder.optimalBatchSize, 24)
        XCTAssertEqual(model.batchSize, 24)
    }

    func testALoaderPassedToFitIsRefused() throws {
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0, callbacks: [BatchSizeFinder()])
        }
        let model = SizedClassifier()
        XCTAssertThrowsError(try trainer.fit(model, train: model.trainDataloader())) {
            XCTAssertTrue("\($0)".contains("not passed to fit(train:)"), "\($0)")
        }
    }
}
