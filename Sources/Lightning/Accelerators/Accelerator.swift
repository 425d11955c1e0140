import Torch

/// The hardware a run uses (Lightning's `Accelerator`): the CPU and CUDA ones are built in,
/// and one of your own can be given with `Trainer(plugins: [.accelerator(...)])`.
public protocol AcceleratorPlugin: AnyObject {
    /// The device tensors live on.
    var device: Device { get }
    /// Whether this machine has the hardware.
    static var isAvailable: Bool { get }
    /// How many devices of this kind the machine has (nil: no limit, as for CPU processes).
    static var deviceCount: Int? { get }
    /// Prepares this process's device (Lightning's `setup_device`), the one of its local rank.
    func setupDevice(localRank: Int) throws
    /// The device's statistics now, for `DeviceStatsMonitor` (Lightning's `get_device_stats`).
    func deviceStats() -> [(String, Double)]
}

extension AcceleratorPlugin {
    public static var deviceCount: Int? { nil }
    public func setupDevice(localRank: Int) throws {}
    public func deviceStats() -> [(String, Double)] { [] }
}
