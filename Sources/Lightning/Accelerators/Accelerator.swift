import Torch

/// The hardware a run uses (`Accelerator`): the CPU here; the CUDA one plugs in beside it.
public protocol AcceleratorPlugin: AnyObject {
    /// The device tensors live on.
    var device: Device { get }
    /// Whether this machine has the hardware.
    static var isAvailable: Bool { get }
}

/// Runs on the CPU.
public final class CPUAccelerator: AcceleratorPlugin {
    public init() {}
    public var device: Device { .cpu }
    public static var isAvailable: Bool { true }
}
