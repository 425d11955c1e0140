import Torch

/// A callback made of closures, one per hook given (Lightning's `LambdaCallback`), for a hook or
/// two without a type of one's own: `LambdaCallback(onTrainEpochEnd: { trainer, _ in ... })`.
public final class LambdaCallback: Callback {
    private let setupHook: ((Trainer, LightningModuleBase, Stage) throws -> Void)?
    private let teardownHook: ((Trainer, LightningModuleBase, Stage) throws -> Void)?
    private let onFitStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onFitEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onSanityCheckStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onSanityCheckEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTrainStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTrainEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTrainEpochStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTrainEpochEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTrainBatchStartHook: ((Trainer, LightningModuleBase, Any, Int) throws -> Void)?
    private let onTrainBatchEndHook: ((Trainer, LightningModuleBase, Tensor?, Any, Int) throws -> Void)?
    private let onValidationStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onValidationEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onValidationEpochStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onValidationEpochEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onValidationBatchEndHook: ((Trainer, LightningModuleBase, Any, Int) throws -> Void)?
    private let onTestEpochStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTestEpochEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onTestBatchEndHook: ((Trainer, LightningModuleBase, Any, Int) throws -> Void)?
    private let onPredictEpochStartHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onPredictEpochEndHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onPredictBatchEndHook: ((Trainer, LightningModuleBase, Tensor?, Any, Int) throws -> Void)?
    private let onBeforeBackwardHook: ((Trainer, LightningModuleBase, Tensor) throws -> Void)?
    private let onAfterBackwardHook: ((Trainer, LightningModuleBase) throws -> Void)?
    private let onBeforeOptimizerStepHook: ((Trainer, LightningModuleBase, Optimizer) throws -> Void)?
    private let onBeforeZeroGradHook: ((Trainer, LightningModuleBase, Optimizer) throws -> Void)?
    private let onSaveCheckpointHook: ((Trainer, LightningModuleBase, inout [(String, StateValue)]) throws -> Void)?
    private let onLoadCheckpointHook: ((Trainer, LightningModuleBase, StateValue) throws -> Void)?
    private let onExceptionHook: ((Trainer, LightningModuleBase, Error) -> Void)?

    /// The hooks to run; the others do nothing.
    public init(setup: ((Trainer, LightningModuleBase, Stage) throws -> Void)? = nil,
                teardown: ((Trainer, LightningModuleBase, Stage) throws -> Void)? = nil,
                onFitStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onFitEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onSanityCheckStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onSanityCheckEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTrainStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTrainEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTrainEpochStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTrainEpochEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTrainBatchStart: ((Trainer, LightningModuleBase, Any, Int) throws -> Void)? = nil,
                onTrainBatchEnd: ((Trainer, LightningModuleBase, Tensor?, Any, Int) throws -> Void)? = nil,
                onValidationStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onValidationEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onValidationEpochStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onValidationEpochEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onValidationBatchEnd: ((Trainer, LightningModuleBase, Any, Int) throws -> Void)? = nil,
                onTestEpochStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTestEpochEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onTestBatchEnd: ((Trainer, LightningModuleBase, Any, Int) throws -> Void)? = nil,
                onPredictEpochStart: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onPredictEpochEnd: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onPredictBatchEnd: ((Trainer, LightningModuleBase, Tensor?, Any, Int) throws -> Void)? = nil,
                onBeforeBackward: ((Trainer, LightningModuleBase, Tensor) throws -> Void)? = nil,
                onAfterBackward: ((Trainer, LightningModuleBase) throws -> Void)? = nil,
                onBeforeOptimizerStep: ((Trainer, LightningModuleBase, Optimizer) throws -> Void)? = nil,
                onBeforeZeroGrad: ((Trainer, LightningModuleBase, Optimizer) throws -> Void)? = nil,
                onSaveCheckpoint: ((Trainer, LightningModuleBase, inout [(String, StateValue)]) throws -> Void)? = nil,
                onLoadCheckpoint: ((Trainer, LightningModuleBase, StateValue) throws -> Void)? = nil,
                onException: ((Trainer, LightningModuleBase, Error) -> Void)? = nil) {
        setupHook = setup
        teardownHook = teardown
        onFitStartHook = onFitStart
        onFitEndHook = onFitEnd
        onSanityCheckStartHook = onSanityCheckStart
        onSanityCheckEndHook = onSanityCheckEnd
        onTrainStartHook = onTrainStart
        onTrainEndHook = onTrainEnd
        onTrainEpochStartHook = onTrainEpochStart
        onTrainEpochEndHook = onTrainEpochEnd
        onTrainBatchStartHook = onTrainBatchStart
        onTrainBatchEndHook = onTrainBatchEnd
        onValidationStartHook = onValidationStart
        onValidationEndHook = onValidationEnd
        onValidationEpochStartHook = onValidationEpochStart
        onValidationEpochEndHook = onValidationEpochEnd
        onValidationBatchEndHook = onValidationBatchEnd
        onTestEpochStartHook = onTestEpochStart
        onTestEpochEndHook = onTestEpochEnd
        onTestBatchEndHook = onTestBatchEnd
        onPredictEpochStartHook = onPredictEpochStart
        onPredictEpochEndHook = onPredictEpochEnd
        onPredictBatchEndHook = onPredictBatchEnd
        onBeforeBackwardHook = onBeforeBackward
        onAfterBackwardHook = onAfterBackward
        onBeforeOptimizerStepHook = onBeforeOptimizerStep
        onBeforeZeroGradHook = onBeforeZeroGrad
        onSaveCheckpointHook = onSaveCheckpoint
        onLoadCheckpointHook = onLoadCheckpoint
        onExceptionHook = onException
    }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws { try setupHook?(trainer, module, stage) }

