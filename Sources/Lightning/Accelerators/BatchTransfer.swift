import Torch

/// What the Trainer does to the tensors of common batch shapes (a tensor, pairs and triples of
/// tensors, arrays and string-keyed dictionaries of them): moving them to the run's device, and
/// pinning them in the data loader.
enum BatchTransfer {
    /// `batch` with `transform` applied to each of its tensors; other batch types unchanged.
    static func map<Batch>(_ batch: Batch, _ transform: (Tensor) -> Tensor) -> Batch {
        switch batch {
        case let t as Tensor: return transform(t) as! Batch
        case let (a, b) as (Tensor, Tensor): return (transform(a), transform(b)) as! Batch
        case let (a, b, c) as (Tensor, Tensor, Tensor): return (transform(a), transform(b), transform(c)) as! Batch
        case let list as [Tensor]: return list.map(transform) as! Batch
        case let dict as [String: Tensor]: return dict.mapValues(transform) as! Batch
        default: return batch
        }
    }

    /// The batch on `device` (copies from pinned memory are asynchronous).
    static func move<Batch>(_ batch: Batch, to device: Device) -> Batch {
        guard device != .cpu else { return batch }
        return map(batch) { $0.device == device ? $0 : $0.to(device: device, nonBlocking: $0.isPinned) }
    }

    /// The batch in page-locked memory (only where CUDA is available, as Lightning does).
    static func pin<Batch>(_ batch: Batch) -> Batch {
        guard CUDA.isAvailable else { return batch }
        return map(batch) { $0.device == .cpu && !$0.isPinned ? $0.pinMemory() : $0 }
    }
}
