import Torch

/// Mixed precision (`MixedPrecision`, "16-mixed" and "bf16-mixed"): weights stay float32, steps
/// run under libtorch's autocast to float16 or bfloat16; with float16 a `GradScaler` scales the
/// loss, unscales before clipping and skips steps whose gradients overflowed (the scheduler is
/// then not stepped either). Its scale is saved in checkpoints.
public final class MixedPrecision: PrecisionPlugin {
    /// The autocast dtype.
    public let dtype: DType
    /// The device autocast applies to.
    public let device: Device
    /// The loss scaler (float16 only).
    public let scaler: GradScaler?

    public init(dtype: DType, device: Device = .cpu, scaler: GradScaler? = nil) throws {
        guard dtype == .float16 || dtype == .bfloat16 else {
            throw TrainerError.misconfiguration("MixedPrecision: dtype must be .float16 or .bfloat16, got \(dtype)")
        }
        (self.dtype, self.device, self.scaler) = (dtype, device, scaler)
    }

    public func forward<T>(_ body: () throws -> T) rethrows -> T {
        try withAutocast(device: device, dtype: dtype, body)
    }

    public func backward(_ loss: Tensor, retainGraph: Bool) {
        (scaler?.scale(loss) ?? loss).backward(retainGraph: retainGraph)
    }

    public func unscaleGradients(_ optimizer: Optimizer) { scaler?.unscale_(optimizer) }

    public var scalesLoss: Bool { scaler != nil }

    public func combineOverflow(_ optimizer: Optimizer, _ combine: (Tensor) throws -> Void) throws {
        try scaler?.combineFoundInf(optimizer, combine)
    }

    public func optimizerStep(_ optimizer: Optimizer) -> Bool {
        guard let scaler else {
            optimizer.step()
            return true
        }
        let stepped = scaler.step(optimizer)
        scaler.update()
        return stepped
    }

    public func stateDict() -> StateValue { scaler?.stateDict() ?? .dict([(StateValue, StateValue)]()) }

    public func loadStateDict(_ state: StateValue) { scaler?.loadStateDict(state) }
}
