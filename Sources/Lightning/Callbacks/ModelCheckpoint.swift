import Foundation
import Torch

/// Saves checkpoints as training goes (`ModelCheckpoint`): every `everyNEpochs` epochs (by
/// default each), every `everyNTrainSteps` optimizer steps, or every `trainTimeInterval`
/// seconds; keeps the `saveTopK` best by `monitor` (the latest when nothing is monitored), and
/// `last.ckpt` too with `saveLast`. Names come from `filename`, a template such as
/// `"{epoch}-{step}-{val_loss:.3f}"`. A monitored metric that was never logged is an error.
///
/// Epoch-based saves happen at the end of each training epoch, or after each validation when
/// validation runs more than once an epoch (Lightning's `save_on_train_epoch_end` rule), and
/// when training stops before its epoch ends. It deletes only checkpoints it wrote in its own
/// folder in this run or the run it resumed, never the one the run resumed from.
public final class ModelCheckpoint: Callback {
    /// Whether lower or higher monitored values are better.
    public typealias Mode = MonitorMode

    /// The folder (default: the logger's `checkpoints`).
    public private(set) var dirpath: String?
    public let filename: String
    public let monitor: String?
    public let mode: Mode
    public let saveTopK: Int
    public let saveLast: Bool
    public let everyNTrainSteps: Int?
    public let trainTimeInterval: Double?
    public let everyNEpochs: Int?
    /// Save at the end of training epochs (true) or after validations (false); nil: after
    /// validations when they run more than once an epoch or not every epoch, else at epoch ends.
    public let saveOnTrainEpochEnd: Bool?
    /// Whether `{name}` becomes `name=value` in file names.
    public let autoInsertMetricName: Bool
    /// The path of the best checkpoint so far (the latest when nothing is monitored).
    public private(set) var bestModelPath = ""
    /// Its monitored value.
    public private(set) var bestModelScore: Double?
    /// The kept checkpoints and their monitored values.
    public private(set) var bestKModels: [String: Double] = [:]
    /// The path of the last checkpoint written.
    public private(set) var lastModelPath = ""
    private var lastSavedStep = -1
    /// The folder of the checkpoint being restored, when it differs from this one.
    private var changedFolder: String?
    private var lastSaveTime = Date()

