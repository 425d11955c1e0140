import Foundation
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
    public private(set) var seed: UInt64
    /// Whether to cut the tail instead of padding.
    public let dropLast: Bool

    public init(numReplicas: Int, rank: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) throws {
        guard numReplicas > 0, (0..<numReplicas).contains(rank) else {
            throw DataLoaderError(description: "DistributedSampler: invalid rank \(rank), rank should be in the interval [0, \(numReplicas - 1)]")
        }
        (self.numReplicas, self.rank, self.shuffle, self.seed, self.dropLast) = (numReplicas, rank, shuffle, seed, dropLast)
    }

    /// The same share with another seed (a resumed run's).
    func reseeded(_ seed: UInt64) -> DistributedSampler {
        var copy = self
        copy.seed = seed
        return copy
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

extension StrategyPlugin {
    /// In a multi-process run, this rank's share of a `DataLoader` (a `DistributedSampler`
    /// seeded with rank 0's seed: the loader's, or else the one `seedEverything` set; evaluation
    /// is padded to equal lengths so that every rank runs the same number of batches). As in
    /// Lightning, training data is shuffled across ranks even when the loader is not.
    func share<Batch>(of loader: any BatchLoader<Batch>, shuffle: Bool) throws -> any BatchLoader<Batch> {
        guard worldSize > 1, let loader = loader as? any DistributableLoader<Batch> else { return loader }
        if loader.batchSampler != nil {
            throw TrainerError.misconfiguration(
                "a DataLoader with a batchSampler cannot be given a DistributedSampler: give each rank its share in the batch sampler and set Trainer(useDistributedSampler: false)")
        }
        let globalSeed = ProcessInfo.processInfo.environment["PL_GLOBAL_SEED"].flatMap(UInt64.init) ?? 0
        let seed = try broadcast(Int(truncatingIfNeeded: loader.samplerSeed ?? globalSeed))
        return try loader.distributed(rank: dataParallelRank, replicas: dataParallelSize, shuffle: shuffle,
                                  seed: UInt64(truncatingIfNeeded: seed))
    }
}
