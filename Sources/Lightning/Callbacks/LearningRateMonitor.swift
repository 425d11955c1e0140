import Torch

/// Logs each optimizer's learning rate (and momentum with `logMomentum`) to the loggers as
/// `lr-<Optimizer>` (`lr-<Optimizer>/pg<N>` for several groups) (`LearningRateMonitor`): per
/// step, per epoch, or (nil) per step when a scheduler steps per step and per epoch otherwise.
public final class LearningRateMonitor: Callback {
    public let loggingInterval: SchedulerInterval?
    public let logMomentum: Bool
    /// Every value logged, by name.
    public private(set) var lrs: [String: [Double]] = [:]
    private var lastLoggedStep = -1

    public init(loggingInterval: SchedulerInterval? = nil, logMomentum: Bool = false) {
        (self.loggingInterval, self.logMomentum) = (loggingInterval, logMomentum)
    }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        if stage == .fit && trainer.loggers.isEmpty {
            throw TrainerError.misconfiguration("Cannot use `LearningRateMonitor` callback with `Trainer` that has no logger.")
        }
    }

    private func wants(_ interval: SchedulerInterval, _ trainer: Trainer) -> Bool {
        if let loggingInterval { return loggingInterval == interval }
        let stepping = trainer.schedulerConfigs.contains { $0.interval == .step }
        return interval == (stepping ? .step : .epoch)
    }

    public func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {
        guard wants(.step, trainer), trainer.batchesThatStepped != lastLoggedStep,
            trainer.batchesThatStepped % trainer.logEveryNSteps == 0 else { return }
        lastLoggedStep = trainer.batchesThatStepped
        try log(trainer)
    }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if wants(.epoch, trainer) { try log(trainer) }
    }

    private func log(_ trainer: Trainer) throws {
        var values: [(String, Double)] = []
        for optimizer in trainer.optimizers {
            let base = "lr-\(type(of: optimizer))"
            for (i, group) in optimizer.paramGroups.enumerated() {
                let name = optimizer.paramGroups.count > 1 ? "\(base)/pg\(i + 1)" : base
                values.append((name, group.lr))
                if logMomentum {
                    let momentum = group["betas"]?.arrayValue?.first?.doubleValue ?? group.double("momentum")
                    values.append((name.replacingOccurrences(of: "lr-", with: "lr-momentum-"), momentum))
                }
            }
        }
        for (name, value) in values { lrs[name, default: []].append(value) }
        for logger in trainer.loggers { try logger.logMetrics(values, step: trainer.batchesThatStepped) }
    }
}
