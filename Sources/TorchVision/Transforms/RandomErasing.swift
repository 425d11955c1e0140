import Torch

/// Erases a random rectangle with probability `p` (`RandomErasing`): a region of `scale` of the
/// area and aspect ratio in `ratio`, filled with `value` per channel (one value for all), or
/// with standard normal noise when `value` is nil.
public struct RandomErasing: Transform {
    public let p: Double
    public let scale: ClosedRange<Double>
    public let ratio: ClosedRange<Double>
    public let value: [Double]?

    public init(p: Double = 0.5, scale: ClosedRange<Double> = 0.02...0.33, ratio: ClosedRange<Double> = 0.3...3.3,
                value: [Double]? = [0]) {
        (self.p, self.scale, self.ratio, self.value) = (p, scale, ratio, value)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator?) -> Tensor {
        guard happens(p, generator) else { return image }
        let (channels, height, width) = (image.size(-3), image.size(-2), image.size(-1))
        if let value, value.count != 1 && value.count != channels {
            argumentError("RandomErasing", "value must have 1 or \(channels) entries, got \(value.count)")
            return image
        }
        // torchvision's erasing takes the height from √(area·ratio), its crops take the width.
        guard let (h, w) = randomRegion(height: height, width: width, scale: scale, ratio: ratio,
                                        fits: { h, w in h < height && w < width }, generator) else { return image }
        let fill = value.map { Tensor($0.map(Float.init)).reshape([-1, 1, 1]) }
            ?? Tensor.empty([channels, h, w]).normal_(generator: generator)
        let top = randomInt(below: height - h + 1, generator)
        let left = randomInt(below: width - w + 1, generator)
        let out = image.clone()
        _ = out.narrow(dim: -2, start: top, length: h).narrow(dim: -1, start: left, length: w)
            .copy_(fill.expand([channels, h, w]).to(dtype: image.dtype))
        return out
    }
}
