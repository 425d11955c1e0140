import CTorch

/// A group of parameters sharded over a process group (an FSDP unit, ZeRO stage 3): the
/// parameters are flattened into one buffer of which each rank keeps a 1/N `shard`, the leaf
/// the optimizer updates. The full parameters exist only while gathered: reading one of them
/// through its module property gathers the unit (through `onAccess`), backward gathers it
/// again when it needs a freed value, and once the unit's last gradient has arrived the
/// gradients are reduce-scattered (averaged) into `shard.grad` and the full buffer is freed.
/// While freed, the parameters read as empty tensors.
public final class ShardedUnit: @unchecked Sendable {
    let handle: ct_sharded_unit
    /// The group the parameters are sharded over.
    public let group: ProcessGroup
    /// The module parameters of this unit, in order.
    public let parameters: [Tensor]
    /// The parameters' shapes.
    public let shapes: [[Int]]
    /// This rank's slice of the flattened parameters (padded to a multiple of the group size).
    public let shard: Tensor
    private var states: [ModuleState] = []

    /// Shards `parameters` (identical on every rank) over `group`; their full values are freed.
    public init(group: ProcessGroup, parameters: [Tensor]) throws {
        shapes = parameters.map(\.shape)
        let handles: [ct_tensor?] = parameters.map(\.handle)
        guard let handle = ct_sharded_unit_new(group.handle, handles, Int32(handles.count)) else {
            throw DistributedError.last("sharding \(parameters.count) parameters")
        }
        (self.handle, self.group, self.parameters) = (handle, group, parameters)
        shard = Tensor(owning: ct_sharded_unit_shard(handle))
    }

    deinit {
        for state in states { state.accessHook = nil }
        ct_sharded_unit_free(handle)
    }

    /// Gathers the unit whenever one of its parameters is read through a property of `module`
    /// or its submodules while freed, calling `willGather` first. A failed gather is reported
    /// as a failed tensor operation (thrown at the end of the `withTorchErrors` scope).
    public func gatherOnAccess(in module: Module, willGather: @escaping () -> Void) {
        let mine = Set(parameters.map(ObjectIdentifier.init))
        let hook: () -> Void = { [unowned self] in
            guard !self.isGathered else { return }
            willGather()
            do { try self.gather() } catch { argumentError("gathering sharded parameters", "\(error)") }
        }
        for submodule in module.modules() {
            for (_, state) in submodule.reflect().states where !state.isBuffer {
                guard let t = state.tensor, mine.contains(ObjectIdentifier(t)) else { continue }
                state.accessHook = hook
                states.append(state)
            }
        }
    }

    /// All-gathers the full parameters (nothing when already gathered).
    public func gather() throws { try distributedCheck(ct_sharded_unit_gather(handle), "all_gather of a sharded unit") }

    /// Frees the full parameters.
    public func release() throws { try distributedCheck(ct_sharded_unit_release(handle), "freeing a sharded unit") }

    /// Whether the full parameters are present.
    public var isGathered: Bool { ct_sharded_unit_is_gathered(handle) }

    /// Before a backward: the unit expects one gradient per trainable parameter.
    public func beginBackward() { ct_sharded_unit_begin_backward(handle) }

    /// After a backward: reduce-scatters the gradients if the hooks did not (a parameter that
    /// got no gradient counts as zero), then frees the full parameters.
    public func finishBackward() throws {
        try distributedCheck(ct_sharded_unit_finish_backward(handle), "reduce_scatter of a sharded unit")
    }

    /// Copies the gathered parameters' values into this rank's shard (after loading weights).
    public func writeBack() throws { try distributedCheck(ct_sharded_unit_write_back(handle), "writing a sharded unit back") }

    /// How many times the unit has been all-gathered.
    public var gatherCount: Int { Int(ct_sharded_unit_gathers(handle)) }

    /// The number of parameter elements, unpadded.
    public var numel: Int { Int(ct_sharded_unit_numel(handle)) }
}
