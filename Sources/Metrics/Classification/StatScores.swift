import Torch

/// What the metrics made of true and false positives and negatives share (torchmetrics'
/// `StatScores` family): the four counts per class (or one of each for a binary task) as
/// summed states, and the update that adds a batch's.
open class StatScoresMetric: Metric {
    public let options: ClassificationOptions
    public let average: AverageMethod

    /// A metric of `task` (see `ClassificationOptions` for how inputs are read); `average`
    /// combines the per-class values of multiclass and multilabel tasks.
    public convenience init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                            average: AverageMethod = .micro, topK: Int = 1, ignoreIndex: Int? = nil) {
        self.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                        topK: topK, ignoreIndex: ignoreIndex), average: average)
    }

    public init(_ options: ClassificationOptions, average: AverageMethod) {
        (self.options, self.average) = (options, average)
        super.init()
        options.validate(String(describing: type(of: self)))
        let zeros = options.task == .binary ? Tensor(Int64(0)) : Tensor.zeros([options.width], dtype: .int64)
        for name in ["tp", "fp", "tn", "fn"] { addState(name, zeros, reduction: .sum) }
    }

    /// Adds a batch: scores or labels `preds` against `target`.
    public func update(_ preds: Tensor, _ target: Tensor) {
        let s = options.statScores(preds, target)
        accumulate("tp", s.tp)
        accumulate("fp", s.fp)
        accumulate("tn", s.tn)
        accumulate("fn", s.fn)
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    /// The accumulated counts.
    public var counts: (tp: Tensor, fp: Tensor, tn: Tensor, fn: Tensor) { (state("tp"), state("fp"), state("tn"), state("fn")) }

    /// `score` of the counts: of their sums for a binary task and `.micro`, per class averaged
    /// otherwise.
    func reduce(_ score: (Tensor, Tensor, Tensor, Tensor) -> Tensor, topK: Int = 1) -> Tensor {
        let (tp, fp, tn, fn) = counts
        if options.task == .binary { return score(tp, fp, tn, fn) }
        if average == .micro { return score(tp.sum(), fp.sum(), tn.sum(), fn.sum()) }
        return averaged(score(tp, fp, tn, fn), average, multilabel: options.task == .multilabel, tp: tp, fp: fp, fn: fn,
                        topK: topK)
    }
}

/// The counts themselves (`torchmetrics.StatScores`): [tp, fp, tn, fn, support], per class with
/// `.none`, summed with `.micro`, averaged otherwise.
public final class StatScores: StatScoresMetric {

    public override func result() -> Tensor {
        let (tp, fp, tn, fn) = counts
        let all = Tensor.stack([tp, fp, tn, fn, tp + fn], dim: -1)
        guard options.task != .binary else { return all }
        switch average {
        case .micro: return all.sum(dim: [0])
        case .macro: return all.to(dtype: .float32).mean(dim: [0])
        case .weighted:
            let support = (tp + fn).to(dtype: .float32)
            return (all.to(dtype: .float32) * (support / support.sum()).unsqueeze(1)).sum(dim: [0])
        case .none: return all
        }
    }
}
