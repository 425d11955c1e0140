import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// metrics.csv has PyTorch Lightning's layout for the same run (checked against Lightning itself).
final class CSVLayoutTests: XCTestCase {
    final class Model: LightningModule<(Tensor, Tensor)> {
        let layer = Linear(4, 3)
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let loss = F.crossEntropy(layer(batch.0), batch.1)
            log("train_loss", loss, onEpoch: true)
            return loss
        }
        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
            log("val_loss", F.crossEntropy(layer(batch.0), batch.1))
        }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
    }

    /// Each row as its epoch, step and the columns that hold a value.
    private func shape(_ csv: String) -> [String] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        return [header.joined(separator: ",")] + lines.dropFirst().map { row in
            "\(row[0]),\(row[1]): " + zip(header, row).dropFirst(2).filter { !$0.1.isEmpty }.map(\.0).joined(separator: " ")
        }
    }

    func testRowsAndColumnsMatchLightning() throws {
        let dir = try temporaryDirectory()
        let lightning = try runOracle("lightning_csv.py", [dir + "/python"])
        let data = TensorDataset(Tensor.randn([32, 4]), Tensor.randint(0, 3, [32]))
        let logger = CSVLogger(root: dir + "/swift")
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 2, logEveryNSteps: 2, enableCheckpointing: false, enableProgressBar: false,
                        enableModelSummary: false, defaultRootDir: $0, logger: [logger])
        }
        try trainer.fit(Model(), train: DataLoader(data, batchSize: 8), val: DataLoader(data, batchSize: 8))
        let swift = try String(contentsOfFile: logger.logDir + "/metrics.csv", encoding: .utf8)
        XCTAssertEqual(shape(swift), shape(lightning), "Swift:\n\(swift)\nLightning:\n\(lightning)")
        XCTAssertEqual(shape(swift).count, 9)
    }
}
