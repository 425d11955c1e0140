/// Steps several schedulers of one optimizer together, each acting on what the one before set
/// (`ChainedScheduler`): for example a warm-up multiplied into a decay.
public final class ChainedScheduler: LRScheduler {
    public let schedulers: [LRScheduler]

    public init(_ schedulers: [LRScheduler]) {
        if schedulers.isEmpty { argumentError("ChainedScheduler", "expects at least one scheduler to be chained, but got no scheduler.") }
        let optimizer = schedulers.first?.optimizer ?? Optimizer([], defaults: [])
        for s in schedulers where s.optimizer !== optimizer || s is ReduceLROnPlateau {
            argumentError("ChainedScheduler", "every scheduler must drive the same optimizer, and ReduceLROnPlateau cannot be one of them")
        }
        self.schedulers = schedulers
        super.init(managing: optimizer, lastEpoch: -1)
    }

    public override func step() {
        for s in schedulers { s.step() }
        lastLr = currentLrs
    }

    public override var stateEntries: [(String, StateValue)] { [("_schedulers", .list(schedulers.map { $0.stateDict() }))] }

    public override func restore(_ state: StateValue) {
        for (s, saved) in zip(schedulers, state["_schedulers"]?.arrayValue ?? []) { s.loadStateDict(saved) }
    }
}
