/// Runs schedulers one after another, switching at the milestones (`SequentialLR`): the
/// usual warm-up then decay.
public final class SequentialLR: LRScheduler {
    public let schedulers: [LRScheduler]
    public let milestones: [Int]

    public init(_ optimizer: Optimizer, schedulers: [LRScheduler], milestones: [Int], lastEpoch: Int = -1) {
        if schedulers.isEmpty { argumentError("SequentialLR", "expects at least one scheduler") }
        if milestones.count != schedulers.count - 1 {
            argumentError("SequentialLR", "expects number of schedulers provided to be one more than the number of milestone points, but got \(schedulers.count) schedulers and \(milestones.count) milestones")
        }
        for s in schedulers where s.optimizer !== optimizer || s is ReduceLROnPlateau {
            argumentError("SequentialLR", "every scheduler must drive the same optimizer, and ReduceLROnPlateau cannot be one of them")
        }
        (self.schedulers, self.milestones) = (schedulers, milestones)
        super.init(managing: optimizer, lastEpoch: lastEpoch + 1)
        for group in optimizer.paramGroups { group.lr = group.double("initial_lr") }
        for s in schedulers { s.lastEpoch -= 1 }
        schedulers[0].initialStep()
        lastLr = schedulers[0].lastLr
    }

    public override func step() {
        lastEpoch += 1
        let index = milestones.filter { $0 <= lastEpoch }.count
        let scheduler = schedulers[index]
        if index > 0 && milestones[index - 1] == lastEpoch {
            scheduler.updateLr(epoch: 0)
        } else {
            scheduler.step()
        }
        lastLr = scheduler.lastLr
    }

    public override var stateEntries: [(String, StateValue)] {
        [("_milestones", .list(milestones.map { .int($0) })), ("_schedulers", .list(schedulers.map { $0.stateDict() }))]
    }

    public override func restore(_ state: StateValue) {
        for (s, saved) in zip(schedulers, state["_schedulers"]?.arrayValue ?? []) { s.loadStateDict(saved) }
    }
}
