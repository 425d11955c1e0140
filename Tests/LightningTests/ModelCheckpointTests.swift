import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// ModelCheckpoint's arguments each change which files exist.
final class ModelCheckpointTests: XCTestCase {
    /// Fits the scripted-metric model for `epochs` epochs of 4 steps; returns the files kept.
    private func run(_ values: [Double], epochs: Int = 5, _ callback: ModelCheckpoint) throws -> (Trainer, [String]) {
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: epochs, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [callback])
        }
        try trainer.fit(ScriptedMetric(values), train: DataLoader(classificationData(count: 16), batchSize: 4),
                        val: DataLoader(classificationData(count: 16), batchSize: 16))
        let files = (try? FileManager.default.contentsOfDirectory(atPath: callback.dirpath!)) ?? []
        return (trainer, files.sorted())
    }

    func testSaveTopKKeepsTheBest() throws {
        let top2 = ModelCheckpoint(monitor: "metric", saveTopK: 2)
        let (_, files) = try run([0.5, 0.3, 0.4, 0.2, 0.6], top2)
        XCTAssertEqual(files, ["epoch=1-step=8.ckpt", "epoch=3-step=16.ckpt"])
        XCTAssertTrue(top2.bestModelPath.hasSuffix("epoch=3-step=16.ckpt"))
        XCTAssertEqual(top2.bestModelScore, 0.2)
        let (_, highest) = try run([0.5, 0.3, 0.4, 0.2, 0.6], ModelCheckpoint(monitor: "metric", mode: .max))
        XCTAssertEqual(highest, ["epoch=4-step=20.ckpt"])
        let (_, all) = try run([0.5], ModelCheckpoint(saveTopK: -1))
        XCTAssertEqual(all.count, 5)
        let (_, lastOnly) = try run([0.5], ModelCheckpoint(saveTopK: 0, saveLast: true))
        XCTAssertEqual(lastOnly, ["last.ckpt"])
    }

    func testFilenameTemplates() throws {
        let (_, named) = try run([0.5, 0.25], epochs: 2, ModelCheckpoint(filename: "{epoch:02d}-{metric:.3f}", monitor: "metric"))
        XCTAssertEqual(named, ["epoch=01-metric=0.250.ckpt"])
        let (_, bare) = try run([0.5], epochs: 1, ModelCheckpoint(filename: "model-{step}", autoInsertMetricName: false))
        XCTAssertEqual(bare, ["model-4.ckpt"])
    }

    func testAStopWithinAnEpochSavesWhereItStopped() throws {
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir) { try Trainer(maxSteps: 5, numSanityValSteps: 0, enableProgressBar: false, defaultRootDir: $0) }
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertTrue(trainer.stoppedWithinEpoch, "8 batches an epoch")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: trainer.checkpointDirectory), ["epoch=0-step=5.ckpt"])
        let monitored = ModelCheckpoint(monitor: "val_loss")
        let output = OutputCapture()
        let early = try makeTrainer(try temporaryDirectory(), output: output) {
            try Trainer(maxSteps: 5, numSanityValSteps: 0, enableProgressBar: false, defaultRootDir: $0, callbacks: [monitored])
        }
        try early.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8), val: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(monitored.bestModelPath, "")
        XCTAssertTrue(output.text.contains("ModelCheckpoint(monitor: \"val_loss\"): training stopped at step 5 before val_loss was logged"),
                      output.text)
    }

    func testResumingIntoANewVersionFolderKeepsTheEarlierRunsCheckpoints() throws {
        let dir = try temporaryDirectory()
        let train = DataLoader(classificationData(), batchSize: 8)
        let first = try makeTrainer(dir) { try Trainer(maxEpochs: 1, numSanityValSteps: 0, enableProgressBar: false, defaultRootDir: $0) }
        try first.fit(TinyClassifier(), train: train)
        let saved = first.checkpointCallback!.bestModelPath
        XCTAssertTrue(saved.hasSuffix("version_0/checkpoints/epoch=0-step=8.ckpt"), saved)
        let output = OutputCapture()
        let second = try makeTrainer(dir, output: output) {
            try Trainer(maxEpochs: 3, numSanityValSteps: 0, enableProgressBar: false, defaultRootDir: $0)
        }
        try second.fit(TinyClassifier(), train: train, ckptPath: .path(saved))
        XCTAssertTrue(FileManager.default.fileExists(atPath: saved), "the earlier run's checkpoint is kept")
        XCTAssertTrue(second.checkpointCallback!.bestModelPath.hasSuffix("version_1/checkpoints/epoch=2-step=24.ckpt"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: second.checkpointDirectory), ["epoch=2-step=24.ckpt"],
                       "within its own folder the run keeps only its best")
        XCTAssertTrue(output.text.contains("ModelCheckpoint: the checkpoint folder changed from \(first.checkpointDirectory) to "
            + "\(second.checkpointDirectory); only bestModelPath is restored"), output.text)
    }

    func testAFolderGivenWithATrailingSlashKeepsOnlyTheBest() throws {
        let folder = try temporaryDirectory() + "/checkpoints/"
        let (_, files) = try run([0.5], epochs: 3, ModelCheckpoint(dirpath: folder))
        XCTAssertEqual(files, ["epoch=2-step=12.ckpt"])
    }

    func testSaveTriggers() throws {
        let (_, steps) = try run([0.5], epochs: 2, ModelCheckpoint(saveTopK: -1, everyNTrainSteps: 3))
        XCTAssertEqual(steps, ["epoch=0-step=3.ckpt", "epoch=1-step=6.ckpt"])
        let (_, epochs) = try run([0.5], epochs: 5, ModelCheckpoint(saveTopK: -1, everyNEpochs: 2))
        XCTAssertEqual(epochs, ["epoch=1-step=8.ckpt", "epoch=3-step=16.ckpt"])
        let (_, timed) = try run([0.5], epochs: 2, ModelCheckpoint(saveTopK: -1, trainTimeInterval: 0))
        XCTAssertEqual(timed.count, 8, "an interval of zero saves after every step")
    }

    func testInvalidConfigurationsAreRefused() throws {
        XCTAssertThrowsError(try run([0.5], ModelCheckpoint(saveTopK: 3))) {
            XCTAssertEqual("\($0)", "ModelCheckpoint(saveTopK: 3, monitor: nil) is not a valid configuration. No quantity for top_k to track.")
        }
        XCTAssertThrowsError(try run([0.5], ModelCheckpoint(everyNTrainSteps: 2, everyNEpochs: 1))) {
            XCTAssertTrue("\($0)".hasSuffix("should be mutually exclusive."), "\($0)")
        }
        XCTAssertThrowsError(try run([0.5], ModelCheckpoint(monitor: "val_loss"))) {
            XCTAssertTrue("\($0)".contains("could not find the monitored key"), "\($0)")
        }
    }
}
