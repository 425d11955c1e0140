import Foundation

/// Multiplies the learning rate by `gamma` at each milestone (`MultiStepLR`).
public final class MultiStepLR: LRScheduler {
    public private(set) var milestones: [Int]
    public private(set) var gamma: Double

    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Double = 0.1, lastEpoch: Int = -1) {
        (self.milestones, self.gamma) = (milestones.sorted(), gamma)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        let count = milestones.filter { $0 == lastEpoch }.count
        if count == 0 { return currentLrs }
        return currentLrs.map { $0 * Foundation.pow(gamma, Double(count)) }
    }

    public override func closedFormLr() -> [Double]? {
        let passed = milestones.filter { $0 <= lastEpoch }.count
        return baseLrs.map { $0 * Foundation.pow(gamma, Double(passed)) }
    }

    public override var stateEntries: [(String, StateValue)] {
        var counts: [(key: StateValue, value: StateValue)] = []
        for m in milestones where !counts.contains(where: { $0.key.intValue == m }) {
            counts.append((.int(m), .int(milestones.filter { $0 == m }.count)))
        }
        return [("milestones", .dict(counts)), ("gamma", .double(gamma))]
    }

    public override func restore(_ state: StateValue) {
        if let v = state["milestones"]?.dictValue {
            milestones = v.flatMap { Array(repeating: $0.key.intValue ?? 0, count: $0.value.intValue ?? 0) }.sorted()
        }
        if let v = state["gamma"]?.doubleValue { gamma = v }
    }
}
