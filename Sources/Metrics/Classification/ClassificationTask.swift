import Torch

/// The kind of classification a metric scores (torchmetrics' `task`).
public enum ClassificationTask: Sendable {
    /// One score (a probability or logit) or label per sample, against 0/1 targets.
    case binary
    /// `numClasses` scores (or one label) per sample, against class-index targets.
    case multiclass
    /// `numLabels` independent binary decisions per sample.
    case multilabel
}

/// How per-class scores become one (torchmetrics' `average`).
public enum AverageMethod: Sendable {
    /// From the counts summed over classes.
    case micro
    /// The mean of the per-class scores (classes absent from predictions and targets left out in
    /// multiclass tasks).
    case macro
    /// The mean of the per-class scores weighted by each class's support.
    case weighted
    /// The per-class scores.
    case none
}

/// What a classification metric was asked to score and how its inputs are read: scores above
/// `threshold` are positive (after a sigmoid when they are not all in [0, 1]), a multiclass
/// prediction is right when the target is among its `topK` scores, and targets equal to
/// `ignoreIndex` are left out.
public struct ClassificationOptions: Sendable {
    public var task: ClassificationTask
    public var numClasses: Int?
    public var numLabels: Int?
    public var threshold: Double
    public var topK: Int
    public var ignoreIndex: Int?

    public init(task: ClassificationTask, numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                topK: Int = 1, ignoreIndex: Int? = nil) {
        (self.task, self.numClasses, self.numLabels, self.threshold, self.topK, self.ignoreIndex) =
            (task, numClasses, numLabels, threshold, topK, ignoreIndex)
    }

    /// The number of per-class counts (1 for a binary task).
    var width: Int {
        switch task {
        case .binary: return 1
        case .multiclass: return numClasses ?? 0
        case .multilabel: return numLabels ?? 0
        }
    }

    /// Says what is missing or inconsistent, for `metric`'s messages.
    func validate(_ metric: String) {
        switch task {
        case .multiclass where (numClasses ?? 0) < 2:
            argumentError(metric, "task .multiclass needs numClasses of at least 2, got \(numClasses.map(String.init) ?? "nil")")
        case .multilabel where (numLabels ?? 0) < 1:
            argumentError(metric, "task .multilabel needs numLabels, got \(numLabels.map(String.init) ?? "nil")")
        default:
            break
        }
        if topK < 1 || (topK > 1 && (task != .multiclass || topK > (numClasses ?? 0))) {
            argumentError(metric, "topK must be between 1 and numClasses, and above 1 only for task .multiclass; got \(topK)")
        }
    }

    /// Scores in [0, 1]: a sigmoid when any score is outside (logits), as torchmetrics decides.
    static func probabilities(_ scores: Tensor) -> Tensor {
        let outside = ((scores .< 0).logicalOr(scores .> 1)).any().item(as: Bool.self)
        return outside ? scores.sigmoid() : scores
    }

    /// Hard 0/1 decisions from scores (labels pass through).
    func decisions(_ preds: Tensor) -> Tensor {
        preds.dtype.isFloatingPoint ? (Self.probabilities(preds) .> threshold).to(dtype: .int64) : preds.to(dtype: .int64)
    }

    /// Predicted and target labels of a multiclass batch, flattened, ignored samples removed: the
    /// prediction is the arg-max, or with `topK` the target when it is among the top scores.
    func multiclassLabels(_ preds: Tensor, _ target: Tensor) -> (preds: Tensor, target: Tensor) {
        var labels: Tensor
        if preds.dim == target.dim + 1 {
            if topK > 1 {
                let top = preds.topk(topK, dim: 1).indices
                let hit = (top .== target.unsqueeze(1)).any(dim: 1)
                labels = ATen.where(hit, target, top.select(dim: 1, index: 0))
            } else {
                labels = preds.argmax(dim: 1)
            }
        } else {
            labels = preds
        }
        var (p, t) = (labels.reshape([-1]).to(dtype: .int64), target.reshape([-1]).to(dtype: .int64))
        if let ignoreIndex {
            let keep = t .!= ignoreIndex
            (p, t) = (p.maskedSelect(keep), t.maskedSelect(keep))
        }
        return (p, t)
    }

    /// The confusion counts of a multiclass batch, (C, C): rows are targets, columns predictions.
    func multiclassConfusion(_ preds: Tensor, _ target: Tensor) -> Tensor {
        let c = numClasses ?? 0
        let (p, t) = multiclassLabels(preds, target)
        return ATen.bincount(t * c + p, minlength: c * c).reshape([c, c])
    }

    /// True and false positives and negatives of a batch: scalars for a binary task, one per
    /// class or label otherwise.
    func statScores(_ preds: Tensor, _ target: Tensor) -> (tp: Tensor, fp: Tensor, tn: Tensor, fn: Tensor) {
        switch task {
        case .multiclass:
            let confusion = multiclassConfusion(preds, target)
            let tp = confusion.diagonal()
            let fp = confusion.sum(dim: [0]) - tp
            let fn = confusion.sum(dim: [1]) - tp
            return (tp, fp, confusion.sum() - (tp + fp + fn), fn)
        case .binary, .multilabel:
            var (p, t) = (decisions(preds), target.to(dtype: .int64))
            if let ignoreIndex { t = ATen.where(t .== ignoreIndex, self: .int(-1), other: t) }
            let dims: [Int]
            if task == .binary {
                (p, t, dims) = (p.reshape([-1]), t.reshape([-1]), [0])
            } else {
                (p, t, dims) = (p.reshape([p.size(0), p.size(1), -1]), t.reshape([t.size(0), t.size(1), -1]), [0, 2])
            }
            let count = { (mask: Tensor) in mask.to(dtype: .int64).sum(dim: dims) }
            let (hit, miss, positive, negative) = (t .== p, t .!= p, t .== 1, t .== 0)
            return (count(hit.logicalAnd(positive)), count(miss.logicalAnd(negative)), count(hit.logicalAnd(negative)),
                    count(miss.logicalAnd(positive)))
        }
    }
}

/// `num / den` where `den` is not 0, else 0, in floating point (torchmetrics' `_safe_divide`).
func safeDivide(_ num: Tensor, _ den: Tensor) -> Tensor {
    let n = num.dtype.isFloatingPoint ? num : num.to(dtype: .float32)
    let d = den.dtype.isFloatingPoint ? den : den.to(dtype: .float32)
    return ATen.where(d .!= 0, n / d, other: .double(0))
}

/// Per-class `score` averaged as `average` says (torchmetrics' `_adjust_weights_safe_divide`).
func averaged(_ score: Tensor, _ average: AverageMethod, multilabel: Bool, tp: Tensor, fp: Tensor, fn: Tensor,
              topK: Int = 1) -> Tensor {
    switch average {
    case .none: return score
    case .weighted:
        let support = (tp + fn).to(dtype: score.dtype)
        return safeDivide(support * score, support.sum()).sum()
    case .micro, .macro:
        var weights = Tensor.ones(like: score)
        if !multilabel {
            let absent = topK == 1 ? (tp + fp + fn) .== 0 : (tp + fn) .== 0
            weights = ATen.where(absent, self: .double(0), other: weights)
        }
        return safeDivide((weights * score).sum(), weights.sum())
    }
}
