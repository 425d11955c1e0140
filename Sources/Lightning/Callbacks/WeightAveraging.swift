import Torch

/// A running average of the model's weights kept during fit (Lightning 2.6's `WeightAveraging`):
/// folded in after the optimizer steps (or epochs) `shouldUpdate` accepts, swapped into the model
/// while it validates, and copied into it when training ends. Checkpoints hold the average as
/// their `state_dict` (what `loadFromCheckpoint` gives) and the weights being trained under
/// `current_model_state`, from which a fit resumes. Subclass it and override `shouldUpdate` for
/// another schedule; `EMAWeightAveraging` is the exponential moving average.
///
/// The average lives beside the parameters on their device. Strategies that shard parameters
/// (FSDP) are not supported: each rank would average its shard only.
open class WeightAveraging: Callback {
    /// How the average combines with the current weights.
    public let averaging: AveragingFunction
    /// Whether buffers (batch-norm statistics) are averaged too; otherwise they are copied.
    public let useBuffers: Bool
    /// The averaged tensors by state-dict key; empty before fit.
    public var average: StateDict { StateDict(tracked.map { ($0.name, $0.average) }) }
    /// The model's tensors the average follows (parameters, and buffers with `useBuffers`), found
    /// once when fit sets up (loading a checkpoint copies into them, so they stay the model's).
    private var tracked: [(name: String, live: Tensor, average: Tensor)] = []
    /// How many updates the average holds.
    public private(set) var nAveraged = 0
    private var latestUpdateStep = 0
    /// The epoch being trained, for schedules that start at an epoch.
    var trainingEpoch = 0

    /// Averages with `averaging` (the equal-weight mean by default, as `AveragedModel`'s).
    public init(averaging: AveragingFunction = .swa, useBuffers: Bool = true) {
        (self.averaging, self.useBuffers) = (averaging, useBuffers)
    }

    /// Whether to fold the weights in after optimizer step `stepIdx` (0-based) or at the end of
    /// epoch `epochIdx` (one of the two is given): after every optimizer step by default.
    open func shouldUpdate(stepIdx: Int?, epochIdx: Int?) -> Bool { stepIdx != nil }

    /// Refuses settings it cannot average with, before fit starts.
    func validate() throws {}

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        guard stage == .fit else { return }
        try validate()
        let parameters = Set(module.namedParameters().map(\.0))
        tracked = module.stateDict().filter { useBuffers || parameters.contains($0.key) }
            .map { (name: $0.key, live: $0.value, average: $0.value.detach().clone()) }
        (nAveraged, latestUpdateStep) = (0, 0)
    }

    /// Folds the model's current weights into the average.
    private func update() {
        averaging.fold(tracked.map(\.average), tracked.map { $0.live.detach() }, count: Tensor(Int64(nAveraged)))
        nAveraged += 1
    }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        guard trainer.globalStep > latestUpdateStep, shouldUpdate(stepIdx: trainer.globalStep - 1, epochIdx: nil) else { return }
        update()
        latestUpdateStep = trainer.globalStep
    }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        trainingEpoch = trainer.currentEpoch
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if shouldUpdate(stepIdx: nil, epochIdx: trainer.currentEpoch) { update() }
    }

    public func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard nAveraged > 0 else { return }
        withNoGrad { for t in tracked { t.live.copy_(t.average) } }
    }

    /// Exchanges the model's weights and the average in place.
    private func swap() {
        guard nAveraged > 0 else { return }
        withNoGrad {
            for t in tracked {
                let held = t.live.clone()
                t.live.copy_(t.average)
                t.average.copy_(held)
            }
        }
    }

    public func onValidationEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if trainer.stage == .fit { swap() }
    }

    public func onValidationEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if trainer.stage == .fit { swap() }
    }

    public func onSaveCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: inout [(String, StateValue)]) throws {
        guard nAveraged > 0, let index = checkpoint.firstIndex(where: { $0.0 == "state_dict" }),
              let current = checkpoint[index].1.stateDictValue else { return }
        let average = self.average
        let averaged = StateDict(current.map { name, tensor in (name, average[name] ?? tensor) })
        checkpoint[index].1 = .stateDict(averaged)
        checkpoint.append(("current_model_state", .stateDict(current)))
        checkpoint.append(("averaging_state", .dict([("n_averaged", .tensor(Tensor(Int64(nAveraged))))])))
    }

    public func onLoadCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: StateValue) throws {
        guard let current = checkpoint["current_model_state"]?.stateDictValue,
              let averaged = checkpoint["state_dict"]?.stateDictValue else { return }
        try module.loadStateDict(current)
        withNoGrad { for t in tracked { if let saved = averaged[t.name] { t.average.copy_(saved) } } }
        nAveraged = checkpoint["averaging_state"]?["n_averaged"]?.intValue ?? nAveraged
    }

    public func stateDict() -> StateValue { .dict([("latest_update_step", .int(latestUpdateStep))]) }

    public func loadStateDict(_ state: StateValue) { latestUpdateStep = state["latest_update_step"]?.intValue ?? 0 }
}

/// An exponential moving average of the weights (Lightning 2.6's `EMAWeightAveraging`):
/// `average = decay * average + (1 - decay) * weights` every `updateEveryNSteps` optimizer
/// steps, from step `updateStartingAtStep` and epoch `updateStartingAtEpoch` on.
public final class EMAWeightAveraging: WeightAveraging {
    public let decay: Double
    public let updateEveryNSteps: Int
    public let updateStartingAtStep: Int?
    public let updateStartingAtEpoch: Int?

    public init(decay: Double = 0.999, updateEveryNSteps: Int = 1, updateStartingAtStep: Int? = nil,
                updateStartingAtEpoch: Int? = nil, useBuffers: Bool = true) {
        (self.decay, self.updateEveryNSteps) = (decay, updateEveryNSteps)
        (self.updateStartingAtStep, self.updateStartingAtEpoch) = (updateStartingAtStep, updateStartingAtEpoch)
        super.init(averaging: .ema(decay: decay), useBuffers: useBuffers)
    }

    public override func shouldUpdate(stepIdx: Int?, epochIdx: Int?) -> Bool {
        guard let stepIdx else { return false }
        return stepIdx >= (updateStartingAtStep ?? 0) && trainingEpoch >= (updateStartingAtEpoch ?? 0)
            && stepIdx % updateEveryNSteps == 0
    }

    override func validate() throws {
        guard updateEveryNSteps >= 1 else {
            throw TrainerError.misconfiguration("EMAWeightAveraging(updateEveryNSteps: \(updateEveryNSteps)) must be at least 1")
        }
        guard (0...1).contains(decay) else {
            throw TrainerError.misconfiguration("EMAWeightAveraging(decay: \(decay)) must be in [0, 1]")
        }
    }
}
