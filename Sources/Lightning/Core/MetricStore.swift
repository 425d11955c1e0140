import Metrics
import Torch

/// The values logged with `log` during one stage: the latest value per name, and a
/// batch-size-weighted sum kept on the device for the epoch mean (no host sync per step); for
/// a metric object, the object, which accumulates (and synchronises) by itself.
final class MetricStore {
    struct Entry {
        var last: Tensor
        var sum: Tensor?
        var weight: Double = 0
        var onStep: Bool
        var onEpoch: Bool
        var progressBar: Bool
        var syncDist: Bool
        var metric: Metric?
    }

    private(set) var names: [String] = []
    private var entries: [String: Entry] = [:]

    func log(_ name: String, _ value: Tensor, batchSize: @autoclosure () -> Int, onStep: Bool, onEpoch: Bool, progressBar: Bool,
             syncDist: Bool) {
        let v = value.detach()
        var entry = entries[name] ?? Entry(last: v, onStep: onStep, onEpoch: onEpoch, progressBar: progressBar, syncDist: syncDist)
        entry.last = v
        if onEpoch {
            let size = Double(batchSize())
            let weighted = v.to(dtype: .float64) * size
            entry.sum = entry.sum.map { $0 + weighted } ?? weighted
            entry.weight += size
        }
        if entries[name] == nil { names.append(name) }
        entries[name] = entry
    }

    /// Records a metric object: its latest batch value, and the object for the epoch value.
    func log(_ name: String, metric: Metric, onStep: Bool, onEpoch: Bool, progressBar: Bool) {
        let last = metric.batchValue ?? entries[name]?.last ?? Tensor(Float.nan)
        if entries[name] == nil { names.append(name) }
        entries[name] = Entry(last: last, onStep: onStep && metric.batchValue != nil, onEpoch: onEpoch,
                              progressBar: progressBar, syncDist: false, metric: metric)
    }

    /// Values to log after a step: `name` or `name_step` when also aggregated per epoch;
    /// `syncDist` values are first replaced by their mean over ranks (one collective for all).
    func stepValues(strategy: StrategyPlugin) throws -> [(String, Tensor, progressBar: Bool)] {
        let stepNames = names.filter { entries[$0]!.onStep }
        let synced = stepNames.filter { entries[$0]!.syncDist }
        if strategy.worldSize > 1 && !synced.isEmpty {
            let packed = Tensor.cat(synced.map { entries[$0]!.last.to(dtype: .float64).reshape([-1]) })
            try strategy.allReduce(packed, op: .sum)
            let means = (packed / Double(strategy.worldSize)).split(sizes: synced.map { entries[$0]!.last.numel })
            for (name, mean) in zip(synced, means) {
                entries[name]!.last = mean.reshape(entries[name]!.last.shape).to(dtype: entries[name]!.last.dtype)
            }
        }
        return stepNames.map { name in
            let e = entries[name]!
            return (e.onEpoch ? name + "_step" : name, e.last, e.progressBar)
        }
    }

    /// Sums the epoch aggregates of `syncDist` values over ranks, so that epoch values are
    /// means over every rank's samples (one collective for all, once per epoch).
    func synchronizeEpochSums(strategy: StrategyPlugin) throws {
        let synced = names.filter { entries[$0]!.syncDist && entries[$0]!.sum != nil && entries[$0]!.metric == nil }
        guard strategy.worldSize > 1, !synced.isEmpty else { return }
        let sums = synced.map { entries[$0]!.sum!.reshape([-1]) }
        let packed = Tensor.cat(sums + [Tensor(synced.map { entries[$0]!.weight })])
        try strategy.allReduce(packed, op: .sum)
        let parts = packed.split(sizes: sums.map(\.numel) + [synced.count])
        let weights = parts.last!.scalars(as: Double.self)
        for (i, name) in synced.enumerated() {
            entries[name]!.sum = parts[i].reshape(entries[name]!.sum!.shape)
            entries[name]!.weight = weights[i]
        }
    }

    /// Epoch means: `name` or `name_epoch` when also logged per step.
    func epochValues() -> [(String, Tensor, plainName: String, progressBar: Bool)] {
        names.compactMap { name in
            let e = entries[name]!
            if let metric = e.metric {
                guard e.onEpoch else { return nil }
                let value = metric.compute()
                metric.reset()
                return (e.onStep ? name + "_epoch" : name, value, name, e.progressBar)
            }
            guard e.onEpoch, let sum = e.sum, e.weight > 0 else { return nil }
            return (e.onStep ? name + "_epoch" : name, (sum / e.weight).to(dtype: e.last.dtype), name, e.progressBar)
        }
    }

    /// The latest values, for `callbackMetrics` during the epoch.
    func latest() -> [(String, Tensor)] { names.map { ($0, entries[$0]!.last) } }

    func reset() {
        names = []
        entries = [:]
    }
}

/// The number of samples in a batch: the first dimension of its first tensor (tuples, arrays
/// and dictionaries are searched through their mirrors).
func inferBatchSize(_ batch: Any) -> Int {
    if let t = batch as? Tensor { return t.dim > 0 ? t.size(0) : 1 }
    for child in Mirror(reflecting: batch).children {
        let n = inferBatchSize(child.value)
        if n > 0 { return n }
    }
    return 0
}
