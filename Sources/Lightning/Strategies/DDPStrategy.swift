import Foundation
import Torch

/// Distributed data parallel (`DDPStrategy`): one process per device, each with a full copy
/// of the model and its own share of the data. Parameters and buffers start as rank 0's;
/// gradients are averaged by c10d's reducer while backward runs, except on accumulation
/// steps that don't step the optimizer. Collectives go through NCCL for CUDA tensors and
/// Gloo for CPU tensors.
public final class DDPStrategy: StrategyPlugin {
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
    /// Where this process sits in the job.
    public let environment: ClusterEnvironment
    /// The job's process group, once set up.
    public private(set) var group: ProcessGroup?
    private var reducer: GradientReducer?
    private var buffers: [Tensor] = []
    private var lastStepSynchronized = true
    private var backend = ProcessGroupBackend.gloo
    /// Whether gradients are averaged by the reducer (ZeRO stage 2 reduces them itself).
    var reducesGradients = true

    public init(options: Options = Options(), environment: ClusterEnvironment) {
        (self.options, self.environment) = (options, environment)
    }

    public var globalRank: Int { environment.globalRank }
    public var localRank: Int { environment.localRank }
    public var worldSize: Int { environment.worldSize }

    private func connected() throws -> ProcessGroup {
        if let group { return group }
        let group = try DistributedConnection.connect(environment, backend: backend, timeout: options.timeout)
        self.group = group
        return group
    }

    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        backend = options.processGroupBackend ?? (accelerator.device == .cpu ? .gloo : .nccl)
        let group = try connected()
        module.to(device: accelerator.device)
        try withNoGrad { try group.broadcastCoalesced(module.parameters() + module.buffers()) }
        buffers = options.broadcastBuffers ? module.buffers() : []
        reducer = nil
        lastStepSynchronized = true
        let trainable = module.parameters().filter(\.requiresGrad)
        if stage == .fit && !trainable.isEmpty && reducesGradients {
            reducer = try GradientReducer(group: group, parameters: trainable, bucketCapMB: options.bucketCapMB,
                                          findUnusedParameters: options.findUnusedParameters,
                                          gradientAsBucketView: options.gradientAsBucketView)
            if options.recordBucketTimeline { try reducer?.recordTimeline() }
        }
    }

    /// The bucket all-reduces since the last call (with `recordBucketTimeline`).
    public func bucketTimeline() -> [GradientReducer.BucketEvent] { reducer?.takeTimeline() ?? [] }

    public func teardown() {
        reducer = nil
        buffers = []
    }

    public func beforeTrainingStep(synchronizing: Bool) throws {
        if synchronizing, let reducer { try explainingUnusedParameters { try reducer.prepareForForward() } }
        if lastStepSynchronized && !buffers.isEmpty {
            try withNoGrad { try connected().broadcastCoalesced(buffers) }
        }
        lastStepSynchronized = synchronizing
    }

    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws {
        guard synchronizing, let reducer else { return }
        try explainingUnusedParameters { try reducer.prepareForBackward(outputs: options.findUnusedParameters ? [loss] : []) }
    }

    /// The reducer's error for parameters that received no gradient, with what to do in Swift
    /// terms first (as Lightning rewords it for its own arguments).
    private func explainingUnusedParameters(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DistributedError where error.message.contains("Expected to have finished reduction in the prior iteration") {
            throw DistributedError("It looks like your LightningModule has parameters that were not used in producing the loss "
                + "returned by trainingStep (or given to manualBackward). If this is intentional, enable the detection of unused "
                + "parameters in DDP: Trainer(strategy: .ddp(findUnusedParameters: true)), or on the command line "
                + "--trainer.strategy ddp_find_unused_parameters_true. DDP said: \(error.message)")
        }
    }

    public func allReduce(_ tensor: Tensor, op: ReduceOp) throws { try connected().allReduce(tensor, op: op) }

    public func broadcast(_ tensor: Tensor, root: Int) throws { try connected().broadcast(tensor, root: root) }

    public func barrier() throws { try connected().barrier() }

    /// A failing run: the launching process takes the other ranks down with it, after giving
    /// the child observer (it polls every 50 ms) half a second to report a rank that died first:
    /// then that rank's error is the cause, and this one's is not shown.
    public func onException(_ error: Error) {
        guard environment.kind == .local, environment.localWorldSize > 1 else { return }
        usleep(500_000)
        SubprocessLauncher.stopChildren()
    }
}
