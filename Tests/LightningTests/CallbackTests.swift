import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// LearningRateMonitor, TrainingTimer, GradientAccumulationScheduler and ModelSummary.
final class CallbackTests: XCTestCase {
    private let data = DataLoader(classificationData(count: 32), batchSize: 8)

    func testLearningRateMonitorLogsEachStepsLearningRate() throws {
        let logger = MemoryLogger()
        let monitor = LearningRateMonitor()
        let model = TinyClassifier()
        model.schedulerInterval = .step
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 2, logEveryNSteps: 2, defaultRootDir: $0, callbacks: [monitor], logger: [logger])
        }
        try trainer.fit(model, train: data)
        let lrs = monitor.lrs["lr-SGD"]!
        XCTAssertEqual(lrs.count, 4, "steps 0, 2, 4, 6")
        for (i, lr) in lrs.enumerated() { XCTAssertEqual(lr, 0.1 * pow(0.9, Double(2 * i)), accuracy: 1e-12) }
        XCTAssertEqual(logger.steps.filter { $0.0.contains { $0.0 == "lr-SGD" } }.map(\.1), [0, 2, 4, 6])

        let perEpoch = LearningRateMonitor(loggingInterval: .epoch, logMomentum: true)
        let epochTrainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 3, defaultRootDir: $0, callbacks: [perEpoch], logger: [MemoryLogger()])
        }
        try epochTrainer.fit(TinyClassifier(), train: data)
        XCTAssertEqual(perEpoch.lrs["lr-SGD"]!.count, 3)
        XCTAssertEqual(perEpoch.lrs["lr-SGD"]![2], 0.1 * 0.9 * 0.9, accuracy: 1e-12)
        XCTAssertEqual(perEpoch.lrs["lr-momentum-SGD"], [0.9, 0.9, 0.9])
    }

    func testTrainingTimerStopsFitting() throws {
        let timer = TrainingTimer(duration: 0.2)
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1_000_000, defaultRootDir: $0, callbacks: [timer]) }
        try trainer.fit(TinyClassifier(), train: data)
        XCTAssertGreaterThanOrEqual(timer.timeElapsed(.fit), 0.2)
        XCTAssertLessThan(trainer.currentEpoch, 1_000_000)
        XCTAssertEqual(timer.timeRemaining, 0)
    }

    func testGradientAccumulationScheduler() throws {
        let recorder = Recorder()
        let schedule = GradientAccumulationScheduler(scheduling: [0: 1, 2: 2, 3: 4])
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 4, defaultRootDir: $0, callbacks: [schedule, recorder])
        }
        try trainer.fit(TinyClassifier(), train: data)
        XCTAssertEqual(trainer.globalStep, 4 + 4 + 2 + 1, "4 batches per epoch: 1, 1, 2 and 4 per step")
        let conflicting = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, accumulateGradBatches: 3, defaultRootDir: $0, callbacks: [schedule])
        }
        XCTAssertThrowsError(try conflicting.fit(TinyClassifier(), train: data)) {
            XCTAssertTrue("\($0)".contains("Either remove `accumulateGradBatches`"), "\($0)")
        }
    }

    func testModelSummaryDepth() {
        let table = ModelSummary(maxDepth: 2).summary(TinyClassifier())
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "  | Name  | Type       | Params | Mode ")
        XCTAssertEqual(lines[2], "0 | net   | Sequential | 131    | train")
        XCTAssertEqual(lines[3], "1 | net.0 | Linear     | 80     | train")
        XCTAssertEqual(lines[6], "4 | net.3 | Linear     | 51     | train")
        XCTAssertEqual(lines.last, "0.001     Total estimated model params size (MB)")
    }

    /// With an `exampleInputArray`, Lightning's In sizes and Out sizes columns.
    func testModelSummaryShowsSizesOfAnExampleInput() {
        final class Sized: LightningModule<(Tensor, Tensor)> {
            let net = Sequential { Linear(4, 16); ReLU(); Linear(16, 3) }
            override var exampleInputArray: Tensor? { Tensor.zeros([2, 4]) }
            override func forward(_ x: Tensor) -> Tensor { net(x) }
        }
        let model = Sized()
        let lines = ModelSummary(maxDepth: 2).summary(model).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "  | Name  | Type       | Params | Mode  | In sizes | Out sizes")
        XCTAssertEqual(lines[2], "0 | net   | Sequential | 131    | train | [2, 4]   | [2, 3]   ")
        XCTAssertEqual(lines[4], "2 | net.1 | ReLU       | 0      | train | [2, 16]  | [2, 16]  ")
        XCTAssertTrue(model.isTraining, "the training mode is put back")
    }
}

/// Keeps a copy of the parameters at the end of every epoch.
final class Snapshots: Callback {
    var epochs: [[Tensor]] = []
    func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        epochs.append(module.parameters().map { $0.detach().clone() })
    }
}

