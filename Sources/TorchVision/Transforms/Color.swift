import Torch

/// Color operations on `[..., C, H, W]` images in torchvision's arithmetic (`uint8` results
/// truncated, floats clamped to 0-1).
enum ColorOps {
    /// The luminance `0.2989 R + 0.587 G + 0.114 B` as one channel, in float.
    static func luminance(_ image: Tensor) -> Tensor {
        let channels = image.unbind(dim: -3)
        let floating = image.dtype.isFloatingPoint ? channels : channels.map { $0.to(dtype: DType.float32) }
        return (floating[0] * 0.2989).add(floating[1], alpha: .double(0.587)).add(floating[2], alpha: .double(0.114)).unsqueeze(-3)
    }

    /// `ratio * a + (1 - ratio) * b`, clamped to the dtype's range, back in `a`'s dtype.
    static func blend(_ a: Tensor, _ b: Tensor, _ ratio: Double) -> Tensor {
        let bound: Double = a.dtype.isFloatingPoint ? 1 : 255
        let out = (a * ratio).add(b, alpha: .double(1 - ratio)).clamp(min: 0, max: bound)
        return a.dtype.isFloatingPoint ? out : out.to(dtype: a.dtype)
    }

    /// The gray image a blend moves toward: luminance, floored for integer images.
    static func gray(_ image: Tensor) -> Tensor {
        let l = luminance(image)
        return image.dtype.isFloatingPoint ? l : l.floor()
    }

    static func brightness(_ image: Tensor, _ factor: Double) -> Tensor {
        let bound: Double = image.dtype.isFloatingPoint ? 1 : 255
        let out = (image * factor).clamp(min: 0, max: bound)
        return image.dtype.isFloatingPoint ? out : out.to(dtype: image.dtype)
    }

    static func contrast(_ image: Tensor, _ factor: Double) -> Tensor {
        let gray = image.size(-3) == 3 ? gray(image) : image.to(dtype: image.dtype.isFloatingPoint ? image.dtype : .float32)
        return blend(image, gray.mean(dim: [-3, -2, -1], keepDim: true), factor)
    }

    static func saturation(_ image: Tensor, _ factor: Double) -> Tensor {
        image.size(-3) == 1 ? image : blend(image, gray(image), factor)
    }

    /// Hue rotated by `factor` turns (-0.5...0.5) through HSV, in float32.
    static func hue(_ image: Tensor, _ factor: Double) -> Tensor {
        guard image.size(-3) == 3, image.numel > 0 else { return image }
        let rgb = ToDtype(.float32, scale: true)(image)
        let (minimum, maximum) = (rgb.amin(dim: [-3]), rgb.amax(dim: [-3]))
        let channels = rgb.unbind(dim: -3)
        let (r, g) = (channels[0], channels[1])
        let equal = maximum .== minimum
        let range = maximum - minimum
        let ones = Tensor.ones(like: maximum)
        let s = range / Tensor.where(equal, ones, maximum)
        let divisor = Tensor.where(equal, ones, range).unsqueeze(-3)
        let scaled = ((maximum.unsqueeze(-3) - rgb) / divisor).unbind(dim: -3)
        let (rc, gc, bc) = (scaled[0], scaled[1], scaled[2])
        let notRed = maximum .!= r, isGreen = maximum .== g
        let hg = (rc + 2 - bc) * (isGreen .& notRed).to(dtype: DType.float32)
        let hr = (bc - gc) * notRed.logicalNot().to(dtype: DType.float32)
        let hb = (gc + 4 - rc) * (notRed .& isGreen.logicalNot()).to(dtype: DType.float32)
        let h = ((hr + hg + hb) * (1.0 / 6.0) + 1).fmod(other: 1.0)
        let shifted = (h + factor).remainder(1.0)
        // HSV back to RGB: six sectors choosing among v, p, q, t per channel.
        let h6 = shifted * 6
        let i = h6.floor()
        let f = h6 - i
        let sector = i.remainder(6).to(dtype: DType.int64)
        let v = maximum
        let q = ((1.0 - s * f) * v).clamp(min: 0, max: 1)
        let t = ((s * f + (1.0 - s)) * v).clamp(min: 0, max: 1)
        let p = ((1.0 - s) * v).clamp(min: 0, max: 1)
        let vpqt = Tensor.stack([v, p, q, t], dim: -3)
        let select = Tensor([[0, 2, 1, 1, 3, 0], [3, 0, 0, 2, 1, 1], [1, 1, 3, 0, 0, 2]] as [[Int64]])
        var indices = select.indexSelect(dim: 1, index: sector.reshape([-1])).reshape([3] + sector.shape)
        if indices.dim > 3 { indices = indices.movedim(source: 0, destination: -3) }
        let out = vpqt.gather(dim: -3, index: indices)
        return image.dtype == .float32 ? out : ToDtype(image.dtype, scale: true)(out)
    }
}

/// Converts to gray (`Grayscale`): the luminance in `numOutputChannels` (1 or 3) channels.
public struct Grayscale: Transform {
    public let numOutputChannels: Int
    public init(numOutputChannels: Int = 1) { self.numOutputChannels = numOutputChannels }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        guard image.size(-3) == 3 else {
            return numOutputChannels == 3 ? image.expand(Array(image.shape.dropLast(3)) + [3] + image.shape.suffix(2)) : image.clone()
        }
        let gray = ColorOps.luminance(image).to(dtype: image.dtype)
        return numOutputChannels == 3 ? gray.expand(image.shape) : gray
    }
}

/// Randomly changes brightness, contrast, saturation and hue, in a random order (`ColorJitter`).
/// A single value `x` means the range `[max(0, 1 - x), 1 + x]` (`[-x, x]` for hue).
public struct ColorJitter: Transform {
    public let brightness: ClosedRange<Double>?
    public let contrast: ClosedRange<Double>?
    public let saturation: ClosedRange<Double>?
    public let hue: ClosedRange<Double>?

    /// Factors around 1 (0 for hue) by up to the amounts given.
    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0) {
        func range(_ x: Double) -> ClosedRange<Double>? { x == 0 ? nil : max(0, 1 - x)...(1 + x) }
        self.init(brightness: range(brightness), contrast: range(contrast), saturation: range(saturation),
                  hueRange: hue == 0 ? nil : -hue...hue)
    }

    /// Factors drawn from the ranges given.
    public init(brightness: ClosedRange<Double>?, contrast: ClosedRange<Double>?, saturation: ClosedRange<Double>?,
                hueRange: ClosedRange<Double>?) {
        (self.brightness, self.contrast, self.saturation, self.hue) = (brightness, contrast, saturation, hueRange)
        if let hueRange, hueRange.lowerBound < -0.5 || hueRange.upperBound > 0.5 {
            argumentError("ColorJitter", "hue must lie within [-0.5, 0.5], got \(hueRange)")
        }
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        let order = Tensor.randperm(4, generator: generator).scalars(as: Int64.self)
        func draw(_ range: ClosedRange<Double>?) -> Double? {
            range.map { randomUniform($0.lowerBound, $0.upperBound, generator) }
        }
        let (b, c, s, h) = (draw(brightness), draw(contrast), draw(saturation), draw(hue))
        return order.reduce(image) { image, step in
            switch step {
            case 0: return b.map { ColorOps.brightness(image, $0) } ?? image
            case 1: return c.map { ColorOps.contrast(image, $0) } ?? image
            case 2: return s.map { ColorOps.saturation(image, $0) } ?? image
            default: return h.map { ColorOps.hue(image, $0) } ?? image
            }
        }
    }
}
