import Foundation
import Torch

/// The learning-rate range test (`LearningRateFinder`): before training, runs `numTraining`
/// training steps (through the strategy and precision plug-in, as fitting does) with the
/// learning rate rising from `minLr` to `maxLr`, records the smoothed loss (its mean over ranks),
/// stops early when it exceeds `earlyStopThreshold` times the best, restores the model,
/// optimizer, loss scaler and RNG, and suggests the rate where the loss falls fastest. With `update`, the
/// suggestion is handed to the model (set its learning rate there) and the optimizers are made again.
public final class LearningRateFinder: Callback {
    /// How the learning rate rises.
    public enum Mode: String, Sendable { case exponential, linear }

    public let minLr: Double, maxLr: Double, numTraining: Int, mode: Mode
    public let earlyStopThreshold: Double?
    let update: ((LightningModuleBase, Double) -> Void)?
    /// The learning rates tried and their smoothed losses.
    public private(set) var results: (lr: [Double], loss: [Double]) = ([], [])
    /// The suggested learning rate, once found.
    public private(set) var suggestion: Double?

    public init(minLr: Double = 1e-8, maxLr: Double = 1, numTraining: Int = 100, mode: Mode = .exponential,
                earlyStopThreshold: Double? = 4, update: ((LightningModuleBase, Double) -> Void)? = nil) {
        (self.minLr, self.maxLr, self.numTraining, self.mode) = (minLr, maxLr, numTraining, mode)
        (self.earlyStopThreshold, self.update) = (earlyStopThreshold, update)
    }

    /// The learning rate of step `i` of the range test.
    func lr(at i: Int) -> Double {
        let r = Double(i) / Double(max(1, numTraining - 1))
        return mode == .exponential ? minLr * Foundation.pow(maxLr / minLr, r) : minLr + (maxLr - minLr) * r
    }

    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard let run = trainer.trainingSteps, let optimizer = trainer.optimizers.first, module.automaticOptimization else {
            throw TrainerError.misconfiguration("LearningRateFinder needs automatic optimization with one optimizer")
        }
        let weights = StateDict(module.stateDict().map { ($0.key, $0.value.clone()) })
        let optimizerState = optimizer.stateDict()
        let lrs = optimizer.paramGroups.map(\.lr)
        let rng = Generator.default().state
        let precisionState = trainer.precisionPlugin.stateDict()
        let beta = 0.98
        var average = 0.0, best = Double.infinity, step = 0
        results = ([], [])
        try run(numTraining, { i in
            for group in optimizer.paramGroups { group.lr = self.lr(at: i) }
        }) { loss in
            let lr = self.lr(at: step)
            average = beta * average + (1 - beta) * (try trainer.strategyPlugin.reduceMean(loss)).item()
            let smoothed = average / (1 - Foundation.pow(beta, Double(step + 1)))
            results.lr.append(lr)
            results.loss.append(smoothed)
            if let threshold = earlyStopThreshold, step > 1, smoothed > threshold * best { return false }
            best = min(best, smoothed)
            step += 1
            return true
        }
        try module.loadStateDict(weights)
        try optimizer.loadStateDict(optimizerState)
        for (group, lr) in zip(optimizer.paramGroups, lrs) { group.lr = lr }
        Generator.default().state = rng
        trainer.precisionPlugin.loadStateDict(precisionState)
        suggestion = Self.suggest(results)
        if let suggestion, let update {
            update(module, suggestion)
            try trainer.configureOptimizers(module)
        }
    }

    /// The rate at the steepest descent of the loss, skipping the first 10 and the last point
    /// (Lightning's `suggestion`); nil when too few finite points remain.
    static func suggest(_ results: (lr: [Double], loss: [Double]), skipBegin: Int = 10, skipEnd: Int = 1) -> Double? {
        guard results.loss.count > skipBegin + skipEnd else { return nil }
        let kept = Array(results.loss[skipBegin..<(results.loss.count - skipEnd)].enumerated().filter { $0.element.isFinite })
        guard kept.count >= 2 else { return nil }
        let f = kept.map(\.element)
        let gradient = f.indices.map { i -> Double in
            i == 0 ? f[1] - f[0] : i == f.count - 1 ? f[i] - f[i - 1] : (f[i + 1] - f[i - 1]) / 2
        }
        let best = gradient.indices.min { gradient[$0] < gradient[$1] }!
        return results.lr[skipBegin + kept[best].offset]
    }
}
