import Lightning
import LightningCLI
import Torch

/// A small CNN classifier for 28x28 images: two conv blocks and two linear layers.
public final class LitCNN: LightningModule<(Tensor, Tensor)>, CLIConfigurable {
    public struct Config: CLIConfig {
        public var lr = 1e-3
        public var hidden = 128
        public init() {}
    }

    public let net: Sequential
    public let lr: Double

    public init(config: Config) {
        lr = config.lr
        net = Sequential {
            Conv2d(1, 32, kernelSize: 3, padding: 1); ReLU(); MaxPool2d(kernelSize: 2)
            Conv2d(32, 64, kernelSize: 3, padding: 1); ReLU(); MaxPool2d(kernelSize: 2)
            Flatten(); Linear(64 * 7 * 7, config.hidden); ReLU(); Linear(config.hidden, 10)
        }
        super.init()
        saveHyperparameters(from: config)
    }

    public override func forward(_ x: Tensor) -> Tensor { net(x) }

    public override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(forward(batch.0), batch.1)
        log("train_loss", loss, progressBar: true)
        return loss
    }

    public override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        let logits = forward(batch.0)
        log("val_loss", F.crossEntropy(logits, batch.1), syncDist: true)
        log("val_acc", (logits.argmax(dim: 1) .== batch.1).float().mean(), progressBar: true, syncDist: true)
    }

    public override func testStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        log("test_acc", (forward(batch.0).argmax(dim: 1) .== batch.1).float().mean(), syncDist: true)
    }

    public override func configureOptimizers() -> OptimizerConfig { .init(AdamW(parameters(), lr: lr)) }
}
