import Torch

/// What the metrics made of a confusion matrix share: the matrix as a summed state, (2, 2) for
/// a binary task, (C, C) for a multiclass one (rows are targets, columns predictions), (L, 2, 2)
/// for a multilabel one.
open class ConfusionMatrixMetric: Metric {
    public let options: ClassificationOptions

    public init(_ options: ClassificationOptions) {
        self.options = options
        super.init()
        options.validate(String(describing: type(of: self)))
        let shape = options.task == .multiclass ? [options.width, options.width]
            : options.task == .multilabel ? [options.width, 2, 2] : [2, 2]
        addState("confmat", Tensor.zeros(shape, dtype: .int64), reduction: .sum)
    }

    /// Adds a batch: scores or labels `preds` against `target`.
    public func update(_ preds: Tensor, _ target: Tensor) {
        accumulate("confmat", confusion(preds, target))
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }

    /// The accumulated matrix.
    public var confmat: Tensor { state("confmat") }

    private func confusion(_ preds: Tensor, _ target: Tensor) -> Tensor {
        switch options.task {
        case .multiclass:
            return options.multiclassConfusion(preds, target)
        case .binary:
            var (p, t) = (preds.reshape([-1]), target.reshape([-1]).to(dtype: .int64))
            if let ignore = options.ignoreIndex {
                let keep = t .!= ignore
                (p, t) = (p.maskedSelect(keep), t.maskedSelect(keep))
            }
            return ATen.bincount(t * 2 + options.decisions(p), minlength: 4).reshape([2, 2])
        case .multilabel:
            let labels = options.width
            var t = target.to(dtype: .int64)
            if let ignore = options.ignoreIndex { t = ATen.where(t .== ignore, self: .int(-1), other: t) }
            let p = options.decisions(preds)
            let offsets = (Tensor.arange(labels) * 4).reshape([1, labels] + Array(repeating: 1, count: max(t.dim - 2, 0)))
            let codes = ((t * 2 + p) + offsets).reshape([-1])
            let kept = codes.maskedSelect(t.reshape([-1]) .>= 0)
            return ATen.bincount(kept, minlength: 4 * labels).reshape([labels, 2, 2])
        }
    }
}

/// How `ConfusionMatrix` normalises its counts.
public enum ConfusionMatrixNormalization: Sendable {
    /// Counts.
    case none
    /// Each row sums to 1 (over the true class).
    case `true`
    /// Each column sums to 1 (over the predicted class).
    case pred
    /// Everything sums to 1.
    case all
}

/// The confusion matrix (`torchmetrics.ConfusionMatrix`).
public final class ConfusionMatrix: ConfusionMatrixMetric {
    public let normalize: ConfusionMatrixNormalization

    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) {
        self.normalize = normalize
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                         ignoreIndex: ignoreIndex))
    }

    public override func result() -> Tensor {
        let counts = confmat.to(dtype: .float32)
        let normalized: Tensor
        switch normalize {
        case .none: return confmat
        case .true: normalized = counts / counts.sum(dim: [-1], keepDim: true)
        case .pred: normalized = counts / counts.sum(dim: [-2], keepDim: true)
        case .all: normalized = counts / counts.sum(dim: [-2, -1], keepDim: true)
        }
        return ATen.nanToNum(normalized, nan: 0)
    }
}

/// Intersection over union of predicted and true positives (`torchmetrics.JaccardIndex`).
public final class JaccardIndex: ConfusionMatrixMetric {
    public let average: AverageMethod

    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                average: AverageMethod = .macro, ignoreIndex: Int? = nil) {
        self.average = average
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                         ignoreIndex: ignoreIndex))
    }

    public override func result() -> Tensor {
        let m = confmat.to(dtype: .float32)
        if options.task == .binary { return safeDivide(m[1, 1], m[0, 1] + m[1, 0] + m[1, 1]) }
        let multilabel = options.task == .multilabel
        var num = multilabel ? m[TensorIndex.all, 1, 1] : m.diagonal()
        var den = multilabel ? num + m[TensorIndex.all, 0, 1] + m[TensorIndex.all, 1, 0] : m.sum(dim: [0]) + m.sum(dim: [1]) - num
        let ignored = options.ignoreIndex.flatMap { (0..<m.size(0)).contains($0) ? $0 : nil }
        if average == .micro {
            den = den.sum() - (ignored.map { den[$0] } ?? Tensor(Float(0)))
            num = num.sum()
        }
        let jaccard = safeDivide(num, den)
        if average == .none || average == .micro { return jaccard }
        var weights: Tensor
        if average == .weighted {
            weights = multilabel ? m[TensorIndex.all, 1, 1] + m[TensorIndex.all, 1, 0] : m.sum(dim: [1])
        } else {
            weights = Tensor.ones(like: jaccard)
            if let ignored { weights[ignored] = Tensor(Float(0)) }
            if !multilabel { weights = ATen.where(m.sum(dim: [1]) + m.sum(dim: [0]) .== 0, self: .double(0), other: weights) }
        }
        return (weights * jaccard / weights.sum()).sum()
    }
}

