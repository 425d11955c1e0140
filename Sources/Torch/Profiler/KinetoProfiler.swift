import CTorch

/// What the profiler records.
public enum ProfilerActivity: Sendable, Hashable {
    /// Operators and ranges run on the CPU.
    case cpu
    /// Kernels and copies on CUDA devices (CUPTI).
    case cuda
}

/// libtorch's Kineto profiler, as `torch.profiler.profile` drives it: `start()` records the
/// operators (and `recordFunction` ranges) this thread runs, `stop()` returns them as a
/// `ProfilerTrace` with its Chrome trace and operator table. `prepare()` warms it up first
/// (a schedule's warm-up steps: set up, nothing kept). One run at a time per thread.
public final class KinetoProfiler {
    public let activities: Set<ProfilerActivity>
    /// Records the input shapes of operators.
    public let recordShapes: Bool
    /// Records tensor allocations and frees.
    public let profileMemory: Bool
    /// Records the C++ call stacks of operators.
    public let withStack: Bool

    public init(activities: Set<ProfilerActivity> = [.cpu], recordShapes: Bool = false, profileMemory: Bool = false,
                withStack: Bool = false) {
        (self.activities, self.recordShapes, self.profileMemory, self.withStack) = (activities, recordShapes, profileMemory, withStack)
    }

    /// Whether a run is recording on this thread.
    public static var isRunning: Bool { ct_profiler_is_running() }

    /// Sets the profiler up without recording (the warm-up before `start`).
    public func prepare() throws {
        try status(ct_profiler_prepare(activities.contains(.cuda), recordShapes, profileMemory, withStack))
    }

    /// Starts recording.
    public func start() throws {
        try status(ct_profiler_start(activities.contains(.cuda), recordShapes, profileMemory, withStack))
    }

    /// Stops recording and returns what was recorded.
    public func stop() throws -> ProfilerTrace {
        guard let handle = ct_profiler_stop() else { throw TorchError(String(cString: ct_last_error())) }
        return ProfilerTrace(handle)
    }

    private func status(_ code: Int32) throws {
        if code < 0 { throw TorchError(String(cString: ct_last_error())) }
    }
}

/// Runs `body` as a named range of the profiler's trace and table (`torch.profiler.record_function`);
/// costs next to nothing when no profiler records.
public func recordFunction<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    let range = ct_record_function_enter(name)
    defer { if let range { ct_record_function_exit(range) } }
    return try body()
}
