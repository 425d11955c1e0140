import ExampleSupport
import Foundation
import Lightning
import LightningCLI
import Torch
import TorchVision

/// Images and their labels, each image passed through `transform` when read (on the loader's
/// worker threads), as torchvision datasets apply their `transform=`.
struct TransformedImages: Dataset {
    let images: Tensor
    let labels: Tensor
    let transform: any Transform
    var count: Int { labels.size(0) }
    subscript(index: Int) -> (Tensor, Tensor) { (transform(images[index]), labels[index]) }
}

/// CIFAR-10 from its binary files in `dataDir` (45,000 training and 5,000 validation images of
/// `data_batch_*.bin`, as Lightning's tutorial splits them; the test batch for testing), or,
/// with no `dataDir`, generated 32x32 colour images of ten shapes, so the example runs offline.
/// Training images are padded by 4 and cropped back at random, flipped half the time, and all are
/// normalized with CIFAR-10's channel statistics.
public final class CIFARDataModule: LightningDataModule<(Tensor, Tensor)>, CLIConfigurable {
    public struct Config: CLIConfig {
        /// A folder with CIFAR-10's binary files; empty: generated images.
        public var dataDir = ""
        public var batchSize = 64
        /// Generated images (split 5:1 into train and validation).
        public var samples = 1200
        public var numWorkers = 2
        public init() {}
    }

    public let config: Config
    static let normalize = Normalize(mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616])
    static let augment = Compose([RandomCrop([32], padding: [4]), RandomHorizontalFlip(), normalize])
    private var train: TransformedImages?, val: TransformedImages?, test: TransformedImages?

    public init(config: Config) {
        self.config = config
        super.init()
    }

    /// `count` generated images: shapes of ten classes, each in a random colour on a darker background.
    static func generated(count: Int, seed: UInt64) -> (Tensor, Tensor) {
        let (shapes, labels) = ShapesDataModule.shapes(count: count, seed: seed)
        let g = Generator(seed: seed + 1)
        let colour = Tensor.rand([count, 3, 1, 1], generator: g) * 0.7 + 0.3
        let background = Tensor.rand([count, 3, 1, 1], generator: g) * 0.3
        let padded = F.pad(shapes, [2, 2, 2, 2]).clamp(min: 0, max: 1)
        return (background + padded * (colour - background), labels)
    }

    public override func setup(stage: Stage) {
        guard train == nil else { return }
        let pairs: (train: (Tensor, Tensor), val: (Tensor, Tensor), test: (Tensor, Tensor))
        if !config.dataDir.isEmpty, let all = try? CIFAR10(root: config.dataDir, train: true),
           let held = try? CIFAR10(root: config.dataDir, train: false) {
            pairs = ((all.images[0..<45_000], all.labels[0..<45_000]), (all.images[45_000...], all.labels[45_000...]),
                     (held.images, held.labels))
        } else {
            let (images, labels) = Self.generated(count: config.samples, seed: 0)
            let cut = config.samples * 5 / 6
            pairs = ((images[0..<cut], labels[0..<cut]), (images[cut...], labels[cut...]), (images[cut...], labels[cut...]))
        }
        train = TransformedImages(images: pairs.train.0, labels: pairs.train.1, transform: Self.augment)
        val = TransformedImages(images: pairs.val.0, labels: pairs.val.1, transform: Self.normalize)
        test = TransformedImages(images: pairs.test.0, labels: pairs.test.1, transform: Self.normalize)
    }

    public override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        train.map { DataLoader($0, batchSize: config.batchSize, shuffle: true, numWorkers: config.numWorkers, seed: 7, collate: .pair) }
    }

    public override func valDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        val.map { DataLoader($0, batchSize: 256, numWorkers: config.numWorkers, collate: .pair) }
    }

    public override func testDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        test.map { DataLoader($0, batchSize: 256, numWorkers: config.numWorkers, collate: .pair) }
    }
}
