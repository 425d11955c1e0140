import Foundation

/// The Trainer's arguments as one value (the arguments of Lightning's `Trainer`), said once:
/// `Trainer(...)` builds one from its parameters, `Trainer(options:)` takes one, `LightningCLI`
/// reads one from YAML and flags and prints it with `--print-config` under Lightning's
/// snake_case keys (`TrainerOptions.fields`). The Trainer's own properties of the same names
/// read the options in force (`fastDevRun` and `barebones` applied).
public struct TrainerOptions: Sendable, Equatable {
    /// The hardware to train on.
    public var accelerator: Accelerator = .auto
    /// How many devices (one process each) per machine.
    public var devices: Devices = .auto
    /// How work is spread over devices and processes.
    public var strategy: Strategy = .auto
    /// The number of machines.
    public var numNodes = 1
    /// The numeric precision of training.
    public var precision: Precision = .true32
    /// Epochs to train at most (nil: 1000, or no limit when `maxSteps` is set; -1: no limit).
    public var maxEpochs: Int?
    /// Epochs to train at least, whatever asks to stop.
    public var minEpochs = 0
    /// Optimizer steps to take at most (-1: no limit).
    public var maxSteps = -1
    /// Seconds after which fitting stops (at the end of a step).
    public var maxTime: Double?
    /// Training batches per epoch: a count or a fraction of the loader.
    public var limitTrainBatches: BatchLimit = .all
    /// Validation batches per validation.
    public var limitValBatches: BatchLimit = .all
    /// Test batches.
    public var limitTestBatches: BatchLimit = .all
    /// Prediction batches.
    public var limitPredictBatches: BatchLimit = .all
    /// Validate every this many training batches, or this fraction of an epoch.
    public var valCheckInterval: BatchLimit = .all
    /// Validate every this many epochs (nil: only by `valCheckInterval`).
    public var checkValEveryNEpoch: Int? = 1
    /// Validation batches run before training as a check (-1: all).
    public var numSanityValSteps = 2
    /// Send logged values to the loggers every this many steps.
    public var logEveryNSteps = 50
    /// Batches per optimizer step.
    public var accumulateGradBatches = 1
    /// Clip gradients to this norm or value (nil: no clipping).
    public var gradientClipVal: Double?
    /// Clip by total norm or by value.
    public var gradientClipAlgorithm: GradientClipAlgorithm = .norm
    /// Use deterministic algorithms (and no cuDNN autotuning).
    public var deterministic = false
    /// cuDNN autotuning (nil: the process's setting, off when deterministic).
    public var benchmark: Bool?
    /// Run a few batches of every loop to check the code, with nothing written.
    public var fastDevRun: FastDevRun = .off
    /// Train and validate on the same first batches every epoch (a count or a fraction).
    public var overfitBatches: BatchLimit = .fraction(0)
    /// Add a `ModelCheckpoint` when none is given.
    public var enableCheckpointing = true
    /// Show the progress bar.
    public var enableProgressBar = true
    /// Print the model summary before fitting.
    public var enableModelSummary = true
    /// Where logs and checkpoints go by default.
    public var defaultRootDir = "."
    /// Whether the default logger (a `CSVLogger`) runs when no loggers are given.
    public var logger = true
    /// Run backward under anomaly detection (which op produced a NaN).
    public var detectAnomaly = false
    /// Turn off everything that adds time beside the steps: logging, checkpoints, progress bar, summary.
    public var barebones = false
    /// Time the Trainer's actions.
    public var profiler: ProfilerKind?
    /// Give training and evaluation loaders a `DistributedSampler` in multi-process runs.
    public var useDistributedSampler = true
    /// Synchronise every batch norm's statistics across the ranks (`convertSyncBatchnorm`).
    public var syncBatchnorm = false

    /// Lightning's defaults.
    public init() {}
}

