import Foundation

/// Multiplies the learning rate by `gamma` every step (`ExponentialLR`).
public final class ExponentialLR: LRScheduler {
    public private(set) var gamma: Double

    public init(_ optimizer: Optimizer, gamma: Double, lastEpoch: Int = -1) {
        self.gamma = gamma
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] { isInitial ? currentLrs : currentLrs.map { $0 * gamma } }

    public override func closedFormLr() -> [Double]? { baseLrs.map { $0 * Foundation.pow(gamma, Double(lastEpoch)) } }

    public override var stateEntries: [(String, StateValue)] { [("gamma", .double(gamma))] }

    public override func restore(_ state: StateValue) {
        if let v = state["gamma"]?.doubleValue { gamma = v }
    }
}
