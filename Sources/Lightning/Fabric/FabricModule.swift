import Torch

/// A module set up by `Fabric` (Lightning's `_FabricModule`): calling it prepares the
/// strategy's step (DDP's gradient reducer and buffer broadcast) and runs the forward under the
/// precision plug-in's autocast.
public struct FabricModule<M: Module> {
    /// The module itself (its parameters, submodules and other methods).
    public let module: M
    private unowned let fabric: Fabric

    init(_ module: M, fabric: Fabric) {
        (self.module, self.fabric) = (module, fabric)
    }

    /// The module's `forward(x)`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try forward { $0.forward(x) } }

    /// The module's whole weights, gathered where the strategy shards them (FSDP).
    public func stateDict() throws -> StateDict { try withTorchErrors { try fabric.strategyPlugin.moduleStateDict(module) } }

    /// Loads whole weights into the module, sharded where the strategy shards them.
    public func loadStateDict(_ stateDict: StateDict) throws {
        try withTorchErrors { try fabric.strategyPlugin.loadModuleStateDict(module, stateDict) }
    }

    /// Any forward of the module: `try model.forward { $0.encode(x, mask) }`.
    public func forward<T>(_ body: (M) throws -> T) throws -> T {
        if isGradEnabled { try fabric.strategyPlugin.beforeTrainingStep(synchronizing: fabric.synchronizing) }
        return try fabric.precisionPlugin.forward { try body(module) }
    }
}
