import Foundation
import Torch

/// Runs a `LightningModule`'s training, validation, test and prediction
/// (`pytorch_lightning.Trainer`). Scaling choices are arguments: the model code stays the same.
public final class Trainer {
    // MARK: arguments

    public let accelerator: Accelerator
    public let devices: Devices
    public let strategy: Strategy
    /// The number of machines (each running `devices` processes).
    public let numNodes: Int
    /// Whether training and evaluation loaders get a `DistributedSampler` in multi-process runs.
    public let useDistributedSampler: Bool
    public let precision: Precision
    public let maxEpochs: Int?
    public let minEpochs: Int
    public let maxSteps: Int
    /// Seconds after which fitting stops (at the end of a step).
    public let maxTime: Double?
    public let limitTrainBatches: BatchLimit
    public let limitValBatches: BatchLimit
    public let limitTestBatches: BatchLimit
    public let limitPredictBatches: BatchLimit
    public let valCheckInterval: BatchLimit
    public let checkValEveryNEpoch: Int?
    public let numSanityValSteps: Int
    public let logEveryNSteps: Int
    /// Batches per optimizer step (a `GradientAccumulationScheduler` may change it per epoch).
    public internal(set) var accumulateGradBatches: Int
    public let gradientClipVal: Double?
    public let gradientClipAlgorithm: GradientClipAlgorithm
    public let deterministic: Bool
    /// The `cudnn.benchmark` setting the run uses: cuDNN times its algorithms once per input shape
    /// and keeps the fastest, which a deterministic run should not ask for.
    public let benchmark: Bool
    public let fastDevRun: FastDevRun
    public let overfitBatches: BatchLimit
    public let enableCheckpointing: Bool
    public let enableProgressBar: Bool
    public let enableModelSummary: Bool
    public let defaultRootDir: String
    public private(set) var callbacks: [Callback]
    public let loggers: [Logger]
    public let detectAnomaly: Bool
    public let barebones: Bool
    public let profiler: Profiler?

    // MARK: plug-ins

    public let acceleratorPlugin: AcceleratorPlugin
    public let strategyPlugin: StrategyPlugin
    public let precisionPlugin: PrecisionPlugin

    // MARK: state

    /// What the Trainer is running, or ran last (Lightning's `trainer.state.fn`).
    public internal(set) var stage: Stage?
    /// The epoch being run (0-based).
    public internal(set) var currentEpoch = 0
    /// The number of optimizer steps taken.
    public internal(set) var globalStep = 0
    /// The number of training batches after which an optimizer stepped, counted once however
    /// many stepped (Lightning's `_batches_that_stepped`): the step loggers record, and what
    /// `logEveryNSteps` counts. Equal to `globalStep` in automatic optimization.
    public internal(set) var batchesThatStepped = 0
    /// The number of training batches an epoch runs (after limits).
    public internal(set) var trainBatchesPerEpoch = 0
    /// The index of the training batch being run, or the number done in the current epoch.
    public var batchIdx: Int { batchesDone }
    /// Set to end fitting at the next step boundary (respecting `minEpochs`).
    public var shouldStop = false
    /// Whether the last run was interrupted by SIGINT or SIGTERM (and saved `last.ckpt`).
    public internal(set) var interrupted = false
    /// Whether validation is running as the sanity check before training.
    public internal(set) var sanityChecking = false
    /// The latest value of every logged metric (epoch means at epoch ends).
    public internal(set) var callbackMetrics: [String: Tensor] = [:]
    /// What was sent to the loggers last.
    public internal(set) var loggedMetrics: [String: Tensor] = [:]
    /// The metrics logged with `progressBar: true`.
    public internal(set) var progressBarMetrics: [String: Tensor] = [:]
    /// Where console output goes (the model summary, progress, profiler report).
    public var printer: (String) -> Void = { print($0) }

