import Foundation
import Torch

/// Runs a `LightningModule`'s training, validation, test and prediction
/// (`pytorch_lightning.Trainer`). Scaling choices are arguments: the model code stays the same.
/// Every argument reads as a property of the same name (`trainer.maxEpochs`), from the options
/// in force.
@dynamicMemberLookup
public final class Trainer {
    // MARK: arguments

    /// The arguments in force: as given, with `fastDevRun`, `overfitBatches` and `barebones`
    /// applied (Lightning's Trainer attributes hold the same).
    public let options: TrainerOptions

    /// An argument in force, by its name: `trainer.maxEpochs`, `trainer.precision`.
    public subscript<Value>(dynamicMember keyPath: KeyPath<TrainerOptions, Value>) -> Value { options[keyPath: keyPath] }

    /// Batches per optimizer step (a callback may change it with `setAccumulateGradBatches`).
    public private(set) var accumulateGradBatches: Int
    /// The `cudnn.benchmark` setting the run uses: cuDNN times its algorithms once per input shape
    /// and keeps the fastest, which a deterministic run should not ask for.
    public let benchmark: Bool
    /// The callbacks, the built-in ones the arguments add included (checkpointing last).
    public private(set) var callbacks: [Callback]
    /// Where logged values go (none on ranks other than 0).
    public let loggers: [Logger]
    /// The profiler, when `profiler:` or `plugins` asks for one.
    public let profiler: (any Profiler)?

    // MARK: plug-ins

    public let acceleratorPlugin: AcceleratorPlugin
    public let strategyPlugin: StrategyPlugin
    public let precisionPlugin: PrecisionPlugin

    // MARK: state

    /// What the Trainer is running, or ran last (Lightning's `trainer.state.fn`).
    public internal(set) var stage: Stage?
    /// Where the fit stands; the fit loop writes it.
    var fitProgress = FitLoopProgress()
    /// The epoch being run (0-based).
    public var currentEpoch: Int { fitProgress.epoch }
    /// The number of optimizer steps taken.
    public var globalStep: Int { fitProgress.globalStep }
    /// The number of training batches after which an optimizer stepped, counted once however
    /// many stepped (Lightning's `_batches_that_stepped`): the step loggers record, and what
    /// `logEveryNSteps` counts. Equal to `globalStep` in automatic optimization.
    public var batchesThatStepped: Int { fitProgress.batchesThatStepped }
    /// The number of training batches an epoch runs (after limits).
    public internal(set) var trainBatchesPerEpoch = 0

