import Torch

/// Changes the number of batches accumulated per optimizer step by epoch
/// (`GradientAccumulationScheduler`): `[0: 1, 4: 2, 8: 4]` accumulates 1 batch until epoch 4,
/// then 2, then 4. Use it with the Trainer's `accumulateGradBatches` left at 1.
public final class GradientAccumulationScheduler: Callback {
    public let scheduling: [Int: Int]

    public init(scheduling: [Int: Int]) { self.scheduling = scheduling }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        guard let first = scheduling.keys.min(), first >= 0, scheduling.values.allSatisfy({ $0 >= 1 }) else {
            throw TrainerError.misconfiguration("GradientAccumulationScheduler: epochs must be >= 0 and factors >= 1, got \(scheduling)")
        }
        if trainer.accumulateGradBatches != 1 && stage == .fit && trainer.accumulateGradBatches != factor(for: trainer.currentEpoch) {
            throw TrainerError.misconfiguration(
                "You have set `accumulateGradBatches` and are using the `GradientAccumulationScheduler` callback. Either remove `accumulateGradBatches` from the Trainer or remove the callback.")
        }
        if !module.automaticOptimization {
            throw TrainerError.misconfiguration("GradientAccumulationScheduler applies to automatic optimization only")
        }
    }

    /// The factor in force at `epoch`.
    public func factor(for epoch: Int) -> Int {
        scheduling.filter { $0.key <= epoch }.max { $0.key < $1.key }?.value ?? 1
    }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        try trainer.setAccumulateGradBatches(factor(for: trainer.currentEpoch))
    }
}
