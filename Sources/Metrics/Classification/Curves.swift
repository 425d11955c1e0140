import Torch

/// What the threshold-free curve metrics share (`PrecisionRecallCurve`, `ROC`, `AUROC`,
/// `AveragePrecision`): every score and target kept as list states, and the exact curves over
/// all distinct thresholds, one for a binary task, one per class (one-vs-rest) or label otherwise.
open class CurveMetric: Metric {
    public let options: ClassificationOptions

    public init(_ options: ClassificationOptions) {
        self.options = options
        super.init()
        options.validate(String(describing: type(of: self)))
        addListState("preds")
        addListState("target")
    }

    /// Adds a batch of scores (probabilities or logits) against targets.
    public func update(_ preds: Tensor, _ target: Tensor) {
        var (p, t) = (preds.detach(), target.to(dtype: .int64))
        switch options.task {
        case .binary:
            (p, t) = (ClassificationOptions.probabilities(p.reshape([-1]).to(dtype: .float32)), t.reshape([-1]))
            if let ignore = options.ignoreIndex {
                let keep = t .!= ignore
                (p, t) = (p.maskedSelect(keep), t.maskedSelect(keep))
            }
        case .multiclass:
            p = p.to(dtype: .float32)
            let outside = ((p .< 0).logicalOr(p .> 1)).any().item(as: Bool.self)
            if outside { p = p.softmax(dim: 1) }
            if let ignore = options.ignoreIndex {
                let keep = (t .!= ignore).nonzero().reshape([-1])
                (p, t) = (p.indexSelect(dim: 0, index: keep), t.indexSelect(dim: 0, index: keep))
            }
        case .multilabel:
            p = ClassificationOptions.probabilities(p.to(dtype: .float32))
        }
        append("preds", p)
        append("target", t)
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    /// The scores and 0/1 targets of each binary problem: the task's own, or one per class or
    /// label (ignored targets of a label left out).
    func problems() -> [(scores: Tensor, targets: Tensor)] {
        guard let p = concatenated("preds"), let t = concatenated("target") else { return [] }
        switch options.task {
        case .binary:
            return [(p, t)]
        case .multiclass:
            return (0..<options.width).map { (p.select(dim: 1, index: $0), (t .== $0).to(dtype: .int64)) }
        case .multilabel:
            return (0..<options.width).map { label in
                let (scores, targets) = (p.select(dim: 1, index: label), t.select(dim: 1, index: label))
                guard let ignore = options.ignoreIndex else { return (scores, targets) }
                let keep = targets .!= ignore
                return (scores.maskedSelect(keep), targets.maskedSelect(keep))
            }
        }
    }

    /// The support of each problem (positives), for `.weighted` averages.
    func supports() -> Tensor { Tensor.stack(problems().map { $0.targets.sum() }).to(dtype: .float32) }

    /// False and true positive counts and the thresholds at each distinct score, highest first
    /// (scikit-learn's and torchmetrics' `_binary_clf_curve`).
    static func counts(_ scores: Tensor, _ targets: Tensor) -> (fps: Tensor, tps: Tensor, thresholds: Tensor) {
        let order = scores.argsort(descending: true)
        let (p, t) = (scores.indexSelect(dim: 0, index: order), targets.indexSelect(dim: 0, index: order))
        let n = p.size(0)
        let distinct = (p[1...] - p[0..<(n - 1)]).nonzero().reshape([-1])
        let ends = Tensor.cat([distinct, Tensor([Int64(n - 1)])])
        let tps = (t .== 1).to(dtype: .int64).cumsum(dim: 0).indexSelect(dim: 0, index: ends)
        return (ends + 1 - tps, tps, p.indexSelect(dim: 0, index: ends))
    }

    /// The ROC curve of one problem: false and true positive rates from (0, 0), and thresholds.
    static func roc(_ scores: Tensor, _ targets: Tensor) -> (fpr: Tensor, tpr: Tensor, thresholds: Tensor) {
        let (fps, tps, thresholds) = counts(scores, targets)
        let zero = Tensor([Int64(0)])
        let (f, t) = (Tensor.cat([zero, fps]).to(dtype: .float32), Tensor.cat([zero, tps]).to(dtype: .float32))
        let th = Tensor.cat([Tensor.ones([1], dtype: thresholds.dtype), thresholds])
        let lastF = f[-1].item(), lastT = t[-1].item()
        return (lastF > 0 ? f / lastF : Tensor.zeros(like: th), lastT > 0 ? t / lastT : Tensor.zeros(like: th), th)
    }

    /// The precision-recall curve of one problem, recall decreasing to 0, and thresholds.
    static func precisionRecall(_ scores: Tensor, _ targets: Tensor) -> (precision: Tensor, recall: Tensor, thresholds: Tensor) {
        let (fps, tps, thresholds) = counts(scores, targets)
        let (f, t) = (fps.to(dtype: .float32), tps.to(dtype: .float32))
        let precision = t / (t + f)
        let positives = t[-1].item()
        let recall = positives > 0 ? t / positives : Tensor.ones(like: t)
        return (Tensor.cat([precision.flip([0]), Tensor.ones([1])]), Tensor.cat([recall.flip([0]), Tensor.zeros([1])]),
                thresholds.flip([0]))
    }

    /// Per-problem values averaged: classes whose value is NaN are left out, as in torchmetrics.
    func reduce(_ values: Tensor, _ average: AverageMethod) -> Tensor {
        if options.task == .binary || average == .none { return options.task == .binary ? values[0] : values }
        let valid = values.isnan().logicalNot()
        if average == .weighted {
            let w = supports().maskedSelect(valid)
            return (values.maskedSelect(valid) * safeDivide(w, w.sum())).sum()
        }
        return values.maskedSelect(valid).mean()
    }
}

/// The precision-recall pairs at every distinct threshold (`torchmetrics.PrecisionRecallCurve`).
public final class PrecisionRecallCurve: CurveMetric {
    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, ignoreIndex: Int? = nil) {
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, ignoreIndex: ignoreIndex))
    }

    /// The curve of each problem (one for a binary task), over every rank's updates.
    public func curves() -> [(precision: Tensor, recall: Tensor, thresholds: Tensor)] {
        withSynchronizedStates { problems().map { Self.precisionRecall($0.scores, $0.targets) } }
    }

    /// A binary task's curve as rows (precision, recall) with the thresholds; use `curves()` otherwise.
    public override func result() -> Tensor {
        guard let curve = problems().map({ Self.precisionRecall($0.scores, $0.targets) }).first else { return Tensor.zeros([0]) }
        return Tensor.stack([curve.precision, curve.recall])
    }
}