extension TrainerOptions {
    /// Refuses values no run can have, naming the argument.
    func validate() throws {
        func invalid(_ name: String, _ message: String) -> TrainerError { .invalidArgument(name, message) }
        if let maxEpochs, maxEpochs < -1 { throw invalid("maxEpochs", "must be -1 (no limit) or non-negative, got \(maxEpochs)") }
        if minEpochs < 0 { throw invalid("minEpochs", "must be non-negative, got \(minEpochs)") }
        if maxSteps < -1 { throw invalid("maxSteps", "must be -1 (no limit) or non-negative, got \(maxSteps)") }
        if let maxTime, maxTime <= 0 { throw invalid("maxTime", "must be a positive number of seconds, got \(maxTime)") }
        for (name, limit) in [("limitTrainBatches", limitTrainBatches), ("limitValBatches", limitValBatches),
                              ("limitTestBatches", limitTestBatches), ("limitPredictBatches", limitPredictBatches),
                              ("overfitBatches", overfitBatches)] {
            switch limit {
            case .count(let n) where n < 0: throw invalid(name, "must be a non-negative count or a fraction in [0, 1], got \(n)")
            case .fraction(let f) where !(0...1).contains(f):
                throw invalid(name, "must be a non-negative count or a fraction in [0, 1], got \(f)")
            default: break
            }
        }
        switch valCheckInterval {
        case .count(let n) where n < 1: throw invalid("valCheckInterval", "must be a positive number of batches or a fraction in (0, 1], got \(n)")
        case .fraction(let f) where !(f > 0 && f <= 1):
            throw invalid("valCheckInterval", "must be a positive number of batches or a fraction in (0, 1], got \(f)")
        default: break
        }
        if let n = checkValEveryNEpoch, n < 1 { throw invalid("checkValEveryNEpoch", "must be a positive integer or nil, got \(n)") }
        if numSanityValSteps < -1 { throw invalid("numSanityValSteps", "must be -1 (all batches) or non-negative, got \(numSanityValSteps)") }
        if logEveryNSteps < 1 { throw invalid("logEveryNSteps", "must be a positive integer, got \(logEveryNSteps)") }
        if accumulateGradBatches < 1 { throw invalid("accumulateGradBatches", "must be a positive integer, got \(accumulateGradBatches)") }
        if let v = gradientClipVal, v < 0 { throw invalid("gradientClipVal", "must be non-negative, got \(v)") }
        if case .batches(let n) = fastDevRun, n < 0 { throw invalid("fastDevRun", "must be true, false or a positive number of batches, got \(n)") }
    }
}

extension TrainerOptions {
    /// One option: its key (Lightning's name) and how it is read from and written to a config.
    public struct Field: @unchecked Sendable {
        /// Lightning's key, `max_epochs`.
        public let key: String
        let read: (TrainerOptions) -> Any
        let write: (inout TrainerOptions, Any) throws -> Void
        let expected: String

        init<V: ConfigValue>(_ key: String, _ path: WritableKeyPath<TrainerOptions, V>) {
            (self.key, expected) = (key, V.expected)
            read = { $0[keyPath: path].configValue }
            write = { options, value in
                guard let parsed = V(configValue: value) else {
                    throw ConfigError(key: key, expected: V.expected, got: value is NSNull ? "null" : "\(value)")
                }
                options[keyPath: path] = parsed
            }
        }
    }

    /// A config value an option cannot take.
    public struct ConfigError: Error, CustomStringConvertible {
        /// The option's key.
        public let key: String
        /// What it takes.
        public let expected: String
        /// What it was given, as a config writes it.
        public let got: String
        public var description: String { "\(key): expected \(expected), got \(got)" }
    }

    /// Every option under Lightning's key, in Lightning's order (a test checks that it names each
    /// property once, and that the migration guide lists every key).
    public static let fields: [Field] = [
        Field("accelerator", \.accelerator), Field("devices", \.devices), Field("strategy", \.strategy),
        Field("num_nodes", \.numNodes), Field("precision", \.precision), Field("max_epochs", \.maxEpochs),
        Field("min_epochs", \.minEpochs), Field("max_steps", \.maxSteps), Field("max_time", \.maxTime),
        Field("limit_train_batches", \.limitTrainBatches), Field("limit_val_batches", \.limitValBatches),
        Field("limit_test_batches", \.limitTestBatches), Field("limit_predict_batches", \.limitPredictBatches),
        Field("val_check_interval", \.valCheckInterval), Field("check_val_every_n_epoch", \.checkValEveryNEpoch),
        Field("num_sanity_val_steps", \.numSanityValSteps), Field("log_every_n_steps", \.logEveryNSteps),
        Field("accumulate_grad_batches", \.accumulateGradBatches), Field("gradient_clip_val", \.gradientClipVal),
        Field("gradient_clip_algorithm", \.gradientClipAlgorithm), Field("deterministic", \.deterministic),
        Field("benchmark", \.benchmark), Field("fast_dev_run", \.fastDevRun), Field("overfit_batches", \.overfitBatches),
        Field("enable_checkpointing", \.enableCheckpointing), Field("enable_progress_bar", \.enableProgressBar),
        Field("enable_model_summary", \.enableModelSummary), Field("default_root_dir", \.defaultRootDir),
        Field("logger", \.logger), Field("detect_anomaly", \.detectAnomaly), Field("barebones", \.barebones),
        Field("profiler", \.profiler), Field("use_distributed_sampler", \.useDistributedSampler),
        Field("sync_batchnorm", \.syncBatchnorm),
    ]

    /// The options as config values under Lightning's keys, in Lightning's order (`null` as `NSNull`).
    public var config: [(key: String, value: Any)] { Self.fields.map { ($0.key, $0.read(self)) } }

    /// Options from config values under Lightning's keys (YAML's scalars: an integer batch limit
    /// is a count, a float a fraction); keys not given keep Lightning's defaults.
    public init(config: [String: Any]) throws {
        self.init()
        for field in Self.fields {
            if let value = config[field.key] { try field.write(&self, value) }
        }
    }
}
