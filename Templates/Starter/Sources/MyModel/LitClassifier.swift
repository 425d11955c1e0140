import Lightning
import LightningCLI
import Torch

/// A small classifier: an MLP over points, trained with AdamW.
final class LitClassifier: LightningModule<(Tensor, Tensor)>, CLIConfigurable {
    struct Config: CLIConfig {
        var lr = 1e-2
        var hidden = 64
        var classes = 4
    }

    let net: Sequential
    let lr: Double

    init(config: Config) {
        lr = config.lr
        net = Sequential { Linear(2, config.hidden); ReLU(); Linear(config.hidden, config.classes) }
        super.init()
        saveHyperparameters(from: config)
    }

    override func forward(_ x: Tensor) -> Tensor { net(x) }

    override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.crossEntropy(forward(batch.0), batch.1)
        log("train_loss", loss, progressBar: true)
        return loss
    }

    override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        let logits = forward(batch.0)
        log("val_loss", F.crossEntropy(logits, batch.1), syncDist: true)
        log("val_acc", (logits.argmax(dim: 1) .== batch.1).float().mean(), progressBar: true, syncDist: true)
    }

    override func configureOptimizers() -> OptimizerConfig { .init(AdamW(parameters(), lr: lr)) }
}
