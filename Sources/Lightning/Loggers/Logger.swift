import Foundation
import Torch

/// Where the Trainer sends logged metrics and hyper-parameters (`pytorch_lightning.loggers.Logger`).
public protocol Logger: AnyObject {
    /// The folder of this run's files.
    var logDir: String { get }
    /// Records metrics at a step.
    func logMetrics(_ metrics: [(String, Double)], step: Int) throws
    /// Records the hyper-parameters.
    func logHyperparams(_ params: [(String, StateValue)]) throws
    /// Writes what is buffered; called at the end of a run.
    func finalize(status: String) throws
    /// A `ModelCheckpoint` saved a checkpoint (loggers that keep checkpoints as artifacts read its paths).
    func afterSaveCheckpoint(_ checkpoint: ModelCheckpoint) throws
}

extension Logger {
    public func afterSaveCheckpoint(_ checkpoint: ModelCheckpoint) throws {}
}

/// A run's folder, `root/name/version_<n>`: `version` when given, else one past the highest there.
func versionDirectory(root: String, name: String, version: Int?) -> String {
    let base = (root as NSString).appendingPathComponent(name)
    let existing = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    let next = version ?? ((existing.compactMap { $0.hasPrefix("version_") ? Int($0.dropFirst(8)) : nil }.max() ?? -1) + 1)
    return (base as NSString).appendingPathComponent("version_\(next)")
}
