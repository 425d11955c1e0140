import Torch

/// The order in which a data loader visits a dataset, for one epoch.
public protocol Sampler: Sendable {
    /// The indices to visit in `epoch`.
    func indices(count: Int, epoch: Int) -> [Int]
}

/// Indices in order.
public struct SequentialSampler: Sampler {
    public init() {}
    public func indices(count: Int, epoch: Int) -> [Int] { Array(0..<count) }
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
}
