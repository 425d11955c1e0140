import Torch

/// The order in which a data loader visits a dataset, for one epoch.
public protocol Sampler: Sendable {
    /// The indices to visit in `epoch`.
    func indices(count: Int, epoch: Int) -> [Int]
    /// How many indices an epoch visits (`len(sampler)`) for a dataset of `count` samples.
    func length(count: Int) -> Int
}

extension Sampler {
    /// The number of indices of the first epoch.
    public func length(count: Int) -> Int { indices(count: count, epoch: 0).count }
}

/// Groups of indices, one batch each (`batch_sampler=`): for batches a sampler and a batch size
/// cannot make, such as samples of similar length together.
public protocol BatchSampler: Sendable {
    /// The batches of `epoch` for a dataset of `count` samples.
    func batches(count: Int, epoch: Int) -> [[Int]]
    /// How many batches an epoch has (`len(batch_sampler)`).
    func length(count: Int) -> Int
}

extension BatchSampler {
    /// The number of batches of the first epoch.
    public func length(count: Int) -> Int { batches(count: count, epoch: 0).count }
}

/// Indices in order.
public struct SequentialSampler: Sampler {
    public init() {}
    public func indices(count: Int, epoch: Int) -> [Int] { Array(0..<count) }
    public func length(count: Int) -> Int { count }
}

/// A new random permutation each epoch, drawn from a generator seeded with `seed + epoch`:
/// the same for a seed whatever the number of workers, and recomputable on resume.
public struct RandomSampler: Sampler {
    /// The base seed.
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func indices(count: Int, epoch: Int) -> [Int] {
        Tensor.randperm(count, generator: Generator(seed: seed &+ UInt64(epoch))).scalars(as: Int.self)
    }

    public func length(count: Int) -> Int { count }
}
