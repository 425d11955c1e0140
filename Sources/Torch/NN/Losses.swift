/// Cross-entropy loss (`nn.CrossEntropyLoss`).
public final class CrossEntropyLoss: Module {
    @Buffer public var weight: Tensor?
    public let reduction: Reduction, ignoreIndex: Int, labelSmoothing: Double

    public init(weight: Tensor? = nil, reduction: Reduction = .mean, ignoreIndex: Int = -100, labelSmoothing: Double = 0) {
        (self.weight, self.reduction, self.ignoreIndex, self.labelSmoothing) = (weight, reduction, ignoreIndex, labelSmoothing)
        super.init()
    }

    /// The loss of logits against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.crossEntropy(input, target, weight: weight, reduction: reduction, ignoreIndex: ignoreIndex,
                       labelSmoothing: labelSmoothing)
    }
}

/// Negative log-likelihood loss (`nn.NLLLoss`).
public final class NLLLoss: Module {
    @Buffer public var weight: Tensor?
    public let reduction: Reduction, ignoreIndex: Int

    public init(weight: Tensor? = nil, reduction: Reduction = .mean, ignoreIndex: Int = -100) {
        (self.weight, self.reduction, self.ignoreIndex) = (weight, reduction, ignoreIndex)
        super.init()
    }

    /// The loss of log-probabilities against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.nllLoss(input, target, weight: weight, reduction: reduction, ignoreIndex: ignoreIndex)
    }
}

/// Mean squared error (`nn.MSELoss`).
public final class MSELoss: Module {
    public let reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    /// The loss of predictions against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.mseLoss(input, target, reduction: reduction) }
}

/// Mean absolute error (`nn.L1Loss`).
public final class L1Loss: Module {
    public let reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    /// The loss of predictions against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.l1Loss(input, target, reduction: reduction) }
}

/// Smooth L1 loss (`nn.SmoothL1Loss`).
public final class SmoothL1Loss: Module {
    public let reduction: Reduction, beta: Double

    public init(reduction: Reduction = .mean, beta: Double = 1) {
        (self.reduction, self.beta) = (reduction, beta)
        super.init()
    }

    /// The loss of predictions against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }
}

/// Huber loss (`nn.HuberLoss`).
public final class HuberLoss: Module {
    public let reduction: Reduction, delta: Double

    public init(reduction: Reduction = .mean, delta: Double = 1) {
        (self.reduction, self.delta) = (reduction, delta)
        super.init()
    }

    /// The loss of predictions against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.huberLoss(input, target, reduction: reduction, delta: delta)
    }
}

/// Binary cross-entropy of probabilities (`nn.BCELoss`).
public final class BCELoss: Module {
    @Buffer public var weight: Tensor?
    public let reduction: Reduction

    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        (self.weight, self.reduction) = (weight, reduction)
        super.init()
    }

    /// The loss of probabilities against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

/// Binary cross-entropy of logits (`nn.BCEWithLogitsLoss`).
public final class BCEWithLogitsLoss: Module {
    @Buffer public var weight: Tensor?
    @Buffer public var posWeight: Tensor?
    public let reduction: Reduction

    public init(weight: Tensor? = nil, posWeight: Tensor? = nil, reduction: Reduction = .mean) {
        (self.weight, self.posWeight, self.reduction) = (weight, posWeight, reduction)
        super.init()
    }

    /// The loss of logits against targets.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction)
    }
}

/// Kullback-Leibler divergence (`nn.KLDivLoss`).
public final class KLDivLoss: Module {
    public let reduction: Reduction, logTarget: Bool

    public init(reduction: Reduction = .mean, logTarget: Bool = false) {
        (self.reduction, self.logTarget) = (reduction, logTarget)
        super.init()
    }

    /// The divergence of targets from log-probabilities.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}

/// A loss that ranks `x1` above `x2` where `y` is 1 (`nn.MarginRankingLoss`).
public final class MarginRankingLoss: Module {
    public let margin: Double
    public let reduction: Reduction

    public init(margin: Double = 0, reduction: Reduction = .mean) {
        (self.margin, self.reduction) = (margin, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor, _ y: Tensor) -> Tensor { F.marginRankingLoss(x1, x2, y, margin: margin, reduction: reduction) }
}

/// A loss that pulls pairs with `y = 1` together by cosine and pushes `y = -1` apart (`nn.CosineEmbeddingLoss`).
public final class CosineEmbeddingLoss: Module {
    public let margin: Double
    public let reduction: Reduction

    public init(margin: Double = 0, reduction: Reduction = .mean) {
        (self.margin, self.reduction) = (margin, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor, _ y: Tensor) -> Tensor { F.cosineEmbeddingLoss(x1, x2, y, margin: margin, reduction: reduction) }
}

/// The hinge loss of distances with labels ±1 (`nn.HingeEmbeddingLoss`).
public final class HingeEmbeddingLoss: Module {
    public let margin: Double
    public let reduction: Reduction

