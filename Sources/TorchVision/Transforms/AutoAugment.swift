import Foundation
import Torch

/// The image operations of the automatic augmentation policies, in torchvision's arithmetic.
enum AugmentOps {
    static func bound(_ image: Tensor) -> Double { image.dtype.isFloatingPoint ? 1 : 255 }

    /// Sharpened (factor > 1) or blurred (< 1) against a 3x3 smoothing of the inner pixels.
    static func sharpness(_ image: Tensor, _ factor: Double) -> Tensor {
        let (channels, height, width) = (image.size(-3), image.size(-2), image.size(-1))
        guard image.numel > 0, height > 2, width > 2 else { return image }
        let dtype: DType = image.dtype.isFloatingPoint ? image.dtype : .float32
        let (a, b) = (1.0 / 13.0, 5.0 / 13.0)
        let kernel = Tensor([[a, a, a], [a, b, a], [a, a, a]]).to(dtype: dtype).expand([channels, 1, 3, 3])
        let shape = image.shape
        let output = image.reshape([-1, channels, height, width]).to(dtype: dtype).clone()
        var blurred = F.conv2d(output, weight: kernel, groups: channels)
        if !image.dtype.isFloatingPoint { blurred = blurred.round() }
        let inner = output.narrow(dim: -2, start: 1, length: height - 2).narrow(dim: -1, start: 1, length: width - 2)
        _ = inner.add_((blurred - inner), alpha: 1 - factor)
        let clamped = output.clamp(min: 0, max: bound(image)).reshape(shape)
        return image.dtype.isFloatingPoint ? clamped : clamped.to(dtype: image.dtype)
    }

    /// The top `bits` bits of each value.
    static func posterize(_ image: Tensor, bits: Int) -> Tensor {
        if image.dtype.isFloatingPoint {
            let levels = Double(1 << bits)
            return ((image * levels).floor().clamp(min: 0, max: levels - 1)) * (1.0 / levels)
        }
        return image.bitwiseAnd(other: .int(((1 << bits) - 1) << (8 - bits)))
    }

    /// Values at or above `threshold` inverted.
    static func solarize(_ image: Tensor, threshold: Double) -> Tensor {
        let inverted = image.dtype.isFloatingPoint ? 1 - image : image.bitwiseNot()
        return Tensor.where(image .>= threshold, inverted, image)
    }

    /// Each channel stretched to the full range.
    static func autocontrast(_ image: Tensor) -> Tensor {
        guard image.numel > 0 else { return image }
        let limit = bound(image)
        let floating = image.dtype.isFloatingPoint ? image : image.to(dtype: .float32)
        var minimum = floating.amin(dim: [-2, -1], keepdim: true)
        let maximum = floating.amax(dim: [-2, -1], keepdim: true)
        let equal = maximum .== minimum
        var inverseScale = (maximum - minimum) * (1.0 / limit)
        minimum = minimum.maskedFill(equal, 0)
        inverseScale = inverseScale.maskedFill(equal, 1)
        return ((floating - minimum) / inverseScale).clamp(min: 0, max: limit).to(dtype: image.dtype)
    }

    /// Histogram equalization per channel, with PIL's lookup table.
    static func equalize(_ image: Tensor) -> Tensor {
        guard image.numel > 0 else { return image }
        let outputType = image.dtype
        let bytes = ToDtype(.uint8, scale: true)(image)
        let batchShape = Array(bytes.shape.dropLast(2))
        let flat = bytes.flatten(startDim: -2).to(dtype: .int64)
        let histogram = Tensor.zeros(batchShape + [256], dtype: .int32).scatterAdd(dim: -1, index: flat,
                                                                                    src: Tensor.ones([1], dtype: .int32).expandAs(flat))
        var cumulative = histogram.cumsum(dim: -1)
        let index = cumulative.argmax(dim: -1).unsqueeze(-1)
        let nonMax = Tensor(Int32(flat.size(-1))) - histogram.gather(dim: -1, index: index)
        var step = nonMax.div(other: .int(255), roundingMode: "floor")
        let valid = step .!= 0
        step = step.clamp(min: 1)
        cumulative = cumulative.narrow(dim: -1, start: 0, length: 255)
        let lut = ((cumulative + step.div(other: .int(2), roundingMode: "floor")).div(step, roundingMode: "floor"))
            .clamp(min: 0, max: 255).to(dtype: .uint8)
        let table = Tensor.cat([Tensor.zeros(batchShape + [1], dtype: .uint8), lut], dim: -1)
        let equalized = table.gather(dim: -1, index: flat).reshape(bytes.shape)
        return ToDtype(outputType, scale: true)(Tensor.where(valid.unsqueeze(-1), equalized, bytes))
    }

