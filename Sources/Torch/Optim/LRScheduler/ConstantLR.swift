/// Scales the learning rate by `factor` for the first `totalIters` steps (`ConstantLR`).
public final class ConstantLR: LRScheduler {
    public private(set) var factor: Double
    public private(set) var totalIters: Int

    public init(_ optimizer: Optimizer, factor: Double = 1.0 / 3, totalIters: Int = 5, lastEpoch: Int = -1) {
        if factor > 1 || factor < 0 {
            argumentError("ConstantLR", "Constant multiplicative factor expected to be between 0 and 1.")
        }
        (self.factor, self.totalIters) = (factor, totalIters)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        if lastEpoch == 0 { return currentLrs.map { $0 * factor } }
        if lastEpoch != totalIters { return currentLrs }
        return currentLrs.map { $0 * (1.0 / factor) }
    }

    public override func closedFormLr() -> [Double]? {
        baseLrs.map { $0 * (factor + (lastEpoch >= totalIters ? 1 : 0) * (1 - factor)) }
    }

    public override var stateEntries: [(String, StateValue)] {
        [("factor", .double(factor)), ("total_iters", .int(totalIters))]
    }

    public override func restore(_ state: StateValue) {
        if let v = state["factor"]?.doubleValue { factor = v }
        if let v = state["total_iters"]?.intValue { totalIters = v }
    }
}
