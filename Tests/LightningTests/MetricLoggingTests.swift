import Foundation
import Lightning
import Metrics
import TestSupport
import Torch
import XCTest

/// Metric objects logged with `log(name, metric)`, as Lightning logs torchmetrics objects.
final class MetricLoggingTests: XCTestCase {
    final class Classifier: LightningModule<(Tensor, Tensor)> {
        let net = Linear(4, 3)
        let trainAccuracy = Accuracy(task: .multiclass, numClasses: 3)
        let valAccuracy = Accuracy(task: .multiclass, numClasses: 3)
        var batchAccuracies: [Double] = []

        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let logits = net(batch.0)
            _ = trainAccuracy(logits, batch.1)
            log("train_acc", trainAccuracy, onStep: true, onEpoch: true)
            return F.crossEntropy(logits, batch.1)
        }

        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
            batchAccuracies.append(valAccuracy(net(batch.0), batch.1).item())
            log("val_acc", valAccuracy)
        }

        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
    }

    func testTheEpochValueIsTheMetricOverTheWholeEpochNotAMeanOfBatchMeans() throws {
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, numSanityValSteps: 0, logEveryNSteps: 2, enableCheckpointing: false, enableProgressBar: false,
                        defaultRootDir: $0)
        }
        let model = Classifier()
        let validation = classificationData(count: 50, seed: 9)
        // Batches of 16, 16, 16 and 2: a mean of batch means weighs the last two samples 8 times too much.
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 8),
                        val: DataLoader(validation, batchSize: 16))
        let (x, y) = (validation.tensors[0], validation.tensors[1])
        let whole = withNoGrad { Metric.F.accuracy(model.net(x), y, task: .multiclass, numClasses: 3).item() }
        let meanOfMeans = model.batchAccuracies.reduce(0, +) / Double(model.batchAccuracies.count)
        XCTAssertEqual(model.batchAccuracies.count, 4)
        XCTAssertGreaterThan(abs(whole - meanOfMeans), 1e-3, "the data must tell the two apart")

        let lines = try String(contentsOfFile: trainer.logDir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(header.contains("train_acc_step") && header.contains("train_acc_epoch"), "\(header)")
        let column = try XCTUnwrap(header.firstIndex(of: "val_acc"))
        let logged = lines.dropFirst().compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[column]) }
        XCTAssertEqual(logged.count, 1)
        XCTAssertEqual(logged.first ?? .nan, whole, accuracy: 1e-6)
        XCTAssertEqual(trainer.callbackMetrics["val_acc"]?.item() ?? .nan, whole, accuracy: 1e-6)
        XCTAssertEqual(model.valAccuracy.updates, 0, "reset after the epoch value was taken")
        XCTAssertEqual(model.trainAccuracy.updates, 0)
    }
}