final class StochasticWeightAveragingTests: XCTestCase {
    func testTheModelEndsWithTheAverageOfTheLastEpochs() throws {
        let snapshots = Snapshots()
        let swa = StochasticWeightAveraging(swaLrs: 0.05, swaEpochStart: 0.5, annealingEpochs: 2)
        let model = TinyClassifier(dropout: 0)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 6, enableCheckpointing: false, defaultRootDir: $0, callbacks: [snapshots, swa])
        }
        try trainer.fit(model, train: DataLoader(classificationData(count: 32), batchSize: 8))
        XCTAssertEqual(swa.nAveraged, 3, "epochs 3, 4 and 5")
        for (i, p) in model.parameters().enumerated() {
            let mean = Tensor.stack(snapshots.epochs[3...].map { $0[i] }).mean(dim: 0)
            XCTAssertTrue(p.allclose(mean, rtol: 1e-5, atol: 1e-6), "parameter \(i) is the average of epochs 3-5")
            XCTAssertFalse(p.allclose(snapshots.epochs[5][i]), "and not the last epoch's weights")
        }
        XCTAssertEqual(model.lrSchedulers().count, 1)
        XCTAssertEqual(trainer.optimizers[0].paramGroups[0].lr, 0.05, accuracy: 1e-12, "annealed to swaLrs")
    }
}

final class LearningRateFinderTests: XCTestCase {
    /// The range test's steps are training steps: the backward hooks run and, under float16, the
    /// loss scaler scales them; its state is put back with the weights afterwards.
    func testRangeTestStepsGoThroughThePrecisionPlugInAndTheHooks() throws {
        final class BackwardCounter: Callback {
            var count = 0
            func onBeforeBackward(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor) throws { count += 1 }
        }
        let counter = BackwardCounter()
        let finder = LearningRateFinder(minLr: 1e-3, maxLr: 1e-1, numTraining: 5, earlyStopThreshold: nil)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(precision: .mixed16, maxEpochs: 1, defaultRootDir: $0, callbacks: [counter, finder])
        }
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 16))
        XCTAssertEqual(finder.results.loss.count, 5)
        XCTAssertEqual(counter.count, 5 + 4, "five range-test steps, then four training batches")
        XCTAssertEqual(trainer.precisionPlugin.stateDict()["_growth_tracker"]?.intValue, 4, "the scaler counts the fit's steps only")
        XCTAssertEqual(trainer.precisionPlugin.stateDict()["scale"]?.doubleValue, 65536)
    }

    func testRangeTestRestoresTheModelAndSuggestsARate() throws {
        final class Tunable: LightningModule<(Tensor, Tensor)> {
            let net = Sequential { Linear(4, 16); ReLU(); Linear(16, 3) }
            var lr = 1e-3
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
                F.crossEntropy(net(batch.0), batch.1)
            }
            override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: lr)) }
        }
        let model = Tunable()
        let before = model.stateDict().map { $0.value.clone() }
        final class Check: Callback {
            var weightsAtStart: [Tensor] = []
            func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
                weightsAtStart = module.stateDict().map { $0.value.clone() }
            }
        }
        let check = Check()
        let finder = LearningRateFinder(minLr: 1e-5, maxLr: 10, numTraining: 60) { module, lr in (module as! Tunable).lr = lr }
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [finder, check])
        }
        try trainer.fit(model, train: DataLoader(classificationData(count: 64), batchSize: 8, shuffle: true, seed: 1))
        let lrs = finder.results.lr
        XCTAssertGreaterThan(lrs.count, 20)
        XCTAssertEqual(lrs[0], 1e-5, accuracy: 1e-15)
        XCTAssertEqual(lrs[1] / lrs[0], pow(10.0 / 1e-5, 1.0 / 59), accuracy: 1e-9, "exponential spacing")
        for (a, b) in zip(before, check.weightsAtStart) { XCTAssertTrue(a.equal(b), "the range test leaves the weights as they were") }
        let suggestion = try XCTUnwrap(finder.suggestion)
        XCTAssertEqual(model.lr, suggestion, "handed to the model")
        XCTAssertEqual(trainer.optimizers[0].paramGroups[0].lr, suggestion, "and the optimizer made again with it")
        let loss = Array(finder.results.loss[10..<(finder.results.loss.count - 1)])
        let gradient = loss.indices.map { i in
            i == 0 ? loss[1] - loss[0] : i == loss.count - 1 ? loss[i] - loss[i - 1] : (loss[i + 1] - loss[i - 1]) / 2
        }
        XCTAssertEqual(suggestion, lrs[10 + gradient.indices.min { gradient[$0] < gradient[$1] }!], "steepest descent")
    }
}

/// The remaining arguments of the callbacks, one effect each.
final class CallbackArgumentTests: XCTestCase {
    private let data = DataLoader(classificationData(count: 32), batchSize: 8)

