import Foundation

/// Multiplies the learning rate by `gamma` every `stepSize` steps (`StepLR`).
public final class StepLR: LRScheduler {
    public private(set) var stepSize: Int
    public private(set) var gamma: Double

    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1, lastEpoch: Int = -1) {
        (self.stepSize, self.gamma) = (stepSize, gamma)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return currentLrs }
        return currentLrs.map { $0 * gamma }
    }

    public override func closedFormLr() -> [Double]? {
        baseLrs.map { $0 * Foundation.pow(gamma, Double(lastEpoch / stepSize)) }
    }

    public override var stateEntries: [(String, StateValue)] { [("step_size", .int(stepSize)), ("gamma", .double(gamma))] }

    public override func restore(_ state: StateValue) {
        if let v = state["step_size"]?.intValue { stepSize = v }
        if let v = state["gamma"]?.doubleValue { gamma = v }
    }
}
