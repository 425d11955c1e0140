import Torch

/// The share of right predictions (`torchmetrics.Accuracy`): for multiclass tasks the share of
/// samples whose class is predicted (`.micro`) or the mean per-class recall (`.macro`); for
/// multilabel tasks the share of right decisions.
public final class Accuracy: StatScoresMetric {
    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                average: AverageMethod = .micro, topK: Int = 1, ignoreIndex: Int? = nil) {
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                         topK: topK, ignoreIndex: ignoreIndex), average: average)
    }

    public override func result() -> Tensor {
        let decisions = options.task != .multiclass
        return reduce({ tp, fp, tn, fn in decisions ? safeDivide(tp + tn, tp + tn + fp + fn) : safeDivide(tp, tp + fn) },
                      topK: options.topK)
    }
}

/// The share of wrong decisions (`torchmetrics.HammingDistance`): one minus `Accuracy`.
public final class HammingDistance: StatScoresMetric {
    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                average: AverageMethod = .micro, topK: Int = 1, ignoreIndex: Int? = nil) {
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                         topK: topK, ignoreIndex: ignoreIndex), average: average)
    }

    public override func result() -> Tensor {
        let decisions = options.task != .multiclass
        return reduce({ tp, fp, tn, fn in
            1 - (decisions ? safeDivide(tp + tn, tp + tn + fp + fn) : safeDivide(tp, tp + fn))
        }, topK: options.topK)
    }
}
