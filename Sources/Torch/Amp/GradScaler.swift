/// Dynamic loss scaling for float16 training (`torch.amp.GradScaler`): the loss is multiplied
/// by a scale before backward so small gradients survive float16; gradients are unscaled
/// before clipping and the step; a step whose gradients hold inf or NaN is skipped and the
/// scale backs off, and after `growthInterval` clean steps it grows. Unscaling and the scale
/// update are libtorch's own AMP kernels, so the sequence of scales matches PyTorch's.
public final class GradScaler {
    /// The factor the scale grows by after `growthInterval` clean steps.
    public let growthFactor: Double
    /// The factor the scale shrinks by after a step with inf or NaN.
    public let backoffFactor: Double
    /// Clean steps between growths.
    public let growthInterval: Int
    /// Whether scaling happens at all (false: every call passes through).
    public let enabled: Bool
    /// The current scale (a one-element float32 tensor, as PyTorch keeps it).
    public private(set) var scaleTensor: Tensor
    private var growthTracker: Tensor
    /// Per optimizer: the inf/NaN flag of its unscaled gradients, until `update`.
    private var foundInf: [ObjectIdentifier: Tensor] = [:]

    static let unscaleOp = ATenOp("aten::_amp_foreach_non_finite_check_and_unscale_")
    static let updateOp = ATenOp("aten::_amp_update_scale_")

    public init(initScale: Double = 65536, growthFactor: Double = 2, backoffFactor: Double = 0.5,
                growthInterval: Int = 2000, enabled: Bool = true) {
        if growthFactor <= 1 { argumentError("GradScaler", "growthFactor should be > 1, got \(growthFactor)") }
        if backoffFactor >= 1 { argumentError("GradScaler", "backoffFactor should be < 1, got \(backoffFactor)") }
        (self.growthFactor, self.backoffFactor, self.growthInterval, self.enabled) =
            (growthFactor, backoffFactor, growthInterval, enabled)
        scaleTensor = Tensor.full([1], initScale)
        growthTracker = Tensor.zeros([1], dtype: .int32)
    }

    /// The scale as a number.
    public var scale: Double { scaleTensor.item() }

    /// `loss` times the scale.
    public func scale(_ loss: Tensor) -> Tensor { enabled ? loss * scaleTensor.to(dtype: loss.dtype) : loss }

    /// Divides the optimizer's gradients by the scale in place and records whether any is inf
    /// or NaN (once per optimizer between updates).
    public func unscale_(_ optimizer: Optimizer) {
        guard enabled, foundInf[ObjectIdentifier(optimizer)] == nil else { return }
        let inverse = scaleTensor.to(dtype: .float64).reciprocal().to(dtype: .float32)
        let found = Tensor.zeros([1])
        var byDType: [DType: [Tensor]] = [:]
        for param in optimizer.paramGroups.flatMap(\.params) {
            if let grad = param.grad { byDType[grad.dtype, default: []].append(grad) }
        }
        for dtype in byDType.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            Self.unscaleOp(.tensors(byDType[dtype]!), .tensor(found), .tensor(inverse))
        }
        foundInf[ObjectIdentifier(optimizer)] = found
    }

    /// Unscales the optimizer's gradients if not done yet, then lets `combine` change the
    /// inf/NaN flag in place: when each process steps only part of the parameters, an all-reduce
    /// (max) makes every process skip or step together.
    public func combineFoundInf(_ optimizer: Optimizer, _ combine: (Tensor) throws -> Void) rethrows {
        guard enabled else { return }
        unscale_(optimizer)
        try combine(foundInf[ObjectIdentifier(optimizer)]!)
    }

    /// Steps the optimizer unless its gradients held inf or NaN; returns whether it stepped.
    @discardableResult
    public func step(_ optimizer: Optimizer) -> Bool {
        guard enabled else {
            optimizer.step()
            return true
        }
        unscale_(optimizer)
        guard foundInf[ObjectIdentifier(optimizer)]!.item() == 0 else { return false }
        optimizer.step()
        return true
    }

    /// Backs the scale off if any optimizer found inf/NaN since the last update, else counts a
    /// clean step toward growth.
    public func update() {
        guard enabled else { return }
        let flags = Array(foundInf.values)
        foundInf = [:]
        guard let first = flags.first else { return }
        let found = flags.dropFirst().reduce(first) { $0 + $1 }
        Self.updateOp(.tensor(scaleTensor), .tensor(growthTracker), .tensor(found), .double(growthFactor),
                     .double(backoffFactor), .int(growthInterval))
    }

    /// `torch.amp.GradScaler.state_dict()`'s keys.
    public func stateDict() -> StateValue {
        .dict([("scale", .double(scale)), ("growth_factor", .double(growthFactor)), ("backoff_factor", .double(backoffFactor)),
               ("growth_interval", .int(growthInterval)), ("_growth_tracker", .int(growthTracker.item(as: Int.self)))])
    }

    /// Restores `stateDict()` (or one from PyTorch).
    public func loadStateDict(_ state: StateValue) {
        if let scale = state["scale"]?.doubleValue { scaleTensor = Tensor.full([1], scale) }
        if let tracker = state["_growth_tracker"]?.intValue { growthTracker = Tensor([Int32(tracker)]) }
    }
}