    var module: LightningModuleBase?
    /// The optimizers `configureOptimizers` returned.
    public internal(set) var optimizers: [Optimizer] = []
    /// The schedulers and how they are stepped (`lr_scheduler_configs`).
    public internal(set) var schedulerConfigs: [LRSchedulerConfig] = []
    var lightningOptimizers: [LightningOptimizer] = []
    var runningStage: RunningStage?
    /// Values logged in training, and in validation or test (kept apart: a validation run in
    /// the middle of an epoch must not disturb the training epoch's means).
    let trainingMetrics = MetricStore(), evaluationMetrics = MetricStore()
    /// The batch being run, read for its size only when a logged value needs one.
    var currentBatch: Any?
    var currentBatchSize: Int { currentBatch.map(inferBatchSize) ?? 1 }
    /// Training batches finished in the current epoch (the resume position).
    var batchesDone = 0
    /// How far the current epoch's end has run (the resume position once every batch is done).
    var epochPhase = EpochPhase.training
    /// Whether the last batch's end hooks are running: what follows them (a validation due after
    /// that batch) has not run yet.
    var batchEndPending = false
    /// The checkpoint this fit resumed from (never deleted by `ModelCheckpoint`).
    public internal(set) var resumedFrom: String?
    /// The number of validation batches each validation of this fit runs (0: no validation).
    public internal(set) var valBatchesPerCheck = 0
    /// Whether the last fit ended before its epoch did (`maxSteps`, `maxTime`, a stop request).
    public internal(set) var stoppedWithinEpoch = false
    var trainSamplerSeed: UInt64?
    /// Runs whole training steps (the training step, backward and optimizer steps, through the
    /// strategy and the precision plug-in) on up to `count` training batches, calling the first
    /// body with each step's index before it and the second with its loss after it until that
    /// returns false (for tools such as the learning-rate finder); set during `fit`.
    var trainingSteps: ((_ count: Int, _ before: (Int) -> Void, _ after: (Tensor) throws -> Bool) throws -> Void)?
    /// The datamodule's state, for checkpoints.
    var datamoduleState: (() -> StateValue)?
    /// Whether `overfitBatches` is on: the same first batches every epoch.
    let overfitting: Bool
    var fitStart = Date()
    /// The stop decision all ranks last agreed on (multi-process runs).
    var agreedShouldStop = false
    /// A failure inside a non-throwing call a step makes (`log`, manual backward), thrown when the step ends.
    var pendingError: Error?

