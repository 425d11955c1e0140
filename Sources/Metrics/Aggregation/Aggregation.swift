import Torch

/// The weighted mean of the values given (`torchmetrics.MeanMetric`), for logging a quantity
/// averaged over every sample of an epoch and every rank.
public final class MeanMetric: Metric {
    public override init() {
        super.init()
        addState("mean_value", Tensor(Double(0)), reduction: .sum)
        addState("weight", Tensor(Double(0)), reduction: .sum)
    }

    /// Adds `value` (any shape), each element weighted by `weight` (broadcast; 1 by default).
    public func update(_ value: Tensor, weight: Tensor? = nil) {
        let v = value.detach().to(dtype: .float64)
        let w = (weight?.detach().to(dtype: .float64) ?? Tensor.ones(like: v)).expand(as: v)
        accumulate("mean_value", (v * w).sum())
        accumulate("weight", w.sum())
        didUpdate()
    }

    /// The batch's value (`metric(value)`), also added to the accumulated states.
    public override func forward(_ value: Tensor) -> Tensor { forward { update(value) } }

    /// The batch's weighted mean, also added to the accumulated states.
    public func callAsFunction(_ value: Tensor, weight: Tensor) -> Tensor { forward { update(value, weight: weight) } }

    public override func result() -> Tensor { (state("mean_value") / state("weight")).to(dtype: .float32) }
}

/// The sum of the values given (`torchmetrics.SumMetric`).
public final class SumMetric: Metric {
    public override init() {
        super.init()
        addState("sum_value", Tensor(Double(0)), reduction: .sum)
    }

    /// Adds `value`'s elements.
    public func update(_ value: Tensor) {
        accumulate("sum_value", value.detach().to(dtype: .float64).sum())
        didUpdate()
    }

    /// The batch's value (`metric(value)`), also added to the accumulated states.
    public override func forward(_ value: Tensor) -> Tensor { forward { update(value) } }

    public override func result() -> Tensor { state("sum_value").to(dtype: .float32) }
}

/// The largest value given (`torchmetrics.MaxMetric`).
public final class MaxMetric: Metric {
    public override init() {
        super.init()
        addState("max_value", Tensor(-Double.infinity), reduction: .max)
    }

    /// Adds `value`'s elements.
    public func update(_ value: Tensor) {
        setState("max_value", ATen.maximum(state("max_value"), value.detach().to(dtype: .float64).max()))
        didUpdate()
    }

    /// The batch's value (`metric(value)`), also added to the accumulated states.
    public override func forward(_ value: Tensor) -> Tensor { forward { update(value) } }

    public override func result() -> Tensor { state("max_value").to(dtype: .float32) }
}

/// The smallest value given (`torchmetrics.MinMetric`).
public final class MinMetric: Metric {
    public override init() {
        super.init()
        addState("min_value", Tensor(Double.infinity), reduction: .min)
    }

    /// Adds `value`'s elements.
    public func update(_ value: Tensor) {
        setState("min_value", ATen.minimum(state("min_value"), value.detach().to(dtype: .float64).min()))
        didUpdate()
    }

    /// The batch's value (`metric(value)`), also added to the accumulated states.
    public override func forward(_ value: Tensor) -> Tensor { forward { update(value) } }

    public override func result() -> Tensor { state("min_value").to(dtype: .float32) }
}

/// Every value given, concatenated (`torchmetrics.CatMetric`).
public final class CatMetric: Metric {
    public override init() {
        super.init()
        addListState("value")
    }

    /// Adds `value`'s elements.
    public func update(_ value: Tensor) {
        append("value", value.detach().reshape([-1]))
        didUpdate()
    }

    /// The batch's value (`metric(value)`), also added to the accumulated states.
    public override func forward(_ value: Tensor) -> Tensor { forward { update(value) } }

    public override func result() -> Tensor { concatenated("value") ?? Tensor.zeros([0]) }
}

/// The mean over the values of the last `window` updates (`torchmetrics.RunningMean`): one
/// summed slot per update in the window, so ranks updating in step combine slot by slot.
public final class RunningMean: Metric {
    public let window: Int
    private var position = 0

    public init(window: Int = 5) {
        if window < 1 { argumentError("RunningMean", "window must be at least 1, got \(window)") }
        self.window = Swift.max(window, 1)
        super.init()
        for slot in 0..<self.window {
            addState("sum_\(slot)", Tensor(Double(0)), reduction: .sum)
            addState("count_\(slot)", Tensor(Double(0)), reduction: .sum)
        }
    }

    /// Adds `value`'s elements as the newest update, replacing the oldest.
    public func update(_ value: Tensor) {
        let slot = position % window
        setState("sum_\(slot)", value.detach().to(dtype: .float64).sum())
        setState("count_\(slot)", Tensor(Double(value.numel)))
        position += 1
        didUpdate()
    }

    /// The mean of this batch (`metric(value)`); the batch becomes the newest update of the window.
    public override func forward(_ value: Tensor) -> Tensor {
        update(value)
        let mean = value.detach().to(dtype: .float32).mean()
        batchValue = mean
        return mean
    }

    public override func result() -> Tensor {
        let sums = (0..<window).map { state("sum_\($0)") }, counts = (0..<window).map { state("count_\($0)") }
        return (Tensor.stack(sums).sum() / Tensor.stack(counts).sum()).to(dtype: .float32)
    }
}
