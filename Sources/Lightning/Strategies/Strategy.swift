import Torch

/// How training is spread over devices and processes (`Strategy`): one device here; DDP
/// plugs in beside it.
public protocol StrategyPlugin: AnyObject {
    /// This process's rank among all processes.
    var globalRank: Int { get }
    /// The number of processes.
    var worldSize: Int { get }
    /// Moves the module to its device.
    func setup(_ module: Module, accelerator: AcceleratorPlugin)
    /// Reduces a logged value across processes (`syncDist`).
    func reduce(_ value: Tensor) -> Tensor
    /// Waits for every process.
    func barrier()
}

extension StrategyPlugin {
    /// Whether this process writes checkpoints and logs.
    public var isGlobalZero: Bool { globalRank == 0 }
}

/// Everything in this process on one device.
public final class SingleDeviceStrategy: StrategyPlugin {
    public init() {}
    public var globalRank: Int { 0 }
    public var worldSize: Int { 1 }
    public func setup(_ module: Module, accelerator: AcceleratorPlugin) { module.to(device: accelerator.device) }
    public func reduce(_ value: Tensor) -> Tensor { value }
    public func barrier() {}
}
