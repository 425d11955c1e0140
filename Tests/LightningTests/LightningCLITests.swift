import Foundation
import Lightning
import LightningCLI
import TestSupport
import Torch
import XCTest

/// LightningCLI in this process: flags, config files, spellings, print-config, errors.
final class LightningCLITests: XCTestCase {
    final class Model: LightningModule<(Tensor, Tensor)>, CLIConfigurable {
        struct Config: CLIConfig {
            var lr = 0.1
            var hidden = 8
            var activation = "relu"
            var dropout: Double? = nil
        }
        let config: Config
        let net: Sequential
        init(config: Config) {
            self.config = config
            net = Sequential { Linear(4, config.hidden); ReLU(); Linear(config.hidden, 3) }
            super.init()
        }
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(net(batch.0), batch.1) }
        override func testStep(_ batch: (Tensor, Tensor), batchIdx: Int) { log("test_loss", F.crossEntropy(net(batch.0), batch.1)) }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: config.lr)) }
    }

    final class Data: LightningDataModule<(Tensor, Tensor)>, CLIConfigurable {
        struct Config: CLIConfig { var batchSize = 16 }
        let config: Config
        init(config: Config) {
            self.config = config
            super.init()
        }
        let data = TensorDataset(Tensor.randn([64, 4]), Tensor.randint(0, 3, [64]))
        override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { DataLoader(data, batchSize: config.batchSize) }
        override func testDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { DataLoader(data, batchSize: config.batchSize) }
    }

    var output: [String] = []
    lazy var cli = LightningCLI(Model.self, Data.self, trainerDefaults: ["enable_progress_bar": false, "logger": false],
                                printer: { [unowned self] in output.append($0) })

    func quiet(_ dir: String) -> [String] {
        ["--trainer.default_root_dir", dir, "--trainer.enable_model_summary", "false", "--trainer.enable_checkpointing", "false"]
    }

    func testFlagsInBothSpellingsReachTheTrainerModelAndData() throws {
        let dir = try temporaryDirectory()
        let result = try cli.run(["fit", "--trainer.max_epochs", "2", "--trainer.limitTrainBatches", "3", "--model.lr=0.05",
                                  "--model.hidden", "12", "--data.batch_size", "8", "--seed_everything", "3"] + quiet(dir))
        XCTAssertEqual(result.trainer?.maxEpochs, 2)
        XCTAssertEqual(result.trainer?.limitTrainBatches, .count(3))
        XCTAssertEqual(result.trainer?.globalStep, 6)
        XCTAssertEqual(result.model?.config.lr, 0.05)
        XCTAssertEqual(result.model?.config.hidden, 12)
        XCTAssertEqual(result.datamodule?.config.batchSize, 8)
        let fraction = try cli.run(["fit", "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "0.5",
                                    "--trainer.benchmark", "false"] + quiet(dir))
        XCTAssertEqual(fraction.trainer?.limitTrainBatches, .fraction(0.5))
        XCTAssertEqual(fraction.trainer?.benchmark, false)
    }

    func testConfigFilesMergeInOrderAndFlagsWin() throws {
        let dir = try temporaryDirectory()
        try "trainer:\n  max_epochs: 3\n  precision: bf16-mixed\nmodel:\n  lr: 0.2\n  hidden: 5\n".write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try "model:\n  hidden: 7\ndata:\n  batchSize: 32\n".write(toFile: dir + "/b.yaml", atomically: true, encoding: .utf8)
        let result = try cli.run(["fit", "--config", dir + "/a.yaml", "--config", dir + "/b.yaml", "--model.lr", "0.3",
                                  "--trainer.max_steps", "1"] + quiet(dir))
        XCTAssertEqual(result.trainer?.maxEpochs, 3)
        XCTAssertEqual(result.trainer?.precision, .bf16Mixed)
        XCTAssertEqual(result.model?.config.hidden, 7)
        XCTAssertEqual(result.model?.config.lr, 0.3)
        XCTAssertEqual(result.datamodule?.config.batchSize, 32)
    }

    func testPrintConfigWritesTheResolvedConfigThatRunsAgain() throws {
        let dir = try temporaryDirectory()
        let printed = try cli.run(["fit", "--print-config", "--model.hidden", "9", "--trainer.max_epochs", "4"])
        XCTAssertNil(printed.trainer, "print-config does not train")
        XCTAssertEqual(output.count, 1)
        let yaml = printed.config
        for line in ["max_epochs: 4", "hidden: 9", "lr: 0.1", "batch_size: 16", "accumulate_grad_batches: 1", "precision: 32-true",
                     "dropout: null", "seed_everything: null", "limit_train_batches: 1.0"] {
            XCTAssertTrue(yaml.contains(line), "missing '\(line)' in\n\(yaml)")
        }
        try yaml.write(toFile: dir + "/run.yaml", atomically: true, encoding: .utf8)
        let again = try cli.run(["fit", "--config", dir + "/run.yaml", "--trainer.max_steps", "1"] + quiet(dir))
        XCTAssertEqual(again.model?.config.hidden, 9)
        XCTAssertEqual(again.trainer?.maxEpochs, 4)
    }

    func testTestSubcommandReturnsMetrics() throws {
        let result = try cli.run(["test"] + quiet(try temporaryDirectory()))
        XCTAssertNotNil(result.metrics["test_loss"])
    }

    func testMistakesNameTheNearestValidKey() {
        func error(_ args: [String]) -> String {
            do {
                _ = try cli.run(args)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(error(["fit", "--trainer.max_epoch", "3"]), "unknown key 'trainer.max_epoch'; did you mean 'trainer.max_epochs'?")
        XCTAssertEqual(error(["fit", "--model.hiden", "3"]), "unknown key 'model.hiden'; did you mean 'model.hidden'?")
        XCTAssertEqual(error(["fit", "--traner.max_epochs", "3"]), "unknown key 'traner.max_epochs'; did you mean 'trainer.max_epochs'?")
        XCTAssertEqual(error(["fit", "--data.batchsize", "3"]), "unknown key 'data.batchsize'; did you mean 'data.batch_size'?")
        XCTAssertTrue(error(["fit", "--model.hidden", "many"]).contains("invalid value for 'model.hidden'"))
        XCTAssertTrue(error(["fit", "--trainer.precision", "8"]).contains("invalid value for 'trainer.precision'"))
        XCTAssertEqual(error(["fit", "--model.lr"]), "--model.lr needs a value")
        XCTAssertTrue(error(["fit", "--config", "/nonexistent.yaml"]).contains("cannot use config file /nonexistent.yaml"))
        XCTAssertTrue(error(["train"]).contains("Please provide one of 'fit', 'validate', 'test' or 'predict'"), error(["train"]))
        XCTAssertTrue(error(["fit", "--trainer.max_epochs", "-5"]).contains("maxEpochs"))
    }
}
