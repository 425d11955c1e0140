import Torch

/// A uniform integer in `0..<upper` drawn as torchvision draws it (`torch.randint(0, upper, (1,))`).
func randomInt(below upper: Int, _ generator: Generator?) -> Int {
    Tensor.randint(0, upper, [1], generator: generator).item(as: Int.self)
}

/// Whether a transform of probability `p` applies, drawn as torchvision draws it (`torch.rand(1) < p`).
func happens(_ p: Double, _ generator: Generator?) -> Bool {
    Tensor.rand([1], generator: generator).item(as: Double.self) < p
}

/// Resizes images (`Resize`): to `[height, width]`, or with one size, the shorter side to it and
/// the other in proportion; antialiased when shrinking with bilinear or bicubic interpolation,
/// as torchvision's default. `uint8` images stay `uint8`.
public struct Resize: Transform {
    public let size: [Int]
    public let interpolation: InterpolationMode
    public let antialias: Bool

    public init(_ size: [Int], interpolation: InterpolationMode = .bilinear, antialias: Bool = true) {
        (self.size, self.interpolation, self.antialias) = (size, interpolation, antialias)
    }

    /// The output `[height, width]` for an image of `height` x `width`.
    func outputSize(height: Int, width: Int) -> [Int] {
        guard size.count == 1 else { return size }
        let (short, long) = width <= height ? (width, height) : (height, width)
        let newLong = Int(Double(size[0]) * Double(long) / Double(short))
        return width <= height ? [newLong, size[0]] : [size[0], newLong]
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        let (height, width) = (image.size(-2), image.size(-1))
        let target = outputSize(height: height, width: width)
        if target == [height, width] { return image }
        let shape = image.shape
        let batch = image.reshape([-1, shape[shape.count - 3], height, width])
        // As torchvision: uint8 is resized natively on the CPU (and with nearest anywhere); other
        // dtypes go through float32 and are rounded back.
        let native = image.dtype.isFloatingPoint || image.dtype == .uint8 && (interpolation == .nearest || image.device == .cpu)
        let input = native ? batch : batch.to(dtype: .float32)
        var out = F.interpolate(input, size: target, mode: interpolation.rawValue,
                                alignCorners: interpolation == .nearest ? nil : false,
                                antialias: antialias && interpolation != .nearest)
        if !native {
            if interpolation == .bicubic && image.dtype == .uint8 { out = out.clamp(min: 0, max: 255) }
            out = out.round().to(dtype: image.dtype)
        }
        return out.reshape(Array(shape.dropLast(2)) + target)
    }
}

/// Crops the center (`CenterCrop`), padding with zeros first when the image is smaller.
public struct CenterCrop: Transform {
    public let size: [Int]

    public init(_ size: [Int]) {
        self.size = size.count == 1 ? [size[0], size[0]] : size
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        var image = image
        var (height, width) = (image.size(-2), image.size(-1))
        let (th, tw) = (size[0], size[1])
        if th > height || tw > width {
            let padTop = max(th - height, 0) / 2, padLeft = max(tw - width, 0) / 2
            image = F.pad(image, [padLeft, max(tw - width, 0) - padLeft, padTop, max(th - height, 0) - padTop])
            (height, width) = (image.size(-2), image.size(-1))
        }
        let top = Int((Double(height - th) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(width - tw) / 2).rounded(.toNearestOrEven))
        return image.narrow(dim: -2, start: top, length: th).narrow(dim: -1, start: left, length: tw)
    }
}

/// Crops at a random place (`RandomCrop`), after `padding` (`[all]`, `[left/right, top/bottom]`
/// or `[left, top, right, bottom]`) and, with `padIfNeeded`, enough to fit the crop.
public struct RandomCrop: Transform {
    public let size: [Int]
    public let padding: [Int]?
    public let padIfNeeded: Bool
    public let fill: Double
    /// "constant", "edge" ("replicate"), "reflect" or "symmetric" is not supported.
    public let paddingMode: String

    public init(_ size: [Int], padding: [Int]? = nil, padIfNeeded: Bool = false, fill: Double = 0, paddingMode: String = "constant") {
        self.size = size.count == 1 ? [size[0], size[0]] : size
        (self.padding, self.padIfNeeded, self.fill, self.paddingMode) = (padding, padIfNeeded, fill, paddingMode)
    }

