import Torch

/// A LightningModule that can be trained with `.pipeline(...)` (DeepSpeed's `PipelineModule`):
/// its network is a `Sequential` the strategy cuts into stages, one per rank, and the loss is
/// a function of the last layer's output and a target, so that each micro-batch's forward and
/// backward can run stage by stage on different processes.
public protocol PipelineModule<Batch>: AnyObject {
    associatedtype Batch
    /// The layers, applied in order; the strategy gives each stage a contiguous run of them.
    var pipelineLayers: Sequential { get }
    /// A batch's network input and target (both cut into micro-batches along their first dimension).
    func pipelineInputs(_ batch: Batch) -> (input: Tensor, target: Tensor)
    /// The loss of the last layer's output for a micro-batch (a mean over its samples).
    func pipelineLoss(_ output: Tensor, target: Tensor) -> Tensor
}
