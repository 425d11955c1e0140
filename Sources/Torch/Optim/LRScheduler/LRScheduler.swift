/// The base of learning-rate schedulers (`torch.optim.lr_scheduler.LRScheduler`): call
/// `step()` after `optimizer.step()`, once per epoch or per batch. The same recurrences as
/// PyTorch's, in the same floating-point order, so the learning rates are equal to the bit.
open class LRScheduler {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: Optimizer
    /// The number of `step()` calls since the start (PyTorch's `last_epoch`).
    public internal(set) var lastEpoch: Int
    /// Each group's initial learning rate.
    public internal(set) var baseLrs: [Double] = []
    /// The learning rates set by the last step, one per group (`get_last_lr()`).
    public internal(set) var lastLr: [Double] = []
    var stepCount = 0
    var isInitial = false

    /// Records each group's `initial_lr` and takes the initial step (which sets the first learning rate).
    public init(_ optimizer: Optimizer, lastEpoch: Int = -1) {
        self.optimizer = optimizer
        self.lastEpoch = lastEpoch
        for (i, group) in optimizer.paramGroups.enumerated() {
            if lastEpoch == -1 {
                if group["initial_lr"] == nil { group["initial_lr"] = .double(group.lr) }
            } else if group["initial_lr"] == nil {
                argumentError(String(describing: type(of: self)),
                              "param 'initial_lr' is not specified in param_groups[\(i)] when resuming scheduler with lastEpoch >= 0")
            }
        }
        baseLrs = optimizer.paramGroups.map { $0.double("initial_lr") }
        initialStep()
    }

    /// A scheduler that manages its own start (ReduceLROnPlateau, SequentialLR).
    init(managing optimizer: Optimizer, lastEpoch: Int) {
        self.optimizer = optimizer
        self.lastEpoch = lastEpoch
        lastLr = optimizer.paramGroups.map(\.lr)
    }

    func initialStep() {
        stepCount = 0
        isInitial = true
        step()
        isInitial = false
    }

    /// Advances the schedule by one and sets the groups' learning rates.
    open func step() {
        stepCount += 1
        updateLr(epoch: nil)
    }

    /// The learning rates one step on from the current ones (the chainable form).
    open func getLr() -> [Double] { currentLrs }

    /// The learning rates at `lastEpoch` computed directly, for schedulers that have a closed form.
    open func closedFormLr() -> [Double]? { nil }

    /// The groups' current learning rates.
    var currentLrs: [Double] { optimizer.paramGroups.map(\.lr) }

    func updateLr(epoch: Int?) {
        let values: [Double]
        if let epoch {
            lastEpoch = epoch
            values = closedFormLr() ?? getLr()
        } else {
            lastEpoch += 1
            values = getLr()
        }
        for (group, lr) in zip(optimizer.paramGroups, values) { group.lr = lr }
        lastLr = currentLrs
    }

    /// The scheduler's own settings and position, by PyTorch's attribute names.
    open var stateEntries: [(String, StateValue)] { [] }

    /// Restores what `stateEntries` holds.
    open func restore(_ state: StateValue) {}

    /// The scheduler's state as PyTorch's `state_dict()` (its attributes but the optimizer).
    public func stateDict() -> StateValue {
        .dict(stateEntries + [
            ("base_lrs", .list(baseLrs.map { .double($0) })), ("last_epoch", .int(lastEpoch)),
            ("_step_count", .int(stepCount)), ("_is_initial", .bool(isInitial)),
            ("_get_lr_called_within_step", false), ("_last_lr", .list(lastLr.map { .double($0) })),
        ])
    }

    /// Restores a state from `stateDict()` (Swift's or Python's).
    public func loadStateDict(_ state: StateValue) {
        if let v = state["base_lrs"]?.arrayValue { baseLrs = v.compactMap(\.doubleValue) }
        if let v = state["last_epoch"]?.intValue { lastEpoch = v }
        if let v = state["_step_count"]?.intValue { stepCount = v }
        if let v = state["_last_lr"]?.arrayValue { lastLr = v.compactMap(\.doubleValue) }
        restore(state)
    }
}

/// Sets SGD's momentum or Adam's beta1.
func setMomentum(_ group: ParamGroup, _ value: Double, useBeta1: Bool) {
    if useBeta1 {
        let beta2 = group["betas"]?.arrayValue?.dropFirst().first ?? .double(0.999)
        group["betas"] = .tuple([.double(value), beta2])
    } else {
        group["momentum"] = .double(value)
    }
}