    /// One named operation at `magnitude`, as torchvision's `_apply_image_or_video_transform`.
    static func apply(_ name: String, _ image: Tensor, magnitude: Double, interpolation: InterpolationMode, fill: [Double]?) -> Tensor {
        switch name {
        case "ShearX":
            return Affine.affine(image, angle: 0, translate: [0, 0], scale: 1, shear: [atan(magnitude) * 180 / .pi, 0],
                                 interpolation: interpolation, fill: fill, center: [0, 0])
        case "ShearY":
            return Affine.affine(image, angle: 0, translate: [0, 0], scale: 1, shear: [0, atan(magnitude) * 180 / .pi],
                                 interpolation: interpolation, fill: fill, center: [0, 0])
        case "TranslateX":
            return Affine.affine(image, angle: 0, translate: [Double(Int(magnitude)), 0], scale: 1, shear: [0, 0],
                                 interpolation: interpolation, fill: fill)
        case "TranslateY":
            return Affine.affine(image, angle: 0, translate: [0, Double(Int(magnitude))], scale: 1, shear: [0, 0],
                                 interpolation: interpolation, fill: fill)
        case "Rotate": return RandomRotation.rotate(image, angle: magnitude, interpolation: interpolation, fill: fill)
        case "Brightness": return ColorOps.brightness(image, 1 + magnitude)
        case "Color": return ColorOps.saturation(image, 1 + magnitude)
        case "Contrast": return ColorOps.contrast(image, 1 + magnitude)
        case "Sharpness": return sharpness(image, 1 + magnitude)
        case "Posterize": return posterize(image, bits: Int(magnitude))
        case "Solarize": return solarize(image, threshold: bound(image) * magnitude)
        case "AutoContrast": return autocontrast(image)
        case "Equalize": return equalize(image)
        default: return image
        }
    }

    /// An operation's magnitudes over `bins` bins (nil: it has none) and whether their sign is random.
    typealias Space = [(name: String, magnitudes: (@Sendable (Int, Int, Int) -> [Double])?, signed: Bool)]

    static func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        Tensor.linspace(a, b, steps: n).scalars(as: Float.self).map(Double.init)
    }

    /// Posterize's bits over `bins` bins: `round(8 - i / ((bins - 1) / levels))`.
    static func posterizeBits(_ bins: Int, _ levels: Double) -> [Double] {
        (8 - Tensor.arange(bins).to(dtype: .float32) / ((Double(bins) - 1) / levels)).round().scalars(as: Float.self).map(Double.init)
    }

    /// Runs one operation drawn from `space`: its name by a random index, then (for policies
    /// without a fixed magnitude) a random bin, then a random sign, as torchvision draws them.
    static func applyRandom(_ image: Tensor, space: Space, bins: Int, fixedBin: Int?, interpolation: InterpolationMode,
                            fill: [Double]?, _ generator: Generator?) -> Tensor {
        let op = space[randomInt(below: space.count, generator)]
        var magnitude = 0.0
        if let table = op.magnitudes?(bins, image.size(-2), image.size(-1)) {
            magnitude = table[fixedBin ?? randomInt(below: bins, generator)]
            if op.signed && Tensor.rand([1], generator: generator).item(as: Double.self) <= 0.5 { magnitude = -magnitude }
        }
        return apply(op.name, image, magnitude: magnitude, interpolation: interpolation, fill: fill)
    }
}

/// One operation per image, drawn with a random strength from a wide range (`TrivialAugmentWide`).
public struct TrivialAugmentWide: Transform {
    public let numMagnitudeBins: Int
    public let interpolation: InterpolationMode
    public let fill: [Double]?

