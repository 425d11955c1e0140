/// How an activation stands at the border of a tensor-parallel layer (DTensor's placements as
/// the parallel styles take them).
public enum TensorLayout: Sendable, Equatable {
    /// Split along its last dimension, the features (`Shard(-1)`).
    case shard
    /// Whole on every rank (`Replicate()`).
    case replicate
    /// Split along a sequence dimension (`Shard(1)` for batch-first activations): how sequence
    /// parallelism keeps the activations between tensor-parallel layers.
    case sequenceShard(dim: Int)
}

/// One rank's part of a parameter split over a tensor-parallel group: the `group.rank`-th of
/// `group.size` equal parts along `dim` of each of `chunks` equal blocks (an attention
/// in-projection splits its query, key and value blocks each by heads).
public struct TensorShard {
    /// The dimension the parameter is split along.
    public let dim: Int
    /// The blocks split each on their own (3 for a fused query-key-value projection, else 1).
    public let chunks: Int
    /// The ranks that hold the parts.
    public let group: ProcessGroup

    /// This rank's part of the whole tensor.
    public func part(of whole: Tensor) -> Tensor {
        let blocks = chunks == 1 ? [whole] : whole.chunk(chunks, dim: dim)
        let parts = blocks.map { block -> Tensor in
            let share = block.size(dim) / group.size
            return block.narrow(dim: dim, start: group.rank * share, length: share)
        }
        return (parts.count == 1 ? parts[0] : Tensor.cat(parts, dim: dim)).contiguous()
    }

