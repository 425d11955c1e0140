import Lightning
import Torch

/// Generated images for examples and tests without files (`torchvision.datasets.FakeData`):
/// `size` random `uint8` images of `imageSize` (`[C, H, W]`) with random labels below
/// `numClasses`, the same for the same `seed` and index, then `transform`ed (random transforms
/// drawing from the sample's generator, as for any dataset).
public struct FakeData: Dataset {
    public let size: Int
    public let imageSize: [Int]
    public let numClasses: Int
    public let seed: UInt64
    public let transform: (any Transform)?

    public init(size: Int = 1000, imageSize: [Int] = [3, 224, 224], numClasses: Int = 10, seed: UInt64 = 0,
                transform: (any Transform)? = nil) {
        (self.size, self.imageSize, self.numClasses, self.seed, self.transform) = (size, imageSize, numClasses, seed, transform)
    }

    public var count: Int { size }

    public subscript(index: Int) -> (Tensor, Tensor) {
        let generator = Generator(seed: seed &+ UInt64(index))
        let image = Tensor.randint(0, 256, imageSize, generator: generator).to(dtype: .uint8)
        let label = Tensor.randint(0, numClasses, [], generator: generator)
        return (transform.map { $0(image) } ?? image, label)
    }
}