    /// The optimizer steps the whole fit will take (Lightning's `estimated_stepping_batches`), for
    /// schedulers such as `OneCycleLR` built in `configureOptimizers`: the training batches per
    /// epoch over `accumulateGradBatches`, times `maxEpochs`, capped by `maxSteps`.
    public var estimatedSteppingBatches: Int {
        let perEpoch = (trainBatchesPerEpoch + accumulateGradBatches - 1) / accumulateGradBatches
        let byEpochs = options.maxEpochs.flatMap { $0 >= 0 ? $0 * perEpoch : nil } ?? Int.max
        return options.maxSteps >= 0 ? min(byEpochs, options.maxSteps) : byEpochs
    }
    /// The index of the training batch being run, or the number done in the current epoch.
    public var batchIdx: Int { fitProgress.batchesDone }
    /// Set to end fitting at the next step boundary (respecting `minEpochs`).
    public var shouldStop = false
    /// Whether the last run was interrupted by a signal (and saved a checkpoint first).
    public internal(set) var interrupted = false
    /// What `fit` throws after an interruption: the signal and the checkpoint it saved.
    var interruption: TrainerError?
    /// When the ranks next agree on signals.
    var signalSchedule = TrainerSignals.Schedule()
    /// SLURM's auto-requeue, when this is a SLURM batch job or `plugins` asked for it.
    let slurmRequeue: SLURMRequeue?
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
    /// The schedulers and how they are stepped (`lr_scheduler_configs`); a callback may replace
    /// them with `replaceSchedulers`.
    public internal(set) var schedulerConfigs: [LRSchedulerConfig] = []
    /// Whether a callback asked for a validation after the current training batch.
    var validationRequested = false
    var lightningOptimizers: [LightningOptimizer] = []
    var runningStage: RunningStage?
    /// Values logged in training, and in validation or test (kept apart: a validation run in
    /// the middle of an epoch must not disturb the training epoch's means).
    let trainingMetrics = MetricStore(), evaluationMetrics = MetricStore()
    /// The batch being run, read for its size only when a logged value needs one.
    var currentBatch: Any?
    var currentBatchSize: Int { currentBatch.map(inferBatchSize) ?? 1 }
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
    /// Builds the training loader again from `trainDataloader()` and returns its number of
    /// batches; set during a `fit` whose loader comes from the hooks.
    var rebuildTrainLoader: (() throws -> Int)?
    /// The datamodule of the running `fit`.
    var currentDatamodule: AnyObject?
    /// The datamodule's state, for checkpoints.
    var datamoduleState: (() -> StateValue)?
    /// Whether `overfitBatches` is on: the same first batches every epoch.
    let overfitting: Bool
    var fitStart = Date()
    /// The stop decision all ranks last agreed on (multi-process runs).
    var agreedShouldStop = false
    /// A failure inside a non-throwing call a step makes (`log`, manual backward), thrown when the step ends.
    var pendingError: Error?

    /// A Trainer with Lightning's arguments: `Trainer(accelerator: .gpu, devices: 2, strategy: .ddp,
    /// precision: .bf16Mixed, maxEpochs: 10)`. `logger: nil` gives the default `CSVLogger`, `[]` none.
    public convenience init(accelerator: Accelerator = .auto, devices: Devices = .auto, strategy: Strategy = .auto,
                            numNodes: Int = 1, precision: Precision = .true32, maxEpochs: Int? = nil, minEpochs: Int = 0,
                            maxSteps: Int = -1, maxTime: Double? = nil, limitTrainBatches: BatchLimit = .all,
                            limitValBatches: BatchLimit = .all, limitTestBatches: BatchLimit = .all,
                            limitPredictBatches: BatchLimit = .all, valCheckInterval: BatchLimit = .all,
                            checkValEveryNEpoch: Int? = 1, numSanityValSteps: Int = 2, logEveryNSteps: Int = 50,
                            accumulateGradBatches: Int = 1, gradientClipVal: Double? = nil,
                            gradientClipAlgorithm: GradientClipAlgorithm = .norm, deterministic: Bool = false, benchmark: Bool? = nil,
                            fastDevRun: FastDevRun = .off, overfitBatches: BatchLimit = .fraction(0), enableCheckpointing: Bool = true,
                            enableProgressBar: Bool = true, enableModelSummary: Bool = true, defaultRootDir: String = ".",
                            callbacks: [Callback] = [], logger: [Logger]? = nil, detectAnomaly: Bool = false,
                            barebones: Bool = false, profiler: ProfilerKind? = nil, useDistributedSampler: Bool = true,
                            syncBatchnorm: Bool = false, plugins: [TrainerPlugin] = []) throws {
        var o = TrainerOptions()
        (o.accelerator, o.devices, o.strategy, o.numNodes, o.precision) = (accelerator, devices, strategy, numNodes, precision)
        (o.maxEpochs, o.minEpochs, o.maxSteps, o.maxTime) = (maxEpochs, minEpochs, maxSteps, maxTime)
        (o.limitTrainBatches, o.limitValBatches, o.limitTestBatches, o.limitPredictBatches) =
            (limitTrainBatches, limitValBatches, limitTestBatches, limitPredictBatches)
        (o.valCheckInterval, o.checkValEveryNEpoch, o.numSanityValSteps, o.logEveryNSteps) =
            (valCheckInterval, checkValEveryNEpoch, numSanityValSteps, logEveryNSteps)
        (o.accumulateGradBatches, o.gradientClipVal, o.gradientClipAlgorithm) = (accumulateGradBatches, gradientClipVal, gradientClipAlgorithm)
        (o.deterministic, o.benchmark, o.fastDevRun, o.overfitBatches) = (deterministic, benchmark, fastDevRun, overfitBatches)
        (o.enableCheckpointing, o.enableProgressBar, o.enableModelSummary) = (enableCheckpointing, enableProgressBar, enableModelSummary)
        (o.defaultRootDir, o.logger, o.detectAnomaly, o.barebones) = (defaultRootDir, logger?.isEmpty != true, detectAnomaly, barebones)
        (o.profiler, o.useDistributedSampler, o.syncBatchnorm) = (profiler, useDistributedSampler, syncBatchnorm)
        try self.init(options: o, callbacks: callbacks, loggers: logger, plugins: plugins)
    }

