import Torch

/// Writes predictions as `predict` makes them (Lightning's `BasePredictionWriter`): subclass it
/// and override `writeOnBatchEnd` (each batch's prediction, as `predictStep` returned it) and/or
/// `writeOnEpochEnd` (all of them), chosen by `writeInterval`. In a multi-process run every rank
/// writes its own share; name files by `trainer.globalRank`.
open class BasePredictionWriter: Callback, PredictionReceiver {
    /// When predictions are written.
    public enum WriteInterval: String, Sendable {
        case batch, epoch
        case batchAndEpoch = "batch_and_epoch"
    }

    public let writeInterval: WriteInterval
    private var predictions: [Any] = []

    public init(writeInterval: WriteInterval = .batch) {
        self.writeInterval = writeInterval
    }

    /// Writes one batch's prediction.
    open func writeOnBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, prediction: Any, batch: Any, batchIdx: Int) throws {}

    /// Writes every prediction of the epoch, in batch order.
    open func writeOnEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase, predictions: [Any]) throws {}

    func receive(_ trainer: Trainer, _ module: LightningModuleBase, prediction: Any, batch: Any, batchIdx: Int) throws {
        if writeInterval != .epoch { try writeOnBatchEnd(trainer, module, prediction: prediction, batch: batch, batchIdx: batchIdx) }
        if writeInterval != .batch { predictions.append(prediction) }
    }

    func predictionsEnded(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        defer { predictions = [] }
        if writeInterval != .batch { try writeOnEpochEnd(trainer, module, predictions: predictions) }
    }
}

/// A callback that takes predictions as `predictStep` returned them, whatever their type.
protocol PredictionReceiver: AnyObject {
    func receive(_ trainer: Trainer, _ module: LightningModuleBase, prediction: Any, batch: Any, batchIdx: Int) throws
    func predictionsEnded(_ trainer: Trainer, _ module: LightningModuleBase) throws
}
