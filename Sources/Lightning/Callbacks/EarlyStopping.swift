import Torch

/// Stops training when a monitored metric has stopped improving (`EarlyStopping`): after
/// `patience` checks without an improvement of more than `minDelta`, when it crosses
/// `stoppingThreshold` (good enough) or `divergenceThreshold` (hopeless), or when it is not finite.
public final class EarlyStopping: Callback {
    /// Whether lower or higher values are better.
    public typealias Mode = MonitorMode

    public let monitor: String
    public let minDelta: Double
    public let patience: Int
    public let mode: Mode
    /// Whether a missing metric is an error (true) or skips the check.
    public let strict: Bool
    public let checkFinite: Bool
    public let stoppingThreshold: Double?
    public let divergenceThreshold: Double?
    /// Check at the end of each training epoch (nil: there, unless validation runs more often).
    public let checkOnTrainEpochEnd: Bool?
    /// Checks in a row without improvement.
    public private(set) var waitCount = 0
    /// The best value seen.
    public private(set) var bestScore: Double
    /// The epoch at which training was stopped (0 if it was not).
    public private(set) var stoppedEpoch = 0
    /// Why the last check stopped training, if it did.
    public private(set) var stoppingReason: String?

    public init(monitor: String, minDelta: Double = 0, patience: Int = 3, mode: Mode = .min, strict: Bool = true,
                checkFinite: Bool = true, stoppingThreshold: Double? = nil, divergenceThreshold: Double? = nil,
                checkOnTrainEpochEnd: Bool? = nil) {
        (self.monitor, self.minDelta, self.patience, self.mode, self.strict) = (monitor, abs(minDelta), patience, mode, strict)
        (self.checkFinite, self.stoppingThreshold, self.divergenceThreshold) = (checkFinite, stoppingThreshold, divergenceThreshold)
        self.checkOnTrainEpochEnd = checkOnTrainEpochEnd
        bestScore = mode == .min ? .infinity : -.infinity
    }

    public var stateKey: String { "EarlyStopping{'monitor': '\(monitor)', 'mode': '\(mode.rawValue)'}" }

    private func better(_ a: Double, than b: Double) -> Bool { mode == .min ? a < b : a > b }

    private func checksAtEpochEnd(_ trainer: Trainer) -> Bool {
        checkOnTrainEpochEnd ?? (trainer.valCheckInterval == .all && trainer.checkValEveryNEpoch == 1)
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if checksAtEpochEnd(trainer) { try check(trainer) }
    }

    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if !trainer.sanityChecking && !checksAtEpochEnd(trainer) { try check(trainer) }
    }

    private func check(_ trainer: Trainer) throws {
        guard let value = trainer.callbackMetrics[monitor] else {
            guard strict else { return }
            throw TrainerError.misconfiguration(
                "Early stopping conditioned on metric `\(monitor)` which is not available. Pass in or modify your `EarlyStopping` callback to use any of the following: \(trainer.callbackMetrics.keys.sorted().joined(separator: ", "))")
        }
        let current = value.item()
        var stop = false
        if checkFinite && !current.isFinite {
            stop = true
            stoppingReason = "Monitored metric \(monitor) = \(current) is not finite. Previous best value was \(bestScore). Signaling Trainer to stop."
        } else if let threshold = stoppingThreshold, better(current, than: threshold) {
            stop = true
            stoppingReason = "Stopping threshold reached: \(monitor) = \(current) \(mode == .min ? "<" : ">") \(threshold). Signaling Trainer to stop."
        } else if let threshold = divergenceThreshold, better(-current, than: -threshold) {
            stop = true
            stoppingReason = "Divergence threshold reached: \(monitor) = \(current) \(mode == .min ? ">" : "<") \(threshold). Signaling Trainer to stop."
        } else if better(current + (mode == .min ? minDelta : -minDelta), than: bestScore) {
            bestScore = current
            waitCount = 0
        } else {
            waitCount += 1
            if waitCount >= patience {
                stop = true
                stoppingReason = "Monitored metric \(monitor) did not improve in the last \(waitCount) records. Best score: \(bestScore). Signaling Trainer to stop."
            }
        }
        if stop {
            stoppedEpoch = trainer.currentEpoch
            trainer.shouldStop = true
        }
    }

    public func stateDict() -> StateValue {
        .dict([("wait_count", .int(waitCount)), ("stopped_epoch", .int(stoppedEpoch)), ("best_score", .double(bestScore)),
               ("patience", .int(patience))])
    }

    public func loadStateDict(_ state: StateValue) {
        waitCount = state["wait_count"]?.intValue ?? 0
        stoppedEpoch = state["stopped_epoch"]?.intValue ?? 0
        bestScore = state["best_score"]?.doubleValue ?? bestScore
    }
}
