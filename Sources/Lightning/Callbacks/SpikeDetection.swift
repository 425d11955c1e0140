import Foundation
import Metrics
import Torch

/// Ends training when the loss spikes (Lightning's `SpikeDetection`): after `warmup` batches, a
/// loss that is not an improvement on the last one and differs from the running mean of the
/// last `window` losses by at least `atol` and by at least `rtol` times that mean is a spike, as is
/// a non-finite loss when `finiteOnly`. Every rank stops if any rank saw one: the batch and the
/// one before it are added to `excludeBatchesPath` (`skip_batches.json` in the root folder by
/// default), a JSON list to leave out when training again, and `fit` throws `TrainingSpikeError`.
public final class SpikeDetection: Callback {
    public let mode: MonitorMode
    public let window: Int
    public let warmup: Int
    public let atol: Double?
    public let rtol: Double?
    public let finiteOnly: Bool
    /// Where the batches to exclude are written; nil: `skip_batches.json` in the root folder.
    public private(set) var excludeBatchesPath: String?
    /// The batch indices excluded so far.
    public private(set) var badBatches: [Int] = []
    private let runningMean: RunningMean
    private var lastValue = 0.0

    public init(mode: MonitorMode = .min, window: Int = 10, warmup: Int = 1, atol: Double? = nil, rtol: Double? = 2,
                excludeBatchesPath: String? = nil, finiteOnly: Bool = true) {
        (self.mode, self.window, self.warmup, self.atol, self.rtol) = (mode, window, warmup, atol, rtol)
        (self.excludeBatchesPath, self.finiteOnly) = (excludeBatchesPath, finiteOnly)
        runningMean = RunningMean(window: window)
    }

    private func isSpike(_ loss: Double) -> Bool {
        if finiteOnly && !loss.isFinite { return true }
        let difference = loss - lastValue
        if mode == .min ? difference <= 0 : difference >= 0 { return false }
        let mean: Double = runningMean.compute().item()
        let farFromMean = { (tolerance: Double) in abs(loss - mean) >= abs(tolerance) }
        return (atol.map(farFromMean) ?? true) && (rtol.map { farFromMean($0 * mean) } ?? true)
    }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        guard let loss else { return }
        let value: Double = loss.detach().to(dtype: .float64).item()
        let strategy = trainer.strategyPlugin
        let spike = try strategy.reduceBooleanDecision(batchIdx >= warmup && isSpike(value))
        if spike {
            badBatches += [batchIdx - 1, batchIdx]
            let path = excludeBatchesPath.map { $0.hasSuffix(".json") ? $0 : ($0 as NSString).appendingPathComponent("skip_batches.json") }
                ?? (trainer.options.defaultRootDir as NSString).appendingPathComponent("skip_batches.json")
            excludeBatchesPath = path
            if strategy.isGlobalZero {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try JSONSerialization.data(withJSONObject: badBatches, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: path))
            }
            throw TrainingSpikeError(batchIdx: batchIdx)
        }
        if try finiteOnly || strategy.reduceBooleanDecision(value.isFinite, all: true) {
            runningMean.update(Tensor(value))
            lastValue = value
        }
    }

    public func stateDict() -> StateValue {
        .dict([("last_val", .double(lastValue)), ("bad_batches", .list(badBatches.map { .int($0) })),
               ("bad_batches_path", excludeBatchesPath.map { .string($0) } ?? .none)])
    }

    public func loadStateDict(_ state: StateValue) {
        lastValue = state["last_val"]?.doubleValue ?? 0
        badBatches = state["bad_batches"]?.arrayValue?.compactMap(\.intValue) ?? []
        excludeBatchesPath = state["bad_batches_path"]?.stringValue ?? excludeBatchesPath
    }
}

/// A loss spike ended training (Lightning's `TrainingSpikeException`).
public struct TrainingSpikeError: Error, CustomStringConvertible {
    /// The batch whose loss spiked.
    public let batchIdx: Int
    public var description: String { "Training spike detected in batch \(batchIdx)" }
}
