import Foundation

extension Functional {
    /// Cross-entropy between logits (N, C, ...) and class indices (N, ...) or class
    /// probabilities (N, C, ...), with optional class weights and label smoothing.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    reduction: Reduction = .mean, ignoreIndex: Int = -100,
                                    labelSmoothing: Double = 0) -> Tensor {
        ATen.crossEntropyLoss(logits, target, weight: weight, reduction: reduction.code("crossEntropy"), ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing)
    }

    /// Negative log-likelihood of log-probabilities (N, C, ...) at class indices.
    public static func nllLoss(_ logProbs: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                               ignoreIndex: Int = -100) -> Tensor {
        ATen.nllLossNd(logProbs, target, weight: weight, reduction: reduction.code("nllLoss"), ignoreIndex: ignoreIndex)
    }

    /// Mean squared error.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        ATen.mseLoss(input, target, reduction: reduction.code("mseLoss"))
    }

    /// Mean absolute error.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        ATen.l1Loss(input, target, reduction: reduction.code("l1Loss"))
    }

    /// Squared error below `beta` (divided by beta), absolute error above it.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                    beta: Double = 1) -> Tensor {
        ATen.smoothL1Loss(input, target, reduction: reduction.code("smoothL1Loss"), beta: beta)
    }

    /// Squared error below `delta`, `delta`-scaled absolute error above it.
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                 delta: Double = 1) -> Tensor {
        ATen.huberLoss(input, target, reduction: reduction.code("huberLoss"), delta: delta)
    }

    /// Binary cross-entropy of probabilities.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) -> Tensor {
        ATen.binaryCrossEntropy(input, target, weight: weight, reduction: reduction.code("binaryCrossEntropy"))
    }

    /// Binary cross-entropy of logits (numerically stable), with optional positive-class weights.
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        ATen.binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction.code("binaryCrossEntropyWithLogits"))
    }

    /// Kullback-Leibler divergence of `target` from log-probabilities `input`; `.batchMean`
    /// divides the sum by the batch size (the mathematically correct mean).
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                             logTarget: Bool = false) -> Tensor {
        if reduction == .batchMean {
            let total = ATen.klDiv(input, target, reduction: Reduction.sum.rawValue, logTarget: logTarget)
            return input.dim == 0 ? total : total / Double(input.size(0))
        }
        return ATen.klDiv(input, target, reduction: reduction.rawValue, logTarget: logTarget)
    }

    /// `max(0, -y * (x1 - x2) + margin)` for labels `y` of ±1.
    public static func marginRankingLoss(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 0, reduction: Reduction = .mean) -> Tensor {
        ATen.marginRankingLoss(x1, x2, y, margin: margin, reduction: reduction.code("marginRankingLoss"))
    }
    /// `1 - cos(x1, x2)` for `y = 1`, `max(0, cos(x1, x2) - margin)` for `y = -1`.
    public static func cosineEmbeddingLoss(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 0,
                                           reduction: Reduction = .mean) -> Tensor {
        ATen.cosineEmbeddingLoss(x1, x2, y, margin: margin, reduction: reduction.code("cosineEmbeddingLoss"))
    }
    /// `x` for `y = 1`, `max(0, margin - x)` for `y = -1`.
    public static func hingeEmbeddingLoss(_ x: Tensor, _ y: Tensor, margin: Double = 1, reduction: Reduction = .mean) -> Tensor {
        ATen.hingeEmbeddingLoss(x, y, margin: margin, reduction: reduction.code("hingeEmbeddingLoss"))
    }
    /// Two-class logistic loss `log(1 + exp(-y * x))`.
    public static func softMarginLoss(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean) -> Tensor {
        ATen.softMarginLoss(x, y, reduction: reduction.code("softMarginLoss"))
    }
    /// Multi-class multi-label hinge loss; `target` holds class indices ended by -1.
    public static func multilabelMarginLoss(_ x: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        ATen.multilabelMarginLoss(x, target, reduction: reduction.code("multilabelMarginLoss"))
    }
    /// Multi-class hinge loss.
    public static func multiMarginLoss(_ x: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1, weight: Tensor? = nil,
                                       reduction: Reduction = .mean) -> Tensor {
        ATen.multiMarginLoss(x, target, p: .int(p), margin: .double(margin), weight: weight, reduction: reduction.code("multiMarginLoss"))
    }
    /// Multi-label one-versus-all logistic loss, averaged over classes.
    public static func multilabelSoftMarginLoss(_ x: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        var loss = -(target * F.logsigmoid(x) + (1.0 - target) * F.logsigmoid(-x))
        if let weight { loss = loss * weight }
        let classes = x.dim - 1
        loss = loss.sum(dim: [classes]) / Double(x.size(classes))
        return reduction.reduce(loss)
    }
    /// `max(d(a, p) - d(a, n) + margin, 0)` with the `p`-norm distance.
    public static func tripletMarginLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1, p: Double = 2,
                                         eps: Double = 1e-6, swap: Bool = false, reduction: Reduction = .mean) -> Tensor {
        ATen.tripletMarginLoss(anchor, positive, negative, margin: margin, p: p, eps: eps, swap: swap,
                               reduction: reduction.code("tripletMarginLoss"))
    }
    /// `max(d(a, p) - d(a, n) + margin, 0)` with any distance (`F.triplet_margin_with_distance_loss`);
    /// the default distance is `pairwise_distance`.
    public static func tripletMarginWithDistanceLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor,
                                                     distanceFunction: ((Tensor, Tensor) -> Tensor)? = nil, margin: Double = 1,
                                                     swap: Bool = false, reduction: Reduction = .mean) -> Tensor {
        if margin <= 0 { argumentError("tripletMarginWithDistanceLoss", "margin must be greater than 0, got \(margin)") }
        let distance = distanceFunction ?? { ATen.pairwiseDistance($0, $1) }
        var negativeDistance = distance(anchor, negative)
        if swap { negativeDistance = ATen.minimum(negativeDistance, distance(positive, negative)) }
        let loss = (margin + distance(anchor, positive) - negativeDistance).clamp(min: 0)
        return reduction.reduce(loss)
    }
    /// Negative log likelihood of a Poisson distribution of rate `input` (or `exp(input)` with `logInput`).
    public static func poissonNllLoss(_ input: Tensor, _ target: Tensor, logInput: Bool = true, full: Bool = false, eps: Double = 1e-8,
                                      reduction: Reduction = .mean) -> Tensor {
        ATen.poissonNllLoss(input, target, logInput: logInput, full: full, eps: eps, reduction: reduction.code("poissonNllLoss"))
    }
    /// Negative log likelihood of a Gaussian of mean `input` and variance `variance` (clamped to `eps`).
    public static func gaussianNllLoss(_ input: Tensor, _ target: Tensor, _ variance: Tensor, full: Bool = false, eps: Double = 1e-6,
                                       reduction: Reduction = .mean) -> Tensor {
        var variance = variance
        if variance.shape != input.shape, variance.shape == Array(input.shape.dropLast()) { variance = variance.unsqueeze(-1) }
        let clamped = variance.clone()
        withNoGrad { _ = clamped.clamp_(min: eps) }
        var loss = (clamped.log() + ATen.pow(input - target, exponent: 2) / clamped) * 0.5
        if full { loss = loss + 0.5 * Foundation.log(2 * Double.pi) }
        return reduction.reduce(loss)
    }
    /// Connectionist temporal classification loss of `logProbs` `(T, N, C)` against `targets`,
    /// with each sample's input and target lengths.
    public static func ctcLoss(_ logProbs: Tensor, _ targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, blank: Int = 0,
                               reduction: Reduction = .mean, zeroInfinity: Bool = false) -> Tensor {
        ATen.ctcLoss(logProbs, targets, inputLengths, targetLengths, blank: blank, reduction: reduction.code("ctcLoss"),
                     zeroInfinity: zeroInfinity)
    }
}
