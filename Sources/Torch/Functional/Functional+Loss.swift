/// ATen losses.
enum LossOps {
    static let crossEntropy = ATenOp("aten::cross_entropy_loss")
    static let nll = ATenOp("aten::nll_loss_nd")
    static let mse = ATenOp("aten::mse_loss")
    static let l1 = ATenOp("aten::l1_loss")
    static let smoothL1 = ATenOp("aten::smooth_l1_loss")
    static let huber = ATenOp("aten::huber_loss")
    static let bce = ATenOp("aten::binary_cross_entropy")
    static let bceWithLogits = ATenOp("aten::binary_cross_entropy_with_logits")
    static let klDiv = ATenOp("aten::kl_div")
}

extension Functional {
    /// Cross-entropy between logits (N, C, ...) and class indices (N, ...) or class
    /// probabilities (N, C, ...), with optional class weights and label smoothing.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    reduction: Reduction = .mean, ignoreIndex: Int = -100,
                                    labelSmoothing: Double = 0) -> Tensor {
        LossOps.crossEntropy(.tensor(logits), .tensor(target), .tensor(weight), .int(reduction.code("crossEntropy")),
                             .int(ignoreIndex), .double(labelSmoothing))
    }

    /// Negative log-likelihood of log-probabilities (N, C, ...) at class indices.
    public static func nllLoss(_ logProbs: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                               ignoreIndex: Int = -100) -> Tensor {
        LossOps.nll(.tensor(logProbs), .tensor(target), .tensor(weight), .int(reduction.code("nllLoss")), .int(ignoreIndex))
    }

    /// Mean squared error.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        LossOps.mse(.tensor(input), .tensor(target), .int(reduction.code("mseLoss")))
    }

    /// Mean absolute error.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        LossOps.l1(.tensor(input), .tensor(target), .int(reduction.code("l1Loss")))
    }

    /// Squared error below `beta` (divided by beta), absolute error above it.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                    beta: Double = 1) -> Tensor {
        LossOps.smoothL1(.tensor(input), .tensor(target), .int(reduction.code("smoothL1Loss")), .double(beta))
    }

    /// Squared error below `delta`, `delta`-scaled absolute error above it.
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                 delta: Double = 1) -> Tensor {
        LossOps.huber(.tensor(input), .tensor(target), .int(reduction.code("huberLoss")), .double(delta))
    }

    /// Binary cross-entropy of probabilities.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) -> Tensor {
        LossOps.bce(.tensor(input), .tensor(target), .tensor(weight), .int(reduction.code("binaryCrossEntropy")))
    }

    /// Binary cross-entropy of logits (numerically stable), with optional positive-class weights.
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        LossOps.bceWithLogits(.tensor(input), .tensor(target), .tensor(weight), .tensor(posWeight),
                              .int(reduction.code("binaryCrossEntropyWithLogits")))
    }

    /// Kullback-Leibler divergence of `target` from log-probabilities `input`; `.batchMean`
    /// divides the sum by the batch size (the mathematically correct mean).
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                             logTarget: Bool = false) -> Tensor {
        if reduction == .batchMean {
            let total = LossOps.klDiv(.tensor(input), .tensor(target), .int(Reduction.sum.rawValue), .bool(logTarget))
            return input.dim == 0 ? total : total / Double(input.size(0))
        }
        return LossOps.klDiv(.tensor(input), .tensor(target), .int(reduction.rawValue), .bool(logTarget))
    }
}
