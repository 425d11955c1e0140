import Torch

/// The optimizer state of strategies in which each parameter's state lives on one rank, its
/// owner (ZeRO stages 1 and 2, pipelines): consolidated for a checkpoint into the state dict one
/// process's optimizer would have, and split again when loading.
struct OwnedOptimizerState {
    /// The optimizer's parameter groups as `configureOptimizers` made them.
    let groups: [[Tensor]]
    /// The rank that holds a parameter's state.
    let owner: (Tensor) -> Int

    /// Every rank takes part: each parameter's state is broadcast from its owner (a header with
    /// the entries' names, dtypes and shapes, then the tensors); all ranks return the whole.
    func consolidate(_ optimizer: Optimizer, strategy: StrategyPlugin) throws -> StateValue {
        let saved = optimizer.stateDict()
        var state: [(key: StateValue, value: StateValue)] = []
        var outGroups: [StateValue] = []
        var index = 0
        for (g, params) in groups.enumerated() {
            var indices: [StateValue] = []
            for p in params {
                defer { index += 1 }
                indices.append(.int(index))
                let root = owner(p)
                var header = ""
                if strategy.globalRank == root, let entries = optimizer.state[ObjectIdentifier(p)] {
                    let keys = optimizer.stateKeyOrder.filter { entries[$0] != nil }
                        + entries.keys.filter { !optimizer.stateKeyOrder.contains($0) }.sorted()
                    header = try keys.map { key in
                        guard let t = entries[key]?.tensorValue else {
                            throw TrainerError.misconfiguration("optimizer state '\(key)' is not a tensor; it cannot be gathered")
                        }
                        return "\(key)|\(t.dtype.rawValue)|\(t.shape.map(String.init).joined(separator: ","))"
                    }.joined(separator: ";")
                }
                header = try strategy.broadcast(header, root: root)
                guard !header.isEmpty else { continue }
                var entry: [(key: StateValue, value: StateValue)] = []
                for field in header.split(separator: ";") {
                    let parts = field.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    let shape = parts[2].split(separator: ",").compactMap { Int($0) }
                    let t = strategy.globalRank == root ? optimizer.state[ObjectIdentifier(p)]![parts[0]]!.tensorValue!.contiguous()
                        : Tensor.empty(shape, dtype: DType(rawValue: Int32(parts[1])!)!)
                    try strategy.broadcast(t, root: root)
                    entry.append((.string(parts[0]), .tensor(t)))
                }
                state.append((.int(index), .dict(entry)))
            }
            let options = saved["param_groups"]?.arrayValue?[g].dictValue?.filter { $0.key.stringValue != "params" } ?? []
            outGroups.append(.dict(options + [(.string("params"), .list(indices))]))
        }
        return .dict([("state", .dict(state)), ("param_groups", .list(outGroups))])
    }

    /// Loads a consolidated state: this rank keeps the entries of the parameters its optimizer holds.
    func load(_ stateDict: StateValue, into optimizer: Optimizer) throws {
        let saved = Dictionary((stateDict["state"]?.dictValue ?? []).compactMap { k, v in k.intValue.map { ($0, v) } }) { a, _ in a }
        var globalIndex: [ObjectIdentifier: Int] = [:]
        for (i, p) in groups.joined().enumerated() { globalIndex[ObjectIdentifier(p)] = i }
        var state: [(key: StateValue, value: StateValue)] = []
        var outGroups: [StateValue] = []
        var index = 0
        for (g, group) in optimizer.paramGroups.enumerated() {
            var indices: [StateValue] = []
            for p in group.params {
                if let i = globalIndex[ObjectIdentifier(p)], let entries = saved[i] { state.append((.int(index), entries)) }
                indices.append(.int(index))
                index += 1
            }
            let options = stateDict["param_groups"]?.arrayValue?[g].dictValue?.filter { $0.key.stringValue != "params" } ?? []
            outGroups.append(.dict(options + [(.string("params"), .list(indices))]))
        }
        try optimizer.loadStateDict(.dict([("state", .dict(state)), ("param_groups", .list(outGroups))]))
    }
}
