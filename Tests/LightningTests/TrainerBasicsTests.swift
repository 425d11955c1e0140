import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Fit, validate, test and predict, the hook order, and the files a run writes.
final class TrainerBasicsTests: XCTestCase {
    func testFitLearnsValidatesAndWritesLogsAndCheckpoints() throws {
        let dir = try temporaryDirectory()
        seedEverything(1)
        let model = TinyClassifier()
        let train = DataLoader(classificationData(), batchSize: 8, shuffle: true)
        let val = DataLoader(classificationData(count: 32, seed: 9), batchSize: 16)
        let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 5, logEveryNSteps: 4, defaultRootDir: $0) }
        let before = try trainer.validate(model, val)["val_loss"]!
        try trainer.fit(model, train: train, val: val)
        XCTAssertEqual(trainer.globalStep, 5 * 8)
        XCTAssertEqual(trainer.currentEpoch, 5)
        XCTAssertLessThan(trainer.callbackMetrics["val_loss"]!.item(), before)
        XCTAssertNotNil(trainer.callbackMetrics["train_loss_epoch"])
        let csv = try String(contentsOfFile: trainer.logDir + "/metrics.csv", encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("epoch,step,train_loss_epoch,train_loss_step,val_acc,val_loss\n"), csv)
        XCTAssertTrue(csv.contains("val_loss") && csv.contains("train_loss_step") && csv.contains("train_loss_epoch"))
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: trainer.logDir + "/checkpoints")
        XCTAssertEqual(checkpoints, ["epoch=4-step=40.ckpt"], "only the latest is kept without a monitor")
        let results = try trainer.test(model, val)
        XCTAssertNotNil(results["test_loss"])
        let predictions = try trainer.predict(model, DataLoader(classificationData(count: 10), batchSize: 4))
        XCTAssertEqual(predictions.map { $0.size(0) }, [4, 4, 2])
    }

    func testHooksRunInLightningsOrder() throws {
        let dir = try temporaryDirectory()
        let model = TinyClassifier()
        model.recordEvents = true
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 1, limitTrainBatches: 2, limitValBatches: 1, numSanityValSteps: 1, accumulateGradBatches: 2,
                        defaultRootDir: $0)
        }
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8),
                        val: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(model.events, [
            "setup", "onFitStart", "onValidationEpochStart", "validationStep", "onValidationEpochEnd", "onTrainStart",
            "onTrainEpochStart",
            "onTrainBatchStart", "trainingStep", "onBeforeBackward", "onAfterBackward", "onTrainBatchEnd",
            "onTrainBatchStart", "trainingStep", "onBeforeBackward", "onAfterBackward", "onBeforeOptimizerStep",
            "onBeforeZeroGrad", "onTrainBatchEnd",
            "onValidationEpochStart", "validationStep", "onValidationEpochEnd", "onTrainEpochEnd", "onTrainEnd", "onFitEnd",
            "teardown",
        ])
    }

    func testAStepErrorEndsFitWithItsMessageAndKeepsCheckpoints() throws {
        let dir = try temporaryDirectory()
        let model = TinyClassifier()
        let recorder = Recorder()
        let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 3, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [recorder]) }
        let train = DataLoader(classificationData(), batchSize: 16)
        try trainer.fit(model, train: train)
        let saved = try FileManager.default.contentsOfDirectory(atPath: trainer.logDir + "/checkpoints")
        model.failAtBatch = 2
        let again = try makeTrainer(dir) { try Trainer(maxEpochs: 3, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [recorder]) }
        XCTAssertThrowsError(try again.fit(model, train: train)) { error in
            // The hook, the caller's line (TinyClassifier.forward's `net(x)`), the operator and libtorch's message.
            XCTAssertEqual("\(error)", "training_step failed at epoch 0, batch 2 (\(packageRoot)/Tests/LightningTests/Fixtures.swift:27): "
                + "aten::linear: mat1 and mat2 shapes cannot be multiplied (16x3 and 4x16)")
        }
        XCTAssertEqual(recorder.exceptions.count, 1)
        XCTAssertEqual(recorder.teardowns, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: trainer.logDir + "/checkpoints"), saved)
    }

    /// Worker threads are stopped and joined when a loop leaves its loader, so none is inside
    /// libtorch while a process that failed exits.
    func testAFailedFitLeavesNoDataLoaderThreadRunning() throws {
        func loaderThreads() -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.filter { task in
                ((try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? "").hasPrefix("DataLoader")
            }.count
        }
        let model = TinyClassifier()
        model.failAtBatch = 2
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, numSanityValSteps: 0, enableProgressBar: false, defaultRootDir: $0)
        }
        let before = loaderThreads()
        XCTAssertThrowsError(try trainer.fit(model, train: DataLoader(classificationData(count: 640), batchSize: 8, numWorkers: 2)))
        XCTAssertEqual(loaderThreads(), before, "80 batches, 2 workers 4 batches ahead: both were still at work when the step failed")
    }

    func testInvalidArgumentsAreRefusedBeforeTraining() {
        func message(_ make: () throws -> Trainer) -> String {
            do {
                _ = try make()
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message { try Trainer(accumulateGradBatches: 0) }, "Trainer(accumulateGradBatches:): must be a positive integer, got 0")
        XCTAssertEqual(message { try Trainer(limitTrainBatches: 1.5) },
                       "Trainer(limitTrainBatches:): must be a non-negative count or a fraction in [0, 1], got 1.5")
        XCTAssertEqual(message { try Trainer(valCheckInterval: 0) },
                       "Trainer(valCheckInterval:): must be a positive number of batches or a fraction in (0, 1], got 0")
        XCTAssertEqual(message { try Trainer(maxEpochs: -2) }, "Trainer(maxEpochs:): must be -1 (no limit) or non-negative, got -2")
        XCTAssertEqual(message { try Trainer(gradientClipVal: -1) }, "Trainer(gradientClipVal:): must be non-negative, got -1.0")
        XCTAssertEqual(message { try Trainer(logEveryNSteps: 0) }, "Trainer(logEveryNSteps:): must be a positive integer, got 0")
        XCTAssertTrue(message { try Trainer(strategy: .ddp(bucketCapMB: 0)) }.hasPrefix("Trainer(strategy:): .ddp(bucketCapMB:) must be positive"))
        XCTAssertTrue(message { try Trainer(devices: -1) }.hasPrefix("Trainer(devices:): must be a positive number of devices"))
        XCTAssertTrue(message { try Trainer(accelerator: .gpu) }.hasPrefix("Trainer(accelerator:): .gpu needs a CUDA device"))
    }
}
