import Foundation
import Torch

/// Writes checkpoints on a background thread (Lightning's `AsyncCheckpointIO`): `save` copies
/// every tensor to fresh host memory and returns, so training goes on while another plug-in
/// (`TorchCheckpointIO` by default) writes the copy. A save, load or removal first waits for
/// the write in flight, and a failed write is thrown by the next of them or by the run's end.
/// A process killed mid-write leaves the previous file whole (writes are atomic renames).
public final class AsyncCheckpointIO: CheckpointIO, @unchecked Sendable {
    private let base: CheckpointIO
    private let queue = DispatchQueue(label: "swift-lightning.async-checkpoint-io")
    private let inFlight = DispatchGroup()
    private let lock = NSLock()
    private var failure: Error?

    /// Writes in the background through `base`.
    public init(_ base: CheckpointIO = TorchCheckpointIO()) {
        self.base = base
    }

    public func save(_ checkpoint: StateValue, to path: String) throws {
        try wait()
        let copy = Copy(value: Self.hostCopy(checkpoint))
        inFlight.enter()
        queue.async { [self] in
            defer { inFlight.leave() }
            do {
                try base.save(copy.value, to: path)
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    public func load(_ path: String) throws -> StateValue {
        try wait()
        return try base.load(path)
    }

    public func remove(_ path: String) throws {
        try wait()
        try base.remove(path)
    }

    public func teardown() throws {
        try wait()
        try base.teardown()
    }

    /// Waits for the write in flight and throws its failure.
    private func wait() throws {
        inFlight.wait()
        let error: Error? = lock.withLock {
            defer { failure = nil }
            return failure
        }
        if let error { throw error }
    }

    /// `value` with each tensor copied to memory of its own on the CPU, detached from autograd.
    static func hostCopy(_ value: StateValue) -> StateValue {
        switch value {
        case .tensor(let t): return .tensor(t.detach().to(device: .cpu, copy: true))
        case .list(let items): return .list(items.map(hostCopy))
        case .tuple(let items): return .tuple(items.map(hostCopy))
        case .dict(let pairs): return .dict(pairs.map { (key: $0.key, value: hostCopy($0.value)) })
        default: return value
        }
    }

    /// A checkpoint copy handed to the writer thread, which alone uses it from then on.
    private struct Copy: @unchecked Sendable {
        let value: StateValue
    }
}
