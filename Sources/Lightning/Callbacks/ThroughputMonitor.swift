import Foundation
import Torch

/// Logs how fast training goes (Lightning's `ThroughputMonitor`): every `logEveryNSteps`
/// optimizer steps, `train/time` (training only, validation excluded), `train/batches`,
/// `train/samples` (and `train/items` with `length`), and once `windowSize` batches have been
/// seen, rates over the last `windowSize` of them: `train/device/batches_per_sec`,
/// `train/device/samples_per_sec` (`items_per_sec`), the same over all devices without
/// `/device`, and, when `flopsPerBatch` (this device's FLOPs of a training batch, forward and
/// backward) is given, `train/device/flops_per_sec`, `train/flops_per_sec` and, with
/// `peakFlopsPerDevice`, the model FLOPs utilisation `train/device/mfu`. CUDA is synchronised
/// before each reading, so the rates are the device's.
public final class ThroughputMonitor: Callback {
    /// The number of samples in a batch.
    public let batchSize: (Any) -> Int
    /// The number of items (tokens, pixels...) in a batch, for `items_per_sec`.
    public let length: ((Any) -> Int)?
    public let windowSize: Int
    public let separator: String
    public let flopsPerBatch: Double?
    public let peakFlopsPerDevice: Double?

    private var start = 0.0, pausedAt: Double?
    private var batches = 0, samples = 0, items = 0
    /// (time, batches, samples, items) at the end of each of the last `windowSize` batches.
    private var window: [(time: Double, batches: Int, samples: Int, items: Int)] = []

    public init(batchSize: @escaping (Any) -> Int, length: ((Any) -> Int)? = nil, windowSize: Int = 100, separator: String = "/",
                flopsPerBatch: Double? = nil, peakFlopsPerDevice: Double? = nil) {
        (self.batchSize, self.length, self.windowSize, self.separator) = (batchSize, length, max(windowSize, 2), separator)
        (self.flopsPerBatch, self.peakFlopsPerDevice) = (flopsPerBatch, peakFlopsPerDevice)
    }

    private func now(_ trainer: Trainer) throws -> Double {
        if case .cuda(let index) = trainer.acceleratorPlugin.device { try CUDA.synchronize(index) }
        return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    public func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        (start, pausedAt, batches, samples, items, window) = (try now(trainer), nil, 0, 0, 0, [])
    }

    public func onValidationStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if trainer.stage == .fit && !trainer.sanityChecking { pausedAt = try now(trainer) }
    }

    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard let pausedAt else { return }
        start += try now(trainer) - pausedAt
        self.pausedAt = nil
    }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        let time = try now(trainer) - start
        batches += 1
        samples += batchSize(batch)
        items += length?(batch) ?? 0
        window.append((time, batches, samples, items))
        if window.count > windowSize { window.removeFirst() }
        guard trainer.batchesThatStepped % trainer.logEveryNSteps == 0 else { return }
        let key = { (parts: [String]) in (["train"] + parts).joined(separator: self.separator) }
        var metrics: [(String, Double)] = [(key(["time"]), time), (key(["batches"]), Double(batches)),
                                           (key(["samples"]), Double(samples))]
        if length != nil { metrics.append((key(["items"]), Double(items))) }
        if window.count == windowSize, let first = window.first, let last = window.last, last.time > first.time {
            let elapsed = last.time - first.time, devices = Double(trainer.worldSize)
            var rates = [("batches_per_sec", Double(last.batches - first.batches) / elapsed),
                         ("samples_per_sec", Double(last.samples - first.samples) / elapsed)]
            if length != nil { rates.append(("items_per_sec", Double(last.items - first.items) / elapsed)) }
            if let flopsPerBatch { rates.append(("flops_per_sec", flopsPerBatch * Double(last.batches - first.batches) / elapsed)) }
            for (name, rate) in rates {
                metrics.append((key(["device", name]), rate))
                metrics.append((key([name]), rate * devices))
            }
            if let flopsPerBatch, let peakFlopsPerDevice {
                metrics.append((key(["device", "mfu"]), flopsPerBatch * Double(last.batches - first.batches) / elapsed / peakFlopsPerDevice))
            }
        }
        for logger in trainer.loggers { try logger.logMetrics(metrics, step: trainer.batchesThatStepped) }
    }
}
