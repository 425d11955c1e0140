import Torch

/// The numeric precision of a run (`Precision` plugins): every step's forward, every backward
/// and every optimizer step goes through it, so mixed precision can autocast, scale, unscale
/// and skip steps in one place.
public protocol PrecisionPlugin: AnyObject {
    /// Runs a step's forward (training, validation, test or predict step) in this precision.
    func forward<T>(_ body: () throws -> T) rethrows -> T
    /// Converts a batch's floating-point tensors for the model (true half precision).
    func convertInput<B>(_ batch: B) -> B
    /// Converts the module's weights (true half or double precision) before the run.
    func convertModule(_ module: Module)
    /// Backward of the (already accumulation-scaled) loss.
    func backward(_ loss: Tensor, retainGraph: Bool)
    /// Whether backward scales the loss (float16's loss scaler), so that gradients are only
    /// right after `unscaleGradients`: an optimizer stepping inside its own closure (LBFGS)
    /// cannot run with it.
    var scalesLoss: Bool { get }
    /// Prepares gradients for clipping (unscaling them under mixed precision).
    func unscaleGradients(_ optimizer: Optimizer)
    /// Steps the optimizer; returns false when the step was skipped.
    func optimizerStep(_ optimizer: Optimizer) -> Bool
    /// Lets `combine` merge this process's overflow flag with the others' before the step
    /// (when each process checks only its part of the gradients).
    func combineOverflow(_ optimizer: Optimizer, _ combine: (Tensor) throws -> Void) throws
    /// State saved in checkpoints.
    func stateDict() -> StateValue
    /// Restores `stateDict()`.
    func loadStateDict(_ state: StateValue)
}

extension PrecisionPlugin {
    public var scalesLoss: Bool { false }
    public func forward<T>(_ body: () throws -> T) rethrows -> T { try body() }
    public func convertInput<B>(_ batch: B) -> B { batch }
    public func convertModule(_ module: Module) {}
    public func backward(_ loss: Tensor, retainGraph: Bool) { loss.backward(retainGraph: retainGraph) }
    public func unscaleGradients(_ optimizer: Optimizer) {}
    public func combineOverflow(_ optimizer: Optimizer, _ combine: (Tensor) throws -> Void) throws {}
    public func optimizerStep(_ optimizer: Optimizer) -> Bool {
        optimizer.step()
        return true
    }
    public func stateDict() -> StateValue { .dict([(StateValue, StateValue)]()) }
    public func loadStateDict(_ state: StateValue) {}
}

/// Full 32-bit precision: plain backward and steps.
public final class FullPrecision: PrecisionPlugin {
    public init() {}
}