    /// A Trainer with `options` (what `LightningCLI` builds from a config), `callbacks`,
    /// `loggers` (nil: the default `CSVLogger` when `options.logger` is on) and plug-ins of your own.
    public init(options given: TrainerOptions, callbacks: [Callback] = [], loggers: [Logger]? = nil,
                plugins: [TrainerPlugin] = []) throws {
        try given.validate()
        let connector = try AcceleratorConnector(accelerator: given.accelerator, devices: given.devices, strategy: given.strategy,
                                                 numNodes: given.numNodes, precision: given.precision,
                                                 gradientClipVal: given.gradientClipVal, plugins: plugins)
        (acceleratorPlugin, strategyPlugin, precisionPlugin) = (connector.accelerator, connector.strategy, connector.precision)
        slurmRequeue = connector.slurmRequeue
        let globalZero = strategyPlugin.isGlobalZero
        var o = given
        let devRun = given.fastDevRun != .off
        overfitting = given.overfitBatches != .count(0) && given.overfitBatches != .fraction(0)
        if case .batches(let n) = given.fastDevRun {
            (o.maxEpochs, o.maxSteps, o.valCheckInterval, o.numSanityValSteps, o.logEveryNSteps) = (1, -1, .all, 0, 1)
            (o.limitTrainBatches, o.limitValBatches, o.limitTestBatches, o.limitPredictBatches) = (.count(n), .count(n), .count(n), .count(n))
        } else {
            o.maxEpochs = given.maxEpochs ?? (given.maxSteps == -1 ? 1000 : nil)
            if overfitting { (o.limitTrainBatches, o.limitValBatches) = (given.overfitBatches, given.overfitBatches) }
        }
        o.logger = given.logger && loggers?.isEmpty != true && !devRun && !given.barebones && globalZero
        o.enableCheckpointing = given.enableCheckpointing && !devRun && !given.barebones
        o.enableProgressBar = given.enableProgressBar && !given.barebones && globalZero
        o.enableModelSummary = given.enableModelSummary && !given.barebones && globalZero
        // As Lightning: `benchmark` nil keeps the process's cudnn.benchmark, or turns it off for a
        // deterministic run (set while each run lasts, see `withRunSettings`).
        benchmark = given.benchmark ?? (given.deterministic ? false : CUDA.cudnnBenchmark)
        o.benchmark = benchmark
        options = o
        accumulateGradBatches = o.accumulateGradBatches
        let givenProfilers = plugins.compactMap { plugin -> (any Profiler)? in
            if case .profiler(let p) = plugin { return p }
            return nil
        }
        if givenProfilers.count + (o.profiler == nil ? 0 : 1) > 1 {
            throw TrainerError.invalidArgument("plugins", "a profiler plug-in was given with profiler: or another one; give one of them")
        }
        switch o.profiler {
        case .simple: profiler = SimpleProfiler()
        case .pytorch: profiler = PyTorchProfiler()
        case nil: profiler = givenProfilers.first
        }
        self.loggers = o.logger ? loggers ?? [CSVLogger(root: o.defaultRootDir)] : []
        if !globalZero { printer = { _ in } }
        var callbacks = callbacks
        if o.enableCheckpointing && !callbacks.contains(where: { $0 is ModelCheckpoint }) {
            callbacks.append(ModelCheckpoint())
        }
        if !o.enableCheckpointing { callbacks.removeAll { $0 is ModelCheckpoint } }
        if o.enableModelSummary && !callbacks.contains(where: { $0 is ModelSummary }) {
            callbacks.insert(ModelSummary(), at: 0)
        }
        if !o.enableModelSummary { callbacks.removeAll { $0 is ModelSummary } }
        if o.enableProgressBar && !callbacks.contains(where: { $0 is ProgressBar }) { callbacks.append(ProgressBar()) }
        if !o.enableProgressBar { callbacks.removeAll { $0 is ProgressBar } }
        // As Lightning: checkpoint callbacks run last, so that what they save includes what the
        // other callbacks did at the same hook.
        self.callbacks = callbacks.filter { !($0 is ModelCheckpoint) } + callbacks.filter { $0 is ModelCheckpoint }
    }

