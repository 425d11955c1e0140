import Foundation
@testable import Lightning
import TestSupport
import Torch
import XCTest

/// TensorBoard event files, read back by the tensorboard package's own reader.
final class TensorBoardLoggerTests: XCTestCase {
    func testCRC32CKnownValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    func testTensorBoardReadsScalarsTextAndHyperparameters() throws {
        let dir = try temporaryDirectory()
        let tensorboard = TensorBoardLogger(root: dir)
        let csv = CSVLogger(root: dir)
        let model = TinyClassifier()
        model.saveHyperparameters(["lr": 0.1, "optimizer": "sgd"])
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 2, logEveryNSteps: 2, defaultRootDir: $0, logger: [tensorboard, csv])
        }
        try trainer.fit(model, train: DataLoader(classificationData(count: 32), batchSize: 8),
                        val: DataLoader(classificationData(count: 16), batchSize: 8))
        try tensorboard.logText("note", "hello from Swift", step: 8)
        try tensorboard.finalize(status: "success")

        let json = try runOracle("tensorboard_read.py", [tensorboard.logDir])
        let read = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: Any]]
        let scalars = read["scalars"] as! [String: [[Double]]]
        XCTAssertEqual(scalars["train_loss_step"]?.map { Int($0[0]) }, [1, 3, 5, 7], "the index of the step taken, as Lightning logs it")
        XCTAssertEqual(scalars["val_acc"]?.count, 2)
        XCTAssertEqual(Float(scalars["train_loss_step"]![3][1]), Float(trainer.loggedMetrics["train_loss_step"]!.item()))
        XCTAssertEqual((read["text"]!["note"] as! [Any])[1] as? String, "hello from Swift")
        XCTAssertEqual(read["hparams"]!["lr"] as? Double, 0.1)
        XCTAssertEqual(read["hparams"]!["optimizer"] as? String, "sgd")
        XCTAssertEqual(tensorboard.logDir, csv.logDir, "loggers made together share the run's version folder, as in Lightning")
        let files = try FileManager.default.contentsOfDirectory(atPath: csv.logDir)
        XCTAssertTrue(files.contains("metrics.csv") && files.contains { $0.hasPrefix("events.out.tfevents.") }, "\(files)")
    }
}
