import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// What a failing run leaves to resume from, and callbacks made of closures.
final class FaultToleranceTests: XCTestCase {
    final class FailsAtBatch: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        var failAt: Int?

        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            if batchIdx == failAt { return net(Tensor.ones([2, 5])).sum() }
            return F.crossEntropy(net(batch.0), batch.1)
        }

        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
    }

    func testOnExceptionCheckpointSavesWhatAFailedRunDidAndItResumes() throws {
        let dir = try temporaryDirectory()
        let onException = OnExceptionCheckpoint(dirpath: dir + "/crash")
        let failing = try makeTrainer(dir) {
            try Trainer(maxEpochs: 2, enableProgressBar: false, defaultRootDir: $0, callbacks: [onException])
        }
        let model = FailsAtBatch()
        model.failAt = 5
        XCTAssertThrowsError(try failing.fit(model, train: DataLoader(classificationData(), batchSize: 8))) {
            XCTAssertTrue("\($0)".contains("training_step failed at epoch 0, batch 5"), "\($0)")
        }
        XCTAssertEqual(onException.checkpointPath, dir + "/crash/on_exception.ckpt")
        let saved = try TorchFile.load(onException.checkpointPath)
        XCTAssertEqual(saved["global_step"]?.intValue, 5, "the five steps done before the failure")
        let resumed = try makeTrainer(dir) { try Trainer(maxEpochs: 2, enableProgressBar: false, defaultRootDir: $0) }
        try resumed.fit(FailsAtBatch(), train: DataLoader(classificationData(), batchSize: 8),
                        ckptPath: .path(onException.checkpointPath))
        XCTAssertEqual(resumed.globalStep, 16)
    }

    func testALambdaCallbackRunsTheHooksItWasGiven() throws {
        var epochs: [Int] = [], batches = 0
        let callback = LambdaCallback(
            onTrainEpochEnd: { trainer, _ in epochs.append(trainer.currentEpoch) },
            onTrainBatchEnd: { _, _, loss, _, _ in if loss != nil { batches += 1 } },
            onSaveCheckpoint: { _, _, checkpoint in checkpoint.append(("note", .string("from a closure"))) })
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 2, enableProgressBar: false, defaultRootDir: $0, callbacks: [callback])
        }
        try trainer.fit(FailsAtBatch(), train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(epochs, [0, 1])
        XCTAssertEqual(batches, 16)
        let checkpoint = try TorchFile.load(trainer.checkpointCallback!.bestModelPath)
        XCTAssertEqual(checkpoint["note"]?.stringValue, "from a closure")
    }

    /// A checkpoint corrupted on disk is refused with the record and the reason, not resumed from.
    func testACorruptCheckpointIsRefusedOnResume() throws {
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0) }
        try trainer.fit(FailsAtBatch(), train: DataLoader(classificationData(), batchSize: 8))
        let path = trainer.checkpointCallback!.bestModelPath
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let weight = try XCTUnwrap(TorchFile.load(path)["state_dict"]?.stateDictValue?["net.weight"])
        let start = try XCTUnwrap(bytes.range(of: Data(weight.rawBytes()))).lowerBound
        for i in 0..<16 { bytes[start + i] ^= 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))
        let resumed = try makeTrainer(dir) { try Trainer(maxEpochs: 2, enableProgressBar: false, defaultRootDir: $0) }
        XCTAssertThrowsError(try resumed.fit(FailsAtBatch(), train: DataLoader(classificationData(), batchSize: 8), ckptPath: .path(path))) {
            XCTAssertTrue("\($0)".hasPrefix(path + ": record 'data/") && "\($0)".contains("is corrupt"), "\($0)")
        }
    }
}