    func testTimerCheckedAtEpochEndsFinishesTheEpoch() throws {
        let recorder = Recorder()
        let timer = TrainingTimer(duration: 0, interval: .epoch)
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 5, defaultRootDir: $0, callbacks: [timer, recorder]) }
        try trainer.fit(TinyClassifier(), train: data)
        XCTAssertEqual(recorder.trainBatches, 4, "the whole first epoch, then stop")
        let stepTimer = TrainingTimer(duration: 0, interval: .step)
        let stepped = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 5, defaultRootDir: $0, callbacks: [stepTimer]) }
        try stepped.fit(TinyClassifier(), train: data)
        XCTAssertEqual(stepped.globalStep, 1, "stops after the first step")
    }

    func testProgressBarRefreshRate() throws {
        let pipe = Pipe()
        let bar = ProgressBar(refreshRate: 2, minInterval: 0, stream: pipe.fileHandleForWriting, isTerminal: true)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, enableModelSummary: false, defaultRootDir: $0, callbacks: [bar])
        }
        try trainer.fit(TinyClassifier(), train: data)
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: "Epoch 0:").count - 1, 3, "batches 2 and 4, and the final line: \(text.debugDescription)")
    }

    func testEarlyStoppingCheckedAtValidationEnd() throws {
        let stopper = EarlyStopping(monitor: "metric", patience: 1, checkOnTrainEpochEnd: false)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 10, valCheckInterval: 0.5, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [stopper])
        }
        try trainer.fit(ScriptedMetric([1.0]), train: data, val: data)
        XCTAssertEqual(trainer.globalStep, 4, "the second validation (after batch 4 of epoch 0) finds no improvement")
        XCTAssertEqual(stopper.stoppedEpoch, 0)
    }

    func testLearningRateFinderLinearModeAndEarlyStop() throws {
        final class Exploding: LightningModule<(Tensor, Tensor)> {
            let net = Linear(4, 3)
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
            override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.01)) }
        }
        let linear = LearningRateFinder(minLr: 0.1, maxLr: 1.0, numTraining: 10, mode: .linear, earlyStopThreshold: nil)
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, defaultRootDir: $0, callbacks: [linear]) }
        try trainer.fit(Exploding(), train: data)
        XCTAssertEqual(linear.results.lr.count, 10, "cycles the 4 batches until 10 steps")
        XCTAssertEqual(linear.results.lr[1] - linear.results.lr[0], 0.1, accuracy: 1e-12, "equal steps")
        XCTAssertNil(linear.suggestion, "10 points leave too few after skipping the first 10")

        let early = LearningRateFinder(minLr: 1e-3, maxLr: 1e6, numTraining: 100, earlyStopThreshold: 4)
        let stopped = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, defaultRootDir: $0, callbacks: [early]) }
        try stopped.fit(Exploding(), train: data)
        XCTAssertLessThan(early.results.lr.count, 100, "a diverging loss ends the range test early")
        XCTAssertGreaterThan(early.results.loss.last!, 4 * early.results.loss.filter(\.isFinite).min()!)
    }

    func testThrowingTrainerStopFromACallbackEndsFittingGracefully() throws {
        final class StopAtThirdBatch: Callback {
            func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
                if batchIdx == 2 { throw TrainerStop() }
            }
        }
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 5, defaultRootDir: $0, callbacks: [StopAtThirdBatch()])
        }
        XCTAssertNoThrow(try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8)))
        XCTAssertTrue(trainer.shouldStop)
        XCTAssertEqual(trainer.globalStep, 3, "stopped at the step boundary after the third batch")
        XCTAssertEqual(trainer.currentEpoch, 0)
        XCTAssertTrue(trainer.stoppedWithinEpoch)
    }

    func testCallbacksSteerTheRunThroughTheTrainersPublicMethods() throws {
        final class Steering: Callback {
            func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
                if trainer.currentEpoch == 0 && batchIdx == 1 { trainer.requestValidation() }
            }
            func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
                if trainer.currentEpoch == 1 { try trainer.setAccumulateGradBatches(2) }
            }
        }
        let model = TinyClassifier()
        model.recordEvents = true
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 2, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [Steering()])
        }
        let data = DataLoader(classificationData(), batchSize: 8)
        try trainer.fit(model, train: data, val: data)
        XCTAssertEqual(model.events.filter { $0 == "onValidationEpochStart" }.count, 3, "one asked for after batch 1, one per epoch end")
        XCTAssertEqual(trainer.accumulateGradBatches, 2)
        XCTAssertEqual(trainer.globalStep, 8 + 4, "epoch 1 steps every second batch")
        XCTAssertThrowsError(try trainer.setAccumulateGradBatches(0)) {
            XCTAssertTrue("\($0)".contains("must be a positive integer, got 0"), "\($0)")
        }
    }
}
