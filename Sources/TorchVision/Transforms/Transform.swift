import Torch

/// An image transform (`torchvision.transforms.v2`): takes an image tensor `[..., C, H, W]` and
/// returns the transformed one; random transforms draw from the generator given, so a seeded
/// generator repeats them (PyTorch's global generator when none is given).
public protocol Transform: Sendable {
    func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor
}

extension Transform {
    /// The transformed image, random draws from the sample's generator when a seeded
    /// `DataLoader` reads it (`Generator.sample`: the same augmentation whatever the number of
    /// workers), else from PyTorch's global generator.
    public func callAsFunction(_ image: Tensor) -> Tensor { self(image, generator: Generator.sample) }
}

/// Transforms applied in order (`Compose`).
public struct Compose: Transform {
    public let transforms: [any Transform]

    public init(_ transforms: [any Transform]) {
        self.transforms = transforms
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        transforms.reduce(image) { $1($0, generator: generator) }
    }
}

/// How pixels are interpolated when an image is resized (`InterpolationMode`).
public enum InterpolationMode: String, Sendable {
    case nearest, bilinear, bicubic
}
