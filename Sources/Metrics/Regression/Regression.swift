import Torch

/// What the regression metrics share: an update of predictions against targets of the same
/// shape, made by the subclass's `add(_:_:)`.
open class RegressionMetric: Metric {
    /// Adds a batch of predictions against targets.
    public func update(_ preds: Tensor, _ target: Tensor) {
        if preds.shape != target.shape {
            argumentError(String(describing: type(of: self)), "predictions and targets must have the same shape, got \(preds.shape) and \(target.shape)")
            return
        }
        add(preds.detach(), target.detach())
        didUpdate()
    }

    /// Adds one batch to the states.
    open func add(_ preds: Tensor, _ target: Tensor) {}

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> Tensor { forward { update(preds, target) } }
}

/// The mean squared error, or its root with `squared: false` (`torchmetrics.MeanSquaredError`).
public final class MeanSquaredError: RegressionMetric {
    public let squared: Bool

    public init(squared: Bool = true) {
        self.squared = squared
        super.init()
        addState("sum_squared_error", Tensor(Double(0)), reduction: .sum)
        addState("total", Tensor(Int64(0)), reduction: .sum)
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        let difference = (preds - target).to(dtype: .float64)
        accumulate("sum_squared_error", (difference * difference).sum())
        accumulate("total", Tensor(Int64(target.numel)))
    }

    public override func result() -> Tensor {
        let mse = state("sum_squared_error") / state("total").to(dtype: .float64)
        return (squared ? mse : mse.sqrt()).to(dtype: .float32)
    }
}

/// The mean absolute error (`torchmetrics.MeanAbsoluteError`).
public final class MeanAbsoluteError: RegressionMetric {
    public override init() {
        super.init()
        addState("sum_abs_error", Tensor(Double(0)), reduction: .sum)
        addState("total", Tensor(Int64(0)), reduction: .sum)
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        accumulate("sum_abs_error", (preds - target).to(dtype: .float64).abs().sum())
        accumulate("total", Tensor(Int64(target.numel)))
    }

    public override func result() -> Tensor {
        (state("sum_abs_error") / state("total").to(dtype: .float64)).to(dtype: .float32)
    }
}

/// The mean of |error| / |target|, targets near 0 counted as 1.17e-6
/// (`torchmetrics.MeanAbsolutePercentageError`).
public final class MeanAbsolutePercentageError: RegressionMetric {
    public override init() {
        super.init()
        addState("sum_abs_per_error", Tensor(Double(0)), reduction: .sum)
        addState("total", Tensor(Int64(0)), reduction: .sum)
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        let (p, t) = (preds.to(dtype: .float64), target.to(dtype: .float64))
        accumulate("sum_abs_per_error", ((p - t).abs() / t.abs().clamp(min: 1.17e-06)).sum())
        accumulate("total", Tensor(Int64(target.numel)))
    }

    public override func result() -> Tensor {
        (state("sum_abs_per_error") / state("total").to(dtype: .float64)).to(dtype: .float32)
    }
}

/// The coefficient of determination, averaged over outputs (`torchmetrics.R2Score`).
public final class R2Score: RegressionMetric {
    public let numOutputs: Int

    public init(numOutputs: Int = 1) {
        self.numOutputs = numOutputs
        super.init()
        for name in ["sum_squared_error", "sum_error", "residual"] {
            addState(name, Tensor.zeros([numOutputs], dtype: .float64), reduction: .sum)
        }
        addState("total", Tensor(Int64(0)), reduction: .sum)
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        let (p, t) = (preds.to(dtype: .float64).reshape([-1, numOutputs]), target.to(dtype: .float64).reshape([-1, numOutputs]))
        accumulate("sum_squared_error", (t * t).sum(dim: [0]))
        accumulate("sum_error", t.sum(dim: [0]))
        accumulate("residual", ((t - p) * (t - p)).sum(dim: [0]))
        accumulate("total", Tensor(Int64(t.size(0))))
    }

