import Torch

/// How a metric state combines across batches and ranks (torchmetrics' `dist_reduce_fx`).
public enum StateReduction: Sendable {
    /// Added up (counts, sums).
    case sum
    /// Averaged over the ranks.
    case mean
    /// The smallest value.
    case min
    /// The largest value.
    case max
    /// A list of batch values, concatenated along the first dimension (scores for curves).
    case cat
}

/// A metric that accumulates state over batches and ranks (`torchmetrics.Metric`): `update` adds a
/// batch, `compute()` gives the value over everything added (on every rank of `processGroup`),
/// `reset()` starts again; calling the metric on a batch (`forward`) gives that batch's value and
/// adds it too. States are declared with `addState`; they are not parameters or buffers, so data
/// parallelism leaves them alone, and a parallel strategy gives the metric its process group.
///
/// Writing one: declare states in `init`, add to them in an `update` method of your own, and
/// override `result()` to compute the metric from them (torchmetrics' `compute`).
open class Metric: Module {
    private enum Value {
        case tensor(Tensor)
        case list([Tensor])
    }

    private struct State {
        var value: Value
        let initial: Tensor?
        let reduction: StateReduction
        var persistent = false
    }

    private var stateNames: [String] = []
    private var states: [String: State] = [:]
    private var updateCount = 0
    private var cached: Tensor?
    /// The ranks whose updates `compute()` combines (nil: this process's only).
    public var processGroup: ProcessGroup?
    /// The value of the last batch given to `forward` (what a step logs).
    public internal(set) var batchValue: Tensor?

    public override init() { super.init() }

    /// Declares a tensor state starting at `initial` (copied at every reset); a `persistent` one
    /// is saved in the state dict of the module holding the metric, and so in checkpoints.
    public func addState(_ name: String, _ initial: Tensor, reduction: StateReduction, persistent: Bool = false) {
        if reduction == .cat { argumentError("\(type(of: self)).addState", "a .cat state is a list: declare it with addListState") }
        if states[name] == nil { stateNames.append(name) }
        states[name] = State(value: .tensor(initial.clone()), initial: initial.clone(), reduction: reduction, persistent: persistent)
    }

    /// Saves the tensor states in state dicts and checkpoints, or stops saving them
    /// (torchmetrics' `persistent`; off by default, as there).
    public func persistent(_ flag: Bool = true) {
        for name in stateNames where states[name]!.initial != nil { states[name]!.persistent = flag }
    }

    public override var extraStateTensors: [(String, Tensor)] {
        stateNames.compactMap { name in
            guard let state = states[name], state.persistent, case .tensor(let t) = state.value else { return nil }
            return (name, t)
        }
    }

    /// Declares a list state, concatenated along the first dimension (`dist_reduce_fx="cat"`).
    public func addListState(_ name: String) {
        if states[name] == nil { stateNames.append(name) }
        states[name] = State(value: .list([]), initial: nil, reduction: .cat)
    }

    /// A tensor state's value.
    public func state(_ name: String) -> Tensor {
        guard case .tensor(let t)? = states[name]?.value else {
            argumentError("\(type(of: self)).state", "no tensor state named \"\(name)\"")
            return Tensor(Float(0))
        }
        return t
    }

    /// Sets a tensor state (in an update, typically to the old value plus the batch's).
    public func setState(_ name: String, _ value: Tensor) {
        guard case .tensor? = states[name]?.value else {
            argumentError("\(type(of: self)).setState", "no tensor state named \"\(name)\"")
            return
        }
        states[name]!.value = .tensor(value.detach().clone())
        cached = nil
    }

    /// Adds `value` to a `.sum` state; the state moves to `value`'s device (states follow the
    /// data, so a metric on a GPU never copies a batch to the host).
    public func accumulate(_ name: String, _ value: Tensor) {
        let current = state(name)
        setState(name, current.to(device: value.device) + value.to(dtype: current.dtype))
    }

    /// Appends a batch to a list state.
    public func append(_ name: String, _ value: Tensor) {
        guard case .list(let list)? = states[name]?.value else {
            argumentError("\(type(of: self)).append", "no list state named \"\(name)\"")
            return
        }
        states[name]!.value = .list(list + [value.detach()])
        cached = nil
    }

    /// A list state concatenated along the first dimension (nil when nothing was appended).
    public func concatenated(_ name: String) -> Tensor? {
        guard case .list(let list)? = states[name]?.value else {
            argumentError("\(type(of: self)).concatenated", "no list state named \"\(name)\"")
            return nil
        }
        return list.isEmpty ? nil : Tensor.cat(list.map { $0.dim == 0 ? $0.reshape([1]) : $0 })
    }