    public init(margin: Double = 1, reduction: Reduction = .mean) {
        (self.margin, self.reduction) = (margin, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.hingeEmbeddingLoss(input, target, margin: margin, reduction: reduction) }
}

/// The two-class logistic loss with labels ±1 (`nn.SoftMarginLoss`).
public final class SoftMarginLoss: Module {
    public let reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.softMarginLoss(input, target, reduction: reduction) }
}

/// The multi-label hinge loss; targets are class indices ended by -1 (`nn.MultiLabelMarginLoss`).
public final class MultiLabelMarginLoss: Module {
    public let reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.multilabelMarginLoss(input, target, reduction: reduction) }
}

/// The multi-class hinge loss (`nn.MultiMarginLoss`).
public final class MultiMarginLoss: Module {
    public let p: Int
    public let margin: Double
    @Buffer public var weight: Tensor?
    public let reduction: Reduction

    public init(p: Int = 1, margin: Double = 1, weight: Tensor? = nil, reduction: Reduction = .mean) {
        (self.p, self.margin, self.weight, self.reduction) = (p, margin, weight, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.multiMarginLoss(input, target, p: p, margin: margin, weight: weight, reduction: reduction) }
}

/// The one-versus-all logistic loss over labels (`nn.MultiLabelSoftMarginLoss`).
public final class MultiLabelSoftMarginLoss: Module {
    @Buffer public var weight: Tensor?
    public let reduction: Reduction

    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        (self.weight, self.reduction) = (weight, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.multilabelSoftMarginLoss(input, target, weight: weight, reduction: reduction) }
}

/// A loss that keeps anchors nearer their positives than their negatives by `margin` (`nn.TripletMarginLoss`).
public final class TripletMarginLoss: Module {
    public let margin: Double
    public let p: Double
    public let eps: Double
    public let swap: Bool
    public let reduction: Reduction

    public init(margin: Double = 1, p: Double = 2, eps: Double = 1e-6, swap: Bool = false, reduction: Reduction = .mean) {
        (self.margin, self.p, self.eps, self.swap, self.reduction) = (margin, p, eps, swap, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor) -> Tensor { F.tripletMarginLoss(anchor, positive, negative, margin: margin, p: p, eps: eps, swap: swap, reduction: reduction) }
}

/// The triplet loss with a distance of the user's choice (`nn.TripletMarginWithDistanceLoss`);
/// the default is the Euclidean `pairwise_distance`.
public final class TripletMarginWithDistanceLoss: Module {
    public let distanceFunction: ((Tensor, Tensor) -> Tensor)?
    public let margin: Double
    public let swap: Bool
    public let reduction: Reduction

    public init(distanceFunction: ((Tensor, Tensor) -> Tensor)? = nil, margin: Double = 1, swap: Bool = false,
                reduction: Reduction = .mean) {
        (self.distanceFunction, self.margin, self.swap, self.reduction) = (distanceFunction, margin, swap, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor) -> Tensor {
        F.tripletMarginWithDistanceLoss(anchor, positive, negative, distanceFunction: distanceFunction, margin: margin,
                                        swap: swap, reduction: reduction)
    }
}

/// The negative log likelihood of Poisson targets (`nn.PoissonNLLLoss`).
public final class PoissonNLLLoss: Module {
    public let logInput: Bool
    public let full: Bool
    public let eps: Double
    public let reduction: Reduction

    public init(logInput: Bool = true, full: Bool = false, eps: Double = 1e-8, reduction: Reduction = .mean) {
        (self.logInput, self.full, self.eps, self.reduction) = (logInput, full, eps, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { F.poissonNllLoss(input, target, logInput: logInput, full: full, eps: eps, reduction: reduction) }
}

/// The negative log likelihood of Gaussian targets with predicted variances (`nn.GaussianNLLLoss`).
public final class GaussianNLLLoss: Module {
    public let full: Bool
    public let eps: Double
    public let reduction: Reduction

    public init(full: Bool = false, eps: Double = 1e-6, reduction: Reduction = .mean) {
        (self.full, self.eps, self.reduction) = (full, eps, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ input: Tensor, _ target: Tensor, _ variance: Tensor) -> Tensor { F.gaussianNllLoss(input, target, variance, full: full, eps: eps, reduction: reduction) }
}

/// The connectionist temporal classification loss (`nn.CTCLoss`).
public final class CTCLoss: Module {
    public let blank: Int
    public let zeroInfinity: Bool
    public let reduction: Reduction

    public init(blank: Int = 0, zeroInfinity: Bool = false, reduction: Reduction = .mean) {
        (self.blank, self.zeroInfinity, self.reduction) = (blank, zeroInfinity, reduction)
        super.init()
    }

    /// The loss.
    public func callAsFunction(_ logProbs: Tensor, _ targets: Tensor, _ inputLengths: Tensor, _ targetLengths: Tensor) -> Tensor { F.ctcLoss(logProbs, targets, inputLengths: inputLengths, targetLengths: targetLengths, blank: blank, reduction: reduction, zeroInfinity: zeroInfinity) }
}
