import Torch

/// An optimizer set up by `Fabric` (Lightning's `_FabricOptimizer`): `step()` goes through the
/// strategy and the precision plug-in (ZeRO's shards, the float16 loss scaler).
public final class FabricOptimizer {
    /// The optimizer itself (its parameter groups and state).
    public let optimizer: Optimizer
    private unowned let fabric: Fabric

    init(_ optimizer: Optimizer, fabric: Fabric) {
        (self.optimizer, self.fabric) = (optimizer, fabric)
    }

    /// Steps the optimizer; returns false when the float16 loss scaler skipped the step.
    @discardableResult
    public func step() throws -> Bool {
        try withTorchErrors {
            try fabric.strategyPlugin.optimizerStep(optimizer, precision: fabric.precisionPlugin, clipValue: nil, clipAlgorithm: .norm)
        }
    }

    /// Clears the gradients.
    public func zeroGrad(setToNone: Bool = true) { optimizer.zeroGrad(setToNone: setToNone) }
}
