import CTorch

/// How a collective combines the ranks' values (`torch.distributed.ReduceOp`).
public enum ReduceOp: Int32, Sendable {
    case sum = 0, product = 2, min = 3, max = 4
}

/// The c10d backend a process group runs its collectives on (`torch.distributed.Backend`).
public enum ProcessGroupBackend: String, Sendable, CaseIterable {
    /// Gloo: CPU tensors, any machine.
    case gloo
    /// NCCL for CUDA tensors (Gloo still serves CPU tensors): GPU machines only.
    case nccl

    var code: Int32 { self == .gloo ? Int32(CT_BACKEND_GLOO) : Int32(CT_BACKEND_NCCL) }
}

/// A group of processes that run collectives together (`torch.distributed.ProcessGroup`),
/// on c10d's backends: Gloo for CPU tensors, NCCL for CUDA tensors. Every collective is in
/// place and blocks until done; a failure on any rank (a peer that died, a timeout) is thrown here.
public final class ProcessGroup: @unchecked Sendable {
    let handle: ct_process_group
    /// The store the group met at (kept alive with it).
    public let store: TCPStore
    /// The backend CUDA tensors use (CPU tensors always go through Gloo).
    public let backend: ProcessGroupBackend
    /// This process's rank in the group.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// The address this process is reached at (nil: chosen by Gloo).
    public let hostname: String?

    /// A group of `size` processes meeting at `store` (`init_process_group`). `hostname` is the
    /// address this process is reached at (nil: `GLOO_SOCKET_IFNAME`'s interface, or the
    /// machine's name); collectives that take longer than `timeout` seconds fail. `.nccl` needs
    /// a CUDA GPU and the NCCL plugin (`libCTorchNCCL.so` beside the executable). A `prefix`
    /// keeps the group's keys apart from others' in a shared store (`PrefixStore`).
    public init(backend: ProcessGroupBackend = .gloo, store: TCPStore, prefix: String = "", rank: Int, size: Int,
                hostname: String? = nil, timeout: Double = 1800) throws {
        guard let handle = ct_process_group_new(store.handle, prefix, backend.code, Int32(rank), Int32(size),
                                                hostname ?? "", timeout) else {
            throw DistributedError.last("ProcessGroup\(backend == .gloo ? "Gloo" : "NCCL")(\(prefix.isEmpty ? "" : prefix + " ")rank \(rank) of \(size))")
        }
        (self.handle, self.store, self.backend, self.rank, self.size, self.hostname) = (handle, store, backend, rank, size, hostname)
    }

    deinit { ct_process_group_free(handle) }

