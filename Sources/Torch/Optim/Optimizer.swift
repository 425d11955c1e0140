import CTorch
/// ATen's foreach kernels shared by optimizers.
enum ForeachOps {
    static let addScalar_ = ATenOp("aten::_foreach_add_", "Scalar")
    static let addList_ = ATenOp("aten::_foreach_add_", "List")
    static let addList = ATenOp("aten::_foreach_add", "List")
    static let mulScalar_ = ATenOp("aten::_foreach_mul_", "Scalar")
    static let addcmul_ = ATenOp("aten::_foreach_addcmul_", "Scalar")
    static let addcmul = ATenOp("aten::_foreach_addcmul", "Scalar")
    static let addcdiv_ = ATenOp("aten::_foreach_addcdiv_", "Scalar")
    static let lerp_ = ATenOp("aten::_foreach_lerp_", "Scalar")
    static let sqrt = ATenOp("aten::_foreach_sqrt")
    static let sqrt_ = ATenOp("aten::_foreach_sqrt_")
    static let neg = ATenOp("aten::_foreach_neg")
    static let abs = ATenOp("aten::_foreach_abs")
    static let abs_ = ATenOp("aten::_foreach_abs_")
    static let maximumList_ = ATenOp("aten::_foreach_maximum_", "List")
    static let addcdivScalarList_ = ATenOp("aten::_foreach_addcdiv_", "ScalarList")
    static let addScalar = ATenOp("aten::_foreach_add", "Scalar")
    static let divList_ = ATenOp("aten::_foreach_div_", "List")
    static let mulList_ = ATenOp("aten::_foreach_mul_", "List")
    static let divScalarList_ = ATenOp("aten::_foreach_div_", "ScalarList")
    static let addScalarList_ = ATenOp("aten::_foreach_add_", "ScalarList")
    static let reciprocal_ = ATenOp("aten::_foreach_reciprocal_")
    static let mulScalarList_ = ATenOp("aten::_foreach_mul_", "ScalarList")
    static let mulList = ATenOp("aten::_foreach_mul", "List")
    static let neg_ = ATenOp("aten::_foreach_neg_")
    static let sign_ = ATenOp("aten::_foreach_sign_")
    static let copy_ = ATenOp("aten::_foreach_copy_")
}

/// The base of optimizers (`torch.optim.Optimizer`): parameter groups, per-parameter state,
/// `step`, `zeroGrad`, and state dicts with PyTorch's structure.
open class Optimizer {
    /// The parameter groups.
    public private(set) var paramGroups: [ParamGroup] = []
    /// The state of each parameter (keyed by the parameter tensor), as PyTorch names it.
    public var state: [ObjectIdentifier: [String: StateValue]] = [:]
    /// The options a new group takes unless it sets them.
    public let defaults: [(String, StateValue)]

    /// An optimizer over groups; each group's missing options come from `defaults`.
    public init(_ groups: [ParamGroup], defaults: [(String, StateValue)]) {
        self.defaults = defaults
        for group in groups { addParamGroup(group) }
    }

    /// Adds a group (for example unfrozen layers), filling its missing options from the defaults.
    public func addParamGroup(_ group: ParamGroup) {
        for (name, value) in defaults where group[name] == nil { group[name] = value }
        let seen = Set(paramGroups.flatMap(\.params).map(ObjectIdentifier.init))
        if group.params.contains(where: { seen.contains(ObjectIdentifier($0)) }) {
            argumentError(String(describing: type(of: self)), "some parameters appear in more than one parameter group")
        }
        paramGroups.append(group)
    }

    /// Updates every parameter that has a gradient, once.
    public func step() {
        withNoGrad {
            for group in paramGroups {
                let params = group.params.filter { $0.grad != nil }
                if !params.isEmpty { update(group, params: params, grads: params.map { $0.grad! }) }
            }
        }
    }

    /// Whether a step needs a closure that re-evaluates the loss (LBFGS): the Trainer then runs
    /// the training step and its backward inside `step(closure:)`, as Lightning does.
    open var requiresClosure: Bool { false }

    /// Evaluates `closure` (which computes the loss and its gradients) with gradients on, then steps.
    @discardableResult
    open func step(closure: () -> Tensor) -> Tensor {
        let loss = withEnableGrad(closure)
        step()
        return loss
    }

