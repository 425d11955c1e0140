import Foundation
import Torch

/// Saves checkpoints at the end of training epochs (`ModelCheckpoint`): the latest one, or
/// the best by a monitored metric, and `last.ckpt` with `saveLast`. A monitored metric that
/// was never logged is an error, not a silent no-op.
public final class ModelCheckpoint: Callback {
    /// Whether lower or higher monitored values are better.
    public enum Mode: String, Sendable { case min, max }

    /// The folder (default: the logger's `checkpoints`).
    public private(set) var dirpath: String?
    public let monitor: String?
    public let mode: Mode
    public let saveLast: Bool
    public let everyNEpochs: Int
    /// The path of the best checkpoint so far (the latest when nothing is monitored).
    public private(set) var bestModelPath = ""
    /// Its monitored value.
    public private(set) var bestModelScore: Double?
    /// The path of the last checkpoint written.
    public private(set) var lastModelPath = ""

    public init(dirpath: String? = nil, monitor: String? = nil, mode: Mode = .min, saveLast: Bool = false,
                everyNEpochs: Int = 1) {
        (self.dirpath, self.monitor, self.mode, self.saveLast, self.everyNEpochs) = (dirpath, monitor, mode, saveLast, everyNEpochs)
    }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        if dirpath == nil { dirpath = trainer.defaultCheckpointDirectory }
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard !trainer.sanityChecking, (trainer.currentEpoch + 1) % everyNEpochs == 0, let dirpath else { return }
        let path = "\(dirpath)/epoch=\(trainer.currentEpoch)-step=\(trainer.globalStep).ckpt"
        if let monitor {
            guard let value = trainer.callbackMetrics[monitor]?.item() else {
                throw TrainerError.misconfiguration(
                    "ModelCheckpoint(monitor: \"\(monitor)\") could not find the monitored key in the returned metrics: \(trainer.callbackMetrics.keys.sorted()). HINT: Did you call log(\"\(monitor)\", value) in the LightningModule?")
            }
            let better = bestModelScore.map { mode == .min ? value < $0 : value > $0 } ?? true
            if better {
                try trainer.saveCheckpoint(to: path)
                if !bestModelPath.isEmpty && bestModelPath != path { try? FileManager.default.removeItem(atPath: bestModelPath) }
                (bestModelPath, bestModelScore) = (path, value)
            }
        } else {
            try trainer.saveCheckpoint(to: path)
            if !bestModelPath.isEmpty && bestModelPath != path { try? FileManager.default.removeItem(atPath: bestModelPath) }
            bestModelPath = path
        }
        if saveLast {
            lastModelPath = "\(dirpath)/last.ckpt"
            try trainer.saveCheckpoint(to: lastModelPath)
        }
    }

    public func stateDict() -> StateValue {
        .dict([("monitor", monitor.map { .string($0) } ?? .none), ("best_model_path", .string(bestModelPath)),
               ("best_model_score", bestModelScore.map { .double($0) } ?? .none), ("last_model_path", .string(lastModelPath)),
               ("dirpath", dirpath.map { .string($0) } ?? .none)])
    }

    public func loadStateDict(_ state: StateValue) {
        bestModelPath = state["best_model_path"]?.stringValue ?? ""
        bestModelScore = state["best_model_score"]?.doubleValue
        lastModelPath = state["last_model_path"]?.stringValue ?? ""
    }
}