    /// The metric from the current states; override it (torchmetrics' `compute`) and call
    /// `compute()`, which first combines every rank's states.
    open func result() -> Tensor {
        argumentError("\(type(of: self)).result", "\(type(of: self)) does not override result()")
        return Tensor(Float(0))
    }

    /// Counts an update (call it from each `update`; `forward` and the mean reduction use it).
    public func didUpdate() {
        updateCount += 1
        cached = nil
    }

    /// The number of updates since the last reset.
    public var updates: Int { updateCount }

    /// The value over every update since the last reset, on every rank of `processGroup`
    /// (their states combined first, then restored, so updates can go on).
    public func compute() -> Tensor {
        if let cached { return cached }
        let value = withSynchronizedStates { result() }
        cached = value
        return value
    }

    /// Runs `body` with every rank's states combined into this one's (nothing to combine
    /// outside a group), then puts this rank's own states back.
    public func withSynchronizedStates<T>(_ body: () -> T) -> T {
        let local = states
        defer { states = local }
        if let group = processGroup, group.size > 1 {
            do {
                try synchronize(group)
            } catch {
                argumentError("\(type(of: self)).compute", "synchronising the states across ranks failed: \(error)")
            }
        }
        return body()
    }

    /// Starts again from the initial states.
    public func reset() {
        for name in stateNames {
            let state = states[name]!
            states[name]!.value = state.initial.map { .tensor($0.clone()) } ?? .list([])
        }
        updateCount = 0
        cached = nil
        batchValue = nil
    }

    /// The value of one batch, whose update `body` makes, also added to the accumulated states
    /// (torchmetrics' `forward`): concrete metrics call it from `callAsFunction`.
    public func forward(batch body: () -> Void) -> Tensor {
        let accumulated = states
        let count = updateCount
        reset()
        body()
        let value = withNoGrad { result() }
        for name in stateNames {
            guard let before = accumulated[name] else { continue }
            states[name]!.value = Self.merge(before.value, states[name]!.value, before.reduction, previousUpdates: count)
        }
        updateCount = count + 1
        cached = nil
        batchValue = value
        return value
    }

    private static func merge(_ old: Value, _ new: Value, _ reduction: StateReduction, previousUpdates: Int) -> Value {
        switch (old, new) {
        case (.list(let a), .list(let b)):
            return .list(a + b)
        case (.tensor(let a), .tensor(let b)):
            switch reduction {
            case .sum: return .tensor(a + b)
            case .mean: return .tensor((a * Double(previousUpdates) + b) / Double(previousUpdates + 1))
            case .min: return .tensor(ATen.minimum(a, b))
            case .max: return .tensor(ATen.maximum(a, b))
            case .cat: return .tensor(Tensor.cat([a, b]))
            }
        default:
            return new
        }
    }

    /// Replaces every state by its combination over the ranks: one all-reduce per reduction for
    /// tensor states, an all-gather (padded to the longest rank) for list states.
    private func synchronize(_ group: ProcessGroup) throws {
        for name in stateNames {
            let state = states[name]!
            switch state.value {
            case .tensor(let t):
                let combined = t.clone()
                switch state.reduction {
                case .sum, .cat: try group.allReduce(combined, op: .sum)
                case .mean:
                    try group.allReduce(combined, op: .sum)
                    _ = combined.mul_(1 / Double(group.size))
                case .min: try group.allReduce(combined, op: .min)
                case .max: try group.allReduce(combined, op: .max)
                }
                states[name]!.value = .tensor(combined)
            case .list:
                states[name]!.value = .list(try gather(concatenated(name), group))
            }
        }
    }

    /// Every rank's concatenated list, in rank order, whatever their lengths.
    private func gather(_ local: Tensor?, _ group: ProcessGroup) throws -> [Tensor] {
        let rank = local?.dim ?? 1
        let shape = Tensor((local?.shape ?? [0]).map(Int64.init) + Array(repeating: Int64(0), count: 8 - rank), shape: [8])
        let shapes = try group.allGather(shape).map { $0.scalars(as: Int64.self).prefix(rank).map(Int.init) }
        let longest = shapes.map { $0[0] }.max() ?? 0
        guard longest > 0 else { return [] }
        let trailing = shapes.first { $0[0] > 0 }.map { Array($0.dropFirst()) } ?? []
        let mine = local ?? Tensor.zeros([0] + trailing)
        let padded = Tensor.cat([mine, Tensor.zeros([longest - mine.size(0)] + trailing, dtype: mine.dtype, device: mine.device)])
        let gathered = try group.allGather(padded)
        return zip(gathered, shapes).compactMap { part, shape in shape[0] > 0 ? part[0..<shape[0]] : nil }
    }
}
