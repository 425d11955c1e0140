/// Cuts the learning rate by `factor` when a monitored metric has not improved for
/// `patience` steps (`ReduceLROnPlateau`); step it with the metric.
public final class ReduceLROnPlateau: LRScheduler {
    /// Whether lower or higher metric values are better.
    public enum Mode: String, Sendable { case min, max }
    /// Whether `threshold` is relative to the best value or absolute.
    public enum ThresholdMode: String, Sendable { case rel, abs }

    public let mode: Mode, thresholdMode: ThresholdMode
    public let factor: Double, threshold: Double, eps: Double
    public let patience: Int, cooldown: Int
    public private(set) var minLrs: [Double]
    /// The best metric seen.
    public private(set) var best: Double
    public private(set) var numBadEpochs = 0
    public private(set) var cooldownCounter = 0

    public init(_ optimizer: Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLr: [Double]? = nil, eps: Double = 1e-8) {
        if factor >= 1 { argumentError("ReduceLROnPlateau", "Factor should be < 1.0.") }
        (self.mode, self.thresholdMode, self.factor, self.threshold) = (mode, thresholdMode, factor, threshold)
        (self.eps, self.patience, self.cooldown) = (eps, patience, cooldown)
        minLrs = minLr ?? Array(repeating: 0, count: optimizer.paramGroups.count)
        if minLrs.count != optimizer.paramGroups.count {
            argumentError("ReduceLROnPlateau", "expected \(optimizer.paramGroups.count) min_lrs, got \(minLrs.count)")
        }
        best = mode == .min ? .infinity : -.infinity
        super.init(managing: optimizer, lastEpoch: 0)
    }

    /// Needs the metric: call `step(_:)`.
    public override func step() {
        argumentError("ReduceLROnPlateau", "step() needs the monitored metric: call step(metric)")
    }

    /// Records one value of the monitored metric and reduces the learning rates after
    /// `patience` steps without improvement.
    public func step(_ metric: Double) {
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        if numBadEpochs > patience {
            for (i, group) in optimizer.paramGroups.enumerated() {
                let old = group.lr
                let new = Swift.max(old * factor, minLrs[i])
                if old - new > eps { group.lr = new }
            }
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        lastLr = currentLrs
    }

    private func isBetter(_ a: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return a < best * (1.0 - threshold)
        case (.min, .abs): return a < best - threshold
        case (.max, .rel): return a > best * (threshold + 1.0)
        case (.max, .abs): return a > best + threshold
        }
    }

    public override var stateEntries: [(String, StateValue)] {
        [("factor", .double(factor)), ("min_lrs", .list(minLrs.map { .double($0) })), ("patience", .int(patience)),
         ("cooldown", .int(cooldown)), ("eps", .double(eps)), ("mode", .string(mode.rawValue)),
         ("threshold", .double(threshold)), ("threshold_mode", .string(thresholdMode.rawValue)),
         ("best", .double(best)), ("cooldown_counter", .int(cooldownCounter)), ("num_bad_epochs", .int(numBadEpochs))]
    }

    public override func restore(_ state: StateValue) {
        if let v = state["best"]?.doubleValue { best = v }
        if let v = state["cooldown_counter"]?.intValue { cooldownCounter = v }
        if let v = state["num_bad_epochs"]?.intValue { numBadEpochs = v }
        if let v = state["min_lrs"]?.arrayValue { minLrs = v.compactMap(\.doubleValue) }
    }
}