    /// The update of one group: subclasses implement it with libtorch's fused or foreach kernels.
    open func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        argumentError("\(type(of: self)).step()", "\(type(of: self)) must override update(_:params:grads:) to step its parameters")
    }

    /// Clears (default) or zeroes the gradients of every parameter.
    public func zeroGrad(setToNone: Bool = true) {
        for group in paramGroups {
            for p in group.params {
                if setToNone { p.grad = nil } else { p.grad?.zero_() }
            }
        }
    }

    /// The state of one parameter, made with `initial` the first time.
    func state(of p: Tensor, initial: () -> [String: StateValue]) -> [String: StateValue] {
        if let s = state[ObjectIdentifier(p)] { return s }
        let s = initial()
        state[ObjectIdentifier(p)] = s
        return s
    }

    /// The state tensors under `keys` of every parameter, one list per key, each parameter's made
    /// by `initial` the first time (PyTorch's lazy state): the lists a foreach step works on.
    func stateTensors(_ params: [Tensor], _ keys: [String], initial: (Tensor) -> [String: StateValue]) -> [[Tensor]] {
        let states = params.map { p in state(of: p) { initial(p) } }
        return keys.map { key in states.map { tensor($0, key) } }
    }

    /// The state tensor `key` of one parameter's state; a state without it (loaded from another
    /// optimizer) is an error naming the key, as a failing operation is.
    func tensor(_ state: [String: StateValue], _ key: String) -> Tensor {
        if let t = state[key]?.tensorValue { return t }
        argumentError("\(type(of: self)).step()",
                      "a parameter's state has no tensor '\(key)' (it has \(state.keys.sorted())): was it loaded from another optimizer?")
        return Tensor(owning: ct_tensor_undefined())
    }

    /// Weight decay as PyTorch's foreach steps apply it: with `decoupled`, the parameters shrink by
    /// `lr * weightDecay`; otherwise `weightDecay` times the parameters is added to the gradients,
    /// in place when `grads` is already a copy (negated for `maximize`), into new tensors otherwise.
    func decayed(_ grads: [Tensor], _ params: [Tensor], weightDecay: Double, lr: Double, decoupled: Bool = false,
                 copied: Bool) -> [Tensor] {
        guard weightDecay != 0 else { return grads }
        if decoupled {
            ForeachOps.mulScalar_(.tensors(params), .double(1 - lr * weightDecay))
            return grads
        }
        if copied {
            ForeachOps.addList_(.tensors(grads), .tensors(params), .double(weightDecay))
            return grads
        }
        return ForeachOps.addList.list(.tensors(grads), .tensors(params), .double(weightDecay))
    }

    /// A tensor entry of a parameter's state.
    func stateTensor(_ p: Tensor, _ key: String) -> Tensor? { state[ObjectIdentifier(p)]?[key]?.tensorValue }

    /// `{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`, as PyTorch's
    /// `Optimizer.state_dict()`; parameters are numbered across groups in order.
    public func stateDict() -> StateValue {
        var index = 0
        var packedState: [(key: StateValue, value: StateValue)] = []
        var groups: [StateValue] = []
        for group in paramGroups {
            var indices: [StateValue] = []
            for p in group.params {
                if let s = state[ObjectIdentifier(p)] {
                    let keys = stateKeyOrder.filter { s[$0] != nil } + s.keys.filter { !stateKeyOrder.contains($0) }.sorted()
                    packedState.append((.int(index), .dict(keys.map { ($0, s[$0]!) })))
                }
                indices.append(.int(index))
                index += 1
            }
            groups.append(.dict(group.optionNames.map { ($0, group[$0]!) } + [("params", .list(indices))]))
        }
        return .dict([("state", .dict(packedState)), ("param_groups", .list(groups))])
    }

    /// The order of state entries in PyTorch's dicts.
    open var stateKeyOrder: [String] { [] }

    /// Restores options and per-parameter state from `stateDict()` of an optimizer with the
    /// same groups (from Swift or Python); state tensors are copied to each parameter's device.
    public func loadStateDict(_ stateDict: StateValue) throws {
        guard let groups = stateDict["param_groups"]?.arrayValue, let saved = stateDict["state"]?.dictValue else {
            throw OptimizerError("the state dict has no 'state' and 'param_groups'")
        }
        guard groups.count == paramGroups.count else {
            throw OptimizerError("loaded state dict has a different number of parameter groups (\(groups.count), this optimizer has \(paramGroups.count))")
        }
        var byIndex: [Int: Tensor] = [:]
        for (group, savedGroup) in zip(paramGroups, groups) {
            guard let indices = savedGroup["params"]?.arrayValue?.compactMap(\.intValue), indices.count == group.params.count else {
                throw OptimizerError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
            }
            for (i, p) in zip(indices, group.params) { byIndex[i] = p }
        }
        state = [:]
        for (key, value) in saved {
            guard let i = key.intValue, let p = byIndex[i], let entries = value.dictValue else {
                throw OptimizerError("state entry \(key) names no parameter")
            }
            var s: [String: StateValue] = [:]
            for (k, v) in entries {
                guard let name = k.stringValue else { continue }
                if let t = v.tensorValue {
                    // PyTorch keeps `step` where it was (CPU) and casts the rest like the parameter.
                    s[name] = .tensor(name == "step" ? t.clone() : t.to(device: p.device, dtype: p.dtype.isFloatingPoint && t.dtype.isFloatingPoint ? p.dtype : t.dtype, copy: true))
                } else {
                    s[name] = v
                }
            }
            state[ObjectIdentifier(p)] = s
        }
        for (group, savedGroup) in zip(paramGroups, groups) {
            for (k, v) in savedGroup.dictValue ?? [] {
                if let name = k.stringValue, name != "params" { group[name] = v }
            }
        }
    }
}

/// A state dict that does not fit an optimizer.
public struct OptimizerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
