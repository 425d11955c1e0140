import Foundation
import Torch

/// Saves a checkpoint when a run fails (Lightning's `OnExceptionCheckpoint`), so the work done
/// before an error (a bad batch, a full disk for logs, a failing callback) can be resumed with
/// `fit(ckptPath: .path(callback.checkpointPath))`.
public final class OnExceptionCheckpoint: Callback {
    /// Where the checkpoint goes: `dirpath/filename.ckpt`.
    public let dirpath: String, filename: String

    public init(dirpath: String, filename: String = "on_exception") {
        (self.dirpath, self.filename) = (dirpath, filename)
    }

    /// The checkpoint's path.
    public var checkpointPath: String { (dirpath as NSString).appendingPathComponent(filename + ".ckpt") }

    public func onException(_ trainer: Trainer, _ module: LightningModuleBase, error: Error) {
        do {
            try FileManager.default.createDirectory(atPath: dirpath, withIntermediateDirectories: true)
            try trainer.saveCheckpoint(to: checkpointPath)
        } catch {
            trainer.printer("OnExceptionCheckpoint: could not save \(checkpointPath): \(error)")
        }
    }
}