    /// Runs `body` with the process-wide settings this Trainer's arguments ask for
    /// (`cudnn.benchmark`, deterministic algorithms), and puts back the ones it found after, so
    /// that another Trainer or the rest of the program sees them unchanged. Deterministic cuBLAS
    /// needs its workspace setting before first use; that variable stays.
    func withRunSettings(_ body: () throws -> Void) throws {
        let (benchmarkBefore, determinismBefore) = (CUDA.cudnnBenchmark, TorchSettings.deterministicAlgorithms)
        CUDA.cudnnBenchmark = benchmark
        if options.deterministic {
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

    // MARK: what callbacks may change (stopping: set `shouldStop`, or throw `TrainerStop`)

    /// Changes the batches per optimizer step from the next step on (what
    /// `GradientAccumulationScheduler` does at epoch starts).
    public func setAccumulateGradBatches(_ batches: Int) throws {
        guard batches >= 1 else { throw TrainerError.invalidArgument("accumulateGradBatches", "must be a positive integer, got \(batches)") }
        if batches != 1, module?.automaticOptimization == false {
            throw TrainerError.misconfiguration("gradient accumulation applies to automatic optimization only")
        }
        accumulateGradBatches = batches
    }

    /// Runs a validation after the current training batch (in fitting with a validation loader),
    /// besides the ones `valCheckInterval` schedules.
    public func requestValidation() { validationRequested = true }

    /// Puts `configs` in place of the schedulers `configureOptimizers` returned (what
    /// `StochasticWeightAveraging` does when averaging starts).
    public func replaceSchedulers(_ configs: [LRSchedulerConfig]) { schedulerConfigs = configs }

    /// The checkpoint callback, if checkpointing is on.
    public var checkpointCallback: ModelCheckpoint? { callbacks.lazy.compactMap { $0 as? ModelCheckpoint }.first }

    /// The folder of the first logger, or the root folder.
    public var logDir: String { loggers.first?.logDir ?? options.defaultRootDir }

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
            // The caller's line is sought in the module's own steps, not in what the loop runs
            // itself (backward, the optimizer step), where it would only be the call of `fit`.
            throw TrainerError.stepFailed(step: step, epoch: currentEpoch, batchIdx: batchIdx, message: error.message,
                                          location: step.hasSuffix("_step") && step != "optimizer_step" ? error.callerLine : nil)
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
            _ = try strategyPlugin.optimizerStep(optimizer, precision: precisionPlugin, clipValue: nil, clipAlgorithm: options.gradientClipAlgorithm)
        } catch {
            pendingError = error
        }
        fitProgress.globalStep += 1
    }
}
