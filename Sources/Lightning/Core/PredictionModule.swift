/// A module whose `predictStep` returns something other than one tensor: a pair of tensors, a
/// dictionary, strings (Lightning's `predict_step` may return anything). `trainer.predict`
/// then returns `[Prediction]`:
///
/// ```swift
/// final class Segmenter: LightningModule<(Tensor, Tensor)>, PredictionModule {
///     func predictStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> (mask: Tensor, score: Double)? { ... }
/// }
/// let predictions = try trainer.predict(Segmenter(), loader)   // [(mask: Tensor, score: Double)]
/// ```
public protocol PredictionModule<Prediction>: AnyObject {
    /// The module's batch type.
    associatedtype Batch
    /// What one prediction step returns.
    associatedtype Prediction
    /// One prediction step: what `predict` collects (nil: nothing for this batch).
    func predictStep(_ batch: Batch, batchIdx: Int) -> Prediction?
}
