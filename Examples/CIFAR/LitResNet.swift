import Lightning
import LightningCLI
import Metrics
import Torch
import TorchVision

/// Lightning's CIFAR-10 baseline: torchvision's ResNet-18 with a 3x3 stride-1 stem and no max
/// pool for 32x32 images, SGD with momentum and weight decay, OneCycleLR stepped every batch.
public final class LitResNet: LightningModule<(Tensor, Tensor)>, CLIConfigurable {
    public struct Config: CLIConfig {
        public var lr = 0.05
        public init() {}
    }

    public let model: ResNet
    public let lr: Double
    let valAccuracy = Accuracy(task: .multiclass, numClasses: 10)
    let testAccuracy = Accuracy(task: .multiclass, numClasses: 10)

    public init(config: Config) {
        lr = config.lr
        model = resnet18(numClasses: 10)
        model.conv1 = Conv2d(3, 64, kernelSize: 3, stride: 1, padding: 1, bias: false)
        model.maxpool = Identity()
        super.init()
        saveHyperparameters(from: config)
    }

    public override func forward(_ x: Tensor) -> Tensor { F.logSoftmax(model(x), dim: 1) }

    public override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
        let loss = F.nllLoss(forward(batch.0), batch.1)
        log("train_loss", loss, progressBar: true)
        return loss
    }

    public override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        let logits = forward(batch.0)
        log("val_loss", F.nllLoss(logits, batch.1), progressBar: true, syncDist: true)
        valAccuracy.update(logits, batch.1)
        log("val_acc", valAccuracy, progressBar: true)
    }

    public override func testStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
        testAccuracy.update(forward(batch.0), batch.1)
        log("test_acc", testAccuracy)
    }

    public override func configureOptimizers() -> OptimizerConfig {
        let optimizer = SGD(parameters(), lr: lr, momentum: 0.9, weightDecay: 5e-4)
        let scheduler = OneCycleLR(optimizer, maxLr: 0.1, totalSteps: max(trainer?.estimatedSteppingBatches ?? 1, 1))
        return OptimizerConfig(optimizer, scheduler: scheduler, interval: .step)
    }
}
