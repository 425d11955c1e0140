import Torch

/// One rank's share of a dataset (`torch.utils.data.DistributedSampler`): the epoch's order
/// (a permutation drawn from `seed + epoch`, or the natural order), padded by repeating its
/// start to a multiple of `numReplicas` (or cut with `dropLast`), then every
/// `numReplicas`-th index from `rank`. Each sample is seen once per epoch across ranks,
/// and every rank gets the same number.
public struct DistributedSampler: Sampler {
    /// The number of ranks sharing the dataset.
    public let numReplicas: Int
    /// This rank.
    public let rank: Int
    /// Whether each epoch visits a new permutation.
    public let shuffle: Bool
    /// The base seed of the permutations (the same on every rank).
    public let seed: UInt64
    /// Whether to cut the tail instead of padding.
    public let dropLast: Bool

    public init(numReplicas: Int, rank: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        precondition(numReplicas > 0 && (0..<numReplicas).contains(rank),
                     "DistributedSampler: invalid rank \(rank), rank should be in the interval [0, \(numReplicas - 1)]")
        (self.numReplicas, self.rank, self.shuffle, self.seed, self.dropLast) = (numReplicas, rank, shuffle, seed, dropLast)
    }

    /// The number of samples each rank gets from a dataset of `count`.
    public func length(count: Int) -> Int { samplesPerReplica(count: count) }

    public func samplesPerReplica(count: Int) -> Int {
        dropLast ? count / numReplicas : (count + numReplicas - 1) / numReplicas
    }

    public func indices(count: Int, epoch: Int) -> [Int] {
        var order = shuffle ? RandomSampler(seed: seed).indices(count: count, epoch: epoch) : Array(0..<count)
        let total = samplesPerReplica(count: count) * numReplicas
        if total <= order.count {
            order.removeLast(order.count - total)
        } else if !order.isEmpty {
            let start = order
            while order.count < total { order += start.prefix(total - order.count) }
        }
        return Array(stride(from: rank, to: order.count, by: numReplicas).map { order[$0] })
    }
}
