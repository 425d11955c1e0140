/// How a tensor stands at the border of a tensor-parallel layer (DTensor's placements as
/// `ColwiseParallel` and `RowwiseParallel` take them): split along its last dimension over the
/// group (`Shard(-1)`), or whole on every rank (`Replicate()`).
public enum TensorLayout: Sendable, Equatable {
    case shard, replicate
}

/// One rank's part of a parameter split over a tensor-parallel group: the `group.rank`-th of
/// `group.size` equal parts along `dim` of each of `chunks` equal blocks (an attention
/// in-projection splits its query, key and value blocks each by heads).
public struct TensorShard {
    public let dim: Int
    public let chunks: Int
    public let group: ProcessGroup

    /// This rank's part of the whole tensor.
    public func slice(_ whole: Tensor) -> Tensor {
        let blocks = chunks == 1 ? [whole] : whole.chunk(chunks, dim: dim)
        let parts = blocks.map { block -> Tensor in
            let share = block.size(dim) / group.size
            return block.narrow(dim: dim, start: group.rank * share, length: share)
        }
        return (parts.count == 1 ? parts[0] : Tensor.cat(parts, dim: dim)).contiguous()
    }

    /// The whole tensor from every rank's part (every rank of the group calls it).
    public func gather(_ part: Tensor) throws -> Tensor {
        let parts = try group.allGather(part.detach().contiguous()).map { chunks == 1 ? [$0] : $0.chunk(chunks, dim: dim) }
        return Tensor.cat((0..<chunks).map { c in Tensor.cat(parts.map { $0[c] }, dim: dim) }, dim: dim)
    }
}

/// A way to split one layer over a tensor-parallel group in place
/// (`torch.distributed.tensor.parallel.ParallelStyle`), applied by `parallelizeModule`.
public protocol ParallelStyle {
    /// Splits `module`'s parameters over `group` and makes its forward exchange what the split needs.
    func apply(to module: Module, group: ProcessGroup) throws
}

/// `ColwiseParallel`: a `Linear`'s output features (or an `Embedding`'s embedding dimension) are
/// split over the group; the input is whole on every rank and its gradient is summed over the
/// group; the output is this rank's slice of the last dimension (`.shard`, to feed a
/// `RowwiseParallel` layer) or gathered whole (`.replicate`).
public struct ColwiseParallel: ParallelStyle {
    public var outputLayout: TensorLayout

    public init(outputLayout: TensorLayout = .shard) { self.outputLayout = outputLayout }

    public func apply(to module: Module, group: ProcessGroup) throws {
        let placement = TensorParallelPlacement(group: group, role: .colwise(outputLayout))
        switch module {
        case let linear as Linear:
            try placement.split(linear, "weight", dim: 0)
            linear.weight = placement.shards["weight"]!.slice(linear.weight).requiringGrad(like: linear.weight)
            if let bias = linear.bias {
                try placement.split(linear, "bias", dim: 0)
                linear.bias = placement.shards["bias"]!.slice(bias).requiringGrad(like: bias)
            }
        case let embedding as Embedding:
            try placement.split(embedding, "weight", dim: 1)
            embedding.weight = placement.shards["weight"]!.slice(embedding.weight).requiringGrad(like: embedding.weight)
        default:
            throw DistributedError("ColwiseParallel applies to Linear and Embedding, not \(type(of: module))")
        }
        module.tensorParallel = placement
    }
}

/// `RowwiseParallel`: a `Linear`'s input features (or an `Embedding`'s rows, the vocabulary) are
/// split over the group; the input is this rank's slice of the last dimension (`.shard`, a
/// `ColwiseParallel` layer's output) or whole (`.replicate`, of which each rank takes its slice);
/// the ranks' partial outputs are summed into the whole output on every rank, and a `Linear`'s
/// bias, whole on every rank, is added once.
public struct RowwiseParallel: ParallelStyle {
    public var inputLayout: TensorLayout

