/// ATen losses.
enum LossOps {
    static let crossEntropy = ATenOp("aten::cross_entropy_loss")
    static let mse = ATenOp("aten::mse_loss")
}

extension Functional {
    /// Cross-entropy between logits (N, C, ...) and class indices or class probabilities.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    reduction: Reduction = .mean, ignoreIndex: Int = -100,
                                    labelSmoothing: Double = 0) -> Tensor {
        LossOps.crossEntropy(.tensor(logits), .tensor(target), .tensor(weight), .int(reduction.rawValue),
                             .int(ignoreIndex), .double(labelSmoothing))
    }

    /// Mean squared error.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        LossOps.mse(.tensor(input), .tensor(target), .int(reduction.rawValue))
    }
}
