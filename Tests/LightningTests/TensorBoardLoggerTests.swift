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
        XCTAssertEqual(read["hparams"]!["metrics"] as? [String], ["hp_metric"], "the default hp_metric, as Lightning declares it")
        XCTAssertEqual(scalars["hp_metric"]?.first, [0, -1])
        XCTAssertEqual(tensorboard.logDir, csv.logDir, "loggers made together share the run's version folder, as in Lightning")
        let files = try FileManager.default.contentsOfDirectory(atPath: csv.logDir)
        XCTAssertTrue(files.contains("metrics.csv") && files.contains { $0.hasPrefix("events.out.tfevents.") }, "\(files)")
    }

    /// A module reaches its logger's writer, as in Lightning (`self.logger.experiment.add_image`):
    /// images (one, and a grid) and histograms, read back by TensorBoard.
    func testImagesAndHistogramsFromTheModule() throws {
        final class Drawing: LightningModule<(Tensor, Tensor)> {
            let net = Linear(4, 3)
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
                F.crossEntropy(net(batch.0), batch.1)
            }
            override func onTrainEpochEnd() {
                guard let writer = (logger as? TensorBoardLogger)?.experiment else { return }
                let image = Tensor([0, 0.5, 1, 0.25, 0.75, 1] as [Float], shape: [1, 2, 3])
                try? writer.addImage("one", image, step: globalStep)
                try? writer.addImages("grid", Tensor.ones([3, 1, 2, 2]), step: globalStep)
                try? writer.addHistogram("weights", net.weight, step: globalStep)
            }
            override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
        }
        let dir = try temporaryDirectory()
        let tensorboard = TensorBoardLogger(root: dir)
        let model = Drawing()
        let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 1, defaultRootDir: $0, logger: [tensorboard]) }
        try trainer.fit(model, train: DataLoader(classificationData(count: 16), batchSize: 8))
        try tensorboard.finalize(status: "success")
        let read = try JSONSerialization.jsonObject(with: Data(try runOracle("tensorboard_read.py", [tensorboard.logDir]).utf8))
            as! [String: [String: Any]]
        let one = try XCTUnwrap(read["images"]?["one"] as? [Any])
        XCTAssertEqual(one[0] as? Int, 2)
        XCTAssertEqual(one[1..<4].map { $0 as? Int }, [3, 2, 1], "width, height, channels")
        XCTAssertEqual(one[4] as? [Int], [0, 127, 255, 63, 191, 255], "scaled by 255 and truncated, as TensorBoard's writer does")
        let grid = try XCTUnwrap(read["images"]?["grid"] as? [Any])
        XCTAssertEqual(grid[1..<4].map { $0 as? Int }, [6, 2, 3], "three 2x2 images side by side, gray made RGB")
        let histogram = try XCTUnwrap(read["histograms"]?["weights"] as? [Double])
        let weights = model.net.weight.to(dtype: .float64).reshape([-1]).scalars(as: Double.self)
        XCTAssertEqual(histogram[1], weights.min()!, accuracy: 1e-12)
        XCTAssertEqual(histogram[2], weights.max()!, accuracy: 1e-12)
        XCTAssertEqual(histogram[3], 12)
        XCTAssertEqual(histogram[4], weights.reduce(0, +), accuracy: 1e-9)
        XCTAssertEqual(histogram[6], 12, "every value in a bucket")
    }

    func testMakeGridLaysImagesOutAsTorchvision() {
        let images = Tensor.arange(0, 4).to(dtype: .float32).reshape([4, 1, 1, 1])
        let grid = makeGrid(images, nrow: 2, padding: 1, padValue: -1)
        XCTAssertEqual(grid.shape, [3, 5, 5])
        XCTAssertEqual(grid[0].scalars(as: Float.self), [-1, -1, -1, -1, -1, -1, 0, -1, 1, -1, -1, -1, -1, -1, -1, -1, 2, -1, 3, -1, -1, -1, -1, -1, -1])
        XCTAssertEqual(makeGrid(images, padding: 0, normalize: true).scalars(as: Float.self).prefix(4), [0, 1.0 / 3, 2.0 / 3, 1])
    }
}
