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

    /// A checkpoint I/O whose writes wait until the test lets them go, counting them.
    final class HeldIO: CheckpointIO, @unchecked Sendable {
        let release = DispatchSemaphore(value: 0)
        let base = TorchCheckpointIO()
        var failWith: Error?
        func save(_ checkpoint: StateValue, to path: String) throws {
            release.wait()
            if let failWith { throw failWith }
            try base.save(checkpoint, to: path)
        }
        func load(_ path: String) throws -> StateValue { try base.load(path) }
        func remove(_ path: String) throws { try base.remove(path) }
        func teardown() throws {}
    }

    /// `save` returns before the file is written, with the tensors already copied: changing the
    /// weights afterwards does not change what is written; the next save waits for the first.
    func testAsyncSavesReturnBeforeTheWriteWithACopyOfTheState() throws {
        let dir = try temporaryDirectory()
        let held = HeldIO()
        let io = AsyncCheckpointIO(held)
        let weight = Tensor.ones([64, 64])
        try io.save(.dict([("w", .tensor(weight))]), to: dir + "/a.ckpt")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a.ckpt"), "written in the background")
        _ = weight.mul_(3)
        held.release.signal()
        held.release.signal()
        try io.save(.dict([("w", .tensor(weight))]), to: dir + "/b.ckpt")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/a.ckpt"), "the second save waited for the first")
        try io.teardown()
        XCTAssertTrue(try io.load(dir + "/a.ckpt")["w"]!.tensorValue!.equal(Tensor.ones([64, 64])))
        XCTAssertTrue(try io.load(dir + "/b.ckpt")["w"]!.tensorValue!.equal(Tensor.ones([64, 64]) * 3))
    }

    /// A write that fails in the background is thrown by the next call, not lost.
    func testAFailedBackgroundWriteIsThrownByTheNextCall() throws {
        let held = HeldIO()
        held.failWith = CocoaError(.fileWriteOutOfSpace)
        let io = AsyncCheckpointIO(held)
        try io.save(.dict([("w", .tensor(Tensor.ones([2])))]), to: try temporaryDirectory() + "/a.ckpt")
        held.release.signal()
        XCTAssertThrowsError(try io.teardown()) { XCTAssertEqual(($0 as? CocoaError)?.code, .fileWriteOutOfSpace) }
        XCTAssertNoThrow(try io.teardown(), "thrown once")
    }

    /// A fit with `AsyncCheckpointIO` keeps the same checkpoints as one without (top-k removals
    /// included), and resuming from one gives the same weights.
    func testAFitWithAsyncCheckpointsKeepsTheSameCheckpoints() throws {
        func fit(_ plugins: [TrainerPlugin], dir: String, ckpt: CheckpointPath? = nil, epochs: Int = 2) throws -> (Trainer, FailsAtBatch) {
            _ = seedEverything(3)
            let checkpoints = ModelCheckpoint(dirpath: dir + "/ckpt", saveLast: true, everyNTrainSteps: 3)
            let trainer = try makeTrainer(dir) {
                try Trainer(maxEpochs: epochs, enableProgressBar: false, defaultRootDir: $0, callbacks: [checkpoints], plugins: plugins)
            }
            let model = FailsAtBatch()
            try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8), ckptPath: ckpt)
            return (trainer, model)
        }
        let (syncDir, asyncDir) = (try temporaryDirectory(), try temporaryDirectory())
        _ = try fit([], dir: syncDir)
        _ = try fit([.checkpointIO(AsyncCheckpointIO())], dir: asyncDir)
        let names = try FileManager.default.contentsOfDirectory(atPath: syncDir + "/ckpt").sorted()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: asyncDir + "/ckpt").sorted(), names)
        XCTAssertEqual(names.count, 2, "\(names): the newest and last")
        for name in names {
            let (a, b) = (try TorchFile.load("\(syncDir)/ckpt/\(name)"), try TorchFile.load("\(asyncDir)/ckpt/\(name)"))
            let (wa, wb) = (a["state_dict"]!.stateDictValue!, b["state_dict"]!.stateDictValue!)
            for (key, value) in wa { XCTAssertTrue(value.equal(wb[key]!), "\(name): \(key)") }
        }
        let (_, resumedSync) = try fit([], dir: syncDir, ckpt: .path("\(syncDir)/ckpt/\(names[0])"), epochs: 3)
        let (_, resumedAsync) = try fit([.checkpointIO(AsyncCheckpointIO())], dir: asyncDir,
                                        ckpt: .path("\(asyncDir)/ckpt/\(names[0])"), epochs: 3)
        XCTAssertTrue(resumedSync.net.weight.equal(resumedAsync.net.weight))
    }
}
