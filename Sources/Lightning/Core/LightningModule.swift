import Torch

/// A model with its training recipe (`pytorch_lightning.LightningModule`), for batches of type
/// `Batch`: the steps, the optimizers, and the hooks the Trainer calls.
///
/// ```swift
/// final class Classifier: LightningModule<(Tensor, Tensor)> {
///     let net = Sequential { Linear(64, 10) }
///     override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
///         let loss = F.crossEntropy(net(batch.0), batch.1)
///         log("train_loss", loss)
///         return loss
///     }
///     override func configureOptimizers() -> OptimizerConfig { .init(AdamW(parameters())) }
/// }
/// ```
open class LightningModule<Batch>: LightningModuleBase {
    public override init() { super.init() }

    /// One training step: returns the loss (nil skips the batch). In manual optimization,
    /// steps the optimizers itself.
    open func trainingStep(_ batch: Batch, batchIdx: Int) -> Tensor? {
        trainer?.pendingError = TrainerError.misconfiguration("\(type(of: self)) must override trainingStep(_:batchIdx:) to be trained")
        return nil
    }

    /// One validation step; log metrics with `log`.
    open func validationStep(_ batch: Batch, batchIdx: Int) {}

    /// One test step; log metrics with `log`.
    open func testStep(_ batch: Batch, batchIdx: Int) {}

    /// One prediction step: returns what `predict` collects.
    open func predictStep(_ batch: Batch, batchIdx: Int) -> Tensor? { nil }

    /// Moves a batch to the device the run uses, before every step (`transfer_batch_to_device`):
    /// tensors, pairs and triples of tensors, arrays and string-keyed dictionaries of them are
    /// moved; override it for other batch types.
    open func transferBatchToDevice(_ batch: Batch, device: Device) -> Batch { BatchTransfer.move(batch, to: device) }

    /// Called before each training batch; return false to skip the rest of the epoch.
    open func onTrainBatchStart(_ batch: Batch, batchIdx: Int) -> Bool { true }

    /// Called after each training batch with its loss.
    open func onTrainBatchEnd(_ loss: Tensor?, batch: Batch, batchIdx: Int) {}

    // MARK: data hooks, used when neither the call nor a datamodule gives loaders

    /// The training batches (`train_dataloader`); asked for after `setup(stage:)`.
    open func trainDataloader() -> (any BatchLoader<Batch>)? { nil }
    /// The validation batches (`val_dataloader`).
    open func valDataloader() -> (any BatchLoader<Batch>)? { nil }
    /// The test batches (`test_dataloader`).
    open func testDataloader() -> (any BatchLoader<Batch>)? { nil }
    /// The prediction batches (`predict_dataloader`).
    open func predictDataloader() -> (any BatchLoader<Batch>)? { nil }
}
