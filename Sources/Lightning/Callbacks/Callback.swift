import Torch

/// Code run at points of the Trainer's loops (`pytorch_lightning.Callback`); every hook has
/// an empty default. Throwing `TrainerStop` from a hook ends fitting gracefully.
public protocol Callback: AnyObject {
    /// The key of this callback's state in checkpoints.
    var stateKey: String { get }
    func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws
    func teardown(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws
    func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onFitEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onSanityCheckStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onSanityCheckEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws
    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws
    func onValidationStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onValidationEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onValidationEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onValidationBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws
    func onTestEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTestEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onTestBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws
    func onPredictEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onPredictEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onPredictBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, output: Tensor?, batch: Any, batchIdx: Int) throws
    func onBeforeBackward(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor) throws
    func onAfterBackward(_ trainer: Trainer, _ module: LightningModuleBase) throws
    func onBeforeOptimizerStep(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws
    func onBeforeZeroGrad(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws
    func onSaveCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: inout [(String, StateValue)]) throws
    func onLoadCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: StateValue) throws
    func onException(_ trainer: Trainer, _ module: LightningModuleBase, error: Error)
    /// State saved in checkpoints under `stateKey`.
    func stateDict() -> StateValue
    /// Restores `stateDict()`.
    func loadStateDict(_ state: StateValue)
}

extension Callback {
    public var stateKey: String { String(describing: type(of: self)) }
    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {}
    public func teardown(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {}
    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onFitEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onSanityCheckStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onSanityCheckEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTrainStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {}
    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {}
    public func onValidationStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onValidationEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onValidationEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onValidationBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {}
    public func onTestEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTestEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onTestBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {}
    public func onPredictEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onPredictEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onPredictBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, output: Tensor?, batch: Any, batchIdx: Int) throws {}
    public func onBeforeBackward(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor) throws {}
    public func onAfterBackward(_ trainer: Trainer, _ module: LightningModuleBase) throws {}
    public func onBeforeOptimizerStep(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws {}
    public func onBeforeZeroGrad(_ trainer: Trainer, _ module: LightningModuleBase, optimizer: Optimizer) throws {}
    public func onSaveCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: inout [(String, StateValue)]) throws {}
    public func onLoadCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: StateValue) throws {}
    public func onException(_ trainer: Trainer, _ module: LightningModuleBase, error: Error) {}
    public func stateDict() -> StateValue { .dict([(StateValue, StateValue)]()) }
    public func loadStateDict(_ state: StateValue) {}
}
