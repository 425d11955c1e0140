import Torch

/// A map-style dataset (`torch.utils.data.Dataset`): a count and the sample at each index.
/// Implementations must be safe to read from several worker threads at once.
public protocol Dataset<Sample>: Sendable {
    associatedtype Sample
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index` (0..<count).
    subscript(index: Int) -> Sample { get }
    /// What is wrong with the dataset's arguments, if anything: a `DataLoader` over it throws
    /// this when its first batch is asked for (where PyTorch raises at construction).
    var misconfiguration: String? { get }
}

extension Dataset {
    public var misconfiguration: String? { nil }
}

/// Samples that are rows of tensors sharing their first dimension (`TensorDataset`).
public struct TensorDataset: Dataset {
    public let tensors: [Tensor]
    /// What is wrong with the tensors, if anything: a `DataLoader` over the dataset throws it
    /// when its first batch is asked for (PyTorch raises it here).
    public let misconfiguration: String?

    public init(_ tensors: Tensor...) {
        self.tensors = tensors
        if tensors.isEmpty {
            misconfiguration = "TensorDataset needs at least one tensor"
        } else if tensors.contains(where: { $0.dim == 0 }) || Set(tensors.map { $0.size(0) }).count > 1 {
            misconfiguration = "Size mismatch between tensors: TensorDataset needs tensors of the same first dimension, got shapes \(tensors.map(\.shape))"
        } else {
            misconfiguration = nil
        }
    }

    /// The number of samples (the shortest tensor's when their sizes differ).
    public var count: Int { misconfiguration == nil ? tensors[0].size(0) : tensors.map { $0.dim == 0 ? 0 : $0.size(0) }.min() ?? 0 }

    /// Row `index` of every tensor.
    public subscript(index: Int) -> [Tensor] { tensors.map { $0[index] } }
}

/// The samples of another dataset at the given indices.
public struct Subset<Base: Dataset>: Dataset {
    public let base: Base
    public let indices: [Int]

    public init(_ base: Base, indices: [Int]) {
        (self.base, self.indices) = (base, indices)
    }

    public var count: Int { indices.count }
    public subscript(index: Int) -> Base.Sample { base[indices[index]] }
}

/// Samples given as a Swift array.
public struct ArrayDataset<Sample>: Dataset, @unchecked Sendable {
    public let samples: [Sample]

    public init(_ samples: [Sample]) { self.samples = samples }

    public var count: Int { samples.count }
    public subscript(index: Int) -> Sample { samples[index] }
}

/// Splits a dataset into non-overlapping subsets of the given lengths (counts, or fractions
/// summing to 1), in an order drawn from `generator` (`torch.utils.data.random_split`).
public func randomSplit<D: Dataset>(_ dataset: D, lengths: [Double], generator: Generator = Generator.default()) throws -> [Subset<D>] {
    var counts = lengths.map { Int($0) }
    if lengths.allSatisfy({ $0 <= 1 }), abs(lengths.reduce(0, +) - 1) < 1e-9, lengths.contains(where: { $0 < 1 }) {
        counts = lengths.map { Int(($0 * Double(dataset.count)).rounded(.down)) }
        var remainder = dataset.count - counts.reduce(0, +)
        var i = 0
        while remainder > 0 {
            counts[i % counts.count] += 1
            remainder -= 1
            i += 1
        }
    }
    guard counts.reduce(0, +) == dataset.count else {
        throw DataLoaderError(description: "randomSplit: sum of input lengths (\(counts.reduce(0, +))) does not equal the length of the input dataset (\(dataset.count))")
    }
    let order = Tensor.randperm(dataset.count, generator: generator).scalars(as: Int.self)
    var start = 0
    return counts.map { n in
        defer { start += n }
        return Subset(dataset, indices: Array(order[start..<(start + n)]))
    }
}
