import Foundation
import Lightning
import LightningCLI
import Torch

/// Points on a ring of eight Gaussian modes (radius 2): the data the GAN example learns.
public final class RingDataModule: LightningDataModule<Tensor>, CLIConfigurable {
    public struct Config: CLIConfig {
        public var samples = 4096
        public var batchSize = 128
        public init() {}
    }

    public let config: Config
    private var points: TensorDataset?

    public init(config: Config) {
        self.config = config
        super.init()
    }

    public override func setup(stage: Stage) {
        guard points == nil else { return }
        let g = Generator(seed: 5)
        let mode = Tensor.randint(0, 8, [config.samples], generator: g).to(dtype: .float32) * (2 * Double.pi / 8)
        let centers = Tensor.stack([mode.cos(), mode.sin()], dim: 1) * 2
        points = TensorDataset(centers + Tensor.randn([config.samples, 2], generator: g) * 0.05)
    }

    public override func trainDataloader() -> (any BatchLoader<Tensor>)? {
        points.map { DataLoader($0, batchSize: config.batchSize, shuffle: true, seed: 1, collate: Collate { Tensor.stack($0.map { $0[0] }) }) }
    }
}

/// A GAN trained with manual optimization: each step updates the discriminator, then the
/// generator, with their own optimizers (`automaticOptimization` off).
public final class RingGAN: LightningModule<Tensor>, CLIConfigurable {
    public struct Config: CLIConfig {
        public var latentDim = 8
        public var hidden = 64
        public var lr = 2e-3
        public init() {}
    }

    public let config: Config
    public let generator: Sequential
    public let discriminator: Sequential

    public init(config: Config) {
        self.config = config
        generator = Sequential { Linear(config.latentDim, config.hidden); ReLU(); Linear(config.hidden, config.hidden); ReLU(); Linear(config.hidden, 2) }
        discriminator = Sequential { Linear(2, config.hidden); LeakyReLU(negativeSlope: 0.2); Linear(config.hidden, config.hidden); LeakyReLU(negativeSlope: 0.2); Linear(config.hidden, 1) }
        super.init()
    }

    public override var automaticOptimization: Bool { false }

    /// `count` generated points.
    public func sample(_ count: Int) -> Tensor { generator(Tensor.randn([count, config.latentDim])) }

    public override func trainingStep(_ real: Tensor, batchIdx: Int) -> Tensor? {
        let (optG, optD) = (optimizers()[0], optimizers()[1])
        let n = real.size(0)
        let (ones, zeros) = (Tensor.ones([n, 1]), Tensor.zeros([n, 1]))
        let fake = sample(n)
        let dLoss = F.binaryCrossEntropyWithLogits(discriminator(real), ones)
            + F.binaryCrossEntropyWithLogits(discriminator(fake.detach()), zeros)
        optD.zeroGrad()
        manualBackward(dLoss)
        optD.step()
        let gLoss = F.binaryCrossEntropyWithLogits(discriminator(fake), ones)
        optG.zeroGrad()
        manualBackward(gLoss)
        optG.step()
        log("d_loss", dLoss, progressBar: true)
        log("g_loss", gLoss, progressBar: true)
        return nil
    }

    public override func configureOptimizers() -> OptimizerConfig {
        OptimizerConfig(optimizers: [Adam(generator.parameters(), lr: config.lr, betas: (0.5, 0.999)),
                                     Adam(discriminator.parameters(), lr: config.lr, betas: (0.5, 0.999))])
    }
}

/// A custom callback: after each epoch, how close generated points lie to the ring (mean
/// radius, target 2) and how many of its eight modes they cover.
public final class RingQuality: Callback {
    public private(set) var history: [(radius: Double, modes: Int)] = []

    public init() {}

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard let gan = module as? RingGAN else { return }
        let points = withNoGrad { gan.sample(2000) }
        let radius = (points * points).sum(dim: 1).sqrt()
        let angles = Tensor.arange(8).to(dtype: .float32) * (2 * Double.pi / 8)
        let centers = Tensor.stack([angles.cos(), angles.sin()], dim: 1) * 2
        let offsets = points.unsqueeze(1) - centers.unsqueeze(0)
        let mode = (offsets * offsets).sum(dim: 2).neg().argmax(dim: 1)
        let near = (radius - 2.0).abs() .< 0.5
        let covered = Set(mode[near].scalars(as: Int64.self)).count
        history.append((radius.mean().item(), covered))
        if trainer.isGlobalZero {
            print(String(format: "epoch %d: mean radius %.2f (target 2), modes covered %d of 8", trainer.currentEpoch,
                         radius.mean().item(), covered))
        }
    }
}