    /// The whole tensor from every rank's part (every rank of the group calls it).
    public func whole(from part: Tensor) throws -> Tensor {
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
/// split over the group. The input is whole on every rank (`.replicate`, its gradient summed over
/// the group) or, for a `Linear` under sequence parallelism, this rank's part of the sequence
/// (`.sequenceShard`, gathered); the output is this rank's slice of the features (`.shard`, to
/// feed a `RowwiseParallel` layer) or gathered whole (`.replicate`).
public struct ColwiseParallel: ParallelStyle {
    /// How the input arrives: `.replicate` or `.sequenceShard(dim:)`.
    public var inputLayout: TensorLayout
    /// How the output leaves: `.shard` or `.replicate`.
    public var outputLayout: TensorLayout

    /// PyTorch's defaults: a whole input, a feature-split output.
    public init(inputLayout: TensorLayout = .replicate, outputLayout: TensorLayout = .shard) {
        (self.inputLayout, self.outputLayout) = (inputLayout, outputLayout)
    }

    public func apply(to module: Module, group: ProcessGroup) throws {
        guard inputLayout != .shard, outputLayout == .shard || outputLayout == .replicate else {
            throw DistributedError("ColwiseParallel takes a whole or sequence-split input and gives a feature-split or whole output, not \(inputLayout) -> \(outputLayout)")
        }
        let placement = TensorParallelPlacement(group: group, role: .colwise, input: inputLayout, output: outputLayout)
        switch module {
        case let linear as Linear:
            try placement.split(linear, \.weight, "weight", dim: 0)
            try placement.split(linear, \.bias, "bias", dim: 0)
        case let embedding as Embedding where inputLayout == .replicate:
            try placement.split(embedding, \.weight, "weight", dim: 1)
        default:
            throw DistributedError("ColwiseParallel applies to Linear and (with a whole input) Embedding, not \(type(of: module))")
        }
        module.tensorParallel = placement
    }
}

/// `RowwiseParallel`: a `Linear`'s input features (or an `Embedding`'s rows, the vocabulary) are
/// split over the group. A `Linear`'s input is this rank's slice of the features (`.shard`, a
/// `ColwiseParallel` layer's output) or whole (`.replicate`, of which each rank takes its slice);
/// an `Embedding`'s indices are whole. The ranks' partial outputs are summed into the whole
/// output on every rank (`.replicate`) or, under sequence parallelism, each rank's part of the
/// sequence (`.sequenceShard`, a reduce-scatter); a `Linear`'s bias, whole on every rank, is
/// added once.
public struct RowwiseParallel: ParallelStyle {
    /// How the input arrives: `.shard` or `.replicate`.
    public var inputLayout: TensorLayout
    /// How the output leaves: `.replicate` or `.sequenceShard(dim:)`.
    public var outputLayout: TensorLayout

    /// PyTorch's defaults: a feature-split input, a whole output.
    public init(inputLayout: TensorLayout = .shard, outputLayout: TensorLayout = .replicate) {
        (self.inputLayout, self.outputLayout) = (inputLayout, outputLayout)
    }

    public func apply(to module: Module, group: ProcessGroup) throws {
        guard inputLayout == .shard || inputLayout == .replicate, outputLayout != .shard else {
            throw DistributedError("RowwiseParallel takes a feature-split or whole input and gives a whole or sequence-split output, not \(inputLayout) -> \(outputLayout)")
        }
        let placement = TensorParallelPlacement(group: group, role: .rowwise, input: inputLayout, output: outputLayout)
        switch module {
        case let linear as Linear:
            try placement.split(linear, \.weight, "weight", dim: 1)
        case let embedding as Embedding:
            try placement.split(embedding, \.weight, "weight", dim: 0)
        default:
            throw DistributedError("RowwiseParallel applies to Linear and Embedding, not \(type(of: module))")
        }
        module.tensorParallel = placement
    }
}

/// A `MultiheadAttention` whose heads are split over the group (Megatron's parallel attention):
/// each rank projects its heads' queries, keys and values (its rows of each block of the
/// in-projection, column-wise), attends over them, and the out-projection is `RowwiseParallel`.
/// Its inputs and output are whole (`.replicate`) or, under sequence parallelism, each rank's
/// part of the sequence (`.sequenceShard`). The number of heads must divide by the group's size.
public struct MultiheadAttentionParallel: ParallelStyle {
    /// How the query, key and value arrive: `.replicate` or `.sequenceShard(dim:)`.
    public var inputLayout: TensorLayout
    /// How the output leaves: `.replicate` or `.sequenceShard(dim:)` (the layer's sequence dimension).
    public var outputLayout: TensorLayout

    /// Whole activations in and out unless told otherwise.
    public init(inputLayout: TensorLayout = .replicate, outputLayout: TensorLayout = .replicate) {
        (self.inputLayout, self.outputLayout) = (inputLayout, outputLayout)
    }

    public func apply(to module: Module, group: ProcessGroup) throws {
        guard let attention = module as? MultiheadAttention else {
            throw DistributedError("MultiheadAttentionParallel applies to MultiheadAttention, not \(type(of: module))")
        }
        guard inputLayout != .shard, outputLayout != .shard else {
            throw DistributedError("MultiheadAttentionParallel takes and gives whole or sequence-split activations, not \(inputLayout) -> \(outputLayout)")
        }
        guard attention.numHeads % group.size == 0 else {
            throw DistributedError("MultiheadAttentionParallel: \(attention.numHeads) heads do not split over \(group.size) ranks")
        }
        let placement = TensorParallelPlacement(group: group, role: .colwise, input: inputLayout, output: .shard)
        try placement.split(attention, \.inProjWeight, "in_proj_weight", dim: 0, chunks: 3)
        try placement.split(attention, \.inProjBias, "in_proj_bias", dim: 0, chunks: 3)
        // The out-projection sees the sequence first, flattened with the batch.
        if case .sequenceShard(let dim) = outputLayout, dim != (attention.batchFirst ? 1 : 0) {
            throw DistributedError("MultiheadAttentionParallel: the sequence dimension of a \(attention.batchFirst ? "batch-first " : "")MultiheadAttention's output is \(attention.batchFirst ? 1 : 0), not \(dim)")
        }
        try RowwiseParallel(outputLayout: outputLayout == .replicate ? .replicate : .sequenceShard(dim: 0)).apply(to: attention.outProj, group: group)
        attention.tensorParallel = placement
    }
}

/// `SequenceParallel`: a `LayerNorm`, `RMSNorm` or `Dropout` that works on each rank's part of
/// the sequence (between a `RowwiseParallel(outputLayout: .sequenceShard(dim:))` layer and a
/// `ColwiseParallel(inputLayout: .sequenceShard(dim:))` one), so its activations take 1/N of
/// the memory; a norm's weights stay whole on every rank and their gradients, computed from each
/// rank's part of the sequence, are summed over the group.
public struct SequenceParallel: ParallelStyle {
    /// The style; the sequence dimension is the neighbouring layers' `.sequenceShard(dim:)`.
    public init() {}

    public func apply(to module: Module, group: ProcessGroup) throws {
        guard module is LayerNorm || module is RMSNorm || module is Dropout else {
            throw DistributedError("SequenceParallel applies to LayerNorm, RMSNorm and Dropout, not \(type(of: module))")
        }
        module.tensorParallel = TensorParallelPlacement(group: group, role: .sequence, input: .replicate, output: .replicate)
    }
}

/// `PrepareModuleInput` and `PrepareModuleOutput` in one: converts the tensor a module is called
/// with from `input` to `desiredInput`, and its result from `output` to `desiredOutput`
/// (`.replicate` to `.sequenceShard(dim: 1)` splits, the reverse gathers), for modules called as
/// `module(x)`; nil leaves that side as it is.
public struct PrepareModuleLayouts: ParallelStyle {
    /// The conversion of the module's input, if any.
    public var input: (from: TensorLayout, to: TensorLayout)?
    /// The conversion of the module's result, if any.
    public var output: (from: TensorLayout, to: TensorLayout)?

    /// Conversions of the input, the result, or both.
    public init(input: (from: TensorLayout, to: TensorLayout)? = nil, output: (from: TensorLayout, to: TensorLayout)? = nil) {
        (self.input, self.output) = (input, output)
    }

    public func apply(to module: Module, group: ProcessGroup) throws {
        module.tensorParallel = TensorParallelPlacement(group: group, role: .prepared, input: .replicate, output: .replicate,
                                                        convertingInput: input, convertingOutput: output)
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

/// What a parallel style left on a layer: its group, its role and borders, and how its
/// parameters are split.
final class TensorParallelPlacement {
    enum Role {
        case colwise, rowwise, sequence, prepared
    }

    let group: ProcessGroup
    let role: Role
    /// The layouts at the layer's input and output, as its style took them.
    let input: TensorLayout, output: TensorLayout
    /// Conversions around `callAsFunction` (`PrepareModuleLayouts`).
    let convertingInput: (from: TensorLayout, to: TensorLayout)?, convertingOutput: (from: TensorLayout, to: TensorLayout)?
    private(set) var shards: [String: TensorShard] = [:]

    init(group: ProcessGroup, role: Role, input: TensorLayout, output: TensorLayout,
         convertingInput: (from: TensorLayout, to: TensorLayout)? = nil, convertingOutput: (from: TensorLayout, to: TensorLayout)? = nil) {
        (self.group, self.role, self.input, self.output) = (group, role, input, output)
        (self.convertingInput, self.convertingOutput) = (convertingInput, convertingOutput)
    }

    /// Splits `module`'s parameter at `path` (`name` in the state dict) along `dim` (in `chunks`
    /// blocks), putting this rank's part in its place; refused when its size there does not divide.
    func split<M: Module>(_ module: M, _ path: ReferenceWritableKeyPath<M, Tensor>, _ name: String, dim: Int, chunks: Int = 1) throws {
        module[keyPath: path] = try part(of: module[keyPath: path], in: module, name, dim: dim, chunks: chunks)
    }

    /// `split` of an optional parameter (a bias), when the module has it.
    func split<M: Module>(_ module: M, _ path: ReferenceWritableKeyPath<M, Tensor?>, _ name: String, dim: Int, chunks: Int = 1) throws {
        guard let tensor = module[keyPath: path] else { return }
        module[keyPath: path] = try part(of: tensor, in: module, name, dim: dim, chunks: chunks)
    }

    private func part(of tensor: Tensor, in module: Module, _ name: String, dim: Int, chunks: Int) throws -> Tensor {
        guard tensor.size(dim) % (chunks * group.size) == 0 else {
            throw DistributedError("\(type(of: module)).\(name): \(tensor.size(dim)) along dimension \(dim) does not split over \(group.size) ranks")
        }
        let shard = TensorShard(dim: dim, chunks: chunks, group: group)
        shards[name] = shard
        return shard.part(of: tensor).requiringGrad(like: tensor)
    }

    /// A split `Linear`'s forward.
    func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        exchanging(x) {
            switch role {
            case .colwise:
                return try leave(F.linear(try enter(x), weight: weight, bias: bias))
            case .rowwise:
                let part = input == .replicate ? try group.splitToParallelRegion(x, dim: -1) : x
                let whole = try leave(F.linear(part, weight: weight, bias: nil))
                guard let bias else { return whole }
                // Added to each rank's part of the sequence, the bias's gradient is summed over the group.
                if case .sequenceShard = output { return whole + (try group.copyToParallelRegion(bias)) }
                return whole + bias
            case .sequence, .prepared:
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
                return try leave(ATen.maskedFill(F.embedding(local, weight: weight, paddingIdx: padding), outside.unsqueeze(-1), value: 0))
            case .colwise:
                return try leave(F.embedding(indices, weight: weight, paddingIdx: paddingIdx))
            case .sequence, .prepared:
                return F.embedding(indices, weight: weight, paddingIdx: paddingIdx)
            }
        }
    }

    /// An activation entering split layers: a whole one as it is, with its gradient summed over
    /// the group, a sequence-split one gathered.
    func enter(_ x: Tensor) throws -> Tensor {
        switch input {
        case .sequenceShard(let dim): return try group.gatherFromSequenceParallelRegion(x, dim: dim)
        default: return try group.copyToParallelRegion(x)
        }
    }

    /// A split layer's result leaving it: a column-split one kept (`.shard`) or gathered
    /// (`.replicate`); a row-split one's partial sums summed (`.replicate`) or reduce-scattered
    /// along the sequence (`.sequenceShard`).
    func leave(_ y: Tensor) throws -> Tensor {
        switch (role, output) {
        case (.colwise, .replicate): return try group.gatherFromParallelRegion(y, dim: -1)
        case (.rowwise, .replicate): return try group.reduceFromParallelRegion(y)
        case (.rowwise, .sequenceShard(let dim)): return try group.reduceScatterToSequenceParallelRegion(y, dim: dim)
        default: return y
        }
    }

    /// `enter`, a failed exchange reported as a failing operation is.
    func entering(_ x: Tensor) -> Tensor { exchanging(x) { try enter(x) } }

    /// A whole parameter used on each rank's part of the sequence: its gradient summed over the group.
    func replicated(_ parameter: Tensor?) -> Tensor? {
        guard role == .sequence, let parameter else { return parameter }
        return exchanging(parameter) { try group.copyToParallelRegion(parameter) }
    }

    /// A module's input or output converted between layouts (`PrepareModuleLayouts`).
    func convert(_ x: Tensor, _ conversion: (from: TensorLayout, to: TensorLayout)?) -> Tensor {
        guard let (from, to) = conversion, from != to else { return x }
        return exchanging(x) {
            var whole = x
            switch from {
            case .shard: whole = try group.gatherFromParallelRegion(x, dim: -1)
            case .sequenceShard(let dim): whole = try group.gatherFromParallelRegion(x, dim: dim)
            case .replicate: break
            }
            switch to {
            case .shard: return try group.splitToParallelRegion(whole, dim: -1)
            case .sequenceShard(let dim): return try group.splitToParallelRegion(whole, dim: dim)
            case .replicate: return whole
            }
        }
    }

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
