/// Zeroes elements with probability `p` while training (`nn.Dropout`).
public final class Dropout: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.dropout(x, p: p, training: isTraining) }
}

/// Zeroes whole channels with probability `p` while training, on `(N, C, L)` or `(C, L)` input
/// (`nn.Dropout1d`).
public final class Dropout1d: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.featureDropout(x, p: p, training: isTraining, batchedDims: 3) }
}

/// Zeroes whole channels with probability `p` while training, on `(N, C, H, W)` input (`nn.Dropout2d`).
public final class Dropout2d: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.featureDropout(x, p: p, training: isTraining, batchedDims: 4) }
}

/// Zeroes whole channels with probability `p` while training, on `(N, C, D, H, W)` input (`nn.Dropout3d`).
public final class Dropout3d: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { F.featureDropout(x, p: p, training: isTraining, batchedDims: 5) }
}

/// Dropout that keeps a SELU network's mean and variance (`nn.AlphaDropout`).
public final class AlphaDropout: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.alphaDropout(x, p: p, train: isTraining) }
}

/// Alpha dropout of whole channels, keeping a SELU network's mean and variance
/// (`nn.FeatureAlphaDropout`).
public final class FeatureAlphaDropout: Module {
    public var p: Double

    public init(_ p: Double = 0.5) {
        self.p = p
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { ATen.featureAlphaDropout(x, p: p, train: isTraining) }
}
