import Foundation
import Torch

/// Fully sharded data parallel (`.fsdp`, ZeRO stage 3, Lightning's `FSDPStrategy`): parameters,
/// gradients and optimizer state are all split among the ranks. The model is cut into units
/// by `WrapPolicy` (per transformer block, or by parameter count); each unit's parameters are
/// flattened, and each rank keeps a 1/N shard. A unit is all-gathered when its parameters are
/// read in forward, freed once two later units have been gathered, gathered again when backward
/// needs it, and its gradients are reduce-scattered to the shards as soon as they are complete.
/// The optimizer steps the shards. Between steps each rank holds about 1/N of everything.
///
/// A model's forward must read parameters through their module properties where it uses them
/// (as every built-in layer does): a parameter kept in a local variable across other units'
/// forwards may have been freed.
public final class FSDPStrategy: ParallelStrategy {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()
    /// How the model is cut into units (`auto_wrap_policy`).
    public enum WrapPolicy: Sendable, Equatable {
        /// One unit per module of these types (for example each transformer block).
        case moduleTypes([ObjectIdentifier])
        /// A unit for every smallest module holding at least this many not yet wrapped
        /// parameter elements (`size_based_auto_wrap_policy`).
        case minParameters(Int)
        /// One unit for the whole model.
        case whole

        /// One unit per module of these types.
        public static func modules(_ types: [Module.Type]) -> WrapPolicy { .moduleTypes(types.map { ObjectIdentifier($0) }) }
    }

    /// What checkpoints hold (`state_dict_type`).
    public enum StateDictType: String, Sendable, Equatable {
        /// Whole weights and optimizer state in one file, as a single process writes it
        /// (loadable by one process and by Python's `torch.load`).
        case full
        /// Each rank's shards in its own file beside an index; resumes on as many ranks.
        case sharded
    }

    /// The choices of the strategy.
    public struct Options: Sendable, Equatable {
        /// How the model is cut into units.
        public var wrapPolicy: WrapPolicy
        /// What checkpoints hold.
        public var stateDictType: StateDictType
        /// Seconds after which a collective fails.
        public var timeout: Double

        public init(wrapPolicy: WrapPolicy = .minParameters(100_000), stateDictType: StateDictType = .full, timeout: Double = 1800) {
            (self.wrapPolicy, self.stateDictType, self.timeout) = (wrapPolicy, stateDictType, timeout)
        }
    }

    /// How many non-root units stay gathered in forward before the oldest is freed.
    static let gatheredWindow = 2

    /// The strategy's choices.
    public let options: Options
    /// The strategy's process group and where this process sits in the job.
    public let context: DistributedContext
    /// Rank 0's buffers copied to every rank before training steps, as in DDP.
    private let sync: DataParallelSync
    /// The units, in the order they were formed (the root, holding what no unit took, last).
    public private(set) var units: [ShardedUnit] = []
    /// The unit names (module paths; "" for the root).
    public private(set) var unitNames: [String] = []
    private var unitOf: [ObjectIdentifier: Int] = [:]
    /// How many all-gathers of units the last fit made.
    public private(set) var gatherCount = 0
    private var recentlyGathered: [Int] = []
    /// Per optimizer: its parameter groups as `configureOptimizers` made them.
    private var originalGroups: [ObjectIdentifier: [[Tensor]]] = [:]
    private var failed = false

