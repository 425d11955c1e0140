import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Each Trainer argument changes what a run does.
final class TrainerFlagTests: XCTestCase {
    private var train: DataLoader<[Tensor], (Tensor, Tensor)> { DataLoader(classificationData(), batchSize: 8) }
    private var val: DataLoader<[Tensor], (Tensor, Tensor)> { DataLoader(classificationData(count: 32), batchSize: 8) }

    private func fit(_ model: TinyClassifier = TinyClassifier(), output: OutputCapture? = nil, recorder: Recorder = Recorder(),
                     validate: Bool = true, _ make: (String, [Callback]) throws -> Trainer) throws -> (Trainer, Recorder) {
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir, output: output) { try make($0, [recorder]) }
        try trainer.fit(model, train: train, val: validate ? val : nil)
        return (trainer, recorder)
    }

    func testMaxEpochsMaxStepsAndMinEpochs() throws {
        XCTAssertEqual(try fit { try Trainer(maxEpochs: 2, defaultRootDir: $0, callbacks: $1) }.0.globalStep, 16)
        let (steps, _) = try fit { try Trainer(maxEpochs: 10, maxSteps: 11, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(steps.globalStep, 11)
        XCTAssertEqual(steps.currentEpoch, 1, "stopped in the middle of the second epoch")
        let early = Recorder()
        early.stopAtBatch = 0
        let (minimum, _) = try fit(recorder: early) { try Trainer(maxEpochs: 10, minEpochs: 3, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(minimum.currentEpoch, 3, "shouldStop waits for minEpochs")
        let (stopped, _) = try fit(recorder: early) { try Trainer(maxEpochs: 10, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(stopped.globalStep, 1, "shouldStop ends fitting after the step")
    }

    func testMaxTime() throws {
        let (trainer, _) = try fit { try Trainer(maxEpochs: 100_000, maxTime: 0.3, defaultRootDir: $0, callbacks: $1) }
        XCTAssertLessThan(trainer.currentEpoch, 100_000)
        XCTAssertGreaterThan(trainer.globalStep, 0)
    }

    func testLimitsOnBatches() throws {
        let (counted, r1) = try fit { try Trainer(maxEpochs: 2, limitTrainBatches: 3, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(counted.globalStep, 6)
        XCTAssertEqual(r1.trainBatches, 6)
        let (fraction, _) = try fit { try Trainer(maxEpochs: 1, limitTrainBatches: 0.25, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(fraction.globalStep, 2)
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir) { try Trainer(limitValBatches: 2, limitTestBatches: 1, limitPredictBatches: 3, defaultRootDir: $0) }
        let model = TinyClassifier()
        model.recordEvents = true
        try trainer.validate(model, val)
        XCTAssertEqual(model.events.filter { $0 == "validationStep" }.count, 2)
        XCTAssertEqual(try trainer.predict(model, val).count, 3)
    }

    func testValidationScheduleAndSanityCheck() throws {
        let (_, quarter) = try fit { try Trainer(maxEpochs: 2, valCheckInterval: 0.25, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(quarter.validationRuns, 8, "four validations per epoch")
        let (_, every3) = try fit { try Trainer(maxEpochs: 2, valCheckInterval: 3, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(every3.validationRuns, 2 * 2, "after batches 3 and 6 of 8, as in Lightning: the end is not a third")
        XCTAssertThrowsError(try fit { try Trainer(maxEpochs: 1, valCheckInterval: 9, defaultRootDir: $0, callbacks: $1) }) { error in
            XCTAssertEqual("\(error)", "Trainer(valCheckInterval:): 9 batches must be at most the number of training batches (8); "
                + "to turn validation off set limitValBatches to 0")
        }
        let (_, alternate) = try fit { try Trainer(maxEpochs: 4, checkValEveryNEpoch: 2, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(alternate.validationRuns, 2)
        let (_, sanity) = try fit { try Trainer(maxEpochs: 1, numSanityValSteps: 3, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(sanity.sanityBatches, 3)
        let (_, none) = try fit { try Trainer(maxEpochs: 1, numSanityValSteps: 0, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(none.sanityBatches, 0)
    }

    func testLogEveryNStepsWritesThatManyRows() throws {
        let (trainer, _) = try fit(validate: false) { try Trainer(maxEpochs: 2, logEveryNSteps: 4, defaultRootDir: $0, callbacks: $1) }
        let lines = try String(contentsOfFile: trainer.logDir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        let column = lines[0].split(separator: ",").firstIndex(of: "train_loss_step")!
        let rows = lines.dropFirst()
        XCTAssertEqual(rows.filter { !$0.split(separator: ",", omittingEmptySubsequences: false)[column].isEmpty }.count, 4,
                       "train_loss_step at steps 4, 8, 12, 16")
        XCTAssertEqual(rows.count, 4 + 2, "plus one epoch row per epoch")
    }

    func testAccumulationStepsEveryNBatchesWithTheMeanGradient() throws {
        let (trainer, recorder) = try fit { try Trainer(maxEpochs: 1, accumulateGradBatches: 3, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(trainer.globalStep, 3, "8 batches: steps after batches 3, 6 and the last")
        XCTAssertEqual(recorder.gradNorms.count, 3)

        manualSeed(4)
        let a = TinyClassifier(dropout: 0), b = TinyClassifier(dropout: 0)
        try b.loadStateDict(a.stateDict())
        let whole = DataLoader(classificationData(count: 16), batchSize: 16)
        let halves = DataLoader(classificationData(count: 16), batchSize: 8)
        for (model, loader, accumulate) in [(a, whole, 1), (b, halves, 2)] {
            let dir = try temporaryDirectory()
            let t = try makeTrainer(dir) {
                try Trainer(maxEpochs: 1, accumulateGradBatches: accumulate, enableCheckpointing: false, defaultRootDir: $0)
            }
            try t.fit(model, train: loader)
        }
        for (p, q) in zip(a.parameters(), b.parameters()) {
            XCTAssertTrue(p.allclose(q, rtol: 1e-5, atol: 1e-6), "two accumulated halves equal one whole batch")
        }
    }

    func testGradientClipping() throws {
        let (_, byNorm) = try fit { try Trainer(maxEpochs: 1, gradientClipVal: 0.05, defaultRootDir: $0, callbacks: $1) }
        XCTAssertTrue(byNorm.gradNorms.allSatisfy { $0 <= 0.05 + 1e-6 }, "\(byNorm.gradNorms)")
        let (_, byValue) = try fit {
            try Trainer(maxEpochs: 1, gradientClipVal: 0.01, gradientClipAlgorithm: .value, defaultRootDir: $0, callbacks: $1)
        }
        XCTAssertTrue(byValue.gradMaxAbs.allSatisfy { $0 <= 0.01 + 1e-7 }, "\(byValue.gradMaxAbs)")
        let (_, unclipped) = try fit { try Trainer(maxEpochs: 1, defaultRootDir: $0, callbacks: $1) }
        XCTAssertTrue(unclipped.gradNorms.contains { $0 > 0.05 })
    }

    func testDeterministicRunsRepeat() throws {
        var finals: [[Float]] = []
        for _ in 0..<2 {
            seedEverything(7)
            let model = TinyClassifier()
            let dir = try temporaryDirectory()
            let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 2, deterministic: true, defaultRootDir: $0) }
            try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8, shuffle: true), val: val)
            finals.append(model.parameters()[0].scalars(as: Float.self))
        }
        XCTAssertEqual(finals[0], finals[1])
    }

    func testBenchmarkAndDeterminismAreSetForTheRunAndRestoredAfter() throws {
        let before = CUDA.cudnnBenchmark
        defer { CUDA.cudnnBenchmark = before }
        CUDA.cudnnBenchmark = false
        XCTAssertTrue(try Trainer(benchmark: true, enableCheckpointing: false).benchmark)
        XCTAssertFalse(CUDA.cudnnBenchmark, "making a Trainer changes nothing in the process")
        CUDA.cudnnBenchmark = true
        XCTAssertTrue(try Trainer(enableCheckpointing: false).benchmark, "nil keeps the process's setting")
        XCTAssertFalse(try Trainer(deterministic: true, enableCheckpointing: false).benchmark, "deterministic turns it off")
        XCTAssertTrue(try Trainer(deterministic: true, benchmark: true, enableCheckpointing: false).benchmark)

        /// Reads the process's settings while training runs.
        final class SettingsProbe: Callback {
            var seen: (benchmark: Bool, deterministic: Bool)?
            func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
                seen = (CUDA.cudnnBenchmark, TorchSettings.deterministicAlgorithms.enabled)
            }
        }
        CUDA.cudnnBenchmark = true
        XCTAssertFalse(TorchSettings.deterministicAlgorithms.enabled)
        let probe = SettingsProbe()
        let trainer = try Trainer(maxEpochs: 1, deterministic: true, enableCheckpointing: false, enableProgressBar: false,
                                  enableModelSummary: false, callbacks: [probe], logger: [])
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 16))
        XCTAssertEqual(probe.seen?.benchmark, false, "the run is deterministic: no cuDNN autotuning")
        XCTAssertEqual(probe.seen?.deterministic, true)
        XCTAssertTrue(CUDA.cudnnBenchmark, "restored after the run")
        XCTAssertFalse(TorchSettings.deterministicAlgorithms.enabled, "restored after the run")
        XCTAssertEqual(ProcessInfo.processInfo.environment["CUBLAS_WORKSPACE_CONFIG"], ":4096:8")
    }

    func testFastDevRunAndOverfitBatches() throws {
        let output = OutputCapture()
        let (dev, recorder) = try fit(output: output) { try Trainer(maxEpochs: 10, fastDevRun: true, defaultRootDir: $0, callbacks: $1) }
        XCTAssertEqual(dev.globalStep, 1)
        XCTAssertEqual(recorder.validationRuns, 1)
        XCTAssertEqual(recorder.sanityBatches, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dev.defaultRootDir + "/lightning_logs"), "no logs or checkpoints")

        let seen = BatchRecorder()
        let (overfit, _) = try fit(recorder: Recorder()) {
            try Trainer(maxEpochs: 3, overfitBatches: 2, defaultRootDir: $0, callbacks: $1 + [seen])
        }
        XCTAssertEqual(overfit.globalStep, 6)
        XCTAssertEqual(seen.firstLabels.count, 6)
        XCTAssertEqual(Array(seen.firstLabels[0..<2]), Array(seen.firstLabels[2..<4]), "the same batches every epoch")
    }

    func testCheckpointingProgressBarSummaryAndBarebones() throws {
        let (off, _) = try fit { try Trainer(maxEpochs: 1, enableCheckpointing: false, defaultRootDir: $0, callbacks: $1) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: off.logDir + "/checkpoints"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: off.logDir + "/metrics.csv"))

        let shown = OutputCapture()
        _ = try fit(output: shown) { try Trainer(maxEpochs: 2, defaultRootDir: $0, callbacks: $1) }
        XCTAssertTrue(shown.text.contains("  | Name | Type       | Params | Mode"), shown.text)
        XCTAssertTrue(shown.text.contains("0 | net  | Sequential | 131    | train"), shown.text)
        XCTAssertTrue(shown.text.contains("0.001     Total estimated model params size (MB)"), shown.text)
        XCTAssertTrue(shown.text.contains("Epoch 1: 100%|██████████| 8/8 ["), shown.text)
        XCTAssertTrue(shown.text.contains("it/s, train_loss="), shown.text)

        let hidden = OutputCapture()
        _ = try fit(output: hidden) {
            try Trainer(maxEpochs: 1, enableProgressBar: false, enableModelSummary: false, defaultRootDir: $0, callbacks: $1)
        }
        XCTAssertEqual(hidden.lines, [])

        let bare = OutputCapture()
        let (barebones, _) = try fit(output: bare) { try Trainer(maxEpochs: 1, defaultRootDir: $0, callbacks: $1, barebones: true) }
        XCTAssertEqual(bare.lines, [])
        XCTAssertTrue(barebones.callbackMetrics.isEmpty, "barebones does not log")
        XCTAssertFalse(FileManager.default.fileExists(atPath: barebones.defaultRootDir + "/lightning_logs"))
    }

    func testCustomLoggerCallbacksAndRootDir() throws {
        let logger = MemoryLogger()
        let (trainer, recorder) = try fit { try Trainer(maxEpochs: 2, logEveryNSteps: 1, defaultRootDir: $0, callbacks: $1, logger: [logger]) }
        XCTAssertEqual(logger.steps.filter { $0.0.contains { $0.0 == "train_loss_step" } }.count, 16)
        XCTAssertTrue(logger.steps.contains { $0.0.contains { $0.0 == "val_acc" } })
        XCTAssertEqual(logger.status, "success")
        XCTAssertEqual(recorder.trainBatches, 16)
        XCTAssertTrue(trainer.checkpointCallback!.bestModelPath.hasPrefix(trainer.defaultRootDir + "/checkpoints/"))
    }

    func testDetectAnomalyAndProfiler() throws {
        final class NaNModel: LightningModule<(Tensor, Tensor)> {
            let w = Linear(4, 1)
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
                (w(batch.0).abs() * 0).sqrt().sum()
            }
            override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
        }
        let dir = try temporaryDirectory()
        let anomaly = try makeTrainer(dir) { try Trainer(maxEpochs: 1, defaultRootDir: $0, detectAnomaly: true) }
        XCTAssertThrowsError(try anomaly.fit(NaNModel(), train: train)) {
            XCTAssertTrue("\($0)".contains("backward failed at epoch 0, batch 0: Function 'MulBackward1' returned nan values"), "\($0)")
        }
        let plain = try makeTrainer(dir) { try Trainer(maxEpochs: 1, defaultRootDir: $0) }
        XCTAssertNoThrow(try plain.fit(NaNModel(), train: train))

        let output = OutputCapture()
        let (profiled, _) = try fit(output: output) { try Trainer(maxEpochs: 1, defaultRootDir: $0, callbacks: $1, profiler: .simple) }
        XCTAssertEqual((profiled.profiler as? SimpleProfiler)?.counts["run_training_batch"], 8)
        XCTAssertEqual((profiled.profiler as? SimpleProfiler)?.counts["optimizer_step"], 8)
        XCTAssertTrue(output.text.contains("Profiler report"))
    }
}

/// Remembers the first label of every training batch.
final class BatchRecorder: Callback {
    var firstLabels: [Int64] = []
    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        firstLabels.append((batch as! (Tensor, Tensor)).1[0].item(as: Int64.self))
    }
}

/// Keeps logged metrics in memory.
final class MemoryLogger: Logger {
    var steps: [([(String, Double)], Int)] = []
    var params: [(String, StateValue)] = []
    var status = ""
    var logDir: String { "" }
    func logMetrics(_ metrics: [(String, Double)], step: Int) throws { steps.append((metrics, step)) }
    func logHyperparams(_ params: [(String, StateValue)]) throws { self.params = params }
    func finalize(status: String) throws { self.status = status }
}
