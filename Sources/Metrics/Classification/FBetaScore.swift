import Torch

/// The weighted harmonic mean of precision and recall, recall counting `beta` times as much
/// (`torchmetrics.FBetaScore`).
public class FBetaScore: StatScoresMetric {
    public let beta: Double

    public init(task: ClassificationTask, beta: Double = 1, numClasses: Int? = nil, numLabels: Int? = nil,
                threshold: Double = 0.5, average: AverageMethod = .micro, topK: Int = 1, ignoreIndex: Int? = nil) {
        if beta <= 0 { argumentError("FBetaScore", "beta must be positive, got \(beta)") }
        self.beta = beta
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                         topK: topK, ignoreIndex: ignoreIndex), average: average)
    }

    public override func result() -> Tensor {
        let b2 = beta * beta
        return reduce { tp, fp, _, fn in
            let weighted = tp.to(dtype: .float32) * (1 + b2)
            return safeDivide(weighted, weighted + fn.to(dtype: .float32) * b2 + fp.to(dtype: .float32))
        }
    }
}

/// The harmonic mean of precision and recall (`torchmetrics.F1Score`).
public final class F1Score: FBetaScore {
    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                average: AverageMethod = .micro, topK: Int = 1, ignoreIndex: Int? = nil) {
        super.init(task: task, beta: 1, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                   topK: topK, ignoreIndex: ignoreIndex)
    }
}
