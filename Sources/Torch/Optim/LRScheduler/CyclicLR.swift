import Foundation

/// Cycles the learning rate between `baseLr` and `maxLr` (and the momentum the other way)
/// at a constant frequency (`CyclicLR`), stepped after every batch.
public final class CyclicLR: LRScheduler {
    /// How the cycle's amplitude changes: constant, halved every cycle, or `gamma` to the step.
    public enum Mode: String, Sendable { case triangular, triangular2, expRange = "exp_range" }
    /// Whether a custom scale function takes the cycle number or the step.
    public enum ScaleMode: String, Sendable { case cycle, iterations }

    public private(set) var maxLrs: [Double]
    public private(set) var totalSize: Double
    public private(set) var stepRatio: Double
    public let mode: Mode
    public let gamma: Double
    public let cycleMomentum: Bool
    let scaleMode: ScaleMode
    let scale: (Double) -> Double
    let useBeta1: Bool
    var baseMomentums: [Double] = [], maxMomentums: [Double] = []

    /// With `scaleFn`, the amplitude is scaled by it (of the cycle number or the step, per
    /// `scaleMode`) instead of by `mode`'s rule.
    public init(_ optimizer: Optimizer, baseLr: [Double], maxLr: [Double], stepSizeUp: Int = 2000, stepSizeDown: Int? = nil,
                mode: Mode = .triangular, gamma: Double = 1, scaleFn: ((Double) -> Double)? = nil, scaleMode: ScaleMode = .cycle,
                cycleMomentum: Bool = true, baseMomentum: Double = 0.8, maxMomentum: Double = 0.9, lastEpoch: Int = -1) {
        let groups = optimizer.paramGroups.count
        func perGroup(_ name: String, _ values: [Double]) -> [Double] {
            if values.count == 1 { return Array(repeating: values[0], count: groups) }
            if values.count != groups { argumentError("CyclicLR", "expected \(groups) values for \(name), got \(values.count)") }
            return values
        }
        let baseLrs = perGroup("base_lr", baseLr)
        if lastEpoch == -1 { for (lr, group) in zip(baseLrs, optimizer.paramGroups) { group.lr = lr } }
        maxLrs = perGroup("max_lr", maxLr)
        let up = Double(stepSizeUp), down = stepSizeDown.map(Double.init) ?? Double(stepSizeUp)
        (totalSize, stepRatio) = (up + down, up / (up + down))
        (self.mode, self.gamma, self.cycleMomentum) = (mode, gamma, cycleMomentum)
        switch (scaleFn, mode) {
        case (let fn?, _): (scale, self.scaleMode) = (fn, scaleMode)
        case (nil, .triangular): (scale, self.scaleMode) = ({ _ in 1 }, .cycle)
        case (nil, .triangular2): (scale, self.scaleMode) = ({ 1 / Foundation.pow(2, $0 - 1) }, .cycle)
        case (nil, .expRange): (scale, self.scaleMode) = ({ Foundation.pow(gamma, $0) }, .iterations)
        }
        let defaults = Set(optimizer.defaults.map(\.0))
        useBeta1 = defaults.contains("betas")
        if cycleMomentum {
            if !defaults.contains("momentum") && !useBeta1 {
                argumentError("CyclicLR", "optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
            baseMomentums = perGroup("base_momentum", [baseMomentum])
            maxMomentums = perGroup("max_momentum", [maxMomentum])
            if lastEpoch == -1 {
                for (group, (high, low)) in zip(optimizer.paramGroups, zip(maxMomentums, baseMomentums)) {
                    setMomentum(group, high, useBeta1: useBeta1)
                    group["max_momentum"] = .double(high)
                    group["base_momentum"] = .double(low)
                }
            }
        }
        super.init(optimizer, lastEpoch: lastEpoch)
        self.baseLrs = baseLrs
    }

    /// One learning-rate range for every group.
    public convenience init(_ optimizer: Optimizer, baseLr: Double, maxLr: Double, stepSizeUp: Int = 2000, stepSizeDown: Int? = nil,
                            mode: Mode = .triangular, gamma: Double = 1, scaleFn: ((Double) -> Double)? = nil,
                            scaleMode: ScaleMode = .cycle, cycleMomentum: Bool = true, baseMomentum: Double = 0.8,
                            maxMomentum: Double = 0.9) {
        self.init(optimizer, baseLr: [baseLr], maxLr: [maxLr], stepSizeUp: stepSizeUp, stepSizeDown: stepSizeDown, mode: mode,
                  gamma: gamma, scaleFn: scaleFn, scaleMode: scaleMode, cycleMomentum: cycleMomentum,
                  baseMomentum: baseMomentum, maxMomentum: maxMomentum)
    }

    public override func getLr() -> [Double] {
        let epoch = Double(lastEpoch)
        let cycle = Foundation.floor(1 + epoch / totalSize)
        let x = 1.0 + epoch / totalSize - cycle
        let scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1)
        let factor = scale(scaleMode == .cycle ? cycle : epoch)
        let lrs = zip(baseLrs, maxLrs).map { base, high in base + (high - base) * scaleFactor * factor }
        if cycleMomentum {
            for (group, (low, high)) in zip(optimizer.paramGroups, zip(baseMomentums, maxMomentums)) {
                setMomentum(group, high - (high - low) * scaleFactor * factor, useBeta1: useBeta1)
            }
        }
        return lrs
    }

    public override var stateEntries: [(String, StateValue)] {
        var entries: [(String, StateValue)] = [
            ("max_lrs", .list(maxLrs.map { .double($0) })), ("total_size", .double(totalSize)), ("step_ratio", .double(stepRatio)),
            ("mode", .string(mode.rawValue)), ("gamma", .double(gamma)), ("_scale_fn_custom", .none),
            ("scale_mode", .string(scaleMode.rawValue)), ("cycle_momentum", .bool(cycleMomentum)),
        ]
        if cycleMomentum {
            entries += [("use_beta1", .bool(useBeta1)), ("base_momentums", .list(baseMomentums.map { .double($0) })),
                        ("max_momentums", .list(maxMomentums.map { .double($0) }))]
        }
        return entries
    }
}
