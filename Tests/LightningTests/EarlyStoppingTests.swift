import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// A model whose validation metric follows a script, one value per epoch.
final class ScriptedMetric: LightningModule<(Tensor, Tensor)> {
    let w = Linear(4, 3)
    let values: [Double]
    init(_ values: [Double]) {
        self.values = values
        super.init()
    }
    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(w(batch.0), batch.1) }
    override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        log("metric", values[min(currentEpoch, values.count - 1)])
    }
    override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.01)) }
}

/// EarlyStopping's arguments each change the epoch training stops at.
final class EarlyStoppingTests: XCTestCase {
    /// The number of epochs run and the callback after training with `values` (20 epochs at most).
    private func run(_ values: [Double], minEpochs: Int = 0, _ callback: EarlyStopping) throws -> Int {
        let data = DataLoader(classificationData(count: 16), batchSize: 16)
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 20, minEpochs: minEpochs, numSanityValSteps: 0, defaultRootDir: $0, callbacks: [callback])
        }
        try trainer.fit(ScriptedMetric(values), train: data, val: data)
        return trainer.currentEpoch
    }

    func testPatienceAndMode() throws {
        let patience2 = EarlyStopping(monitor: "metric", patience: 2)
        XCTAssertEqual(try run([1.0, 0.9, 0.95, 0.95, 0.5], patience2), 4, "no improvement in epochs 2 and 3")
        XCTAssertEqual(patience2.stoppedEpoch, 3)
        XCTAssertEqual(patience2.bestScore, 0.9)
        XCTAssertEqual(patience2.stoppingReason,
                       "Monitored metric metric did not improve in the last 2 records. Best score: 0.9. Signaling Trainer to stop.")
        XCTAssertEqual(try run([1.0, 0.9, 0.95, 0.95, 0.5], EarlyStopping(monitor: "metric", patience: 3)), 8,
                       "0.5 in epoch 4 resets the count; three flat epochs (5, 6, 7) then stop")
        XCTAssertEqual(try run([0.1, 0.2, 0.3, 0.2, 0.2], EarlyStopping(monitor: "metric", patience: 2, mode: .max)), 5)
        XCTAssertEqual(try run([1.0, 0.95, 0.9, 0.85, 0.8], EarlyStopping(monitor: "metric", minDelta: 0.08, patience: 2)), 7,
                       "a step of 0.05 is below minDelta, two (0.1 from the best) are not: improvements at epochs 2 and 4, stop at 6")
        XCTAssertEqual(try run([1.0, 0.9, 0.95, 0.95, 0.95], minEpochs: 8, EarlyStopping(monitor: "metric", patience: 2)), 8)
    }

    func testThresholdsAndNonFiniteValues() throws {
        let good = EarlyStopping(monitor: "metric", stoppingThreshold: 0.5)
        XCTAssertEqual(try run([1.0, 0.7, 0.4, 0.3], good), 3)
        XCTAssertEqual(good.stoppingReason, "Stopping threshold reached: metric = 0.4 < 0.5. Signaling Trainer to stop.")
        XCTAssertEqual(try run([1.0, 2.0, 9.0, 0.1], EarlyStopping(monitor: "metric", patience: 10, divergenceThreshold: 5)), 3)
        XCTAssertEqual(try run([1.0, .nan, 0.5], EarlyStopping(monitor: "metric", patience: 10)), 2)
        XCTAssertEqual(try run([1.0, .nan, 0.5, 0.4, 0.3, 0.2], EarlyStopping(monitor: "metric", patience: 10, checkFinite: false)), 16,
                       "NaN counts as no improvement; the best 0.2 at epoch 5, then ten flat epochs")
    }

    func testAMissingMetricIsAnErrorUnlessNotStrict() throws {
        XCTAssertThrowsError(try run([1.0], EarlyStopping(monitor: "val_loss"))) {
            XCTAssertTrue("\($0)".hasPrefix("Early stopping conditioned on metric `val_loss` which is not available. Pass in or modify your `EarlyStopping` callback to use any of the following: metric"), "\($0)")
        }
        XCTAssertEqual(try run([1.0], EarlyStopping(monitor: "val_loss", strict: false)), 20)
    }
}
