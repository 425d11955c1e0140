import Torch

/// What a strategy's `trainingStep` receives for one batch: the module's step and the loop's
/// backward as closures (with the loop's hooks, profiling and error reports), and what a strategy
/// that schedules forward and backward itself (pipelines) needs to do so.
public struct TrainingStepContext {
    /// The run's precision plug-in.
    public let precision: PrecisionPlugin
    /// The batches each optimizer step accumulates over (losses are divided by it before backward).
    public let accumulateGradBatches: Int
    /// Whether the optimizer steps after this batch (false on accumulation steps).
    public let synchronizing: Bool
    /// Runs the module's `trainingStep` under the precision plug-in; nil for a skipped batch.
    public let forward: () throws -> Tensor?
    /// Scales a loss for accumulation and runs the backward hooks and the strategy's `backward`.
    public let backward: (Tensor) throws -> Void
}
