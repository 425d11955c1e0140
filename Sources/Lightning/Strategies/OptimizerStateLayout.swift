import Torch

/// PyTorch's optimizer state-dict layout (`{"state": {index: entries}, "param_groups": [...]}`,
/// parameters numbered across groups in order) over parameter groups that a strategy chose,
/// for moving state between a sharded optimizer and the one a single process would have.
enum OptimizerStateLayout {
    typealias Entries = [(key: StateValue, value: StateValue)]

    /// A state dict over `groups`, with each group's options from `options`' groups and each
    /// parameter's entries from `entries` (nil: no state), called for every parameter in order.
    static func stateDict(groups: [[Tensor]], optionsFrom options: StateValue,
                          entries: (Tensor) throws -> Entries?) rethrows -> StateValue {
        var state: Entries = []
        var outGroups: [StateValue] = []
        var index = 0
        for (g, params) in groups.enumerated() {
            var indices: [StateValue] = []
            for p in params {
                if let e = try entries(p) { state.append((.int(index), .dict(e))) }
                indices.append(.int(index))
                index += 1
            }
            let groupOptions = options["param_groups"]?.arrayValue?[g].dictValue?.filter { $0.key.stringValue != "params" } ?? []
            outGroups.append(.dict(groupOptions + [(.string("params"), .list(indices))]))
        }
        return .dict([("state", .dict(state)), ("param_groups", .list(outGroups))])
    }

    /// The entries of `stateDict` by parameter, numbering `groups`' parameters in order.
    static func entries(of stateDict: StateValue, groups: [[Tensor]]) -> [ObjectIdentifier: Entries] {
        let saved = Dictionary((stateDict["state"]?.dictValue ?? []).compactMap { k, v in k.intValue.map { ($0, v) } }) { a, _ in a }
        var out: [ObjectIdentifier: Entries] = [:]
        for (i, p) in groups.joined().enumerated() {
            if let e = saved[i]?.dictValue { out[ObjectIdentifier(p)] = e }
        }
        return out
    }
}