    public init(accelerator: Accelerator = .auto, devices: Devices = .auto, strategy: Strategy = .auto,
                numNodes: Int = 1, precision: Precision = .true32, maxEpochs: Int? = nil, minEpochs: Int = 0, maxSteps: Int = -1,
                maxTime: Double? = nil, limitTrainBatches: BatchLimit = .all, limitValBatches: BatchLimit = .all,
                limitTestBatches: BatchLimit = .all, limitPredictBatches: BatchLimit = .all,
                valCheckInterval: BatchLimit = .all, checkValEveryNEpoch: Int? = 1, numSanityValSteps: Int = 2,
                logEveryNSteps: Int = 50, accumulateGradBatches: Int = 1, gradientClipVal: Double? = nil,
                gradientClipAlgorithm: GradientClipAlgorithm = .norm, deterministic: Bool = false, benchmark: Bool? = nil,
                fastDevRun: FastDevRun = .off, overfitBatches: BatchLimit = .count(0), enableCheckpointing: Bool = true,
                enableProgressBar: Bool = true, enableModelSummary: Bool = true, defaultRootDir: String = ".",
                callbacks: [Callback] = [], logger: [Logger]? = nil, detectAnomaly: Bool = false,
                barebones: Bool = false, profiler: ProfilerKind? = nil, useDistributedSampler: Bool = true,
                plugins: [TrainerPlugin] = []) throws {
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

        let connector = try AcceleratorConnector(accelerator: accelerator, devices: devices, strategy: strategy, numNodes: numNodes,
                                                 precision: precision, gradientClipVal: gradientClipVal, plugins: plugins)
        (acceleratorPlugin, strategyPlugin, precisionPlugin) = (connector.accelerator, connector.strategy, connector.precision)
        let globalZero = strategyPlugin.isGlobalZero

        (self.accelerator, self.devices, self.strategy, self.precision) = (accelerator, devices, strategy, precision)
        (self.numNodes, self.useDistributedSampler) = (numNodes, useDistributedSampler)
        let devRun = fastDevRun != .off
        let devBatches: BatchLimit? = { if case .batches(let n) = fastDevRun { return .count(n) } else { return nil } }()
        self.maxEpochs = devRun ? 1 : (maxEpochs ?? (maxSteps == -1 ? 1000 : nil))
        self.minEpochs = minEpochs
        self.maxSteps = devRun ? -1 : maxSteps
        self.maxTime = maxTime
        let overfitting = overfitBatches != .count(0) && overfitBatches != .fraction(0)
        self.overfitting = overfitting
        self.limitTrainBatches = devBatches ?? (overfitting ? overfitBatches : limitTrainBatches)
        self.limitValBatches = devBatches ?? (overfitting ? overfitBatches : limitValBatches)
        self.limitTestBatches = devBatches ?? limitTestBatches
        self.limitPredictBatches = devBatches ?? limitPredictBatches
        self.valCheckInterval = devRun ? .all : valCheckInterval
        self.checkValEveryNEpoch = checkValEveryNEpoch
        self.numSanityValSteps = devRun ? 0 : numSanityValSteps
        self.logEveryNSteps = devRun ? 1 : logEveryNSteps
        (self.accumulateGradBatches, self.gradientClipVal, self.gradientClipAlgorithm) =
            (accumulateGradBatches, gradientClipVal, gradientClipAlgorithm)
        (self.deterministic, self.fastDevRun, self.overfitBatches) = (deterministic, fastDevRun, overfitBatches)
        self.enableCheckpointing = enableCheckpointing && !devRun && !barebones
        self.enableProgressBar = enableProgressBar && !barebones && globalZero
        self.enableModelSummary = enableModelSummary && !barebones && globalZero
        self.defaultRootDir = defaultRootDir
        (self.detectAnomaly, self.barebones) = (detectAnomaly, barebones)
        self.profiler = profiler.map { _ in Profiler() }
        self.loggers = devRun || barebones || !globalZero ? [] : (logger ?? [CSVLogger(root: defaultRootDir)])
        if !globalZero { printer = { _ in } }
        var callbacks = callbacks
        if self.enableCheckpointing && !callbacks.contains(where: { $0 is ModelCheckpoint }) {
            callbacks.append(ModelCheckpoint())
        }
        if !self.enableCheckpointing { callbacks.removeAll { $0 is ModelCheckpoint } }
        if self.enableModelSummary && !callbacks.contains(where: { $0 is ModelSummary }) {
            callbacks.insert(ModelSummary(), at: 0)
        }
        if !self.enableModelSummary { callbacks.removeAll { $0 is ModelSummary } }
        if self.enableProgressBar && !callbacks.contains(where: { $0 is ProgressBar }) { callbacks.append(ProgressBar()) }
        if !self.enableProgressBar { callbacks.removeAll { $0 is ProgressBar } }
        // As Lightning: checkpoint callbacks run last, so that what they save includes what the
        // other callbacks did at the same hook.
        self.callbacks = callbacks.filter { !($0 is ModelCheckpoint) } + callbacks.filter { $0 is ModelCheckpoint }
        // As Lightning: `benchmark` nil keeps the process's cudnn.benchmark, or turns it off for a
        // deterministic run (set while each run lasts, see `withRunSettings`).
        self.benchmark = benchmark ?? (deterministic ? false : CUDA.cudnnBenchmark)
    }

