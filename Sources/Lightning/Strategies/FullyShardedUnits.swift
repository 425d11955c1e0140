import Torch

/// The work of fully sharded data parallelism over one process group (what FSDP does, and what
/// `.modelParallel(dataParallel: .fsdp)` does across its data-parallel dimension): the model cut
/// into units by a wrap policy, each unit's parameters flattened with a 1/N shard kept per rank,
/// gathered when read in forward and freed once two later units were gathered, gathered again
/// for backward, gradients reduce-scattered as soon as a unit's are complete; the optimizers
/// step the shards, and checkpoints see the whole parameters and optimizer state.
final class FullyShardedUnits {
    /// How many non-root units stay gathered in forward before the oldest is freed.
    static let gatheredWindow = 2

    /// What checkpoints need of a unit, kept after the run hands the module back whole (so a
    /// checkpoint saved after `fit` still holds the optimizer's state).
    struct Layout {
        let shard: Tensor
        let parameters: [Tensor]
        let shapes: [[Int]]
        let numel: Int
        let group: ProcessGroup
    }

    let policy: FSDPStrategy.WrapPolicy
    /// The units, in the order they were formed (the root, holding what no unit took, last), while they run.
    private(set) var units: [ShardedUnit] = []
    /// The unit names (module paths; "" for the root).
    private(set) var unitNames: [String] = []
    /// The units' layouts, by unit, and the unit of each parameter.
    private var layouts: [Layout] = []
    private var unitOf: [ObjectIdentifier: Int] = [:]
    /// How many all-gathers of units the last run made.
    private(set) var gatherCount = 0
    private var recentlyGathered: [Int] = []
    /// Per optimizer: its parameter groups as they were made.
    private var originalGroups: [ObjectIdentifier: [[Tensor]]] = [:]

    init(policy: FSDPStrategy.WrapPolicy) { self.policy = policy }

    /// Cuts `module` into units sharded over `group`.
    func setup(_ module: Module, group: ProcessGroup) throws {
        reset()
        for (name, params) in Self.partition(module, policy: policy) {
            let unit = try ShardedUnit(group: group, parameters: params)
            let index = units.count
            unit.gatherOnAccess(in: module) { [unowned self] in self.willGather(index) }
            for p in params { unitOf[ObjectIdentifier(p)] = index }
            layouts.append(Layout(shard: unit.shard, parameters: unit.parameters, shapes: unit.shapes, numel: unit.numel, group: group))
            units.append(unit)
            unitNames.append(name)
        }
    }

    /// Forgets the units (a stage that does not train keeps the module whole).
    func reset() {
        units = []
        unitNames = []
        layouts = []
        unitOf = [:]
        originalGroups = [:]
        recentlyGathered = []
    }

