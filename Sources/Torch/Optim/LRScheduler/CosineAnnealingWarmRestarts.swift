import Foundation

/// Cosine annealing restarted every `tI` steps, the period growing by `tMult` after each
/// restart (`CosineAnnealingWarmRestarts`, SGDR).
public final class CosineAnnealingWarmRestarts: LRScheduler {
    public private(set) var t0: Int
    public private(set) var tI: Int
    public private(set) var tMult: Int
    public private(set) var etaMin: Double
    /// Steps since the last restart (fractional when stepped with fractional epochs).
    public private(set) var tCur: Double

    public init(_ optimizer: Optimizer, t0: Int, tMult: Int = 1, etaMin: Double = 0, lastEpoch: Int = -1) {
        if t0 <= 0 { argumentError("CosineAnnealingWarmRestarts", "Expected positive integer T_0, but got \(t0)") }
        if tMult < 1 { argumentError("CosineAnnealingWarmRestarts", "Expected integer T_mult >= 1, but got \(tMult)") }
        (self.t0, self.tI, self.tMult, self.etaMin, self.tCur) = (t0, t0, tMult, etaMin, Double(lastEpoch))
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLr() -> [Double] {
        baseLrs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * tCur / Double(tI))) / 2 }
    }

    public override func step() {
        if lastEpoch < 0 { return step(epoch: 0) }
        stepCount += 1
        tCur += 1
        if tCur >= Double(tI) {
            tCur = tCur.truncatingRemainder(dividingBy: Double(tI))
            tI *= tMult
        }
        apply(epoch: lastEpoch + 1)
    }

    /// Jumps to a (possibly fractional) epoch, as `scheduler.step(epoch + i / iters)` does in PyTorch.
    public func step(epoch: Double) {
        stepCount += 1
        if epoch < 0 { argumentError("CosineAnnealingWarmRestarts", "Expected non-negative epoch, but got \(epoch)") }
        if epoch >= Double(t0) {
            if tMult == 1 {
                tCur = epoch.truncatingRemainder(dividingBy: Double(t0))
            } else {
                let n = Int(log(epoch / Double(t0) * Double(tMult - 1) + 1) / log(Double(tMult)))
                tCur = epoch - Double(t0) * (Foundation.pow(Double(tMult), Double(n)) - 1) / Double(tMult - 1)
                tI = t0 * Int(Foundation.pow(Double(tMult), Double(n)))
            }
        } else {
            tI = t0
            tCur = epoch
        }
        apply(epoch: Int(epoch.rounded(.down)))
    }

    private func apply(epoch: Int) {
        lastEpoch = epoch
        for (group, lr) in zip(optimizer.paramGroups, getLr()) { group.lr = lr }
        lastLr = currentLrs
    }

    public override var stateEntries: [(String, StateValue)] {
        [("T_0", .int(t0)), ("T_i", .int(tI)), ("T_mult", .int(tMult)), ("eta_min", .double(etaMin)),
         ("T_cur", tCur == tCur.rounded() ? .int(Int(tCur)) : .double(tCur))]
    }

    public override func restore(_ state: StateValue) {
        if let v = state["T_0"]?.intValue { t0 = v }
        if let v = state["T_i"]?.intValue { tI = v }
        if let v = state["T_mult"]?.intValue { tMult = v }
        if let v = state["eta_min"]?.doubleValue { etaMin = v }
        if let v = state["T_cur"]?.doubleValue { tCur = v }
    }
}