/// The correlation of predictions and targets, robust to unbalanced classes
/// (`torchmetrics.MatthewsCorrCoef`).
public final class MatthewsCorrCoef: ConfusionMatrixMetric {
    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                ignoreIndex: Int? = nil) {
        super.init(ClassificationOptions(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                         ignoreIndex: ignoreIndex))
    }

    public override func result() -> Tensor {
        let counts = options.task == .multilabel ? confmat.sum(dim: [0]) : confmat
        let m = counts.to(dtype: .float32)
        if m.numel == 4 {
            let v = m.reshape([-1]).scalars(as: Float.self)
            let (tn, fp, fn, tp) = (v[0], v[1], v[2], v[3])
            if tp + tn != 0 && fp + fn == 0 { return Tensor(Float(1)) }
            if tp + tn == 0 && fp + fn != 0 { return Tensor(Float(-1)) }
        }
        let tk = m.sum(dim: [-1]), pk = m.sum(dim: [-2])
        let c = m.diagonal().sum(), s = m.sum()
        let covariance = c * s - (tk * pk).sum()
        let denominator = (s * s - (pk * pk).sum()) * (s * s - (tk * tk).sum())
        guard denominator.item() != 0 else {
            if m.numel == 4 { return binaryDegenerate(m.reshape([-1]).scalars(as: Float.self)) }
            return Tensor(Float(0))
        }
        return covariance / denominator.sqrt()
    }

    /// torchmetrics' value for a binary matrix whose predictions or targets are all one class.
    private func binaryDegenerate(_ v: [Float]) -> Tensor {
        let (tn, fp, fn, tp) = (v[0], v[1], v[2], v[3])
        let eps = Float.ulpOfOne
        let numerator: Float
        if fn == 0 && tn == 0 { numerator = eps.squareRoot() * (tp - fp) }
        else if fp == 0 && tn == 0 { numerator = eps.squareRoot() * (tp - fn) }
        else if tp == 0 && fn == 0 { numerator = eps.squareRoot() * (tn - fp) }
        else if tp == 0 && fp == 0 { numerator = eps.squareRoot() * (tn - fn) }
        else if tp == 0 { numerator = tn - fp * fn }
        else if tn == 0 { numerator = tp - fp * fn }
        else if fp == 0 || fn == 0 { numerator = tp * tn }
        else { return Tensor(Float(0)) }
        let denominator = (tp + fp + eps) * (tp + fn + eps) * (tn + fp + eps) * (tn + fn + eps)
        return Tensor(numerator / denominator.squareRoot())
    }
}

/// How `CohenKappa` weighs disagreements.
public enum CohenKappaWeights: Sendable {
    /// Every disagreement counts 1.
    case none
    /// By the distance between the classes.
    case linear
    /// By the squared distance between the classes.
    case quadratic
}

/// Agreement between predictions and targets beyond chance (`torchmetrics.CohenKappa`).
public final class CohenKappa: ConfusionMatrixMetric {
    public let weights: CohenKappaWeights

    public init(task: ClassificationTask, numClasses: Int? = nil, threshold: Double = 0.5, weights: CohenKappaWeights = .none,
                ignoreIndex: Int? = nil) {
        if task == .multilabel { argumentError("CohenKappa", "task .multilabel is not supported, as in torchmetrics") }
        self.weights = weights
        super.init(ClassificationOptions(task: task, numClasses: numClasses, threshold: threshold, ignoreIndex: ignoreIndex))
    }

    public override func result() -> Tensor {
        let m = confmat.to(dtype: .float32)
        let n = m.size(0)
        let sum0 = m.sum(dim: [0], keepDim: true), sum1 = m.sum(dim: [1], keepDim: true)
        let expected = sum1.matmul(sum0) / sum0.sum()
        let w: Tensor
        switch weights {
        case .none: w = 1 - Tensor.eye(n)
        case .linear, .quadratic:
            let grid = Tensor.zeros([n, n]) + Tensor.arange(0, Double(n))
            let distance = grid - grid.t()
            w = weights == .linear ? distance.abs() : distance * distance
        }
        return 1 - (w * m).sum() / (w * expected).sum()
    }
}