    /// The units a policy makes: (module path, trainable parameters not in an earlier unit),
    /// innermost modules first, the root last.
    static func partition(_ module: Module, policy: FSDPStrategy.WrapPolicy) -> [(String, [Tensor])] {
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
    func releaseAll() throws {
        for unit in units { try unit.release() }
        recentlyGathered = []
    }

    /// Gathers every unit (for checkpoints and loading weights).
    func gatherAll() throws {
        for unit in units { try unit.gather() }
    }

    /// Hands the module back with full parameters (unless the run `failed`: then as they are);
    /// the layouts stay for checkpoints of the optimizers, which keep stepping the shards.
    func teardown(failed: Bool) {
        gatherCount = units.reduce(0) { $0 + $1.gatherCount }
        if !failed { try? gatherAll() }
        units = []
        recentlyGathered = []
    }

    func beforeBackward() {
        for unit in units { unit.beginBackward() }
    }

    /// Reduce-scatters what the gradient hooks did not (units with unused parameters), then
    /// frees every unit.
    func afterBackward() throws {
        for unit in units { try unit.finishBackward() }
        try releaseAll()
    }

    /// This rank's part of the squared 2-norm of the gradients of the units `parameters` (an
    /// optimizer's) hold shards of: each parameter's segment of this rank's shard gradient,
    /// squared, times `weight(parameter)` (1 / n for a parameter n ranks hold alike), in float64
    /// (one reduction per unit whose parameters weigh alike: its padding is zero).
    /// Summed over the ranks, it is the squared norm of the whole model's gradients.
    func gradientSquares(of parameters: [Tensor], weight: (Tensor) -> Double) -> Tensor {
        let stepped = Set(parameters.map(ObjectIdentifier.init))
        var total = Tensor(0.0).to(device: layouts.first?.shard.device ?? .cpu)
        withNoGrad {
            for layout in layouts where stepped.contains(ObjectIdentifier(layout.shard)) {
                guard let grad = layout.shard.grad else { continue }
                let weights = layout.parameters.map(weight)
                if Set(weights).count == 1 {
                    total = total + grad.to(dtype: .float64).square().sum() * weights[0]
                    continue
                }
                let start = layout.group.rank * layout.shard.numel
                var offset = 0
                for (w, shape) in zip(weights, layout.shapes) {
                    let count = shape.reduce(1, *)
                    let (low, high) = (Swift.max(offset, start), Swift.min(offset + count, start + layout.shard.numel))
                    if low < high {
                        total = total + grad.narrow(dim: 0, start: low - start, length: high - low).to(dtype: .float64).square().sum() * w
                    }
                    offset += count
                }
            }
        }
        return total
    }

    /// Clips `parameters` (an optimizer's shards) to a joint 2-norm of `maxNorm` over the whole
    /// model: `gradientSquares` with `weight`, summed over the ranks by `sum`; returns the norm.
    func clipGradNorm(_ parameters: [Tensor], maxNorm: Double, weight: (Tensor) -> Double, sum: (Tensor) throws -> Void) throws -> Tensor {
        let squares = gradientSquares(of: parameters, weight: weight)
        try sum(squares)
        let total = squares.sqrt()
        clipGradsWithNorm_(parameters, maxNorm: maxNorm, totalNorm: total)
        return total
    }

    /// Makes each optimizer step the shards of the units its parameters are in (a unit's
    /// parameters must all be in one parameter group); frozen parameters stay as they are.
    func setupOptimizers(_ optimizers: [Optimizer]) throws {
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
                group.params = shards.map { layouts[$0].shard } + rest
            }
        }
    }

    /// The optimizer's parameter groups as they were made (over the whole parameters).
    func originalGroups(of optimizer: Optimizer) -> [[Tensor]] {
        originalGroups[ObjectIdentifier(optimizer)] ?? optimizer.paramGroups.map(\.params)
    }

    /// The whole weights, gathered on every rank.
    func wholeModuleState(_ module: Module) throws -> StateDict {
        try gatherAll()
        var out = StateDict()
        for (name, t) in module.stateDict() { out[name] = t.clone() }
        try releaseAll()
        return out
    }

    /// Loads whole weights into every rank's shards.
    func loadWholeModuleState(_ module: Module, _ stateDict: StateDict) throws {
        try gatherAll()
        try module.loadStateDict(stateDict)
        for unit in units { try unit.writeBack() }
        try releaseAll()
    }

    /// The optimizer's state as the same optimizer over the unsharded parameters would hold it
    /// (every rank takes part; each unit's state is all-gathered).
    func wholeOptimizerState(_ optimizer: Optimizer) throws -> StateValue {
        guard let groups = originalGroups[ObjectIdentifier(optimizer)] else { return optimizer.stateDict() }
        let sharded = optimizer.stateDict()
        let shardStates = OptimizerStateLayout.entries(of: sharded, groups: optimizer.paramGroups.map(\.params))
        var gathered: [Int: [String: [Tensor]]] = [:]
        return try OptimizerStateLayout.stateDict(groups: groups, optionsFrom: sharded) { p in
            guard let u = unitOf[ObjectIdentifier(p)] else { return shardStates[ObjectIdentifier(p)] }
            let unit = layouts[u]
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

    /// Loads an optimizer state written by `wholeOptimizerState` (or by one process) into the shards.
    func loadWholeOptimizerState(_ optimizer: Optimizer, _ stateDict: StateValue) throws {
        guard let groups = originalGroups[ObjectIdentifier(optimizer)] else { return try optimizer.loadStateDict(stateDict) }
        let byParam = OptimizerStateLayout.entries(of: stateDict, groups: groups)
        let state = try OptimizerStateLayout.stateDict(groups: optimizer.paramGroups.map(\.params), optionsFrom: stateDict) { p in
            guard let u = layouts.firstIndex(where: { $0.shard === p }) else { return byParam[ObjectIdentifier(p)] }
            let unit = layouts[u]
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
                let padded = unit.shard.numel * unit.group.size
                var all = Tensor.cat(flat)
                if padded > all.numel { all = Tensor.cat([all, Tensor.zeros([padded - all.numel], dtype: all.dtype)]) }
                return (k, .tensor(all.narrow(dim: 0, start: unit.group.rank * unit.shard.numel, length: unit.shard.numel).clone()))
            }
        }
        try optimizer.loadStateDict(state)
    }

    /// Loads a sharded checkpoint's shards, one per unit in order.
    func loadShards(_ shards: [Tensor]) throws {
        guard shards.count == units.count, zip(shards, units).allSatisfy({ $0.shape == $1.shard.shape }) else {
            throw TrainerError.misconfiguration("the sharded checkpoint holds \(shards.count) shards that do not match this model's \(units.count) FSDP units")
        }
        withNoGrad { for (t, unit) in zip(shards, units) { unit.shard.copy_(t) } }
    }
}
