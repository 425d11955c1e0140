import Foundation
import Torch

/// Distributed data parallel (`DDPStrategy`): one process per device, each with a full copy
/// of the model and its own share of the data. Parameters and buffers start as rank 0's;
/// gradients are averaged by c10d's reducer while backward runs, except on accumulation
/// steps that don't step the optimizer. Collectives go through NCCL for CUDA tensors and
/// Gloo for CPU tensors.
public final class DDPStrategy: ParallelStrategy {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()
    /// The choices of the strategy, as `DDPStrategy(...)`'s arguments in Lightning.
    public struct Options: Sendable, Equatable {
        /// Look for parameters that took no part in the loss each step (slower; needed when some don't).
        public var findUnusedParameters = false
        /// The size of a gradient bucket, in MiB.
        public var bucketCapMB = 25.0
        /// Seconds after which a collective or the rendezvous fails.
        public var timeout = 1800.0
        /// Copy rank 0's buffers (batch-norm statistics) to every rank before training steps.
        public var broadcastBuffers = true
        /// Let gradients share memory with the reducer's buckets (saves a copy).
        public var gradientAsBucketView = false
        /// Record when each gradient bucket's all-reduce starts and ends (`bucketTimeline()`).
        public var recordBucketTimeline = false
        /// The backend of the job's process group (`process_group_backend`); nil: NCCL on GPUs, Gloo on CPUs.
        public var processGroupBackend: ProcessGroupBackend?

        public init(findUnusedParameters: Bool = false, bucketCapMB: Double = 25, timeout: Double = 1800,
                    broadcastBuffers: Bool = true, gradientAsBucketView: Bool = false, recordBucketTimeline: Bool = false,
                    processGroupBackend: ProcessGroupBackend? = nil) {
            (self.findUnusedParameters, self.bucketCapMB, self.timeout) = (findUnusedParameters, bucketCapMB, timeout)
            (self.broadcastBuffers, self.gradientAsBucketView) = (broadcastBuffers, gradientAsBucketView)
            (self.recordBucketTimeline, self.processGroupBackend) = (recordBucketTimeline, processGroupBackend)
        }
    }

    /// The strategy's choices.
    public let options: Options
    /// The strategy's process group and where this process sits in the job.
    public let context: DistributedContext
    private let sync: DataParallelSync

    public init(options: Options = Options(), environment: ClusterEnvironment) {
        self.options = options
        context = DistributedContext(environment: environment, timeout: options.timeout, backend: options.processGroupBackend)
        sync = DataParallelSync(options: options, averagesGradients: true)
    }

    /// Where this process sits in the job.
    public var environment: ClusterEnvironment { context.environment }
    /// The job's process group, once set up.
    public var group: ProcessGroup? { context.group }

    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        try sync.setup(module, group: context.setup(module, device: accelerator.device), stage: stage)
    }

    /// The bucket all-reduces since the last call (with `recordBucketTimeline`).
    public func bucketTimeline() -> [GradientReducer.BucketEvent] { sync.bucketTimeline() }

    public func teardown() { sync.teardown() }

    public func beforeTrainingStep(synchronizing: Bool) throws { try sync.beforeTrainingStep(synchronizing: synchronizing) }

    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws { try sync.beforeBackward(loss, synchronizing: synchronizing) }
}
