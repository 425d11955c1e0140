import Foundation

/// Anneals the learning rate along a cosine from its initial value to `etaMin` over `tMax`
/// steps (`CosineAnnealingLR`).
public final class CosineAnnealingLR: LRScheduler {
    public private(set) var tMax: Int
    public private(set) var etaMin: Double

    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Double = 0, lastEpoch: Int = -1) {
        (self.tMax, self.etaMin) = (tMax, etaMin)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        let t = Double(tMax), e = Double(lastEpoch)
        if isInitial { return currentLrs }
        if stepCount == 1 && lastEpoch > 0 {
            return baseLrs.map { etaMin + ($0 - etaMin) * (1 + cos(e * Double.pi / t)) / 2 }
        }
        if (lastEpoch - 1 - tMax).floorMod(2 * tMax) == 0 {
            return zip(baseLrs, currentLrs).map { base, lr in lr + (base - etaMin) * (1 - cos(Double.pi / t)) / 2 }
        }
        return currentLrs.map {
            (1 + cos(Double.pi * e / t)) / (1 + cos(Double.pi * (e - 1) / t)) * ($0 - etaMin) + etaMin
        }
    }

    public override func closedFormLr() -> [Double]? {
        baseLrs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * Double(lastEpoch) / Double(tMax))) / 2 }
    }

    public override var stateEntries: [(String, StateValue)] { [("T_max", .int(tMax)), ("eta_min", .double(etaMin))] }

    public override func restore(_ state: StateValue) {
        if let v = state["T_max"]?.intValue { tMax = v }
        if let v = state["eta_min"]?.doubleValue { etaMin = v }
    }
}

extension Int {
    /// Python's `%`: the result has the divisor's sign.
    func floorMod(_ divisor: Int) -> Int {
        let r = self % divisor
        return r != 0 && (r < 0) != (divisor < 0) ? r + divisor : r
    }
}