    public init(numMagnitudeBins: Int = 31, interpolation: InterpolationMode = .nearest, fill: [Double]? = nil) {
        (self.numMagnitudeBins, self.interpolation, self.fill) = (numMagnitudeBins, interpolation, fill)
    }

    static let space: AugmentOps.Space = [
        ("Identity", nil, false),
        ("ShearX", { n, _, _ in AugmentOps.linspace(0, 0.99, n) }, true), ("ShearY", { n, _, _ in AugmentOps.linspace(0, 0.99, n) }, true),
        ("TranslateX", { n, _, _ in AugmentOps.linspace(0, 32, n) }, true), ("TranslateY", { n, _, _ in AugmentOps.linspace(0, 32, n) }, true),
        ("Rotate", { n, _, _ in AugmentOps.linspace(0, 135, n) }, true),
        ("Brightness", { n, _, _ in AugmentOps.linspace(0, 0.99, n) }, true), ("Color", { n, _, _ in AugmentOps.linspace(0, 0.99, n) }, true),
        ("Contrast", { n, _, _ in AugmentOps.linspace(0, 0.99, n) }, true), ("Sharpness", { n, _, _ in AugmentOps.linspace(0, 0.99, n) }, true),
        ("Posterize", { n, _, _ in AugmentOps.posterizeBits(n, 6) }, false), ("Solarize", { n, _, _ in AugmentOps.linspace(1, 0, n) }, false),
        ("AutoContrast", nil, false), ("Equalize", nil, false),
    ]

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        AugmentOps.applyRandom(image, space: Self.space, bins: numMagnitudeBins, fixedBin: nil, interpolation: interpolation,
                               fill: fill, generator)
    }
}

/// `numOps` operations per image, drawn at random, each at strength `magnitude` of
/// `numMagnitudeBins` (`RandAugment`).
public struct RandAugment: Transform {
    public let numOps: Int
    public let magnitude: Int
    public let numMagnitudeBins: Int
    public let interpolation: InterpolationMode
    public let fill: [Double]?

    public init(numOps: Int = 2, magnitude: Int = 9, numMagnitudeBins: Int = 31, interpolation: InterpolationMode = .nearest,
                fill: [Double]? = nil) {
        (self.numOps, self.magnitude, self.numMagnitudeBins, self.interpolation, self.fill) = (numOps, magnitude, numMagnitudeBins, interpolation, fill)
        if !(0..<numMagnitudeBins).contains(magnitude) {
            argumentError("RandAugment", "magnitude \(magnitude) must be below numMagnitudeBins \(numMagnitudeBins)")
        }
    }

    static let space: AugmentOps.Space = [
        ("Identity", nil, false),
        ("ShearX", { n, _, _ in AugmentOps.linspace(0, 0.3, n) }, true), ("ShearY", { n, _, _ in AugmentOps.linspace(0, 0.3, n) }, true),
        ("TranslateX", { n, _, w in AugmentOps.linspace(0, 150.0 / 331.0 * Double(w), n) }, true),
        ("TranslateY", { n, h, _ in AugmentOps.linspace(0, 150.0 / 331.0 * Double(h), n) }, true),
        ("Rotate", { n, _, _ in AugmentOps.linspace(0, 30, n) }, true),
        ("Brightness", { n, _, _ in AugmentOps.linspace(0, 0.9, n) }, true), ("Color", { n, _, _ in AugmentOps.linspace(0, 0.9, n) }, true),
        ("Contrast", { n, _, _ in AugmentOps.linspace(0, 0.9, n) }, true), ("Sharpness", { n, _, _ in AugmentOps.linspace(0, 0.9, n) }, true),
        ("Posterize", { n, _, _ in AugmentOps.posterizeBits(n, 4) }, false), ("Solarize", { n, _, _ in AugmentOps.linspace(1, 0, n) }, false),
        ("AutoContrast", nil, false), ("Equalize", nil, false),
    ]

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        (0..<numOps).reduce(image) { image, _ in
            AugmentOps.applyRandom(image, space: Self.space, bins: numMagnitudeBins, fixedBin: magnitude, interpolation: interpolation,
                                   fill: fill, generator)
        }
    }
}