    /// The default backend's name ("gloo" or "nccl").
    public var backendName: String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = ct_process_group_backend_name(handle, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The timeout the backend enforces, in seconds.
    public var timeout: Double { ct_process_group_timeout(handle) }

    /// Combines `tensor` across ranks in place (pack several tensors into one to reduce them together).
    public func allReduce(_ tensor: Tensor, op: ReduceOp = .sum) throws {
        let handles: [ct_tensor?] = [tensor.handle]
        try distributedCheck(ct_all_reduce(handle, handles, 1, op.rawValue), "all_reduce")
    }

    /// The sum of `tensor` over the ranks as a new tensor that autograd differentiates: its gradient
    /// on every rank is the sum of the ranks' gradients, as when the loss is the sum of every rank's
    /// (`torch.distributed.nn.functional.all_reduce`).
    public func allReduceWithGradient(_ tensor: Tensor) throws -> Tensor {
        try crossing("all_reduce") { ct_all_reduce_sum_with_grad(handle, tensor.handle) }
    }

    /// `tensor` as it is, whose gradient is summed over the ranks: where a replicated input enters
    /// layers each rank holds a shard of (Megatron's f; `ColwiseParallel`'s input).
    public func copyToParallelRegion(_ tensor: Tensor) throws -> Tensor {
        try crossing("copy_to_parallel_region") { ct_all_reduce_sum_with_grad_modes(handle, tensor.handle, false, true) }
    }

    /// The sum of the ranks' partial results, whose gradient goes back to each rank as it is:
    /// where sharded layers' partial outputs become the replicated output (Megatron's g;
    /// `RowwiseParallel`'s output).
    public func reduceFromParallelRegion(_ tensor: Tensor) throws -> Tensor {
        try crossing("reduce_from_parallel_region") { ct_all_reduce_sum_with_grad_modes(handle, tensor.handle, true, false) }
    }

    /// The ranks' equal parts concatenated along `dim`, whose gradient is this rank's part of the
    /// whole's: where split outputs become whole on every rank (Megatron's gather from a parallel
    /// region; `ColwiseParallel(outputLayout: .replicate)`).
    public func gatherFromParallelRegion(_ tensor: Tensor, dim: Int) throws -> Tensor {
        try crossing("gather_from_parallel_region") { ct_gather_along_with_grad(handle, tensor.handle, Int64(dim)) }
    }

    /// This rank's equal part of a whole tensor along `dim`, whose gradient is the ranks' gradients
    /// concatenated (Megatron's scatter to a parallel region; `RowwiseParallel(inputLayout: .replicate)`).
    public func splitToParallelRegion(_ tensor: Tensor, dim: Int) throws -> Tensor {
        try crossing("split_to_parallel_region") { ct_split_along_with_grad(handle, tensor.handle, Int64(dim)) }
    }

    /// The ranks' equal parts of a sequence concatenated along `dim`, whose gradient is this rank's
    /// part of the ranks' summed gradients: where sequence-parallel activations enter layers that
    /// need the whole sequence (Megatron's gather from a sequence-parallel region).
    public func gatherFromSequenceParallelRegion(_ tensor: Tensor, dim: Int) throws -> Tensor {
        try crossing("gather_from_sequence_parallel_region") { ct_gather_along_reducing_grad(handle, tensor.handle, Int64(dim)) }
    }

    /// This rank's equal part along `dim` of the sum of the ranks' partial results, whose gradient
    /// is the ranks' gradients concatenated: where row-parallel outputs become sequence-parallel
    /// activations (Megatron's reduce-scatter to a sequence-parallel region).
    public func reduceScatterToSequenceParallelRegion(_ tensor: Tensor, dim: Int) throws -> Tensor {
        try crossing("reduce_scatter_to_sequence_parallel_region") { ct_reduce_scatter_along_with_grad(handle, tensor.handle, Int64(dim)) }
    }

    /// The tensor a differentiable collective made, or its error as `name`'s.
    private func crossing(_ name: String, _ collective: () -> ct_tensor?) throws -> Tensor {
        guard let out = collective() else { throw DistributedError.last(name) }
        return Tensor(owning: out)
    }

    /// Copies `root`'s `tensor` to every rank.
    public func broadcast(_ tensor: Tensor, root: Int = 0) throws {
        let handles: [ct_tensor?] = [tensor.handle]
        try distributedCheck(ct_broadcast(handle, handles, 1, Int32(root)), "broadcast")
    }

    /// Copies `root`'s `tensors` to every rank, packed into buffers of `bufferBytes`
    /// (what DDP does with parameters and buffers).
    public func broadcastCoalesced(_ tensors: [Tensor], bufferBytes: Int = 250 << 20, root: Int = 0) throws {
        let handles: [ct_tensor?] = tensors.map(\.handle)
        try distributedCheck(ct_broadcast_coalesced(handle, handles, Int32(handles.count), bufferBytes, Int32(root)),
                             "broadcast_coalesced")
    }

    /// Combines `tensor` across ranks into rank `root`'s copy (other ranks' copies are scratch).
    public func reduce(_ tensor: Tensor, root: Int, op: ReduceOp = .sum) throws {
        try distributedCheck(ct_reduce(handle, tensor.handle, Int32(root), op.rawValue), "reduce")
    }

    /// Every rank's `tensor`, in rank order.
    public func allGather(_ tensor: Tensor) throws -> [Tensor] {
        var outputs = [ct_tensor?](repeating: nil, count: size)
        try distributedCheck(ct_all_gather(handle, tensor.handle, &outputs, Int32(size)), "all_gather")
        return outputs.map { Tensor(owning: $0!) }
    }

    /// Waits until every rank has called it.
    public func barrier() throws {
        try distributedCheck(ct_barrier(handle), "barrier")
    }
}

extension ProcessGroup {
    /// One tensor to send to, or receive from, another rank (`torch.distributed.P2POp`).
    public struct PointToPoint {
        /// The tensor sent, or received into (same shape and dtype as the sender's).
        public let tensor: Tensor
        /// The other rank.
        public let peer: Int
        /// Tells apart messages between the same two ranks (matched in order per tag).
        public let tag: Int

        public init(_ tensor: Tensor, peer: Int, tag: Int = 0) { (self.tensor, self.peer, self.tag) = (tensor, peer, tag) }
    }

    /// Posts all `sends` and `receives` at once and waits for all of them
    /// (`batch_isend_irecv`): two ranks may exchange tensors in one call without deadlock.
    public func exchange(sends: [PointToPoint] = [], receives: [PointToPoint] = []) throws {
        let sent = sends.map { PointToPoint($0.tensor.contiguous(), peer: $0.peer, tag: $0.tag) }
        let sendHandles: [ct_tensor?] = sent.map(\.tensor.handle)
        let recvHandles: [ct_tensor?] = receives.map(\.tensor.handle)
        let tags = (sent + receives).map { Int32($0.tag) }
        try distributedCheck(ct_batch_p2p(handle, sendHandles, sent.map { Int32($0.peer) }, Int32(sent.count),
                                          recvHandles, receives.map { Int32($0.peer) }, Int32(receives.count), tags),
                             "send/recv with ranks \(Set((sends + receives).map(\.peer)).sorted())")
    }

    /// A group of some of this job's processes (`torch.distributed.new_group`), with this
    /// group's address, backend and timeout: every member calls it with its own `rank` in the subgroup
    /// and the subgroup's `size`; `name` tells subgroups apart (all members pass the same).
    public func subgroup(name: String, rank: Int, size: Int) throws -> ProcessGroup {
        try ProcessGroup(backend: backend, store: store, prefix: "subgroup/\(name)/", rank: rank, size: size,
                         hostname: hostname, timeout: timeout)
    }
}