    public override func result() -> Tensor {
        let n = state("total").to(dtype: .float64)
        let mean = state("sum_error") / n
        let tss = state("sum_squared_error") - state("sum_error") * mean
        return (1 - state("residual") / tss).mean().to(dtype: .float32)
    }
}

/// Pearson's correlation of predictions and targets, per output (`torchmetrics.PearsonCorrCoef`).
public final class PearsonCorrCoef: RegressionMetric {
    public let numOutputs: Int

    public init(numOutputs: Int = 1) {
        self.numOutputs = numOutputs
        super.init()
        for name in ["sum_x", "sum_y", "sum_xx", "sum_yy", "sum_xy"] {
            addState(name, Tensor.zeros([numOutputs], dtype: .float64), reduction: .sum)
        }
        addState("total", Tensor(Double(0)), reduction: .sum)
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        let (x, y) = (preds.to(dtype: .float64).reshape([-1, numOutputs]), target.to(dtype: .float64).reshape([-1, numOutputs]))
        accumulate("sum_x", x.sum(dim: [0]))
        accumulate("sum_y", y.sum(dim: [0]))
        accumulate("sum_xx", (x * x).sum(dim: [0]))
        accumulate("sum_yy", (y * y).sum(dim: [0]))
        accumulate("sum_xy", (x * y).sum(dim: [0]))
        accumulate("total", Tensor(Double(x.size(0))))
    }

    public override func result() -> Tensor {
        let n = state("total")
        let covariance = n * state("sum_xy") - state("sum_x") * state("sum_y")
        let varianceX = n * state("sum_xx") - state("sum_x") * state("sum_x")
        let varianceY = n * state("sum_yy") - state("sum_y") * state("sum_y")
        let r = (covariance / (varianceX * varianceY).sqrt()).clamp(min: -1, max: 1).to(dtype: .float32)
        return numOutputs == 1 ? r.reshape([]) : r
    }
}

/// Spearman's rank correlation: Pearson's of the ranks, ties ranked by their mean
/// (`torchmetrics.SpearmanCorrCoef`).
public final class SpearmanCorrCoef: RegressionMetric {
    public override init() {
        super.init()
        addListState("preds")
        addListState("target")
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        append("preds", preds.reshape([-1]).to(dtype: .float32))
        append("target", target.reshape([-1]).to(dtype: .float32))
    }

    /// 1-based ranks, tied values sharing their mean rank.
    static func ranks(_ data: Tensor) -> Tensor {
        let n = data.size(0)
        let order = data.argsort()
        let rank = Tensor.empty([n], dtype: data.dtype).indexCopy(dim: 0, index: order, source: Tensor.arange(1, Double(n + 1)))
        let (values, inverse, counts) = ATen.uniqueConsecutive(data.indexSelect(dim: 0, index: order), returnInverse: true,
                                                               returnCounts: true)
        guard values.size(0) < n else { return rank }
        let sums = Tensor.zeros([values.size(0)]).indexAdd(dim: 0, index: inverse, source: rank.indexSelect(dim: 0, index: order))
        let means = sums / counts.to(dtype: .float32)
        return Tensor.empty([n]).indexCopy(dim: 0, index: order, source: means.indexSelect(dim: 0, index: inverse))
    }

    public override func result() -> Tensor {
        guard let p = concatenated("preds"), let t = concatenated("target") else { return Tensor(Float(0)) }
        let (rp, rt) = (Self.ranks(p), Self.ranks(t))
        let (dp, dt) = (rp - rp.mean(), rt - rt.mean())
        let covariance = (dp * dt).mean()
        let scale = (dp * dp).mean().sqrt() * (dt * dt).mean().sqrt()
        return (covariance / (scale + 1e-6)).clamp(min: -1, max: 1)
    }
}