    public init(dirpath: String? = nil, filename: String = "{epoch}-{step}", monitor: String? = nil, mode: Mode = .min,
                saveTopK: Int = 1, saveLast: Bool = false, everyNTrainSteps: Int? = nil, trainTimeInterval: Double? = nil,
                everyNEpochs: Int? = nil, saveOnTrainEpochEnd: Bool? = nil, autoInsertMetricName: Bool = true) {
        (self.dirpath, self.filename, self.monitor, self.mode, self.saveTopK) = (dirpath, filename, monitor, mode, saveTopK)
        (self.saveLast, self.everyNTrainSteps, self.trainTimeInterval) = (saveLast, everyNTrainSteps, trainTimeInterval)
        self.everyNEpochs = everyNEpochs ?? (everyNTrainSteps == nil && trainTimeInterval == nil ? 1 : nil)
        self.autoInsertMetricName = autoInsertMetricName
        self.saveOnTrainEpochEnd = saveOnTrainEpochEnd
    }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        if saveTopK < -1 { throw TrainerError.misconfiguration("ModelCheckpoint(saveTopK: \(saveTopK)) must be >= -1") }
        if saveTopK > 1 && monitor == nil {
            throw TrainerError.misconfiguration(
                "ModelCheckpoint(saveTopK: \(saveTopK), monitor: nil) is not a valid configuration. No quantity for top_k to track.")
        }
        let triggers = [everyNTrainSteps.map { $0 > 0 }, trainTimeInterval.map { _ in true }, everyNEpochs.map { $0 > 0 }]
        if triggers.compactMap({ $0 }).filter({ $0 }).count > 1 {
            throw TrainerError.misconfiguration(
                "Combination of parameters everyNTrainSteps: \(everyNTrainSteps.map(String.init) ?? "nil"), everyNEpochs: \(everyNEpochs.map(String.init) ?? "nil") and trainTimeInterval: \(trainTimeInterval.map { String($0) } ?? "nil") should be mutually exclusive.")
        }
        if dirpath == nil { dirpath = try trainer.strategyPlugin.broadcast(trainer.defaultCheckpointDirectory) }
        lastSaveTime = Date()
    }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        if let n = everyNTrainSteps, n > 0, trainer.globalStep > 0, trainer.globalStep % n == 0 {
            try save(trainer)
        } else if let interval = trainTimeInterval, Date().timeIntervalSince(lastSaveTime) >= interval {
            try save(trainer)
        }
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if savesOnTrainEpochEnd(trainer), savesThisEpoch(trainer) { try save(trainer) }
    }

    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if trainer.stage == .fit, !trainer.sanityChecking, !savesOnTrainEpochEnd(trainer), savesThisEpoch(trainer) { try save(trainer) }
    }

    /// A fit that stopped before its epoch ended saves where it stopped, as the epoch's end would
    /// have (a monitored value that no validation produced yet is reported, not saved).
    public func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard trainer.stoppedWithinEpoch, savesThisEpoch(trainer) else { return }
        if let monitor, trainer.callbackMetrics[monitor] == nil {
            trainer.printer("ModelCheckpoint(monitor: \"\(monitor)\"): training stopped at step \(trainer.globalStep) before \(monitor) was logged; no checkpoint saved there")
            return
        }
        try save(trainer)
    }

    /// Lightning's `_should_save_on_train_epoch_end`.
    private func savesOnTrainEpochEnd(_ trainer: Trainer) -> Bool {
        if let saveOnTrainEpochEnd { return saveOnTrainEpochEnd }
        if trainer.checkValEveryNEpoch != 1 { return false }
        return trainer.valBatchesPerCheck == 0 || trainer.valCheckInterval == .all
    }

    private func savesThisEpoch(_ trainer: Trainer) -> Bool {
        guard let n = everyNEpochs, n > 0 else { return false }
        return (trainer.currentEpoch + 1) % n == 0
    }

    private func better(_ a: Double, than b: Double) -> Bool { mode == .min ? a < b : a > b }

    /// Deletes a checkpoint that is no longer kept (on the rank that writes them), unless it lies
    /// outside this callback's folder or is the one the fit resumed from.
    private func remove(_ path: String, _ trainer: Trainer) {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        guard let dirpath, resolved((path as NSString).deletingLastPathComponent) == resolved(dirpath),
              resolved(path) != trainer.resumedFrom.map(resolved) else { return }
        trainer.strategyPlugin.removeCheckpoint(path)
    }

    /// The file name for the current position and metrics.
    func formatName(_ trainer: Trainer) -> String {
        var values: [String: Double] = trainer.callbackMetrics.mapValues { $0.item() }
        values["epoch"] = Double(trainer.currentEpoch)
        values["step"] = Double(trainer.globalStep)
        var out = ""
        var rest = Substring(filename)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let field = rest[rest.index(after: open)..<close]
            let parts = field.split(separator: ":", maxSplits: 1)
            let name = String(parts[0])
            let value = values[name] ?? 0
            var text: String
            if let spec = parts.dropFirst().first {
                text = spec.hasSuffix("d") ? String(format: "%\(spec)", Int(value)) : String(format: "%\(spec)", value)
            } else {
                text = name == "epoch" || name == "step" ? String(Int(value)) : String(value)
            }
            if autoInsertMetricName { text = "\(name)=\(text)" }
            out += text
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    private func save(_ trainer: Trainer) throws {
        guard trainer.globalStep != lastSavedStep, let dirpath else { return }
        lastSavedStep = trainer.globalStep
        lastSaveTime = Date()
        let path = "\(dirpath)/\(formatName(trainer)).ckpt"
        if let monitor {
            guard let value = trainer.callbackMetrics[monitor]?.item() else {
                throw TrainerError.misconfiguration(
                    "ModelCheckpoint(monitor: \"\(monitor)\") could not find the monitored key in the returned metrics: \(trainer.callbackMetrics.keys.sorted()). HINT: Did you call log(\"\(monitor)\", value) in the LightningModule?")
            }
            try keepTopK(trainer, path: path, score: value)
        } else if saveTopK != 0 {
            try trainer.saveCheckpoint(to: path)
            if saveTopK == 1, !bestModelPath.isEmpty, bestModelPath != path { remove(bestModelPath, trainer) }
            bestModelPath = path
        }
        if saveLast {
            lastModelPath = "\(dirpath)/last.ckpt"
            try trainer.saveCheckpoint(to: lastModelPath)
        }
        for logger in trainer.loggers { try logger.afterSaveCheckpoint(self) }
    }

    private func keepTopK(_ trainer: Trainer, path: String, score: Double) throws {
        guard saveTopK != 0 else { return }
        let worst = bestKModels.max { better($0.value, than: $1.value) }
        if saveTopK == -1 || bestKModels.count < saveTopK || worst.map({ better(score, than: $0.value) }) == true {
            try trainer.saveCheckpoint(to: path)
            bestKModels[path] = score
            if saveTopK > 0, bestKModels.count > saveTopK, let worst {
                bestKModels[worst.key] = nil
                remove(worst.key, trainer)
            }
            if let best = bestKModels.min(by: { better($0.value, than: $1.value) }) {
                (bestModelPath, bestModelScore) = (best.key, best.value)
            }
        }
    }

    /// Lightning's key, so that its ModelCheckpoint and ours restore each other's state.
    public var stateKey: String {
        let interval = trainTimeInterval.map { "datetime.timedelta(seconds=\($0.rounded() == $0 ? String(Int($0)) : String($0)))" } ?? "None"
        return "ModelCheckpoint{'monitor': \(monitor.map { "'\($0)'" } ?? "None"), 'mode': '\(mode.rawValue)', "
            + "'every_n_train_steps': \(everyNTrainSteps ?? 0), 'every_n_epochs': \(everyNEpochs ?? 0), 'train_time_interval': \(interval)}"
    }

    /// Lightning's layout (scores as tensors).
    public func stateDict() -> StateValue {
        .dict([("monitor", monitor.map { .string($0) } ?? .none), ("best_model_path", .string(bestModelPath)),
               ("best_model_score", bestModelScore.map { .tensor(Tensor($0)) } ?? .none), ("last_model_path", .string(lastModelPath)),
               ("best_k_models", .dict(bestKModels.sorted { $0.key < $1.key }.map { ($0.key, .tensor(Tensor($0.value))) })),
               ("dirpath", dirpath.map { .string($0) } ?? .none)])
    }

    /// Restores the bookkeeping of a resumed fit. When the folder changed (a new version folder),
    /// only `bestModelPath` comes back, as in Lightning: the other run's files are never deleted.
    public func loadStateDict(_ state: StateValue) {
        bestModelPath = state["best_model_path"]?.stringValue ?? ""
        let saved = state["dirpath"]?.stringValue
        guard saved == dirpath else {
            changedFolder = saved
            return
        }
        bestModelScore = state["best_model_score"]?.doubleValue
        lastModelPath = state["last_model_path"]?.stringValue ?? ""
        for (k, v) in state["best_k_models"]?.dictValue ?? [] {
            if let path = k.stringValue, let score = v.doubleValue { bestKModels[path] = score }
        }
    }

    public func onLoadCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: StateValue) throws {
        guard let changedFolder else { return }
        self.changedFolder = nil
        trainer.printer("ModelCheckpoint: the checkpoint folder changed from \(changedFolder) to \(dirpath ?? "?"); only bestModelPath is restored, and nothing in the old folder will be deleted")
    }
}
