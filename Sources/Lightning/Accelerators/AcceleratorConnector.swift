import Torch

/// Chooses the plug-ins a run's arguments name (Lightning's `_AcceleratorConnector`), for the
/// Trainer and Fabric alike: the accelerator, the strategy with its cluster environment, and the
/// precision plug-in, or the user's own from `plugins`; contradictory arguments are refused.
struct AcceleratorConnector {
    let accelerator: AcceleratorPlugin
    let strategy: StrategyPlugin
    let precision: PrecisionPlugin
    /// SLURM's auto-requeue: detected in a SLURM batch job, or as `plugins` set it.
    let slurmRequeue: SLURMRequeue?

    init(accelerator: Accelerator, devices: Devices, strategy: Strategy, numNodes: Int, precision: Precision,
         gradientClipVal: Double?, plugins: [TrainerPlugin]) throws {
        func invalid(_ name: String, _ message: String) -> TrainerError { .invalidArgument(name, message) }
        var givenAccelerator: AcceleratorPlugin?, givenPrecision: PrecisionPlugin?, givenEnvironment: ClusterEnvironment?
        var requeue = SLURMRequeue.detect()
        var givenIO: CheckpointIO?
        for plugin in plugins {
            switch plugin {
            case .accelerator(let a):
                if givenAccelerator != nil || accelerator != .auto {
                    throw invalid("plugins", "an accelerator plug-in was given with accelerator: .\(accelerator) or another one; give one of them")
                }
                givenAccelerator = a
            case .precision(let p):
                if givenPrecision != nil || precision != .true32 {
                    throw invalid("plugins", "a precision plug-in was given with precision: \"\(precision.rawValue)\" or another one; give one of them")
                }
                givenPrecision = p
            case .profiler:
                break
            case .slurmRequeue(let given):
                requeue = given
            case .checkpointIO(let io):
                if givenIO != nil { throw invalid("plugins", "more than one checkpoint I/O plug-in was given") }
                givenIO = io
            case .clusterEnvironment(let e):
                if givenEnvironment != nil { throw invalid("plugins", "more than one cluster environment was given") }
                givenEnvironment = e
            }
        }
        slurmRequeue = requeue
        switch (givenAccelerator, accelerator) {
        case (let given?, _): self.accelerator = given
        case (nil, .cpu): self.accelerator = CPUAccelerator()
        case (nil, .auto): self.accelerator = CUDAAccelerator.isAvailable ? CUDAAccelerator() : CPUAccelerator()
        case (nil, .gpu):
            guard CUDAAccelerator.isAvailable else {
                throw invalid("accelerator", ".gpu needs a CUDA device: \(CUDA.unavailableReason ?? "none found"); use .cpu or .auto")
            }
            self.accelerator = CUDAAccelerator()
        }
        if case .count(let n) = devices, let available = type(of: self.accelerator).deviceCount, n > available {
            throw invalid("devices", "asks for \(n) devices of \(type(of: self.accelerator)); this machine has \(available)")
        }
        if numNodes < 1 { throw invalid("numNodes", "must be a positive integer, got \(numNodes)") }
        let deviceCount: Int
        switch devices {
        case .auto: deviceCount = 1
        case .count(let n) where n >= 1: deviceCount = n
        case .count(let n): throw invalid("devices", "must be a positive number of devices or .auto, got \(n)")
        }
        let processes = deviceCount * numNodes
        func environment() throws -> ClusterEnvironment {
            guard let given = givenEnvironment else { return try ClusterEnvironment.detect(devices: deviceCount, numNodes: numNodes) }
            guard given.worldSize == processes else {
                throw invalid("plugins", "the cluster environment has a world size of \(given.worldSize), but devices: \(deviceCount) x numNodes: \(numNodes) is \(processes)")
            }
            return given
        }
        switch strategy.kind {
        case .ddp(let options), .zero(_, let options):
            if options.processGroupBackend == .nccl, self.accelerator.device == .cpu {
                throw invalid("strategy", "processGroupBackend: .nccl reduces CUDA tensors and needs accelerator: .gpu; use .gloo on CPUs")
            }
        case .modelParallel(let options):
            if options.processGroupBackend == .nccl, self.accelerator.device == .cpu {
                throw invalid("strategy", "processGroupBackend: .nccl reduces CUDA tensors and needs accelerator: .gpu; use .gloo on CPUs")
            }
        default: break
        }
        switch strategy.kind {
        case .custom(let box):
            self.strategy = box.plugin
        case .singleDevice where processes > 1:
            throw invalid("strategy", ".singleDevice runs one process, but devices: \(deviceCount) and numNodes: \(numNodes) ask for \(processes); use .ddp")
        case .auto where processes == 1, .singleDevice:
            self.strategy = SingleDeviceStrategy()
        case .auto:
            self.strategy = DDPStrategy(environment: try environment())
        case .ddp(let options):
            if options.timeout <= 0 { throw invalid("strategy", ".ddp(timeout:) must be positive, got \(options.timeout)") }
            if options.bucketCapMB <= 0 { throw invalid("strategy", ".ddp(bucketCapMB:) must be positive, got \(options.bucketCapMB)") }
            self.strategy = DDPStrategy(options: options, environment: try environment())
        case .zero(let stage, let options):
            guard stage == 1 || stage == 2 else {
                throw invalid("strategy", ".zero(stage: \(stage)) does not exist; the stages are 1, 2 and 3")
            }
            if stage == 2, gradientClipVal != nil {
                throw invalid("strategy", ".zero(stage: 2) with gradientClipVal is not available in this version (each rank holds only its share of the gradients)")
            }
            self.strategy = ZeroStrategy(stage: stage, options: options,
                                          environment: try environment())
        case .fsdp(let options):
            if options.timeout <= 0 { throw invalid("strategy", ".fsdp(timeout:) must be positive, got \(options.timeout)") }
            if case .minParameters(let n) = options.wrapPolicy, n < 1 {
                throw invalid("strategy", ".fsdp(wrapPolicy: .minParameters(\(n))) needs a positive count")
            }
            self.strategy = FSDPStrategy(options: options, environment: try environment())
        case .modelParallel(let options):
            if options.timeout <= 0 { throw invalid("strategy", ".modelParallel(timeout:) must be positive, got \(options.timeout)") }
            for (name, size) in [("dataParallelSize", options.dataParallelSize), ("tensorParallelSize", options.tensorParallelSize)] {
                if let size, size < 1 { throw invalid("strategy", ".modelParallel(\(name):) must be positive, got \(size)") }
            }
            if case .fullyShard(let policy) = options.dataParallelism {
                if case .minParameters(let n) = policy, n < 1 {
                    throw invalid("strategy", ".modelParallel(dataParallelism: .fullyShard(.minParameters(\(n)))) needs a positive count")
                }
            }
            self.strategy = try ModelParallelStrategy(options: options, environment: try environment())
        case .pipeline(let options):
            guard options.stages >= 2, processes % options.stages == 0 else {
                throw invalid("strategy", ".pipeline(stages: \(options.stages)) needs at least 2 stages and a number of processes that is a multiple of them; devices: \(deviceCount) x numNodes: \(numNodes) gives \(processes)")
            }
            if options.microBatches < 1 { throw invalid("strategy", ".pipeline(microBatches:) must be positive, got \(options.microBatches)") }
            if options.timeout <= 0 { throw invalid("strategy", ".pipeline(timeout:) must be positive, got \(options.timeout)") }
            if gradientClipVal != nil {
                throw invalid("strategy", ".pipeline with gradientClipVal is not available in this version (each rank holds only its stage's gradients)")
            }
            self.strategy = PipelineStrategy(options: options, environment: try environment())
        }
        try self.accelerator.setupDevice(localRank: self.strategy.localRank)
        switch (givenPrecision, precision) {
        case (let given?, _): self.precision = given
        case (nil, .true32): self.precision = FullPrecision()
        case (nil, .mixed16): self.precision = try MixedPrecision(dtype: .float16, device: self.accelerator.device, scaler: GradScaler())
        case (nil, .bf16Mixed): self.precision = try MixedPrecision(dtype: .bfloat16, device: self.accelerator.device)
        case (nil, .true16): self.precision = try TruePrecision(dtype: .float16)
        case (nil, .bf16True): self.precision = try TruePrecision(dtype: .bfloat16)
        case (nil, .true64): self.precision = try TruePrecision(dtype: .float64)
        }
        if let givenIO { self.strategy.checkpointIO = givenIO }
    }
}