    public init(options: Options = Options(), environment: ClusterEnvironment) {
        self.options = options
        context = DistributedContext(environment: environment, timeout: options.timeout)
        sync = DataParallelSync(options: .init(timeout: options.timeout), averagesGradients: false)
    }

    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        let group = try context.setup(module, device: accelerator.device)
        try sync.setup(module, group: group, stage: stage)
        units = []
        unitNames = []
        unitOf = [:]
        originalGroups = [:]
        guard stage == .fit else { return }
        for (name, params) in Self.partition(module, policy: options.wrapPolicy) {
            let unit = try ShardedUnit(group: group, parameters: params)
            let index = units.count
            unit.gatherOnAccess(in: module) { [unowned self] in self.willGather(index) }
            for p in params { unitOf[ObjectIdentifier(p)] = index }
            units.append(unit)
            unitNames.append(name)
        }
    }

    /// The units a policy makes: (module path, trainable parameters not in an earlier unit),
    /// innermost modules first, the root last.
    static func partition(_ module: Module, policy: WrapPolicy) -> [(String, [Tensor])] {
        var taken: Set<ObjectIdentifier> = []
        var out: [(String, [Tensor])] = []
        func free(_ m: Module) -> [Tensor] {
            m.parameters().filter { $0.requiresGrad && !taken.contains(ObjectIdentifier($0)) }
        }
        func visit(_ name: String, _ m: Module) {
            for (child, sub) in m.namedChildren() { visit(name.isEmpty ? child : name + "." + child, sub) }
            guard !name.isEmpty else { return }
            let params = free(m)
            let wraps: Bool
            switch policy {
            case .moduleTypes(let types): wraps = types.contains(ObjectIdentifier(type(of: m)))
            case .minParameters(let n): wraps = params.reduce(0) { $0 + $1.numel } >= n
            case .whole: wraps = false
            }
            guard wraps, !params.isEmpty else { return }
            params.forEach { taken.insert(ObjectIdentifier($0)) }
            out.append((name, params))
        }
        visit("", module)
        let rest = free(module)
        if !rest.isEmpty { out.append(("", rest)) }
        return out
    }

    /// Before unit `index` is gathered in forward: the oldest gathered units beyond the window are freed.
    private func willGather(_ index: Int) {
        guard unitNames[index] != "" else { return }
        recentlyGathered.removeAll { $0 == index }
        recentlyGathered.append(index)
        while recentlyGathered.count > Self.gatheredWindow {
            let oldest = recentlyGathered.removeFirst()
            try? units[oldest].release()
        }
    }

    /// Frees every unit's full parameters.
    private func releaseAll() throws {
        for unit in units { try unit.release() }
        recentlyGathered = []
    }

    /// Gathers every unit (for checkpoints and loading weights).
    private func gatherAll() throws {
        for unit in units { try unit.gather() }
    }

    /// Hands the module back with full parameters (a failed run leaves them as they are).
    public func teardown() {
        gatherCount = units.reduce(0) { $0 + $1.gatherCount }
        if !failed { try? gatherAll() }
        units = []
        unitOf = [:]
        recentlyGathered = []
        sync.teardown()
    }

    public func beforeTrainingStep(synchronizing: Bool) throws { try sync.beforeTrainingStep(synchronizing: synchronizing) }

    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws {
        for unit in units { unit.beginBackward() }
    }

    /// Reduce-scatters what the gradient hooks did not (units with unused parameters), then
    /// frees every unit.
    public func afterBackward(synchronizing: Bool) throws {
        for unit in units { try unit.finishBackward() }
        try releaseAll()
    }

    public func onException(_ error: Error) {
        failed = true
        context.onException(error)
    }

    /// Makes each optimizer step the shards of the units its parameters are in (a unit's
    /// parameters must all be in one parameter group); frozen parameters stay as they are.
    public func setupOptimizers(_ optimizers: [Optimizer]) throws {
        for optimizer in optimizers {
            originalGroups[ObjectIdentifier(optimizer)] = optimizer.paramGroups.map(\.params)
            var groupOfUnit: [Int: Int] = [:]
            for (g, group) in optimizer.paramGroups.enumerated() {
                for p in group.params {
                    guard let u = unitOf[ObjectIdentifier(p)] else { continue }
                    if let other = groupOfUnit[u], other != g {
                        throw TrainerError.misconfiguration(
                            "FSDP unit '\(unitNames[u])' has parameters in parameter groups \(other) and \(g) of \(type(of: optimizer)); "
                                + "put a unit's parameters in one group or choose a wrap policy that separates them")
                    }
                    groupOfUnit[u] = g
                }
            }
            for (g, group) in optimizer.paramGroups.enumerated() {
                var shards: [Int] = []
                var rest: [Tensor] = []
                for p in group.params {
                    if let u = unitOf[ObjectIdentifier(p)] {
                        if !shards.contains(u) { shards.append(u) }
                    } else {
                        rest.append(p)
                    }
                }
                guard groupOfUnit.values.contains(g) || !rest.isEmpty || group.params.isEmpty else { continue }
                group.params = shards.map { units[$0].shard } + rest
            }
        }
    }

    /// The shards (and unsharded parameters) the optimizer steps.
    public func parameters(of optimizer: Optimizer) -> [Tensor] { optimizer.paramGroups.flatMap(\.params) }

    /// Each rank steps its part of the parameters.
    public var updatesAShare: Bool { true }

    // MARK: Checkpoints

    /// Whether checkpoints are written as each rank's shards.
    private var savesShards: Bool { options.stateDictType == .sharded }

    /// The whole weights, gathered on every rank (none under sharded checkpoints: each rank
    /// writes its shards beside the checkpoint instead).
    public func moduleStateDict(_ module: Module) throws -> StateDict {
        guard !savesShards else { return StateDict() }
        try gatherAll()
        var out = StateDict()
        for (name, t) in module.stateDict() { out[name] = t.clone() }
        try releaseAll()
        return out
    }

    /// Loads whole weights into every rank's shards.
    public func loadModuleStateDict(_ module: Module, _ stateDict: StateDict) throws {
        try gatherAll()
        try module.loadStateDict(stateDict)
        for unit in units { try unit.writeBack() }
        try releaseAll()
    }

    /// The optimizer's state as the same optimizer over the unsharded parameters would hold it
    /// (every rank takes part; each unit's state is all-gathered), or this rank's shard of it
    /// under sharded checkpoints.
    public func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue {
        if savesShards { return optimizer.stateDict() }
        guard let groups = originalGroups[ObjectIdentifier(optimizer)] else { return optimizer.stateDict() }
        let sharded = optimizer.stateDict()
        let shardStates = OptimizerStateLayout.entries(of: sharded, groups: optimizer.paramGroups.map(\.params))
        var gathered: [Int: [String: [Tensor]]] = [:]
        return try OptimizerStateLayout.stateDict(groups: groups, optionsFrom: sharded) { p in
            guard let u = unitOf[ObjectIdentifier(p)] else { return shardStates[ObjectIdentifier(p)] }
            let unit = units[u]
            guard let entries = shardStates[ObjectIdentifier(unit.shard)] else { return nil }
            if gathered[u] == nil {
                var perKey: [String: [Tensor]] = [:]
                for (k, v) in entries {
                    guard let name = k.stringValue, let t = v.tensorValue, t.numel == unit.shard.numel else { continue }
                    let full = Tensor.cat(try unit.group.allGather(t.contiguous()))
                    perKey[name] = full.narrow(dim: 0, start: 0, length: unit.numel).split(sizes: unit.shapes.map { $0.reduce(1, *) })
                }
                gathered[u] = perKey
            }
            let position = unit.parameters.firstIndex { $0 === p }!
            return entries.map { k, v in
                guard let name = k.stringValue, let parts = gathered[u]?[name] else { return (k, v) }
                return (k, .tensor(parts[position].reshape(unit.shapes[position])))
            }
        }
    }

    /// Loads an optimizer state written by `optimizerStateDict` (or by one process) into the shards.
    public func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws {
        guard let groups = originalGroups[ObjectIdentifier(optimizer)] else { return try optimizer.loadStateDict(stateDict) }
        let byParam = OptimizerStateLayout.entries(of: stateDict, groups: groups)
        let state = try OptimizerStateLayout.stateDict(groups: optimizer.paramGroups.map(\.params), optionsFrom: stateDict) { p in
            guard let u = units.firstIndex(where: { $0.shard === p }) else { return byParam[ObjectIdentifier(p)] }
            let unit = units[u]
            let members = unit.parameters.map { byParam[ObjectIdentifier($0)] }
            guard let first = members.first ?? nil else { return nil }
            return try first.map { k, v in
                guard let name = k.stringValue, let t = v.tensorValue, t.numel == unit.shapes[0].reduce(1, *), t.dim > 0 else { return (k, v) }
                var flat: [Tensor] = []
                for (m, shape) in zip(members, unit.shapes) {
                    guard let part = m?.first(where: { $0.key.stringValue == name })?.value.tensorValue, part.shape == shape else {
                        throw TrainerError.misconfiguration("the optimizer state '\(name)' of FSDP unit '\(unitNames[u])' is missing or has another shape")
                    }
                    flat.append(part.reshape([-1]))
                }
                let padded = unit.shard.numel * worldSize
                var all = Tensor.cat(flat)
                if padded > all.numel { all = Tensor.cat([all, Tensor.zeros([padded - all.numel], dtype: all.dtype)]) }
                return (k, .tensor(all.narrow(dim: 0, start: globalRank * unit.shard.numel, length: unit.shard.numel).clone()))
            }
        }
        try optimizer.loadStateDict(state)
    }

    // MARK: Sharded checkpoint files

    /// The checkpoint entry that marks a sharded checkpoint: its world size and unit names.
    static let shardsKey = "fsdp_shards"

    /// Under sharded checkpoints each rank first writes its shards and optimizer state to
    /// `<path>.shard-rank<N>`, then rank 0 the checkpoint itself, naming the layout.
    public func saveCheckpoint(_ checkpoint: [(String, StateValue)], to path: String) throws {
        var entries = checkpoint
        if savesShards {
            let index = entries.firstIndex { $0.0 == "optimizer_states" }
            try checkpointIO.save(.dict([("model_shards", .list(units.map { .tensor($0.shard.detach().clone()) })),
                                      ("optimizer_states", index.map { entries[$0].1 } ?? .list([]))]),
                               to: shardPath(of: path))
            if let index { entries[index].1 = .list([]) }
            entries.append((Self.shardsKey, .dict([("world_size", .int(worldSize)), ("units", .list(unitNames.map { .string($0) }))])))
        }
        if isGlobalZero { try checkpointIO.save(.dict(entries), to: path) }
        try barrier()
    }

    /// Reads a checkpoint; a sharded one with this rank's shards and optimizer state in place
    /// of the whole ones.
    public func loadCheckpoint(_ path: String) throws -> StateValue {
        let checkpoint = try checkpointIO.load(path)
        guard let ranks = checkpoint[Self.shardsKey]?["world_size"]?.intValue else { return checkpoint }
        guard ranks == worldSize else {
            throw TrainerError.misconfiguration(
                "\(path) is a sharded FSDP checkpoint of \(ranks) ranks; resume it with strategy .fsdp on \(ranks) processes")
        }
        let own = try checkpointIO.load(shardPath(of: path))
        let replaced: Set = ["optimizer_states", "model_shards"]
        let kept = (checkpoint.dictValue ?? []).filter { !replaced.contains($0.key.stringValue ?? "") }
        return .dict(kept.compactMap { k, v in k.stringValue.map { ($0, v) } }
            + [("optimizer_states", own["optimizer_states"] ?? .list([])), ("model_shards", own["model_shards"] ?? .list([]))])
    }

    /// Loads whole weights, or this rank's shards from a sharded checkpoint.
    public func loadModuleState(from checkpoint: StateValue, into module: Module) throws {
        guard let shards = checkpoint["model_shards"]?.arrayValue?.compactMap(\.tensorValue) else {
            return try loadModuleStateDict(module, checkpoint["state_dict"]?.stateDictValue ?? StateDict())
        }
        guard shards.count == units.count, zip(shards, units).allSatisfy({ $0.shape == $1.shard.shape }) else {
            throw TrainerError.misconfiguration("the sharded checkpoint holds \(shards.count) shards that do not match this model's \(units.count) FSDP units")
        }
        withNoGrad { for (t, unit) in zip(shards, units) { unit.shard.copy_(t) } }
    }

    /// Loads whole optimizer states into the shards, or a sharded checkpoint's own as they are.
    public func loadOptimizerStates(from checkpoint: StateValue, into optimizers: [Optimizer]) throws {
        let sharded = checkpoint[Self.shardsKey] != nil
        for (optimizer, state) in zip(optimizers, try Trainer.optimizerStates(in: checkpoint, count: optimizers.count)) {
            try sharded ? optimizer.loadStateDict(state) : loadOptimizerStateDict(optimizer, state)
        }
    }

    /// Deletes the checkpoint and this rank's shards of it.
    public func removeCheckpoint(_ path: String) {
        if isGlobalZero { try? checkpointIO.remove(path) }
        try? checkpointIO.remove(shardPath(of: path))
    }
}
