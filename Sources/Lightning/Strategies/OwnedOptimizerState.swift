import Torch

/// The optimizer state of strategies in which each parameter's state lives on one rank, its
/// owner (ZeRO stages 1 and 2, pipelines): consolidated for a checkpoint into the state dict one
/// process's optimizer would have, and split again when loading.
struct OwnedOptimizerState {
    /// The optimizer's parameter groups as `configureOptimizers` made them.
    let groups: [[Tensor]]
    /// The rank that holds each parameter's state.
    let owners: [ObjectIdentifier: Int]

    /// Every rank takes part: each parameter's state is broadcast from its owner (a header with
    /// the entries' names, dtypes and shapes, then the tensors); all ranks return the whole.
    func consolidate(_ optimizer: Optimizer, strategy: StrategyPlugin) throws -> StateValue {
        try OptimizerStateLayout.stateDict(groups: groups, optionsFrom: optimizer.stateDict()) { p in
            let root = owners[ObjectIdentifier(p)] ?? 0
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
            guard !header.isEmpty else { return nil }
            return try header.split(separator: ";").map { field in
                let parts = field.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let shape = parts[2].split(separator: ",").compactMap { Int($0) }
                let t = strategy.globalRank == root ? optimizer.state[ObjectIdentifier(p)]![parts[0]]!.tensorValue!.contiguous()
                    : Tensor.empty(shape, dtype: DType(rawValue: Int32(parts[1])!)!)
                try strategy.broadcast(t, root: root)
                return (.string(parts[0]), .tensor(t))
            }
        }
    }

    /// Loads a consolidated state: this rank keeps the entries of the parameters its optimizer holds.
    func load(_ stateDict: StateValue, into optimizer: Optimizer) throws {
        let byParam = OptimizerStateLayout.entries(of: stateDict, groups: groups)
        try optimizer.loadStateDict(OptimizerStateLayout.stateDict(groups: optimizer.paramGroups.map(\.params), optionsFrom: stateDict) {
            byParam[ObjectIdentifier($0)]
        })
    }

    /// `optimizer`'s whole state when `owned` (by optimizer) describes it, else its own state dict.
    static func stateDict(_ optimizer: Optimizer, _ owned: [ObjectIdentifier: OwnedOptimizerState],
                          strategy: StrategyPlugin) throws -> StateValue {
        try owned[ObjectIdentifier(optimizer)]?.consolidate(optimizer, strategy: strategy) ?? optimizer.stateDict()
    }

    /// Loads a whole state into `optimizer`, keeping the owned entries when `owned` describes it.
    static func load(_ stateDict: StateValue, into optimizer: Optimizer, _ owned: [ObjectIdentifier: OwnedOptimizerState]) throws {
        if let state = owned[ObjectIdentifier(optimizer)] {
            try state.load(stateDict, into: optimizer)
        } else {
            try optimizer.loadStateDict(stateDict)
        }
    }
}
