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
