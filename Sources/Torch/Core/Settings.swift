import CTorch

/// libtorch's process-wide settings.
public enum TorchSettings {
    /// The number of threads libtorch uses inside one operation (`torch.set_num_threads`).
    public static var numThreads: Int {
        get { Int(ct_get_num_threads()) }
        set { ct_set_num_threads(Int32(newValue)) }
    }

    /// Makes operations use deterministic algorithms, or fail where none exists
    /// (`torch.use_deterministic_algorithms`); `warnOnly` warns instead of failing.
    public static func useDeterministicAlgorithms(_ enabled: Bool, warnOnly: Bool = false) {
        check(ct_set_deterministic(enabled, warnOnly), "useDeterministicAlgorithms")
    }

    /// Whether deterministic algorithms are on, and whether only as warnings
    /// (`torch.are_deterministic_algorithms_enabled`).
    public static var deterministicAlgorithms: (enabled: Bool, warnOnly: Bool) {
        let mode = ct_get_deterministic()
        return (mode > 0, mode == 2)
    }
}
