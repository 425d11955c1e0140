import Foundation
import Lightning
import LightningCLI
import Torch

/// 28x28 one-channel images in 10 classes: MNIST when `dataDir` holds its IDX files, otherwise
/// generated shapes (so the examples run offline with nothing downloaded).
public final class ShapesDataModule: LightningDataModule<(Tensor, Tensor)>, CLIConfigurable {
    public struct Config: CLIConfig {
        /// A folder with MNIST's IDX files (train-images-idx3-ubyte...); empty: generated shapes.
        public var dataDir = ""
        public var batchSize = 64
        /// Generated images (split 5:1 into train and validation).
        public var samples = 6000
        public var numWorkers = 0
        public init() {}
    }

    public let config: Config
    private var train: TensorDataset?, val: TensorDataset?

    public init(config: Config) {
        self.config = config
        super.init()
    }

    public override func setup(stage: Stage) {
        guard train == nil else { return }
        if !config.dataDir.isEmpty, let mnist = try? MNIST(root: config.dataDir, train: true),
           let test = try? MNIST(root: config.dataDir, train: false) {
            train = TensorDataset(mnist.images.unsqueeze(1).to(dtype: .float32) / 255, mnist.labels)
            val = TensorDataset(test.images.unsqueeze(1).to(dtype: .float32) / 255, test.labels)
            return
        }
        let (images, labels) = Self.shapes(count: config.samples, seed: 0)
        let cut = config.samples * 5 / 6
        train = TensorDataset(images[0..<cut], labels[0..<cut])
        val = TensorDataset(images[cut..<config.samples], labels[cut..<config.samples])
    }

    public override func trainDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        train.map { DataLoader($0, batchSize: config.batchSize, shuffle: true, numWorkers: config.numWorkers, seed: 7) }
    }

    public override func valDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? {
        val.map { DataLoader($0, batchSize: 256) }
    }

    public override func testDataloader() -> (any BatchLoader<(Tensor, Tensor)>)? { valDataloader() }

    /// `count` images of ten shapes (disc, ring, square, frame, plus, cross, horizontal bar,
    /// vertical bar, diagonal, triangle) at random positions and sizes, with noise.
    public static func shapes(count: Int, seed: UInt64) -> (Tensor, Tensor) {
        let g = Generator(seed: seed)
        let labels = Tensor.randint(0, 10, [count], generator: g)
        let centers = Tensor.rand([count, 2], generator: g) * 8 + 10
        let radii = Tensor.rand([count, 1, 1], generator: g) * 4 + 6
        let grid = Tensor.arange(28).to(dtype: .float32)
        let dy = grid.reshape([1, 28, 1]) - centers[TensorIndex.all, 0].reshape([count, 1, 1])
        let dx = grid.reshape([1, 1, 28]) - centers[TensorIndex.all, 1].reshape([count, 1, 1])
        let ady = dy.abs() / radii, adx = dx.abs() / radii
        let distance = (dy * dy + dx * dx).sqrt() / radii
        let inside = distance .< 1.0
        let thin = 0.18, slant = 0.25
        let horizontal = (ady .< thin) .& (adx .< 1.0), vertical = (adx .< thin) .& (ady .< 1.0)
        let diagonal = ((dy - dx).abs() / radii .< slant) .& inside
        let antidiagonal = ((dy + dx).abs() / radii .< slant) .& inside
        let square = (ady .< 0.8) .& (adx .< 0.8)
        let frame = (ady .< 0.9) .& (adx .< 0.9) .& ((ady .> 0.6) .| (adx .> 0.6))
        let triangle = (dy / radii .< 0.8) .& (dy / radii .> adx * 2.0 - 1.0)
        let masks: [Tensor] = [inside, inside .& (distance .> 0.65), square, frame, horizontal .| vertical,
                               diagonal .| antidiagonal, horizontal, vertical, diagonal, triangle]
        let stacked = Tensor.stack(masks.map { $0.to(dtype: .float32) }, dim: 1)
        let chosen = stacked.gather(dim: 1, index: labels.reshape([count, 1, 1, 1]).expand([count, 1, 28, 28]))
        let noise = Tensor.rand([count, 1, 28, 28], generator: g) * 0.3
        return ((chosen * 0.8 + noise).clamp(min: 0, max: 1), labels)
    }
}