    public init(inputLayout: TensorLayout = .shard) { self.inputLayout = inputLayout }

    public func apply(to module: Module, group: ProcessGroup) throws {
        let placement = TensorParallelPlacement(group: group, role: .rowwise(inputLayout))
        switch module {
        case let linear as Linear:
            try placement.split(linear, "weight", dim: 1)
            linear.weight = placement.shards["weight"]!.slice(linear.weight).requiringGrad(like: linear.weight)
        case let embedding as Embedding:
            try placement.split(embedding, "weight", dim: 0)
            embedding.weight = placement.shards["weight"]!.slice(embedding.weight).requiringGrad(like: embedding.weight)
        default:
            throw DistributedError("RowwiseParallel applies to Linear and Embedding, not \(type(of: module))")
        }
        module.tensorParallel = placement
    }
}

/// A `MultiheadAttention` whose heads are split over the group (Megatron's parallel attention):
/// each rank projects its heads' queries, keys and values (its rows of each block of the
/// in-projection, column-wise), attends over them, and the out-projection is `RowwiseParallel`,
/// so the output is whole on every rank. The number of heads must divide by the group's size.
public struct MultiheadAttentionParallel: ParallelStyle {
    public init() {}

    public func apply(to module: Module, group: ProcessGroup) throws {
        guard let attention = module as? MultiheadAttention else {
            throw DistributedError("MultiheadAttentionParallel applies to MultiheadAttention, not \(type(of: module))")
        }
        guard attention.numHeads % group.size == 0 else {
            throw DistributedError("MultiheadAttentionParallel: \(attention.numHeads) heads do not split over \(group.size) ranks")
        }
        let placement = TensorParallelPlacement(group: group, role: .heads)
        try placement.split(attention, "in_proj_weight", dim: 0, chunks: 3)
        attention.inProjWeight = placement.shards["in_proj_weight"]!.slice(attention.inProjWeight).requiringGrad(like: attention.inProjWeight)
        if let bias = attention.inProjBias {
            try placement.split(attention, "in_proj_bias", dim: 0, chunks: 3)
            attention.inProjBias = placement.shards["in_proj_bias"]!.slice(bias).requiringGrad(like: bias)
        }
        try RowwiseParallel().apply(to: attention.outProj, group: group)
        attention.tensorParallel = placement
    }
}

/// Splits the submodules `plan` names over `group` (`parallelize_module`): each key is a module
/// path (`"blocks.layers.*.linear1"`; `*` matches one part of a path, "" the module itself) and
/// must match at least one submodule. Parameters are replaced by this rank's parts, so make the
/// optimizer afterwards; every rank must start from the same whole weights.
public func parallelizeModule(_ module: Module, group: ProcessGroup, plan: [String: any ParallelStyle]) throws {
    let modules = module.namedModules()
    for (pattern, style) in plan.sorted(by: { $0.key < $1.key }) {
        let matched = modules.filter { pathMatches($0.0, pattern) }
        guard !matched.isEmpty else {
            throw DistributedError("parallelizeModule: no submodule matches \"\(pattern)\" (paths look like \(modules.dropFirst().prefix(4).map(\.0)))")
        }
        for (path, target) in matched {
            guard target.tensorParallel == nil else { throw DistributedError("parallelizeModule: \"\(path)\" is already split") }
            try style.apply(to: target, group: group)
        }
    }
}

/// Whether a module path matches a plan key, part by part, `*` standing for any one part.
private func pathMatches(_ path: String, _ pattern: String) -> Bool {
    guard !path.isEmpty, !pattern.isEmpty else { return path == pattern }
    let (parts, keys) = (path.split(separator: ".", omittingEmptySubsequences: false), pattern.split(separator: ".", omittingEmptySubsequences: false))
    return parts.count == keys.count && zip(parts, keys).allSatisfy { $1 == "*" || $0 == $1 }
}

