import Torch

/// Normalizes each channel, `(x - mean) / std` (`Normalize`), on floating-point images.
public struct Normalize: Transform {
    public let mean: [Double]
    public let std: [Double]

    public init(mean: [Double], std: [Double]) {
        (self.mean, self.std) = (mean, std)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        guard image.dtype.isFloatingPoint else {
            argumentError("Normalize", "expects a floating-point image, got \(image.dtype); convert it with ToDtype(.float32, scale: true) first")
            return image
        }
        let m = Tensor(mean).to(dtype: image.dtype).reshape([-1, 1, 1]), s = Tensor(std).to(dtype: image.dtype).reshape([-1, 1, 1])
        return (image - m) / s
    }
}

/// Converts the image's dtype (`ToDtype`); with `scale`, `uint8` values 0-255 become 0-1 floats
/// and floats 0-1 become 0-255 `uint8`.
public struct ToDtype: Transform {
    public let dtype: DType
    public let scale: Bool

    public init(_ dtype: DType, scale: Bool = false) {
        (self.dtype, self.scale) = (dtype, scale)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        guard scale, image.dtype != dtype else { return image.to(dtype: dtype) }
        // torchvision's arithmetic: times 1/255 up, times 255.999 then truncation down.
        switch (image.dtype.isFloatingPoint, dtype.isFloatingPoint) {
        case (false, true): return image.to(dtype: dtype) * (1.0 / 255)
        case (true, false): return (image * (256 - 1e-3)).to(dtype: dtype)
        default: return image.to(dtype: dtype)
        }
    }
}
