import Torch

/// Stochastic weight averaging (`StochasticWeightAveraging`): from `swaEpochStart` (an epoch, or
/// a fraction of `maxEpochs` when below 1) the learning rate anneals to `swaLrs` with `SWALR`,
/// the weights are averaged at the end of every epoch, and the model ends training with the
/// average. Batch-norm statistics are not recomputed for the averaged weights.
public final class StochasticWeightAveraging: Callback {
    public let swaLrs: Double
    public let swaEpochStart: Double
    public let annealingEpochs: Int
    public let annealingStrategy: SWALR.AnnealStrategy
    /// The number of weight sets averaged so far.
    public private(set) var nAveraged = 0
    private var averaged: [Tensor] = []
    private var startEpoch = 0

    public init(swaLrs: Double, swaEpochStart: Double = 0.8, annealingEpochs: Int = 10,
                annealingStrategy: SWALR.AnnealStrategy = .cos) {
        (self.swaLrs, self.swaEpochStart, self.annealingEpochs, self.annealingStrategy) =
            (swaLrs, swaEpochStart, annealingEpochs, annealingStrategy)
    }

    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if swaEpochStart < 1 {
            guard let maxEpochs = trainer.maxEpochs, maxEpochs > 0 else {
                throw TrainerError.misconfiguration("StochasticWeightAveraging(swaEpochStart: \(swaEpochStart)) as a fraction needs maxEpochs")
            }
            startEpoch = Int(Double(maxEpochs) * swaEpochStart)
        } else {
            startEpoch = Int(swaEpochStart)
        }
        guard trainer.optimizers.count == 1 else {
            throw TrainerError.misconfiguration("StochasticWeightAveraging works with one optimizer")
        }
    }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard trainer.currentEpoch == startEpoch else { return }
        let scheduler = SWALR(trainer.optimizers[0], swaLr: swaLrs, annealEpochs: annealingEpochs,
                              annealStrategy: annealingStrategy)
        trainer.replaceSchedulers([LRSchedulerConfig(scheduler, interval: .epoch)])
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard trainer.currentEpoch >= startEpoch else { return }
        let params = module.parameters().map { $0.detach() }
        if averaged.count != params.count { averaged = params.map { Tensor.empty(like: $0) } }
        AveragingFunction.swa.fold(averaged, params, count: Tensor(Int64(nAveraged)))
        nAveraged += 1
    }

    public func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard nAveraged > 0 else { return }
        withNoGrad { for (p, average) in zip(module.parameters(), averaged) { p.copy_(average) } }
    }

    public func stateDict() -> StateValue {
        .dict([("n_averaged", .int(nAveraged)), ("average_model_parameters", .list(averaged.map { .tensor($0) }))])
    }

    public func loadStateDict(_ state: StateValue) {
        nAveraged = state["n_averaged"]?.intValue ?? 0
        averaged = state["average_model_parameters"]?.arrayValue?.compactMap(\.tensorValue) ?? []
    }
}
