import Torch

/// A metric updated with predictions and targets, as most are; `MetricCollection` updates its
/// members through it.
public protocol PredictionMetric: Metric {
    /// Adds a batch of predictions against targets.
    func update(_ preds: Tensor, _ target: Tensor)
}

extension StatScoresMetric: PredictionMetric {}
extension ConfusionMatrixMetric: PredictionMetric {}
extension CurveMetric: PredictionMetric {}
extension CalibrationError: PredictionMetric {}
extension RegressionMetric: PredictionMetric {}
extension KLDivergence: PredictionMetric {}
extension Perplexity: PredictionMetric {}
extension PeakSignalNoiseRatio: PredictionMetric {}
extension StructuralSimilarityIndexMeasure: PredictionMetric {}

/// Several metrics of the same predictions, updated, computed and reset together
/// (`torchmetrics.MetricCollection`); their names get `prefix` and `postfix` (`"val_"`).
public final class MetricCollection: Module {
    /// The metrics by name, in the order given.
    public let metrics: [(name: String, metric: PredictionMetric)]
    public let prefix: String, postfix: String

    public init(_ metrics: KeyValuePairs<String, PredictionMetric>, prefix: String = "", postfix: String = "") {
        self.metrics = metrics.map { ($0.key, $0.value) }
        (self.prefix, self.postfix) = (prefix, postfix)
        super.init()
        for (name, metric) in self.metrics { registerModule(name, metric) }
    }

    /// The metric named `name` (without prefix and postfix).
    public subscript(name: String) -> PredictionMetric? { metrics.first { $0.name == name }?.metric }

    /// The logged name of member `name`.
    public func fullName(_ name: String) -> String { prefix + name + postfix }

    /// Adds a batch to every metric.
    public func update(_ preds: Tensor, _ target: Tensor) {
        for (_, metric) in metrics { metric.update(preds, target) }
    }

    /// Every metric's value on this batch, also added to its states.
    public func callAsFunction(_ preds: Tensor, _ target: Tensor) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: metrics.map { name, metric in
            (fullName(name), metric.forward { metric.update(preds, target) })
        })
    }

    /// Every metric's value over its updates (on every rank).
    public func compute() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: metrics.map { (fullName($0.name), $0.metric.compute()) })
    }

    /// Resets every metric.
    public func reset() {
        for (_, metric) in metrics { metric.reset() }
    }
}
