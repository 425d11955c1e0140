import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// The README's training example compiles and trains.
final class ReadmeTrainingTests: XCTestCase {
    final class LitClassifier: LightningModule<(Tensor, Tensor)> {
        let net = Sequential { Linear(64, 128); ReLU(); Linear(128, 10) }

        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let loss = F.crossEntropy(net(batch.0), batch.1)
            log("train_loss", loss, progressBar: true)
            return loss
        }

        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
            let logits = net(batch.0)
            log("val_loss", F.crossEntropy(logits, batch.1))
            log("val_acc", (logits.argmax(dim: 1) .== batch.1).float().mean(), progressBar: true)
        }

        override func configureOptimizers() -> OptimizerConfig {
            let opt = AdamW(parameters(), lr: 1e-3, weightDecay: 0.01)
            return .init(opt, scheduler: CosineAnnealingLR(opt, tMax: 10), interval: .epoch)
        }
    }

    func testReadmeTrainingExample() throws {
        let dir = try temporaryDirectory()
        seedEverything(42)
        let xTrain = Tensor.randn([256, 64]), yTrain = xTrain[TensorIndex.all, ..<10].argmax(dim: 1)
        let xVal = Tensor.randn([64, 64]), yVal = xVal[TensorIndex.all, ..<10].argmax(dim: 1)
        let train = DataLoader(TensorDataset(xTrain, yTrain), batchSize: 32, shuffle: true, numWorkers: 4)
        let val = DataLoader(TensorDataset(xVal, yVal), batchSize: 256)
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 10, accumulateGradBatches: 4, defaultRootDir: $0, callbacks: [ModelCheckpoint(monitor: "val_loss")])
        }
        let model = LitClassifier()
        let before = try trainer.validate(model, val)["val_loss"]!
        try trainer.fit(model, train: train, val: val)
        XCTAssertLessThan(trainer.callbackMetrics["val_loss"]!.item(), before)
        let resumed = try makeTrainer(dir) {
            try Trainer(maxEpochs: 12, accumulateGradBatches: 4, defaultRootDir: $0, callbacks: [ModelCheckpoint(monitor: "val_loss")])
        }
        try resumed.fit(LitClassifier(), train: train, val: val, ckptPath: .path(trainer.checkpointCallback!.bestModelPath))
        XCTAssertEqual(resumed.globalStep, 12 * 2, "two more epochs of two steps after the best checkpoint of ten")
    }
}
