import Foundation

/// Decays the learning rate by a polynomial of `power` to zero over `totalIters` steps
/// (`PolynomialLR`).
public final class PolynomialLR: LRScheduler {
    public private(set) var totalIters: Int
    public private(set) var power: Double

    public init(_ optimizer: Optimizer, totalIters: Int = 5, power: Double = 1, lastEpoch: Int = -1) {
        (self.totalIters, self.power) = (totalIters, power)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        if isInitial || lastEpoch > totalIters { return currentLrs }
        let total = Double(totalIters), epoch = Double(lastEpoch)
        let decay = Foundation.pow((1.0 - epoch / total) / (1.0 - (epoch - 1) / total), power)
        return currentLrs.map { $0 * decay }
    }

    public override func closedFormLr() -> [Double]? {
        baseLrs.map { $0 * Foundation.pow(1.0 - Double(min(totalIters, lastEpoch)) / Double(totalIters), power) }
    }

    public override var stateEntries: [(String, StateValue)] { [("total_iters", .int(totalIters)), ("power", .double(power))] }

    public override func restore(_ state: StateValue) {
        if let v = state["total_iters"]?.intValue { totalIters = v }
        if let v = state["power"]?.doubleValue { power = v }
    }
}
