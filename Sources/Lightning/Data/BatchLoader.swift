import Torch

/// The batches of one epoch, pulled one at a time.
public struct BatchStream<Batch> {
    /// The next batch, or nil at the end; throws when a sample cannot be loaded.
    public let next: () throws -> Batch?
}

/// Anything the Trainer can draw batches from: a `DataLoader`, or a user's own source.
public protocol BatchLoader<Batch>: AnyObject {
    associatedtype Batch
    /// The number of batches in an epoch.
    var count: Int { get }
    /// Whether the order changes every epoch.
    var shuffles: Bool { get }
    /// The batches of `epoch`, after the first `skip`.
    func stream(epoch: Int, skip: Int) -> BatchStream<Batch>
}

extension DataLoader: BatchLoader {
    public func stream(epoch: Int, skip: Int) -> BatchStream<Batch> {
        let iterator = self.epoch(epoch, skip: skip)
        return BatchStream { try iterator.next() }
    }
}

extension DataLoader: SeededSampling {
    var samplerSeed: UInt64? { (sampler as? RandomSampler)?.seed }
    func reseed(_ seed: UInt64) {
        if sampler is RandomSampler { sampler = RandomSampler(seed: seed) }
    }
}
