/// Resizes its input to `size` or by `scaleFactor` (`nn.Upsample`; see `F.interpolate`).
public final class Upsample: Module {
    public let size: [Int]?, scaleFactor: [Double]?, mode: String, alignCorners: Bool?

    public init(size: [Int]? = nil, scaleFactor: [Double]? = nil, mode: String = "nearest", alignCorners: Bool? = nil) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (size, scaleFactor, mode, alignCorners)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.interpolate(x, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }
}

/// Nearest-neighbour upsampling of (N, C, H, W) input (`nn.UpsamplingNearest2d`), as
/// `Upsample(mode: "nearest")`.
public final class UpsamplingNearest2d: Module {
    public let size: [Int]?, scaleFactor: [Double]?

    public init(size: [Int]? = nil, scaleFactor: [Double]? = nil) {
        (self.size, self.scaleFactor) = (size, scaleFactor)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.interpolate(x, size: size, scaleFactor: scaleFactor, mode: "nearest")
    }
}

/// Bilinear upsampling of (N, C, H, W) input with aligned corners (`nn.UpsamplingBilinear2d`),
/// as `Upsample(mode: "bilinear", alignCorners: true)`.
public final class UpsamplingBilinear2d: Module {
    public let size: [Int]?, scaleFactor: [Double]?

    public init(size: [Int]? = nil, scaleFactor: [Double]? = nil) {
        (self.size, self.scaleFactor) = (size, scaleFactor)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.interpolate(x, size: size, scaleFactor: scaleFactor, mode: "bilinear", alignCorners: true)
    }
}

/// Splits the channels into `groups` and interleaves them (`nn.ChannelShuffle`, ShuffleNet's).
public final class ChannelShuffle: Module {
    public let groups: Int

    public init(_ groups: Int) {
        self.groups = groups
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.channelShuffle(x, groups: groups) }
}

/// Moves channels into space: `(C·r², H, W)` to `(C, H·r, W·r)` (`nn.PixelShuffle`).
public final class PixelShuffle: Module {
    public let upscaleFactor: Int

    public init(_ upscaleFactor: Int) {
        self.upscaleFactor = upscaleFactor
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.pixelShuffle(x, upscaleFactor: upscaleFactor) }
}

/// The inverse of `PixelShuffle` (`nn.PixelUnshuffle`).
public final class PixelUnshuffle: Module {
    public let downscaleFactor: Int

    public init(_ downscaleFactor: Int) {
        self.downscaleFactor = downscaleFactor
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.pixelUnshuffle(x, downscaleFactor: downscaleFactor) }
}

/// Splits dimension `dim` into `sizes` (`nn.Unflatten`).
public final class Unflatten: Module {
    public let dim: Int, sizes: [Int]

    public init(dim: Int, sizes: [Int]) {
        (self.dim, self.sizes) = (dim, sizes)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.unflatten(x, dim: dim, sizes: sizes) }
}

/// The cosine similarity of two inputs along `dim` (`nn.CosineSimilarity`).
public final class CosineSimilarity: Module {
    public let dim: Int, eps: Double

    public init(dim: Int = 1, eps: Double = 1e-8) {
        (self.dim, self.eps) = (dim, eps)
        super.init()
    }

    /// The similarity of `x1` and `x2`.
    public func forward(_ x1: Tensor, _ x2: Tensor) -> Tensor { ATen.cosineSimilarity(x1, x2, dim: dim, eps: eps) }
}

/// The `p`-norm distance of two inputs' rows (`nn.PairwiseDistance`).
public final class PairwiseDistance: Module {
    public let p: Double, eps: Double, keepdim: Bool

    public init(p: Double = 2, eps: Double = 1e-6, keepdim: Bool = false) {
        (self.p, self.eps, self.keepdim) = (p, eps, keepdim)
        super.init()
    }

    /// The distances between `x1` and `x2`.
    public func forward(_ x1: Tensor, _ x2: Tensor) -> Tensor { ATen.pairwiseDistance(x1, x2, p: p, eps: eps, keepdim: keepdim) }
}
