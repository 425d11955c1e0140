import Foundation
import Torch

/// How a strategy writes, reads and deletes checkpoint files (Lightning's `CheckpointIO`): the
/// strategy decides what goes into a checkpoint and which ranks write; this plug-in does the
/// file I/O. Give your own (or `AsyncCheckpointIO`) with `Trainer(plugins: [.checkpointIO(...)])`.
public protocol CheckpointIO: AnyObject {
    /// Writes `checkpoint` to `path`, creating its folder; the file appears whole or not at all.
    func save(_ checkpoint: StateValue, to path: String) throws
    /// Reads the checkpoint at `path`.
    func load(_ path: String) throws -> StateValue
    /// Deletes the checkpoint at `path`.
    func remove(_ path: String) throws
    /// Finishes what is still being written; called when a run ends.
    func teardown() throws
}

/// Checkpoints as `torch.save` files through `TorchFile`, written in place of the old one by
/// an atomic rename and checked against their CRC-32s on load (Lightning's `TorchCheckpointIO`).
public final class TorchCheckpointIO: CheckpointIO {
    public init() {}

    public func save(_ checkpoint: StateValue, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try TorchFile.save(checkpoint, to: path)
    }

    public func load(_ path: String) throws -> StateValue { try TorchFile.load(path) }

    public func remove(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }

    public func teardown() throws {}
}
