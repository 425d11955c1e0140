import Torch

/// The hardware to train on.
public enum Accelerator: String, Sendable {
    case auto, cpu, gpu
}

/// How many devices to use.
public enum Devices: Sendable, ExpressibleByIntegerLiteral, Equatable {
    case auto
    case count(Int)
    public init(integerLiteral value: Int) { self = .count(value) }
}

/// How work is spread over devices and processes: `.auto`, `.singleDevice`, `.ddp`, or
/// `.ddp(findUnusedParameters: true, ...)` for DDP with its options, `.zero`, `.fsdp`,
/// `.pipeline`, `.modelParallel`, or `.custom(MyStrategy())` for a strategy of your own.
public struct Strategy: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case auto, singleDevice
        case ddp(DDPStrategy.Options)
        case zero(Int, DDPStrategy.Options)
        case fsdp(FSDPStrategy.Options)
        case pipeline(PipelineStrategy.Options)
        case modelParallel(ModelParallelStrategy.Options)
        case custom(PluginBox)
    }

    /// A strategy instance inside a value (compared by identity).
    final class PluginBox: @unchecked Sendable, Equatable {
        let plugin: StrategyPlugin
        init(_ plugin: StrategyPlugin) { self.plugin = plugin }
        static func == (a: PluginBox, b: PluginBox) -> Bool { a === b }
    }

    let kind: Kind

    /// One process on one device, or DDP when more than one device or node is asked for.
    public static let auto = Strategy(kind: .auto)
    /// One process on one device.
    public static let singleDevice = Strategy(kind: .singleDevice)
    /// Distributed data parallel with its default options.
    public static let ddp = Strategy(kind: .ddp(DDPStrategy.Options()))

    /// Distributed data parallel with options (`DDPStrategy(...)`).
    public static func ddp(findUnusedParameters: Bool = false, bucketCapMB: Double = 25, timeout: Double = 1800,
                           broadcastBuffers: Bool = true, gradientAsBucketView: Bool = false,
                           recordBucketTimeline: Bool = false, processGroupBackend: ProcessGroupBackend? = nil) -> Strategy {
        Strategy(kind: .ddp(.init(findUnusedParameters: findUnusedParameters, bucketCapMB: bucketCapMB, timeout: timeout,
                                  broadcastBuffers: broadcastBuffers, gradientAsBucketView: gradientAsBucketView,
                                  recordBucketTimeline: recordBucketTimeline, processGroupBackend: processGroupBackend)))
    }

    /// ZeRO on top of DDP with its options: `stage: 1` shards optimizer state across ranks,
    /// `stage: 2` gradients too; `stage: 3` is `.fsdp` (parameters too) with DDP's timeout.
    public static func zero(stage: Int, options: DDPStrategy.Options = .init()) -> Strategy {
        stage == 3 ? .fsdp(timeout: options.timeout) : Strategy(kind: .zero(stage, options))
    }

    /// Fully sharded data parallel with its default options (per 100k-parameter units, full checkpoints).
    public static let fsdp = Strategy(kind: .fsdp(.init()))

    /// Fully sharded data parallel (`FSDPStrategy(...)`): parameters, gradients and optimizer
    /// state sharded across ranks, the model cut into units by `wrapPolicy`.
    public static func fsdp(wrapPolicy: FSDPStrategy.WrapPolicy = .minParameters(100_000),
                            stateDictType: FSDPStrategy.StateDictType = .full, timeout: Double = 1800) -> Strategy {
        Strategy(kind: .fsdp(.init(wrapPolicy: wrapPolicy, stateDictType: stateDictType, timeout: timeout)))
    }

    /// Pipeline parallelism: a `PipelineModule`'s layers cut into `stages` across ranks, each
    /// batch into `microBatches`; a world size that is a multiple of `stages` adds data parallelism.
    public static func pipeline(stages: Int, microBatches: Int, schedule: PipelineStrategy.Schedule = .oneFOneB,
                                timeout: Double = 1800) -> Strategy {
        Strategy(kind: .pipeline(.init(stages: stages, microBatches: microBatches, schedule: schedule, timeout: timeout)))
    }

    /// Tensor parallelism within groups of `tensorParallelSize` processes and data parallelism
    /// across `dataParallelSize` of them (`ModelParallelStrategy(...)`; nil sizes: a node's devices
    /// split each layer, the nodes are the replicas), the replicas averaging gradients
    /// (`.replicate`) or sharding everything (`.fullyShard(policy)`): the module splits its layers
    /// in `parallelize(_:)`. Checkpoints hold the whole model unless `saveDistributedCheckpoint`.
    public static func modelParallel(dataParallelSize: Int? = nil, tensorParallelSize: Int? = nil,
                                     dataParallelism: ModelParallelStrategy.DataParallelism = .replicate,
                                     saveDistributedCheckpoint: Bool = false, timeout: Double = 1800,
                                     processGroupBackend: ProcessGroupBackend? = nil) -> Strategy {
        Strategy(kind: .modelParallel(.init(dataParallelSize: dataParallelSize, tensorParallelSize: tensorParallelSize,
                                            dataParallelism: dataParallelism, saveDistributedCheckpoint: saveDistributedCheckpoint,
                                            timeout: timeout, processGroupBackend: processGroupBackend)))
    }

    /// A strategy of your own (Lightning's `Trainer(strategy=MyStrategy())`): the Trainer calls
    /// it through `StrategyPlugin` as it calls the built-in ones.
    public static func custom(_ plugin: StrategyPlugin) -> Strategy { Strategy(kind: .custom(PluginBox(plugin))) }

    /// Lightning's name for it.
    public var description: String {
        switch kind {
        case .auto: return "auto"
        case .singleDevice: return "single_device"
        case .ddp: return "ddp"
        case .zero(let stage, _): return "zero_stage_\(stage)"
        case .fsdp: return "fsdp"
        case .pipeline: return "pipeline"
        case .modelParallel: return "model_parallel"
        case .custom(let box): return String(describing: type(of: box.plugin))
        }
    }
}

