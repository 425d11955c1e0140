import CTorch

/// A random number generator, as `torch.Generator`: pass one to random operations for a
/// stream of numbers independent of the global one.
public final class Generator: @unchecked Sendable {
    let handle: ct_generator
    /// The device whose numbers it makes.
    public let device: Device

    /// A new generator seeded with `seed`.
    public init(device: Device = .cpu, seed: UInt64 = 67_280_421_310_721) {
        let code = device.code
        guard let handle = ct_generator_new(code.type, code.index, seed) else { torchFailure("Generator(device:)") }
        self.handle = handle
        self.device = device
    }

    private init(defaultFor device: Device) {
        let code = device.code
        guard let handle = ct_generator_default(code.type, code.index) else { torchFailure("Generator.default") }
        self.handle = handle
        self.device = device
    }

    /// The generator random operations use when none is given (shared, process-wide).
    public static func `default`(for device: Device = .cpu) -> Generator { Generator(defaultFor: device) }

    deinit { ct_generator_free(handle) }

    /// Seeds the generator; returns it, as PyTorch does.
    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        check(ct_generator_manual_seed(handle, seed), "Generator.manualSeed")
        return self
    }

    /// The seed the generator was last seeded with.
    public var initialSeed: UInt64 { ct_generator_initial_seed(handle) }

    /// The complete state, as a uint8 tensor (what checkpoints store to resume exactly).
    public var state: Tensor {
        get { Tensor(checked: ct_generator_get_state(handle), "Generator.state") }
        set { check(ct_generator_set_state(handle, newValue.handle), "Generator.state") }
    }
}

/// Seeds the default generators of the CPU and of every CUDA device (`torch.manual_seed`).
public func manualSeed(_ seed: UInt64) {
    Generator.default(for: .cpu).manualSeed(seed)
    for index in 0..<Int(ct_cuda_device_count()) {
        Generator.default(for: .cuda(index)).manualSeed(seed)
    }
}

extension Generator {
    /// The generator of the sample being read, when a `DataLoader` with a seed reads it: seeded
    /// from the loader's seed, the epoch and the sample's index, so that random transforms (which
    /// draw from it when given no generator) augment each sample the same way whatever the number
    /// of worker threads, and differently each epoch. Nil elsewhere. Made when first asked for,
    /// so samples that draw nothing cost no generator.
    public static var sample: Generator? { sampleSource?.generator }

    /// A sample's seed and, once asked for, its generator.
    public final class SampleSource: @unchecked Sendable {
        let seed: UInt64
        lazy var generator = Generator(seed: seed)
        init(seed: UInt64) { self.seed = seed }
    }

    @TaskLocal static var sampleSource: SampleSource?

    /// Runs `body` (the reading of one sample) with `sample` seeded by `seed`.
    public static func withSample<T>(seed: UInt64, _ body: () throws -> T) rethrows -> T {
        try $sampleSource.withValue(SampleSource(seed: seed), operation: body)
    }

    /// The seed of sample `index` of `epoch` under a loader seeded with `seed` (SplitMix64 mixing).
    public static func sampleSeed(_ seed: UInt64, epoch: Int, index: Int) -> UInt64 {
        var z = seed &+ UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
