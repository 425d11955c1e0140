import Torch

/// tp / (tp + fp): how many predicted positives are right (`torchmetrics.Precision`).
public final class Precision: StatScoresMetric {
    public override func result() -> Tensor { reduce({ tp, fp, _, _ in safeDivide(tp, tp + fp) }, topK: options.topK) }
}

/// tp / (tp + fn): how many positives are found (`torchmetrics.Recall`).
public final class Recall: StatScoresMetric {
    public override func result() -> Tensor { reduce({ tp, _, _, fn in safeDivide(tp, tp + fn) }, topK: options.topK) }
}

/// tn / (tn + fp): how many negatives are found (`torchmetrics.Specificity`).
public final class Specificity: StatScoresMetric {
    public override func result() -> Tensor { reduce({ _, fp, tn, _ in safeDivide(tn, tn + fp) }, topK: options.topK) }
}
