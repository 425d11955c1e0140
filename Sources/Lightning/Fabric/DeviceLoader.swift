import Torch

/// A loader whose batches arrive on a device (what `Fabric.setupDataloader` returns).
final class DeviceLoader<Batch>: BatchLoader {
    let base: any BatchLoader<Batch>
    let device: Device

    init(_ base: any BatchLoader<Batch>, device: Device) {
        (self.base, self.device) = (base, device)
    }

    var count: Int { base.count }
    var shuffles: Bool { base.shuffles }

    func stream(epoch: Int, skip: Int) -> BatchStream<Batch> {
        let stream = base.stream(epoch: epoch, skip: skip)
        let device = self.device
        return BatchStream(next: { try stream.next().map { BatchTransfer.move($0, to: device) } }, finish: stream.finish)
    }
}
