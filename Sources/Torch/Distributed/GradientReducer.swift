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
