import Torch

/// The values logged with `log` during one stage: the latest value per name, and a
/// batch-size-weighted sum kept on the device for the epoch mean (no host sync per step).
final class MetricStore {
    struct Entry {
        var last: Tensor
        var sum: Tensor?
        var weight: Double = 0
        var onStep: Bool
        var onEpoch: Bool
        var progressBar: Bool
    }

    private(set) var names: [String] = []
    private var entries: [String: Entry] = [:]

    func log(_ name: String, _ value: Tensor, batchSize: @autoclosure () -> Int, onStep: Bool, onEpoch: Bool, progressBar: Bool) {
        let v = value.detach()
        var entry = entries[name] ?? Entry(last: v, onStep: onStep, onEpoch: onEpoch, progressBar: progressBar)
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

    /// Values to log after a step: `name` or `name_step` when also aggregated per epoch.
    func stepValues() -> [(String, Tensor, progressBar: Bool)] {
        names.compactMap { name in
            let e = entries[name]!
            guard e.onStep else { return nil }
            return (e.onEpoch ? name + "_step" : name, e.last, e.progressBar)
        }
    }

    /// Epoch means: `name` or `name_epoch` when also logged per step.
    func epochValues() -> [(String, Tensor, plainName: String, progressBar: Bool)] {
        names.compactMap { name in
            let e = entries[name]!
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