extension Module {
    /// The parameters split by tensor parallelism, by state-dict name, with how each is split
    /// (what a consolidated checkpoint gathers and a loaded one slices).
    public func namedTensorShards() -> [(name: String, shard: TensorShard)] {
        namedModules().flatMap { path, module in
            (module.tensorParallel?.shards ?? [:]).sorted { $0.key < $1.key }.map { (path.isEmpty ? $0.key : "\(path).\($0.key)", $0.value) }
        }
    }
}

/// What a parallel style left on a layer: its group, what its forward exchanges, and how its
/// parameters are split.
final class TensorParallelPlacement {
    enum Role {
        case colwise(TensorLayout), rowwise(TensorLayout), heads
    }

    let group: ProcessGroup
    let role: Role
    private(set) var shards: [String: TensorShard] = [:]

    init(group: ProcessGroup, role: Role) { (self.group, self.role) = (group, role) }

    /// Notes that `module`'s parameter `name` is split along `dim` (in `chunks` blocks), refused
    /// when its size there does not divide.
    func split(_ module: Module, _ name: String, dim: Int, chunks: Int = 1) throws {
        guard let tensor = module.getParameter(name) else { throw DistributedError("\(type(of: module)) has no parameter \(name)") }
        guard tensor.size(dim) % (chunks * group.size) == 0 else {
            throw DistributedError("\(type(of: module)).\(name): \(tensor.size(dim)) along dimension \(dim) does not split over \(group.size) ranks")
        }
        shards[name] = TensorShard(dim: dim, chunks: chunks, group: group)
    }

    /// A split `Linear`'s forward.
    func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        exchanging(x) {
            switch role {
            case .colwise(let output):
                let y = F.linear(try group.copyToParallelRegion(x), weight: weight, bias: bias)
                return output == .replicate ? try group.gatherFromParallelRegion(y, dim: -1) : y
            case .rowwise(let input):
                let part = input == .replicate ? try group.splitToParallelRegion(x, dim: -1) : x
                let whole = try group.reduceFromParallelRegion(F.linear(part, weight: weight, bias: nil))
                return bias.map { whole + $0 } ?? whole
            case .heads:
                return F.linear(x, weight: weight, bias: bias)
            }
        }
    }

    /// A split `Embedding`'s forward: a vocabulary split looks up the indices in this rank's
    /// rows (zero for the others') and sums over the ranks.
    func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int?) -> Tensor {
        exchanging(indices) {
            switch role {
            case .rowwise:
                let rows = weight.size(0)
                let start = group.rank * rows
                let outside = ATen.logicalOr(indices .< start, indices .>= start + rows)
                let local = ATen.maskedFill(indices - start, outside, value: 0)
                let padding = paddingIdx.flatMap { (start..<start + rows).contains($0) ? $0 - start : nil }
                let looked = ATen.maskedFill(F.embedding(local, weight: weight, paddingIdx: padding), outside.unsqueeze(-1), value: 0)
                return try group.reduceFromParallelRegion(looked)
            case .colwise(let output):
                let y = F.embedding(indices, weight: weight, paddingIdx: paddingIdx)
                return output == .replicate ? try group.gatherFromParallelRegion(y, dim: -1) : y
            case .heads:
                return F.embedding(indices, weight: weight, paddingIdx: paddingIdx)
            }
        }
    }

    /// A whole input entering split layers (its gradient summed over the group).
    func enter(_ x: Tensor) -> Tensor { exchanging(x) { try group.copyToParallelRegion(x) } }

    /// `body`'s result, a failed exchange reported as a failing operation is.
    private func exchanging(_ fallback: Tensor, _ body: () throws -> Tensor) -> Tensor {
        do {
            return try body()
        } catch {
            argumentError("tensor parallel forward", "\(error)")
            return fallback
        }
    }
}

extension Tensor {
    /// This tensor as a new leaf that requires gradients when `original` did.
    fileprivate func requiringGrad(like original: Tensor) -> Tensor {
        let leaf = detach().clone()
        return original.requiresGrad ? leaf.requiresGrad_() : leaf
    }
}
