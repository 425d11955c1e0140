import Torch

/// How samples are combined into a batch (`collate_fn`).
public struct Collate<Sample, Batch>: Sendable {
    /// Combines samples into one batch.
    public let combine: @Sendable ([Sample]) -> Batch

    public init(_ combine: @escaping @Sendable ([Sample]) -> Batch) { self.combine = combine }
}

extension Collate where Sample == Tensor, Batch == Tensor {
    /// Stacks tensors along a new first dimension.
    public static var stack: Self { Collate { Tensor.stack($0) } }
}

extension Collate where Sample == [Tensor], Batch == [Tensor] {
    /// Stacks each position of the samples.
    public static var stack: Self {
        Collate { samples in (0..<(samples.first?.count ?? 0)).map { i in Tensor.stack(samples.map { $0[i] }) } }
    }
}

extension Collate where Sample == [Tensor], Batch == (Tensor, Tensor) {
    /// Stacks (input, target) pairs given as two-tensor rows (a `TensorDataset` of two tensors).
    public static var pair: Self {
        Collate { samples in (Tensor.stack(samples.map { $0[0] }), Tensor.stack(samples.map { $0[1] })) }
    }
}

extension Collate where Sample == (Tensor, Tensor), Batch == (Tensor, Tensor) {
    /// Stacks (input, target) pairs.
    public static var pair: Self {
        Collate { samples in (Tensor.stack(samples.map(\.0)), Tensor.stack(samples.map(\.1))) }
    }
}

extension Collate where Sample == (Tensor, Tensor, Tensor), Batch == (Tensor, Tensor, Tensor) {
    /// Stacks triples.
    public static var triple: Self {
        Collate { s in (Tensor.stack(s.map(\.0)), Tensor.stack(s.map(\.1)), Tensor.stack(s.map(\.2))) }
    }
}

extension Collate where Sample == [String: Tensor], Batch == [String: Tensor] {
    /// Stacks each key of dictionary samples.
    public static var dictionary: Self {
        Collate { samples in
            var out: [String: Tensor] = [:]
            for key in samples.first?.keys ?? [:].keys { out[key] = Tensor.stack(samples.map { $0[key]! }) }
            return out
        }
    }
}

extension Collate where Sample == Int, Batch == Tensor {
    /// Integers as an int64 tensor.
    public static var integers: Self { Collate { Tensor($0.map(Int64.init)) } }
}

extension Collate where Sample == Double, Batch == Tensor {
    /// Numbers as a float32 tensor.
    public static var numbers: Self { Collate { Tensor($0.map(Float.init)) } }
}
