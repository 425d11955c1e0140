import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// `MLFlowLogger` writes a local MLflow store that the `mlflow` package's own client reads back.
final class MLFlowLoggerTests: XCTestCase {
    final class Configured: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        override init() {
            super.init()
            saveHyperparameters(["lr": .double(0.05), "hidden": .int(16), "optimizer": .string("sgd")])
        }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let loss = F.crossEntropy(net(batch.0), batch.1)
            log("train_loss", loss)
            return loss
        }
        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
            log("val_loss", F.crossEntropy(net(batch.0), batch.1))
        }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.05)) }
    }

    func read(_ store: String, _ experiment: String) throws -> [String: Any] {
        let text = try runOracle("mlflow_read.py", [store, experiment])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testMLflowReadsTheRunItsParamsMetricsTagsAndCheckpoints() throws {
        let dir = try temporaryDirectory()
        let logger = try MLFlowLogger(experimentName: "swift-runs", runName: "first", trackingURI: "file:\(dir)/mlruns",
                                      tags: ["team": "vision"], logModel: .atEnd)
        let csv = CSVLogger(root: dir)
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 2, logEveryNSteps: 2, enableProgressBar: false, defaultRootDir: $0,
                        callbacks: [ModelCheckpoint(dirpath: dir + "/ckpt", saveLast: true)], logger: [logger, csv])
        }
        let data = classificationData()
        try trainer.fit(Configured(), train: DataLoader(data, batchSize: 8), val: DataLoader(data, batchSize: 16))
        let store = try read(dir + "/mlruns", "swift-runs")
        XCTAssertEqual(store["experiment_id"] as? String, logger.experimentID)
        let runs = try XCTUnwrap(store["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let run = runs[0]
        XCTAssertEqual(run["run_id"] as? String, logger.runID)
        XCTAssertEqual(run["run_name"] as? String, "first")
        XCTAssertEqual(run["status"] as? String, "FINISHED")
        XCTAssertGreaterThanOrEqual(run["end_time"] as? Int ?? 0, run["start_time"] as? Int ?? .max)
        XCTAssertEqual(run["params"] as? [String: String], ["lr": "0.05", "hidden": "16", "optimizer": "sgd"])
        let tags = try XCTUnwrap(run["tags"] as? [String: String])
        XCTAssertEqual(tags["team"], "vision")
        XCTAssertEqual(tags["mlflow.runName"], "first")
        // Every value the CSV logger recorded, with the same steps.
        let metrics = try XCTUnwrap(run["metrics"] as? [String: [[Double]]])
        let rows = try String(contentsOfFile: csv.logDir + "/metrics.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        for name in ["train_loss", "val_loss", "epoch"] {
            let column = try XCTUnwrap(header.firstIndex(of: name), name)
            let expected = rows.dropFirst().compactMap { row in Double(row[column]).map { [Double(row[1])!, $0] } }
            let history = try XCTUnwrap(metrics[name], name)
            // Foundation's JSON reading may round the last digit of a double: steps exact, values to 1e-12.
            XCTAssertEqual(history.map { $0[0] }, expected.map { $0[0] }, name)
            for (got, want) in zip(history, expected) { XCTAssertEqual(got[1], want[1], accuracy: 1e-12 * abs(want[1]), name) }
            XCTAssertTrue(history.allSatisfy { $0[2] >= Double(run["start_time"] as? Int ?? 0) }, "timestamps in milliseconds")
        }
        XCTAssertEqual(run["artifacts"] as? [String], ["model/checkpoints/epoch=1-step=16/epoch=1-step=16.ckpt",
                                                       "model/checkpoints/last/last.ckpt"])
    }

    /// A second logger of the same experiment adds a run to it; a failed fit marks its run FAILED;
    /// with `logModel: .all` each checkpoint is an artifact as soon as it is saved, and the
    /// checkpoints go to the run's folder, as Lightning's.
    func testRunsShareTheirExperimentAndAFailedFitIsMarkedFailed() throws {
        let dir = try temporaryDirectory()
        for name in ["ok", "broken"] {
            let logger = try MLFlowLogger(experimentName: "shared", runName: name, saveDir: dir + "/mlruns", logModel: .all)
            let trainer = try makeTrainer(dir) {
                try Trainer(maxEpochs: 2, enableCheckpointing: name == "ok", enableProgressBar: false, defaultRootDir: $0, logger: [logger])
            }
            let model = TinyClassifier()
            model.failAtBatch = name == "broken" ? 3 : nil
            _ = try? trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8))
        }
        let runs = try XCTUnwrap(try read(dir + "/mlruns", "shared")["runs"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: runs.map { ($0["run_name"] as! String, $0["status"] as! String) })
        XCTAssertEqual(status, ["ok": "FINISHED", "broken": "FAILED"])
        let ok = try XCTUnwrap(runs.first { $0["run_name"] as? String == "ok" })
        XCTAssertEqual(ok["artifacts"] as? [String], ["model/checkpoints/epoch=0-step=8/epoch=0-step=8.ckpt",
                                                      "model/checkpoints/epoch=1-step=16/epoch=1-step=16.ckpt"])
        let runFolder = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: dir + "/mlruns").first { !$0.hasPrefix(".") })
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/mlruns/\(runFolder)/\(ok["run_id"] as! String)/checkpoints/epoch=1-step=16.ckpt"))
    }

    func testRemoteTrackingServersAreRefused() {
        XCTAssertThrowsError(try MLFlowLogger(trackingURI: "http://mlflow.example:5000")) {
            XCTAssertTrue("\($0)".contains("not a file: URI"), "\($0)")
        }
    }
}
