import Torch

/// Runs on an NVIDIA GPU through libtorch's CUDA library (`CUDAAccelerator`): each process uses
/// the device of its local rank, so `devices: N` on one machine means one GPU per process.
public final class CUDAAccelerator: AcceleratorPlugin {
    /// The CUDA device this process uses.
    public private(set) var index = 0

    public init() {}

    public var device: Device { .cuda(index) }

    public static var isAvailable: Bool { CUDA.isAvailable }

    /// The GPUs this machine has.
    public static var deviceCount: Int? { CUDA.deviceCount }

    /// Takes the GPU of this process's local rank and makes it current.
    public func setupDevice(localRank: Int) throws {
        guard localRank < CUDA.deviceCount else {
            throw TrainerError.invalidArgument("devices", "local rank \(localRank) needs GPU \(localRank); this machine has \(CUDA.deviceCount)")
        }
        index = localRank
        try CUDA.setDevice(localRank)
    }

    /// The allocator's memory on this device and, through NVML, its use and temperature
    /// (Lightning's `torch.cuda.memory_stats` and `nvidia-smi` figures).
    public func deviceStats() -> [(String, Double)] {
        var out: [(String, Double)] = []
        let mb = 1.0 / Double(1 << 20)
        if let memory = try? CUDA.memoryStats(index) {
            out += [("allocated_bytes.all.current_mb", Double(memory.allocated) * mb),
                    ("reserved_bytes.all.current_mb", Double(memory.reserved) * mb),
                    ("allocated_bytes.all.peak_mb", Double(memory.peakAllocated) * mb),
                    ("reserved_bytes.all.peak_mb", Double(memory.peakReserved) * mb)]
        }
        if let nvml = NVML.shared, let reading = nvml.reading(device: index) {
            out += [("utilization.gpu_percent", reading.gpuPercent), ("utilization.memory_percent", reading.memoryPercent),
                    ("temperature.gpu_c", reading.temperature)]
        }
        return out
    }
}