/// The receiver operating characteristic at every distinct threshold (`torchmetrics.ROC`).
public final class ROC: CurveMetric {
    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, ignoreIndex: Int? = nil) {
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, ignoreIndex: ignoreIndex))
    }

    /// The curve of each problem (one for a binary task), over every rank's updates.
    public func curves() -> [(fpr: Tensor, tpr: Tensor, thresholds: Tensor)] {
        withSynchronizedStates { problems().map { Self.roc($0.scores, $0.targets) } }
    }

    /// A binary task's curve as rows (fpr, tpr, thresholds); use `curves()` otherwise.
    public override func result() -> Tensor {
        guard let curve = problems().map({ Self.roc($0.scores, $0.targets) }).first else { return Tensor.zeros([0]) }
        return Tensor.stack([curve.fpr, curve.tpr, curve.thresholds.to(dtype: .float32)])
    }
}

/// The area under the ROC curve (`torchmetrics.AUROC`), exact, with `maxFpr` for a binary
/// task's standardised partial area (McClish).
public final class AUROC: CurveMetric {
    public let average: AverageMethod
    public let maxFpr: Double?

    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, average: AverageMethod = .macro,
                maxFpr: Double? = nil, ignoreIndex: Int? = nil) {
        if average == .micro && task == .multiclass { argumentError("AUROC", "average .micro is not supported for task .multiclass") }
        (self.average, self.maxFpr) = (average, maxFpr)
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, ignoreIndex: ignoreIndex))
    }

    public override func result() -> Tensor {
        if average == .micro && options.task == .multilabel, let p = concatenated("preds"), let t = concatenated("target") {
            var (scores, targets) = (p.reshape([-1]), t.reshape([-1]))
            if let ignore = options.ignoreIndex {
                let keep = targets .!= ignore
                (scores, targets) = (scores.maskedSelect(keep), targets.maskedSelect(keep))
            }
            return area(scores, targets)
        }
        let areas = problems().map { area($0.scores, $0.targets) }
        guard !areas.isEmpty else { return Tensor(Float(0)) }
        return reduce(Tensor.stack(areas), average)
    }

    private func area(_ scores: Tensor, _ targets: Tensor) -> Tensor {
        let (fpr, tpr, _) = Self.roc(scores, targets)
        guard let maxFpr, maxFpr < 1, options.task == .binary, fpr.sum().item() != 0, tpr.sum().item() != 0 else {
            return ATen.trapezoid(tpr, fpr)
        }
        let stop = ATen.bucketize(Tensor(Float(maxFpr)), fpr, outInt32: false, right: true).item(as: Int64.self)
        let s = Int(stop)
        let weight = (maxFpr - fpr[s - 1]) / (fpr[s] - fpr[s - 1])
        let interpolated = ATen.lerp(tpr[s - 1], tpr[s], weight)
        let partial = ATen.trapezoid(Tensor.cat([tpr[0..<s], interpolated.reshape([1])]),
                                     Tensor.cat([fpr[0..<s], Tensor([Float(maxFpr)])]))
        let minArea = 0.5 * maxFpr * maxFpr
        return 0.5 * (1 + (partial - minArea) / (maxFpr - minArea))
    }
}

/// The area under the precision-recall curve as a step function (`torchmetrics.AveragePrecision`).
public final class AveragePrecision: CurveMetric {
    public let average: AverageMethod

    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, average: AverageMethod = .macro,
                ignoreIndex: Int? = nil) {
        if average == .micro && task == .multiclass {
            argumentError("AveragePrecision", "average .micro is not supported for task .multiclass")
        }
        self.average = average
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, ignoreIndex: ignoreIndex))
    }

    public override func result() -> Tensor {
        let values = problems().map { problem -> Tensor in
            let (precision, recall, _) = Self.precisionRecall(problem.scores, problem.targets)
            let n = recall.size(0)
            let value = -((recall[1...] - recall[0..<(n - 1)]) * precision[0..<(n - 1)]).sum()
            return problem.targets.sum().item() > 0 || options.task == .binary ? value : Tensor(Float.nan)
        }
        guard !values.isEmpty else { return Tensor(Float(0)) }
        return reduce(Tensor.stack(values), average)
    }
}
