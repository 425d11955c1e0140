import CTorch

/// DDP's gradient synchronisation (c10d's `Reducer`, the engine under PyTorch's
/// `DistributedDataParallel`): gradients are grouped into buckets in reverse parameter order
/// and each bucket is all-reduced and averaged as soon as backward has produced it, while the
/// rest of backward runs. Skipping `prepareForBackward` before a backward (gradient
/// accumulation) leaves that backward's gradients local.
public final class GradientReducer: @unchecked Sendable {
    let handle: ct_reducer
    /// The group gradients are averaged over.
    public let group: ProcessGroup
    /// The parameters whose gradients are reduced (kept alive with the hooks).
    public let parameters: [Tensor]

    /// Hooks every parameter's gradient; fails unless every rank has the same parameter shapes.
    public init(group: ProcessGroup, parameters: [Tensor], bucketCapMB: Double = 25,
                findUnusedParameters: Bool = false, gradientAsBucketView: Bool = false) throws {
        let handles: [ct_tensor?] = parameters.map(\.handle)
        let cap = Int64(bucketCapMB * 1024 * 1024)
        guard let handle = ct_reducer_new(group.handle, handles, Int32(handles.count), cap, Swift.min(cap, 1 << 20),
                                          findUnusedParameters, gradientAsBucketView) else {
            throw DistributedError.last("DDP reducer")
        }
        (self.handle, self.group, self.parameters) = (handle, group, parameters)
    }

    deinit { ct_reducer_free(handle) }

    /// One bucket's all-reduce: which bucket, and when it started and ended (steady clock, ns).
    public struct BucketEvent: Sendable, Equatable {
        public let bucket: Int
        public let start: Int64
        public let end: Int64
    }

    /// Records when each bucket's all-reduce starts and ends (call before the first backward).
    public func recordTimeline() throws {
        try distributedCheck(ct_reducer_record_timeline(handle, group.handle), "DDP comm hook")
    }

    /// The events recorded since the last call.
    public func takeTimeline() -> [BucketEvent] {
        var values = [Int64](repeating: 0, count: 3 * 4096)
        let count = Int(ct_reducer_timeline(handle, &values, Int64(values.count)))
        return stride(from: 0, to: Swift.min(count, values.count), by: 3).map {
            BucketEvent(bucket: Int(values[$0]), start: values[$0 + 1], end: values[$0 + 2])
        }
    }

    /// The clock the timeline uses, in nanoseconds.
    public static var clock: Int64 { ct_steady_clock_ns() }

    /// Call before a forward whose gradients will be synchronised.
    public func prepareForForward() throws {
        try distributedCheck(ct_reducer_prepare_for_forward(handle), "DDP prepare_for_forward")
    }

    /// Arms the hooks for the next backward; `outputs` (the loss) are searched for parameters
    /// that took no part, when the reducer looks for unused parameters.
    public func prepareForBackward(outputs: [Tensor]) throws {
        let handles: [ct_tensor?] = outputs.map(\.handle)
        try distributedCheck(ct_reducer_prepare_for_backward(handle, handles, Int32(handles.count)),
                             "DDP prepare_for_backward")
    }
}
