import Metrics
import Torch

/// The part of a `LightningModule` that does not depend on its batch type: hooks, logging,
/// optimizers and hyper-parameters. Callbacks and loggers see modules as this.
open class LightningModuleBase: Module {
    /// The Trainer running this module, while it runs.
    public internal(set) weak var trainer: Trainer?
    /// An input for `forward`, so that `ModelSummary` shows each layer's input and output sizes
    /// (Lightning's `example_input_array`).
    open var exampleInputArray: Tensor? { nil }
    /// The Trainer's loggers (none outside a run, and on ranks other than 0).
    public var loggers: [Logger] { trainer?.loggers ?? [] }
    /// The first logger (`self.logger`); its `experiment` writes images and histograms.
    public var logger: Logger? { loggers.first }
    /// The hyper-parameters saved with `saveHyperparameters`, stored in checkpoints.
    public private(set) var hyperparameters: [(String, StateValue)] = []
    /// The parameters `toggleOptimizer` turned off, with what they had.
    private var toggledRequiresGrad: [ObjectIdentifier: (Tensor, Bool)] = [:]
    /// Set to false to step optimizers yourself in `trainingStep` (manual optimization).
    open var automaticOptimization: Bool { true }

    public override init() { super.init() }

    /// The optimizers (and schedulers) to train with; a module that trains overrides it.
    open func configureOptimizers() -> OptimizerConfig { .missing }

    /// Splits the model's layers over `mesh` under `.modelParallel` (Lightning's `configure_model`
    /// with `self.device_mesh`): apply tensor-parallel styles with `parallelizeModule(self, group:
    /// mesh["tensor_parallel"], plan: ...)`. Called once on every rank, with rank 0's whole weights
    /// everywhere, before `configureOptimizers`; a module trained with `.modelParallel` overrides it.
    open func parallelize(_ mesh: DeviceMesh) throws {
        throw TrainerError.misconfiguration("\(type(of: self)) does not override parallelize(_:): under .modelParallel the model "
            + "splits its layers there, with parallelizeModule(self, group: mesh[\"tensor_parallel\"], plan: ...)")
    }

    /// Records hyper-parameters (`self.save_hyperparameters()`).
    public func saveHyperparameters(_ values: KeyValuePairs<String, StateValue>) {
        for (k, v) in values {
            hyperparameters.removeAll { $0.0 == k }
            hyperparameters.append((k, v))
        }
    }

    func restoreHyperparameters(_ values: [(String, StateValue)]) { hyperparameters = values }

    // MARK: hooks, in the order Lightning calls them

    /// Downloads or generates data before `setup` (`prepare_data`), on one process of each machine.
    open func prepareData() {}
    open func setup(stage: Stage) {}
    open func teardown(stage: Stage) {}
    open func onFitStart() {}
    open func onFitEnd() {}
    open func onTrainStart() {}
    open func onTrainEnd() {}
    open func onTrainEpochStart() {}
    open func onTrainEpochEnd() {}
    open func onValidationStart() {}
    open func onValidationEnd() {}
    open func onValidationEpochStart() {}
    open func onValidationEpochEnd() {}
    open func onTestEpochStart() {}
    open func onTestEpochEnd() {}
    open func onPredictEpochStart() {}
    open func onPredictEpochEnd() {}
    /// Called with the loss (already scaled for gradient accumulation) before backward.
    open func onBeforeBackward(_ loss: Tensor) {}
    open func onAfterBackward() {}
    open func onBeforeOptimizerStep(_ optimizer: Optimizer) {}
    open func onBeforeZeroGrad(_ optimizer: Optimizer) {}
    /// Adds entries to a checkpoint being saved.
    open func onSaveCheckpoint(_ checkpoint: inout [(String, StateValue)]) {}
    /// Reads entries of a checkpoint being loaded.
    open func onLoadCheckpoint(_ checkpoint: StateValue) {}

    // MARK: state for steps

    /// The device the module's parameters are on (`self.device`): the run's device in a run
    /// (read from the Trainer, so a step can ask every time), else that of the first parameter.
    public var device: Device { trainer?.acceleratorPlugin.device ?? parameters().first?.device ?? .cpu }
    /// The epoch being run (0-based).
    public var currentEpoch: Int { trainer?.currentEpoch ?? 0 }
    /// The number of optimizer steps taken.
    public var globalStep: Int { trainer?.globalStep ?? 0 }

