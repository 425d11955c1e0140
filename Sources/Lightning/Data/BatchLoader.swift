import Torch

/// The batches of one epoch, pulled one at a time.
public struct BatchStream<Batch> {
    /// The next batch, or nil at the end; throws when a sample cannot be loaded.
    public let next: () throws -> Batch?
    /// Stops whatever makes batches ahead (worker threads) and waits until it has stopped; the
    /// loops call it when they leave the stream, finished or not, so that no thread is still in
    /// libtorch when the process exits after an error.
    public let finish: () -> Void

    public init(next: @escaping () throws -> Batch?, finish: @escaping () -> Void = {}) {
        (self.next, self.finish) = (next, finish)
    }
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
        return BatchStream(next: { try iterator.next() }, finish: { iterator.finish() })
    }
}

/// A loader whose sampler the Trainer can replace with a `DistributedSampler`.
protocol DistributableLoader<Batch>: BatchLoader {
    /// The sampler's shuffling seed, nil when it does not shuffle.
    var samplerSeed: UInt64? { get }
    /// Whether a batch sampler makes the batches (no sampler can then be put in).
    var batchSampler: BatchSampler? { get }
    /// The same loader with this rank's share of the data.
    func distributed(rank: Int, replicas: Int, shuffle: Bool, seed: UInt64) throws -> any BatchLoader<Batch>
}

extension DataLoader: DistributableLoader {
    var samplerSeed: UInt64? {
        if let random = sampler as? RandomSampler { return random.seed }
        if let shared = sampler as? DistributedSampler, shared.shuffle { return shared.seed }
        return nil
    }

    func distributed(rank: Int, replicas: Int, shuffle: Bool, seed: UInt64) throws -> any BatchLoader<Batch> {
        replacingSampler(try DistributedSampler(numReplicas: replicas, rank: rank, shuffle: shuffle, seed: seed, dropLast: dropLast))
    }
}

extension DataLoader: SeededSampling {
    func reseed(_ seed: UInt64) {
        if sampler is RandomSampler { sampler = RandomSampler(seed: seed) }
        if let shared = sampler as? DistributedSampler, shared.shuffle {
            sampler = shared.reseeded(seed)
        }
    }
}