    public func teardown(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws { try teardownHook?(trainer, module, stage) }

    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onFitStartHook?(trainer, module) }

    public func onFitEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onFitEndHook?(trainer, module) }

    public func onSanityCheckStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onSanityCheckStartHook?(trainer, module) }

    public func onSanityCheckEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onSanityCheckEndHook?(trainer, module) }

    public func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onTrainStartHook?(trainer, module) }

    public func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onTrainEndHook?(trainer, module) }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onTrainEpochStartHook?(trainer, module) }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onTrainEpochEndHook?(trainer, module) }

    public func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws { try onTrainBatchStartHook?(trainer, module, batch, batchIdx) }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws { try onTrainBatchEndHook?(trainer, module, loss, batch, batchIdx) }

    public func onValidationStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onValidationStartHook?(trainer, module) }

    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onValidationEndHook?(trainer, module) }

    public func onValidationEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onValidationEpochStartHook?(trainer, module) }

    public func onValidationEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onValidationEpochEndHook?(trainer, module) }

    public func onValidationBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws { try onValidationBatchEndHook?(trainer, module, batch, batchIdx) }

    public func onTestEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onTestEpochStartHook?(trainer, module) }

    public func onTestEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onTestEpochEndHook?(trainer, module) }

    public func onTestBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws { try onTestBatchEndHook?(trainer, module, batch, batchIdx) }

    public func onPredictEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onPredictEpochStartHook?(trainer, module) }

    public func onPredictEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onPredictEpochEndHook?(trainer, module) }

    public func onPredictBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, output: Tensor?, batch: Any, batchIdx: Int) throws { try onPredictBatchEndHook?(trainer, module, output, batch, batchIdx) }

    public func onBeforeBackward(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor) throws { try onBeforeBackwardHook?(trainer, module, loss) }

    public func onAfterBackward(_ trainer: Trainer, _ module: LightningModuleBase) throws { try onAfterBackwardHook?(trainer, module) }

    public func onBeforeOptimizerStep(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws { try onBeforeOptimizerStepHook?(trainer, module, optimizer) }

    public func onBeforeZeroGrad(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws { try onBeforeZeroGradHook?(trainer, module, optimizer) }

    public func onSaveCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: inout [(String, StateValue)]) throws { try onSaveCheckpointHook?(trainer, module, &checkpoint) }

    public func onLoadCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: StateValue) throws { try onLoadCheckpointHook?(trainer, module, checkpoint) }

    public func onException(_ trainer: Trainer, _ module: LightningModuleBase, error: Error) { onExceptionHook?(trainer, module, error) }
}
