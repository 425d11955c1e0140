import Torch

/// One entry of what `Fabric.save` writes and `Fabric.load` reads back.
public enum FabricState {
    /// A module, saved as its state dict.
    case module(Module)
    /// An optimizer, saved as its state.
    case optimizer(FabricOptimizer)
    /// Any other value (an iteration count, a seed).
    case value(StateValue)
}