    private func padded(_ image: Tensor, _ pads: [Int]) -> Tensor {
        guard pads.contains(where: { $0 > 0 }) else { return image }
        let mode = paddingMode == "edge" ? "replicate" : paddingMode
        let floating = image.dtype.isFloatingPoint || mode == "constant" ? image : image.to(dtype: .float32)
        let out = F.pad(floating, pads, mode: mode, value: fill)
        return out.dtype == image.dtype ? out : out.to(dtype: image.dtype)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        var image = image
        if let padding {
            let (left, top, right, bottom): (Int, Int, Int, Int) = padding.count == 1 ? (padding[0], padding[0], padding[0], padding[0])
                : padding.count == 2 ? (padding[0], padding[1], padding[0], padding[1]) : (padding[0], padding[1], padding[2], padding[3])
            image = padded(image, [left, right, top, bottom])
        }
        let (th, tw) = (size[0], size[1])
        if padIfNeeded {
            let (h, w) = (image.size(-2), image.size(-1))
            image = padded(image, [max(tw - w, 0), max(tw - w, 0), max(th - h, 0), max(th - h, 0)])
        }
        let (height, width) = (image.size(-2), image.size(-1))
        guard height >= th, width >= tw else {
            argumentError("RandomCrop", "the crop \(size) is larger than the image \([height, width]); pad it (padIfNeeded: true)")
            return image
        }
        let top = randomInt(below: height - th + 1, generator)
        let left = randomInt(below: width - tw + 1, generator)
        return image.narrow(dim: -2, start: top, length: th).narrow(dim: -1, start: left, length: tw)
    }
}

/// Flips left to right with probability `p` (`RandomHorizontalFlip`).
public struct RandomHorizontalFlip: Transform {
    public let p: Double
    public init(p: Double = 0.5) { self.p = p }
    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        happens(p, generator) ? image.flip([-1]) : image
    }
}

/// Flips top to bottom with probability `p` (`RandomVerticalFlip`).
public struct RandomVerticalFlip: Transform {
    public let p: Double
    public init(p: Double = 0.5) { self.p = p }
    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        happens(p, generator) ? image.flip([-2]) : image
    }
}

/// A uniform float in `range` drawn as torchvision draws it (`torch.empty(1).uniform_(a, b).item()`).
func randomUniform(_ lower: Double, _ upper: Double, _ generator: Generator?) -> Double {
    Tensor.empty([1]).uniform_(from: lower, to: upper, generator: generator).item(as: Double.self)
}

/// A region of `scale` of the image's area and an aspect ratio in `ratio` (log-uniform), tried
/// ten times as torchvision's RandomResizedCrop and RandomErasing do: its sides
/// `√(area·ratio)` and `√(area/ratio)`, or nil when none `fits`.
func randomRegion(height: Int, width: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                  fits: (Int, Int) -> Bool, _ generator: Generator?) -> (product: Int, quotient: Int)? {
    let logRatio = Tensor([Float(ratio.lowerBound), Float(ratio.upperBound)]).log().scalars(as: Float.self)
    for _ in 0..<10 {
        let area = Double(height * width) * randomUniform(scale.lowerBound, scale.upperBound, generator)
        let aspect = Tensor.empty([1]).uniform_(from: Double(logRatio[0]), to: Double(logRatio[1]), generator: generator)
            .exp().item(as: Double.self)
        let product = Int((area * aspect).squareRoot().rounded(.toNearestOrEven))
        let quotient = Int((area / aspect).squareRoot().rounded(.toNearestOrEven))
        if fits(product, quotient) { return (product, quotient) }
    }
    return nil
}

/// Crops a random region of `scale` of the area and aspect ratio in `ratio`, then resizes it to
/// `size` (`RandomResizedCrop`), antialiased bilinear by default.
public struct RandomResizedCrop: Transform {
    public let size: [Int]
    public let scale: ClosedRange<Double>
    public let ratio: ClosedRange<Double>
    public let interpolation: InterpolationMode
    public let antialias: Bool

    public init(_ size: [Int], scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3),
                interpolation: InterpolationMode = .bilinear, antialias: Bool = true) {
        self.size = size.count == 1 ? [size[0], size[0]] : size
        (self.scale, self.ratio, self.interpolation, self.antialias) = (scale, ratio, interpolation, antialias)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        let (height, width) = (image.size(-2), image.size(-1))
        var (top, left, h, w): (Int, Int, Int, Int)
        if let region = randomRegion(height: height, width: width, scale: scale, ratio: ratio,
                                     fits: { w, h in 0 < w && w <= width && 0 < h && h <= height }, generator) {
            (w, h) = region
            top = randomInt(below: height - h + 1, generator)
            left = randomInt(below: width - w + 1, generator)
        } else {
            let inRatio = Double(width) / Double(height)
            if inRatio < ratio.lowerBound {
                (w, h) = (width, Int((Double(width) / ratio.lowerBound).rounded(.toNearestOrEven)))
            } else if inRatio > ratio.upperBound {
                (h, w) = (height, Int((Double(height) * ratio.upperBound).rounded(.toNearestOrEven)))
            } else {
                (h, w) = (height, width)
            }
            (top, left) = ((height - h) / 2, (width - w) / 2)
        }
        let crop = image.narrow(dim: -2, start: top, length: h).narrow(dim: -1, start: left, length: w)
        return Resize(size, interpolation: interpolation, antialias: antialias)(crop)
    }
}