    /// Logs a metric (`self.log`). By default values logged in `trainingStep` are recorded per
    /// step, and those logged in validation and test per epoch, as batch-size-weighted means.
    public func log(_ name: String, _ value: Tensor, onStep: Bool? = nil, onEpoch: Bool? = nil, progressBar: Bool = false,
                    syncDist: Bool = false, batchSize: Int? = nil) {
        trainer?.record(name, value, onStep: onStep, onEpoch: onEpoch, progressBar: progressBar, syncDist: syncDist,
                        batchSize: batchSize)
    }

    /// Logs a number.
    public func log(_ name: String, _ value: Double, onStep: Bool? = nil, onEpoch: Bool? = nil, progressBar: Bool = false,
                    syncDist: Bool = false, batchSize: Int? = nil) {
        log(name, Tensor(value), onStep: onStep, onEpoch: onEpoch, progressBar: progressBar, syncDist: syncDist, batchSize: batchSize)
    }

    /// Logs a metric object (`self.log(name, self.acc)`): per step its value on the batch it was
    /// last called on, per epoch its `compute()` over the whole epoch on every rank, after which
    /// it is reset, as Lightning does with torchmetrics.
    public func log(_ name: String, _ metric: Metric, onStep: Bool? = nil, onEpoch: Bool? = nil, progressBar: Bool = false) {
        trainer?.record(name, metric: metric, onStep: onStep, onEpoch: onEpoch, progressBar: progressBar)
    }

    /// Logs every metric of a collection under its name with prefix and postfix
    /// (`self.log_dict(collection)`).
    public func logDict(_ collection: MetricCollection, onStep: Bool? = nil, onEpoch: Bool? = nil, progressBar: Bool = false) {
        for (name, metric) in collection.metrics {
            log(collection.fullName(name), metric, onStep: onStep, onEpoch: onEpoch, progressBar: progressBar)
        }
    }

    /// Logs several metrics with the same options.
    public func logDict(_ values: [String: Tensor], onStep: Bool? = nil, onEpoch: Bool? = nil, progressBar: Bool = false,
                        syncDist: Bool = false, batchSize: Int? = nil) {
        for name in values.keys.sorted() {
            log(name, values[name]!, onStep: onStep, onEpoch: onEpoch, progressBar: progressBar, syncDist: syncDist,
                batchSize: batchSize)
        }
    }

    // MARK: manual optimization

    /// The optimizers, wrapped so that their steps count as global steps (manual optimization).
    public func optimizers() -> [LightningOptimizer] { trainer?.lightningOptimizers ?? [] }

    /// The learning-rate schedulers.
    public func lrSchedulers() -> [LRScheduler] { trainer?.schedulerConfigs.map(\.scheduler) ?? [] }

    /// Makes only `optimizer`'s parameters require gradients (`toggle_optimizer`), so that a
    /// backward in manual optimization leaves the other optimizers' parameters alone (a GAN's
    /// generator step through the discriminator); `untoggleOptimizer` restores them.
    public func toggleOptimizer(_ optimizer: LightningOptimizer) {
        let own = Set(optimizer.optimizer.paramGroups.flatMap(\.params).map(ObjectIdentifier.init))
        for other in trainer?.optimizers ?? [] {
            for parameter in other.paramGroups.flatMap(\.params) where !own.contains(ObjectIdentifier(parameter)) {
                if toggledRequiresGrad[ObjectIdentifier(parameter)] == nil {
                    toggledRequiresGrad[ObjectIdentifier(parameter)] = (parameter, parameter.requiresGrad)
                }
                _ = parameter.requiresGrad_(false)
            }
        }
    }

    /// Restores what `toggleOptimizer` changed (`untoggle_optimizer`).
    public func untoggleOptimizer(_ optimizer: LightningOptimizer) {
        for (parameter, requiresGrad) in toggledRequiresGrad.values { _ = parameter.requiresGrad_(requiresGrad) }
        toggledRequiresGrad = [:]
    }

    /// Backward through the precision plugin (use instead of `loss.backward()` in manual optimization).
    public func manualBackward(_ loss: Tensor, retainGraph: Bool = false) {
        trainer?.backward(loss, retainGraph: retainGraph)
    }
}

/// An optimizer as a LightningModule sees it in manual optimization: stepping it counts a global step.
public final class LightningOptimizer {
    public let optimizer: Optimizer
    unowned let trainer: Trainer

    init(_ optimizer: Optimizer, trainer: Trainer) {
        (self.optimizer, self.trainer) = (optimizer, trainer)
    }

    /// Steps the optimizer (through the precision plugin) and counts a global step.
    public func step() { trainer.optimizerStep(optimizer) }

    /// Clears the gradients.
    public func zeroGrad(setToNone: Bool = true) { optimizer.zeroGrad(setToNone: setToNone) }
}

extension LightningModuleBase: ModelParallelizable {}