/// The numeric precision of training, as Lightning's strings name it.
public enum Precision: String, Sendable, CaseIterable {
    /// float32 weights and compute (the default).
    case true32 = "32-true"
    /// float32 weights, autocast to float16 with a dynamic loss scaler.
    case mixed16 = "16-mixed"
    /// float32 weights, autocast to bfloat16.
    case bf16Mixed = "bf16-mixed"
    /// float16 weights and inputs.
    case true16 = "16-true"
    /// bfloat16 weights and inputs.
    case bf16True = "bf16-true"
    /// float64 weights and inputs.
    case true64 = "64-true"

    /// Any of Lightning's spellings: "16-mixed", "bf16-mixed", "32-true", and the short "16",
    /// "bf16", "32", "64" (as Lightning, "16" and "bf16" mean mixed precision).
    public init?(lightning text: String) {
        switch text.lowercased() {
        case "16", "16-mixed", "mixed16": self = .mixed16
        case "bf16", "bf16-mixed": self = .bf16Mixed
        case "32", "32-true", "true32": self = .true32
        case "64", "64-true", "true64": self = .true64
        case "16-true", "true16": self = .true16
        case "bf16-true": self = .bf16True
        default: return nil
        }
    }
}

/// How many batches a loop runs: all, a count, or a fraction of the loader.
public enum BatchLimit: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    case count(Int)
    case fraction(Double)

    public init(integerLiteral value: Int) { self = .count(value) }
    public init(floatLiteral value: Double) { self = .fraction(value) }

    /// Every batch.
    public static let all = BatchLimit.fraction(1)

    /// The number of batches of a loader of `total` batches.
    func batches(of total: Int) -> Int {
        switch self {
        case .count(let n): return Swift.min(n, total)
        case .fraction(let f): return f >= 1 ? total : Int(Double(total) * f)
        }
    }
}

/// How gradients are clipped.
public enum GradientClipAlgorithm: String, Sendable {
    case norm, value
}

/// A checkpoint to start from: a path, the newest "last" checkpoint, the best one, or the
/// newest of any kind (for jobs a launcher restarts).
public enum CheckpointPath: Sendable, Equatable, ExpressibleByStringLiteral {
    /// This file.
    case path(String)
    /// The newest `last*.ckpt` in the checkpoint folder or any run's under the root.
    case last
    /// The best checkpoint of this Trainer's `ModelCheckpoint`.
    case best
    /// The newest complete checkpoint of any name under the root (`last`, top-k, step and
    /// preemption checkpoints), or none on a first start: what a job restarted by torchrun's
    /// `--max-restarts` or a scheduler passes to resume wherever it was stopped.
    case auto