/// One minus the variance of the error over the variance of the targets
/// (`torchmetrics.ExplainedVariance`), averaged over outputs.
public final class ExplainedVariance: RegressionMetric {
    public override init() {
        super.init()
        for name in ["sum_error", "sum_squared_error", "sum_target", "sum_squared_target"] {
            addState(name, Tensor(Double(0)), reduction: .sum)
        }
        addState("num_obs", Tensor(Double(0)), reduction: .sum)
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        let (p, t) = (preds.to(dtype: .float64), target.to(dtype: .float64))
        accumulate("sum_error", (t - p).sum())
        accumulate("sum_squared_error", ((t - p) * (t - p)).sum())
        accumulate("sum_target", t.sum())
        accumulate("sum_squared_target", (t * t).sum())
        accumulate("num_obs", Tensor(Double(t.numel)))
    }

    public override func result() -> Tensor {
        let n = state("num_obs")
        let meanError = state("sum_error") / n
        let numerator = state("sum_squared_error") / n - meanError * meanError
        let meanTarget = state("sum_target") / n
        let denominator = state("sum_squared_target") / n - meanTarget * meanTarget
        if denominator.item() == 0 { return Tensor(Float(numerator.item() == 0 ? 1 : 0)) }
        return (1 - numerator / denominator).to(dtype: .float32)
    }
}

/// How a metric of per-sample values reduces them.
public enum MetricReduction: Sendable {
    case sum, mean, none
}

/// The cosine similarity of each prediction row with its target row (`torchmetrics.CosineSimilarity`).
public final class CosineSimilarity: RegressionMetric {
    public let reduction: MetricReduction

    public init(reduction: MetricReduction = .sum) {
        self.reduction = reduction
        super.init()
        addListState("preds")
        addListState("target")
    }

    public override func add(_ preds: Tensor, _ target: Tensor) {
        append("preds", preds)
        append("target", target)
    }

    public override func result() -> Tensor {
        guard let p = concatenated("preds"), let t = concatenated("target") else { return Tensor(Float(0)) }
        let similarity = (p * t).sum(dim: [-1]) / (p.norm(2, dim: [-1]) * t.norm(2, dim: [-1]))
        switch reduction {
        case .sum: return similarity.sum()
        case .mean: return similarity.mean()
        case .none: return similarity
        }
    }
}

/// The Kullback-Leibler divergence KL(p ‖ q) of distributions given as rows
/// (`torchmetrics.KLDivergence`); `logProb` when they are log-probabilities.
public final class KLDivergence: Metric {
    public let logProb: Bool, reduction: MetricReduction

    public init(logProb: Bool = false, reduction: MetricReduction = .mean) {
        (self.logProb, self.reduction) = (logProb, reduction)
        super.init()
        if reduction == .none { addListState("measures") } else { addState("measures", Tensor(Double(0)), reduction: .sum) }
        addState("total", Tensor(Int64(0)), reduction: .sum)
    }

    /// Adds a batch of distributions `p` against `q`, (N, d) each.
    public func update(_ p: Tensor, _ q: Tensor) {
        let measures: Tensor
        if logProb {
            measures = (p.exp() * (p - q)).sum(dim: [-1])
        } else {
            let (pn, qn) = (p / p.sum(dim: [-1], keepDim: true), q / q.sum(dim: [-1], keepDim: true))
            measures = (pn * (pn / qn).log()).sum(dim: [-1])
        }
        if reduction == .none { append("measures", measures) } else { accumulate("measures", measures.to(dtype: .float64).sum()) }
        accumulate("total", Tensor(Int64(p.size(0))))
        didUpdate()
    }

    /// The batch's value, also added to the accumulated states.
    public func callAsFunction(_ p: Tensor, _ q: Tensor) -> Tensor { forward { update(p, q) } }

    public override func result() -> Tensor {
        switch reduction {
        case .none: return concatenated("measures") ?? Tensor.zeros([0])
        case .sum: return state("measures").to(dtype: .float32)
        case .mean: return (state("measures") / state("total").to(dtype: .float64)).to(dtype: .float32)
        }
    }
}
