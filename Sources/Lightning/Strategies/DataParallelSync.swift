import Torch

/// What keeps data-parallel replicas equal between optimizer steps: c10d's reducer averaging
/// gradients while backward runs (skipped on accumulation steps, `no_sync`), and rank 0's
/// buffers (batch-norm statistics) copied to every rank before training steps. DDP uses both;
/// ZeRO stage 1 too; ZeRO stage 2 and FSDP, which reduce gradients themselves, the buffers only.
final class DataParallelSync {
    let options: DDPStrategy.Options
    /// Whether gradients are averaged by the reducer.
    let averagesGradients: Bool
    private var reducer: GradientReducer?
    private var buffers: [Tensor] = []
    private var lastStepSynchronized = true
    private var group: ProcessGroup?

    init(options: DDPStrategy.Options, averagesGradients: Bool) {
        (self.options, self.averagesGradients) = (options, averagesGradients)
    }

    func setup(_ module: Module, group: ProcessGroup, stage: Stage) throws {
        self.group = group
        buffers = options.broadcastBuffers ? module.buffers() : []
        reducer = nil
        lastStepSynchronized = true
        let trainable = module.parameters().filter(\.requiresGrad)
        if stage == .fit && !trainable.isEmpty && averagesGradients {
            reducer = try GradientReducer(group: group, parameters: trainable, bucketCapMB: options.bucketCapMB,
                                          findUnusedParameters: options.findUnusedParameters,
                                          gradientAsBucketView: options.gradientAsBucketView)
            if options.recordBucketTimeline { try reducer?.recordTimeline() }
        }
    }

    /// The bucket all-reduces since the last call (with `recordBucketTimeline`).
    func bucketTimeline() -> [GradientReducer.BucketEvent] { reducer?.takeTimeline() ?? [] }

    func teardown() {
        reducer = nil
        buffers = []
        group = nil
    }

    func beforeTrainingStep(synchronizing: Bool) throws {
        if synchronizing, let reducer { try explainingUnusedParameters { try reducer.prepareForForward() } }
        if lastStepSynchronized && !buffers.isEmpty, let group {
            try withNoGrad { try group.broadcastCoalesced(buffers) }
        }
        lastStepSynchronized = synchronizing
    }

    func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws {
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
}
