import Torch

/// The share of right predictions (`torchmetrics.Accuracy`): for multiclass tasks the share of
/// samples whose class is predicted (`.micro`) or the mean per-class recall (`.macro`); for
/// multilabel tasks the share of right decisions.
public final class Accuracy: StatScoresMetric {
    public override func result() -> Tensor { reduce(score, topK: options.topK) }
}

extension StatScoresMetric {
    /// The share of right decisions (multilabel, binary) or of found samples (multiclass).
    func score(_ tp: Tensor, _ fp: Tensor, _ tn: Tensor, _ fn: Tensor) -> Tensor {
        options.task != .multiclass ? safeDivide(tp + tn, tp + tn + fp + fn) : safeDivide(tp, tp + fn)
    }
}

/// The share of wrong decisions (`torchmetrics.HammingDistance`): one minus `Accuracy`.
public final class HammingDistance: StatScoresMetric {
    public override func result() -> Tensor { reduce({ 1 - score($0, $1, $2, $3) }, topK: options.topK) }
}
