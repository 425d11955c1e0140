import Foundation

/// The 1cycle policy (`OneCycleLR`): the learning rate rises from `maxLr / divFactor` to
/// `maxLr`, then anneals far below the start, while momentum (or Adam's beta1) moves the other
/// way. Step it once per batch.
public final class OneCycleLR: LRScheduler {
    /// How each phase interpolates.
    public enum AnnealStrategy: String, Sendable { case cos, linear }

    struct Phase {
        let endStep: Double
        let startLr: String, endLr: String, startMomentum: String, endMomentum: String
    }

    public let totalSteps: Int
    public let annealStrategy: AnnealStrategy
    public let cycleMomentum: Bool
    let phases: [Phase]
    let useBeta1: Bool

    public init(_ optimizer: Optimizer, maxLr: [Double], totalSteps: Int, pctStart: Double = 0.3,
                annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true, baseMomentum: Double = 0.85,
                maxMomentum: Double = 0.95, divFactor: Double = 25, finalDivFactor: Double = 1e4,
                threePhase: Bool = false, lastEpoch: Int = -1) {
        if totalSteps <= 0 { argumentError("OneCycleLR", "Expected positive integer total_steps, but got \(totalSteps)") }
        if pctStart < 0 || pctStart > 1 { argumentError("OneCycleLR", "Expected float between 0 and 1 pct_start, but got \(pctStart)") }
        let total = Double(totalSteps)
        phases = threePhase
            ? [Phase(endStep: pctStart * total - 1, startLr: "initial_lr", endLr: "max_lr", startMomentum: "max_momentum", endMomentum: "base_momentum"),
               Phase(endStep: 2 * pctStart * total - 2, startLr: "max_lr", endLr: "initial_lr", startMomentum: "base_momentum", endMomentum: "max_momentum"),
               Phase(endStep: total - 1, startLr: "initial_lr", endLr: "min_lr", startMomentum: "max_momentum", endMomentum: "max_momentum")]
            : [Phase(endStep: pctStart * total - 1, startLr: "initial_lr", endLr: "max_lr", startMomentum: "max_momentum", endMomentum: "base_momentum"),
               Phase(endStep: total - 1, startLr: "max_lr", endLr: "min_lr", startMomentum: "base_momentum", endMomentum: "max_momentum")]
        (self.totalSteps, self.annealStrategy, self.cycleMomentum) = (totalSteps, annealStrategy, cycleMomentum)
        let maxLrs = maxLr.count == 1 ? Array(repeating: maxLr[0], count: optimizer.paramGroups.count) : maxLr
        if maxLrs.count != optimizer.paramGroups.count {
            argumentError("OneCycleLR", "expected \(optimizer.paramGroups.count) values for max_lr, got \(maxLr.count)")
        }
        if lastEpoch == -1 {
            for (group, lr) in zip(optimizer.paramGroups, maxLrs) {
                group["initial_lr"] = .double(lr / divFactor)
                group["max_lr"] = .double(lr)
                group["min_lr"] = .double(lr / divFactor / finalDivFactor)
            }
        }
        let defaults = Set(optimizer.defaults.map(\.0))
        useBeta1 = defaults.contains("betas")
        if cycleMomentum {
            if !defaults.contains("momentum") && !useBeta1 {
                argumentError("OneCycleLR", "optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
            if lastEpoch == -1 {
                for group in optimizer.paramGroups {
                    setMomentum(group, maxMomentum, useBeta1: useBeta1)
                    group["max_momentum"] = .double(maxMomentum)
                    group["base_momentum"] = .double(baseMomentum)
                }
            }
        }
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    /// The schedule over `epochs` epochs of `stepsPerEpoch` steps (PyTorch's `epochs` and
    /// `steps_per_epoch`: `totalSteps` is their product).
    public convenience init(_ optimizer: Optimizer, maxLr: Double, epochs: Int, stepsPerEpoch: Int, pctStart: Double = 0.3,
                            annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                            baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25,
                            finalDivFactor: Double = 1e4, threePhase: Bool = false) {
        if epochs <= 0 || stepsPerEpoch <= 0 {
            argumentError("OneCycleLR", "Expected positive integers epochs and steps_per_epoch, but got \(epochs) and \(stepsPerEpoch)")
        }
        self.init(optimizer, maxLr: maxLr, totalSteps: epochs * stepsPerEpoch, pctStart: pctStart, annealStrategy: annealStrategy,
                  cycleMomentum: cycleMomentum, baseMomentum: baseMomentum, maxMomentum: maxMomentum,
                  divFactor: divFactor, finalDivFactor: finalDivFactor, threePhase: threePhase)
    }

    /// One maximum learning rate for every group.
    public convenience init(_ optimizer: Optimizer, maxLr: Double, totalSteps: Int, pctStart: Double = 0.3,
                            annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                            baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25,
                            finalDivFactor: Double = 1e4, threePhase: Bool = false) {
        self.init(optimizer, maxLr: [maxLr], totalSteps: totalSteps, pctStart: pctStart, annealStrategy: annealStrategy,
                  cycleMomentum: cycleMomentum, baseMomentum: baseMomentum, maxMomentum: maxMomentum,
                  divFactor: divFactor, finalDivFactor: finalDivFactor, threePhase: threePhase)
    }

    private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch annealStrategy {
        case .cos: return end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
        case .linear: return (end - start) * pct + start
        }
    }

    public override func getLr() -> [Double] {
        let stepNumber = Double(lastEpoch)
        if lastEpoch > totalSteps {
            argumentError("OneCycleLR", "Tried to step \(lastEpoch) times. The specified number of total steps is \(totalSteps)")
        }
        return optimizer.paramGroups.map { group in
            var start = 0.0
            for (i, phase) in phases.enumerated() {
                if stepNumber <= phase.endStep || i == phases.count - 1 {
                    let pct = (stepNumber - start) / (phase.endStep - start)
                    if cycleMomentum {
                        let m = anneal(group.double(phase.startMomentum), group.double(phase.endMomentum), pct)
                        setMomentum(group, m, useBeta1: useBeta1)
                    }
                    return anneal(group.double(phase.startLr), group.double(phase.endLr), pct)
                }
                start = phase.endStep
            }
            return group.lr
        }
    }

    public override var stateEntries: [(String, StateValue)] {
        [("total_steps", .int(totalSteps)), ("_anneal_func_type", .string(annealStrategy.rawValue)),
         ("cycle_momentum", .bool(cycleMomentum)), ("use_beta1", .bool(useBeta1))]
    }
}
