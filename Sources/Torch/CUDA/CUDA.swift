import CTorch

/// CUDA devices (`torch.cuda`). libtorch's CUDA library is loaded when the process starts on a
/// machine with an NVIDIA driver; elsewhere `isAvailable` is false and `unavailableReason` says why.
public enum CUDA {
    /// Whether libtorch can use a CUDA device here.
    public static var isAvailable: Bool { ct_cuda_is_available() }

    /// How many CUDA devices libtorch sees.
    public static var deviceCount: Int { Int(ct_cuda_device_count()) }

    /// Why CUDA cannot be used (nil when it can).
    public static var unavailableReason: String? {
        if isAvailable { return nil }
        let status = String(cString: ct_cuda_status())
        return status.isEmpty ? "libtorch's CUDA library is loaded but sees no CUDA device" : status
    }

    /// Makes `device` the current one for this thread (`torch.cuda.set_device`).
    public static func setDevice(_ device: Int) throws {
        try cudaCheck(ct_cuda_set_device(Int32(device)), "set_device(\(device))")
    }

    /// Waits until every kernel queued on `device` has finished (`torch.cuda.synchronize`).
    public static func synchronize(_ device: Int = 0) throws {
        try cudaCheck(ct_cuda_synchronize(Int32(device)), "synchronize(\(device))")
    }

    /// The caching allocator's memory on one device, in bytes.
    public struct MemoryStats: Sendable, Equatable {
        /// Held by tensors now (`memory_allocated`).
        public let allocated: Int
        /// Held by the allocator now, in use or cached (`memory_reserved`).
        public let reserved: Int
        /// The most held by tensors since the last reset (`max_memory_allocated`).
        public let peakAllocated: Int
        /// The most held by the allocator since the last reset (`max_memory_reserved`).
        public let peakReserved: Int
    }

    /// Memory statistics of `device`.
    public static func memoryStats(_ device: Int = 0) throws -> MemoryStats {
        var out = [Int64](repeating: 0, count: 4)
        try cudaCheck(ct_cuda_memory_stats(Int32(device), &out), "memory_stats(\(device))")
        return MemoryStats(allocated: Int(out[0]), reserved: Int(out[1]), peakAllocated: Int(out[2]), peakReserved: Int(out[3]))
    }

    /// Starts the peak statistics of `device` afresh (`reset_peak_memory_stats`).
    public static func resetPeakMemoryStats(_ device: Int = 0) throws {
        try cudaCheck(ct_cuda_reset_peak_memory_stats(Int32(device)), "reset_peak_memory_stats(\(device))")
    }

    /// Returns cached, unused memory to the driver (`empty_cache`).
    public static func emptyCache() throws { try cudaCheck(ct_cuda_empty_cache(), "empty_cache") }

    /// Lets cuDNN time its algorithms for each new input shape and keep the fastest
    /// (`torch.backends.cudnn.benchmark`).
    public static var cudnnBenchmark: Bool {
        get { ct_cudnn_benchmark() }
        set { ct_set_cudnn_benchmark(newValue) }
    }

    private static func cudaCheck(_ status: Int32, _ operation: String) throws {
        guard status >= 0 else {
            throw TorchError("torch.cuda.\(operation): \(String(cString: ct_last_error()))")
        }
    }
}

extension Tensor {
    /// A copy in page-locked host memory, from which copies to a GPU can be asynchronous
    /// (`pin_memory`); needs CUDA.
    public func pinMemory() -> Tensor {
        guard let handle = ct_pin_memory(self.handle) else { torchFailure("pin_memory") }
        return Tensor(owning: handle)
    }

    /// Whether the tensor is in page-locked host memory.
    public var isPinned: Bool { ct_is_pinned(handle) }
}