    public init(stringLiteral value: String) { self = .path(value) }
}

/// `fastDevRun`: off, or a number of batches for every loop (true means 1).
public enum FastDevRun: Sendable, Equatable, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    case off
    case batches(Int)

    public init(booleanLiteral value: Bool) { self = value ? .batches(1) : .off }
    public init(integerLiteral value: Int) { self = value == 0 ? .off : .batches(value) }
}

/// Timing of the Trainer's actions.
public enum ProfilerKind: String, Sendable {
    /// Wall time per action (`SimpleProfiler`).
    case simple
    /// libtorch's operators inside each action, with traces (`PyTorchProfiler` with its defaults).
    case pytorch
}

/// An argument the Trainer cannot run with, or a failure during a run.
public enum TrainerError: Error, CustomStringConvertible {
    /// An argument value is invalid or unsupported here.
    case invalidArgument(String, String)
    /// A user step failed: which step, where, and libtorch's message.
    /// `location` is the caller's `file:line` where it was found.
    case stepFailed(step: String, epoch: Int, batchIdx: Int, message: String, location: String?)
    /// Something the run needs is missing or inconsistent.
    case misconfiguration(String)
    /// `fit` was stopped by a signal (SIGINT, SIGTERM) after saving `checkpoint` (thrown, so that
    /// the program exits with a failure status, as Lightning's does, and a scheduler requeues it).
    case interrupted(signal: String, checkpoint: String)
    /// `fit` was stopped by SLURM's requeue signal after saving `checkpoint`, and SLURM `job` was
    /// requeued: the requeued job's `fit` resumes from the checkpoint by itself.
    case requeued(signal: String, checkpoint: String, job: String)

    public var description: String {
        switch self {
        case .invalidArgument(let name, let message): return "Trainer(\(name):): \(message)"
        case .stepFailed(let step, let epoch, let batchIdx, let message, let location):
            return "\(step) failed at epoch \(epoch), batch \(batchIdx)\(location.map { " (\($0))" } ?? ""): \(message)"
        case .misconfiguration(let message): return message
        case .interrupted(let signal, let checkpoint):
            let resume = checkpoint.hasSuffix("/last.ckpt") ? "fit(ckptPath: .last)" : "fit in the same root folder"
            return "fit was stopped by \(signal) after saving \(checkpoint); \(resume) continues from it"
        case .requeued(let signal, let checkpoint, let job):
            return "fit was stopped by \(signal) after saving \(checkpoint); SLURM job \(job) was requeued and resumes from it"
        }
    }
}

/// Thrown from a callback or hook to end fitting gracefully, as setting `shouldStop`.
public struct TrainerStop: Error {
    public init() {}
}

/// A plug-in of your own for `Trainer(plugins:)` (Lightning's `plugins=`): an accelerator, a
/// precision plug-in, a cluster environment or checkpoint I/O in place of the built-in one the
/// arguments choose, or SLURM's requeue settings.
public enum TrainerPlugin {
    /// The hardware (in place of `accelerator:`).
    case accelerator(AcceleratorPlugin)
    /// SLURM's auto-requeue on another signal than SIGUSR1, or `nil` to turn it off (it is on by
    /// default in SLURM batch jobs, as Lightning's `SLURMEnvironment(auto_requeue:requeue_signal:)`).
    case slurmRequeue(SLURMRequeue?)
    /// How checkpoint files are written and read (Lightning's `CheckpointIO` plug-ins), for
    /// example `AsyncCheckpointIO()` to write them in the background.
    case checkpointIO(CheckpointIO)
    /// A configured profiler (in place of `profiler:`), such as `PyTorchProfiler(schedule: ...)`.
    case profiler(Profiler)
    /// The numeric precision (in place of `precision:`).
    case precision(PrecisionPlugin)
    /// Where this process sits in the job and where the job meets (in place of detecting it
    /// from torchrun's or SLURM's variables).
    case clusterEnvironment(ClusterEnvironment)
}
