import Torch

/// The numeric precision of a run (`Precision` plugins): every backward and optimizer step goes
/// through it, so mixed precision can scale, unscale and skip steps in one place.
public protocol PrecisionPlugin: AnyObject {
    /// Backward of the (already accumulation-scaled) loss.
    func backward(_ loss: Tensor, retainGraph: Bool)
    /// Prepares gradients for clipping (unscaling them under mixed precision).
    func unscaleGradients(_ optimizer: Optimizer)
    /// Steps the optimizer; returns false when the step was skipped.
    func optimizerStep(_ optimizer: Optimizer) -> Bool
    /// State saved in checkpoints.
    func stateDict() -> StateValue
    /// Restores `stateDict()`.
    func loadStateDict(_ state: StateValue)
}

/// Full 32-bit precision: plain backward and steps.
public final class FullPrecision: PrecisionPlugin {
    public init() {}
    public func backward(_ loss: Tensor, retainGraph: Bool) { loss.backward(retainGraph: retainGraph) }
    public func unscaleGradients(_ optimizer: Optimizer) {}
    public func optimizerStep(_ optimizer: Optimizer) -> Bool {
        optimizer.step()
        return true
    }
    public func stateDict() -> StateValue { .dict([(StateValue, StateValue)]()) }
    public func loadStateDict(_ state: StateValue) {}
}