    /// Runs `body` with the process-wide settings this Trainer's arguments ask for
    /// (`cudnn.benchmark`, deterministic algorithms), and puts back the ones it found after, so
    /// that another Trainer or the rest of the program sees them unchanged. Deterministic cuBLAS
    /// needs its workspace setting before first use; that variable stays.
    func withRunSettings(_ body: () throws -> Void) throws {
        let (benchmarkBefore, determinismBefore) = (CUDA.cudnnBenchmark, TorchSettings.deterministicAlgorithms)
        CUDA.cudnnBenchmark = benchmark
        if deterministic {
            TorchSettings.useDeterministicAlgorithms(true)
            setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0)
        }
        defer {
            CUDA.cudnnBenchmark = benchmarkBefore
            TorchSettings.useDeterministicAlgorithms(determinismBefore.enabled, warnOnly: determinismBefore.warnOnly)
        }
        try body()
    }

    /// This process's rank among all processes (`global_rank`).
    public var globalRank: Int { strategyPlugin.globalRank }
    /// This process's rank on its machine (`local_rank`).
    public var localRank: Int { strategyPlugin.localRank }
    /// The number of processes in the job (`world_size`).
    public var worldSize: Int { strategyPlugin.worldSize }
    /// Whether this is rank 0, the process that logs and writes checkpoints.
    public var isGlobalZero: Bool { strategyPlugin.isGlobalZero }

    /// The checkpoint callback, if checkpointing is on.
    public var checkpointCallback: ModelCheckpoint? { callbacks.lazy.compactMap { $0 as? ModelCheckpoint }.first }

    /// The folder of the first logger, or the root folder.
    public var logDir: String { loggers.first?.logDir ?? defaultRootDir }

    /// Calls a hook on every callback, in order; a callback throwing `TrainerStop` asks fitting
    /// to stop at the next step boundary (the other callbacks still run).
    func callHook(_ body: (Callback) throws -> Void) throws {
        for callback in callbacks {
            do {
                try body(callback)
            } catch is TrainerStop {
                shouldStop = true
            }
        }
    }

    /// Runs user code, turning a libtorch error into a `TrainerError` naming the step.
    func runStep<T>(_ step: String, batchIdx: Int, _ body: () throws -> T) throws -> T {
        do {
            let result = try withTorchErrors(body)
            if let error = pendingError {
                pendingError = nil
                throw error
            }
            return result
        } catch let error as TorchError {
            // A failure recorded inside the step says more than the libtorch error it led to.
            if let pending = pendingError {
                pendingError = nil
                throw pending
            }
            throw TrainerError.stepFailed(step: step, epoch: currentEpoch, batchIdx: batchIdx, message: error.message)
        }
    }

    /// A batch as a step receives it: on the accelerator's device (`transferBatchToDevice`),
    /// then converted by the precision plugin.
    func input<Batch>(_ batch: Batch, for module: LightningModule<Batch>) -> Batch {
        precisionPlugin.convertInput(module.transferBatchToDevice(batch, device: acceleratorPlugin.device))
    }

    /// What the strategy's `trainingStep` runs for `batch` (on the device, converted): the module's
    /// training step under the precision plug-in, and the backward of the loss divided for
    /// accumulation, with the hooks.
    func trainingStepContext<Batch>(_ module: LightningModule<Batch>, batch: Batch, batchIdx: Int, synchronizing: Bool,
                                    accumulation: Int) -> TrainingStepContext {
        TrainingStepContext(precision: precisionPlugin, accumulateGradBatches: accumulation, synchronizing: synchronizing,
            forward: { [unowned self] in
                try profile("training_step") {
                    try runStep("training_step", batchIdx: batchIdx) {
                        precisionPlugin.forward { module.trainingStep(batch, batchIdx: batchIdx) }
                    }
                }
            },
            backward: { [unowned self] loss in
                let scaled = accumulation > 1 ? loss / Double(accumulation) : loss
                try callHook { try $0.onBeforeBackward(self, module, loss: scaled) }
                module.onBeforeBackward(scaled)
                try profile("backward") {
                    try runStep("backward", batchIdx: batchIdx) {
                        try strategyPlugin.backward(scaled, precision: precisionPlugin, synchronizing: synchronizing, retainGraph: false)
                    }
                }
            })
    }

    /// Backward of a loss (in manual optimization) through the strategy and the precision plugin.
    func backward(_ loss: Tensor, retainGraph: Bool = false) {
        guard module?.automaticOptimization == false else {
            pendingError = TrainerError.misconfiguration(
                "manualBackward is for manual optimization: override automaticOptimization to return false in your LightningModule, or return the loss from trainingStep")
            return
        }
        do {
            try strategyPlugin.backward(loss, precision: precisionPlugin, synchronizing: true, retainGraph: retainGraph)
        } catch {
            pendingError = error
        }
    }

    /// One optimizer step in manual optimization (counts a global step).
    func optimizerStep(_ optimizer: Optimizer) {
        do {
            _ = try strategyPlugin.optimizerStep(optimizer, precision: precisionPlugin, clipValue: nil, clipAlgorithm: gradientClipAlgorithm)
        } catch {
            pendingError = error
        }
        globalStep += 1
    }
}
