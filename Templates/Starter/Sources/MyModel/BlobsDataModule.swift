import Lightning
import LightningCLI
import Torch

/// Points around four centres, one class each, generated from a seed: data that needs no download.
final class BlobsDataModule: LightningDataModule<(Tensor, Tensor)>, CLIConfigurable {
    struct Config: CLIConfig {
        var samples = 2000
        var batchSize = 64
        var numWorkers = 0
    }

    let config: Config
    private var train: TensorDataset?, val: TensorDataset?

    init(config: Config) {
        self.config = config
        super.init()
    }

    override func setup(stage: Stage) {
        let g = Generator(seed: 0)
        let labels = Tensor.randint(0, 4, [config.samples], generator: g)
        let centres = Tensor([[-2, -2], [-2, 2], [2, -2], [2, 2]] as [[Float]])
        let points = centres[labels] + Tensor.randn([config.samples, 2], generator: g)
        let cut = config.samples * 4 / 5
        train = TensorDataset(points[0..<cut], labels[0..<cut])
        val = TensorDataset(points[cut..<config.samples], labels[cut..<config.samples])
    }

    override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        train.map { DataLoader($0, batchSize: config.batchSize, shuffle: true, numWorkers: config.numWorkers) }
    }

    override func valDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        val.map { DataLoader($0, batchSize: 256) }
    }
}
