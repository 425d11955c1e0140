/// Moves the learning-rate factor linearly from `startFactor` to `endFactor` over
/// `totalIters` steps (`LinearLR`), the usual warm-up.
public final class LinearLR: LRScheduler {
    public private(set) var startFactor: Double
    public private(set) var endFactor: Double
    public private(set) var totalIters: Int

    public init(_ optimizer: Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIters: Int = 5,
                lastEpoch: Int = -1) {
        if startFactor > 1 || startFactor <= 0 {
            argumentError("LinearLR", "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        if endFactor > 1 || endFactor < 0 {
            argumentError("LinearLR", "Ending multiplicative factor expected to be between 0 and 1.")
        }
        (self.startFactor, self.endFactor, self.totalIters) = (startFactor, endFactor, totalIters)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        if lastEpoch == 0 { return currentLrs.map { $0 * startFactor } }
        if isInitial || lastEpoch > totalIters { return currentLrs }
        let ratio = 1.0 + (endFactor - startFactor)
            / (Double(totalIters) * startFactor + Double(lastEpoch - 1) * (endFactor - startFactor))
        return currentLrs.map { $0 * ratio }
    }

    public override func closedFormLr() -> [Double]? {
        baseLrs.map { $0 * (startFactor + (endFactor - startFactor) * Double(min(totalIters, lastEpoch)) / Double(totalIters)) }
    }

    public override var stateEntries: [(String, StateValue)] {
        [("start_factor", .double(startFactor)), ("end_factor", .double(endFactor)), ("total_iters", .int(totalIters))]
    }

    public override func restore(_ state: StateValue) {
        if let v = state["start_factor"]?.doubleValue { startFactor = v }
        if let v = state["end_factor"]?.doubleValue { endFactor = v }
        if let v = state["total_iters"]?.intValue { totalIters = v }
    }
}
