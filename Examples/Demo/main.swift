// The default example: a LightningModule classifying generated spirals, trained by the
// Trainer with validation, a cosine schedule, gradient accumulation, worker threads,
// checkpoints and CSV logs, then tested from its best checkpoint.
import Foundation
import Lightning
import Torch

/// Three interleaved noisy spirals in the plane, one per class.
func spirals(pointsPerClass: Int, classes: Int, seed: UInt64) -> TensorDataset {
    let generator = Generator(seed: seed)
    let noise = Tensor.randn([pointsPerClass * classes, 2], generator: generator).scalars(as: Float.self)
    var xs: [Float] = [], ys: [Int64] = []
    for c in 0..<classes {
        for i in 0..<pointsPerClass {
            let r = Float(i) / Float(pointsPerClass), angle = Float(c) * 4 + r * 4, k = c * pointsPerClass + i
            xs += [r * sin(angle) + 0.1 * noise[2 * k], r * cos(angle) + 0.1 * noise[2 * k + 1]]
            ys.append(Int64(c))
        }
    }
    return TensorDataset(Tensor(xs, shape: [pointsPerClass * classes, 2]), Tensor(ys))
}

final class SpiralClassifier: LightningModule<(Tensor, Tensor)> {
    let net = Sequential {
        Linear(2, 64); ReLU()
        Linear(64, 64); ReLU()
        Linear(64, 3)
    }
    let lr: Double, epochs: Int

    init(lr: Double, epochs: Int) {
        (self.lr, self.epochs) = (lr, epochs)
        super.init()
        saveHyperparameters(["lr": .double(lr), "epochs": .int(epochs)])
    }

    override func forward(_ x: Tensor) -> Tensor { net(x) }

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(forward(batch.0), batch.1)
        log("train_loss", loss, onEpoch: true, progressBar: true)
        return loss
    }

    override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        let logits = forward(batch.0)
        log("val_loss", F.crossEntropy(logits, batch.1))
        log("val_acc", (logits.argmax(dim: 1) .== batch.1).float().mean(), progressBar: true)
    }

    override func testStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        log("test_acc", (forward(batch.0).argmax(dim: 1) .== batch.1).float().mean())
    }

    override func configureOptimizers() -> OptimizerConfig {
        let optimizer = AdamW(parameters(), lr: lr, weightDecay: 1e-4)
        return .init(optimizer, scheduler: CosineAnnealingLR(optimizer, tMax: epochs))
    }
}

seedEverything(42)
TorchSettings.numThreads = 1
let root = FileManager.default.temporaryDirectory.appendingPathComponent("swift-lightning-demo").path
try? FileManager.default.removeItem(atPath: root)
let parts = randomSplit(spirals(pointsPerClass: 300, classes: 3, seed: 7), lengths: [0.7, 0.15, 0.15])
let collate = Collate<[Tensor], (Tensor, Tensor)>.pair
let train = DataLoader(parts[0], batchSize: 32, shuffle: true, numWorkers: 2, collate: collate)
let val = DataLoader(parts[1], batchSize: 128, collate: collate)
let test = DataLoader(parts[2], batchSize: 128, collate: collate)

let epochs = 30
let model = SpiralClassifier(lr: 0.01, epochs: epochs)
let trainer = try Trainer(maxEpochs: epochs, accumulateGradBatches: 2, gradientClipVal: 1.0, defaultRootDir: root,
                          callbacks: [ModelCheckpoint(monitor: "val_acc", mode: .max)])
try trainer.fit(model, train: train, val: val)
let results = try trainer.test(model, test, ckptPath: .best)
print(String(format: "best val_acc %.3f at %@", trainer.checkpointCallback!.bestModelScore ?? 0,
             trainer.checkpointCallback!.bestModelPath))
print(String(format: "test_acc %.3f (from the best checkpoint); logs in %@", results["test_acc"] ?? 0, trainer.logDir))
