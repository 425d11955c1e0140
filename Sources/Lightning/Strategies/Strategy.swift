import Foundation
import Torch

/// How training is spread over devices and processes (Lightning's `Strategy`): the Trainer
/// calls these around every step, so a model's code is the same on one process or many.
public protocol StrategyPlugin: AnyObject {
    /// This process's rank among all processes.
    var globalRank: Int { get }
    /// This process's rank on its node.
    var localRank: Int { get }
    /// The number of processes.
    var worldSize: Int { get }
    /// Joins the job before anything else runs (Lightning's `setup_environment`): a parallel
    /// strategy connects its process group, starting the other local processes when this one
    /// starts them. `setup` does it too when it was not done.
    func setupEnvironment(accelerator: AcceleratorPlugin) throws
    /// Joins the job (starting the other local processes when needed) and prepares the
    /// module for `stage`: its device, identical weights on every rank, gradient hooks.
    func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws
    /// Undoes what `setup` attached to the module.
    func teardown()
    /// Before a training step; `synchronizing` is false on the accumulation steps that
    /// don't step the optimizer (`no_sync`).
    func beforeTrainingStep(synchronizing: Bool) throws
    /// The forward and backward of one training batch (Lightning's `Strategy.training_step`
    /// with its backward): by default the module's `trainingStep`, then `context.backward`; a
    /// pipeline runs its stages' schedule instead. Returns the loss, or nil for a skipped batch.
    func trainingStep<Batch>(_ module: LightningModule<Batch>, batch: Batch, batchIdx: Int,
                             context: TrainingStepContext) throws -> Tensor?
    /// Before the backward of `loss`, with the same `synchronizing` as the step.
    func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws
    /// Backward of `loss` (Lightning's `Strategy.backward`): `beforeBackward`, the precision
    /// plug-in's backward, then `afterBackward`.
    func backward(_ loss: Tensor, precision: PrecisionPlugin, synchronizing: Bool, retainGraph: Bool) throws
    /// One optimizer step (Lightning's `Strategy.optimizer_step`): gradients unscaled, overflow
    /// checks combined across ranks when each steps a share, clipped to `clipValue` (nil: not
    /// clipped), stepped by the precision plug-in, then `afterOptimizerStep`. Returns whether
    /// the optimizer stepped (a float16 overflow skips it).
    func optimizerStep(_ optimizer: Optimizer, precision: PrecisionPlugin, clipValue: Double?,
                       clipAlgorithm: GradientClipAlgorithm) throws -> Bool
    /// Clips the gradients of the parameters `optimizer` steps to a joint 2-norm of `maxNorm`
    /// and returns the norm before clipping (Lightning's `clip_gradients_norm`); a strategy that
    /// splits parameters measures the norm of the whole model.
    @discardableResult
    func clipGradientsNorm(_ optimizer: Optimizer, maxNorm: Double) throws -> Tensor
    /// Combines `tensor` across processes in place.
    func allReduce(_ tensor: Tensor, op: ReduceOp) throws
    /// Every process's `tensor` (the same shape on each), in rank order.
    func allGather(_ tensor: Tensor) throws -> [Tensor]
    /// Copies rank `root`'s `tensor` to every process.
    func broadcast(_ tensor: Tensor, root: Int) throws
    /// Waits for every process.
    func barrier() throws
    /// Called when a run fails, before the error reaches the caller.
    func onException(_ error: Error)
    /// After a backward, with the same `synchronizing` (ZeRO stage 2 reduces gradients to their owners).
    func afterBackward(synchronizing: Bool) throws
    /// Prepares the optimizers `configureOptimizers` returned (ZeRO shards them).
    func setupOptimizers(_ optimizers: [Optimizer]) throws
    /// After an optimizer stepped (ZeRO shares the updated weights).
    func afterOptimizerStep(_ optimizer: Optimizer) throws
    /// Every parameter an optimizer is responsible for, for gradient clipping.
    func parameters(of optimizer: Optimizer) -> [Tensor]
    /// The module's weights for a checkpoint (every rank calls it; FSDP gathers them).
    func moduleStateDict(_ module: Module) throws -> StateDict
    /// Loads whole weights (every rank calls it).
    func loadModuleStateDict(_ module: Module, _ stateDict: StateDict) throws
    /// The optimizer's state for a checkpoint, as one process would hold it (every rank calls it).
    func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue
    /// Loads an optimizer state written by `optimizerStateDict`.
    func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws
    /// The file I/O of checkpoints (Lightning's `Strategy.checkpoint_io`): `TorchCheckpointIO`
    /// unless `Trainer(plugins: [.checkpointIO(...)])` gives another.
    var checkpointIO: CheckpointIO { get set }
    /// Writes a checkpoint (Lightning's `Strategy.save_checkpoint`; every rank calls it): by
    /// default rank 0 writes the file atomically and every rank waits until it has.
    func saveCheckpoint(_ checkpoint: [(String, StateValue)], to path: String) throws
    /// Reads a file `saveCheckpoint` wrote (every rank calls it).
    func loadCheckpoint(_ path: String) throws -> StateValue
    /// Loads a checkpoint's weights into the module (every rank calls it).
    func loadModuleState(from checkpoint: StateValue, into module: Module) throws
    /// Loads a checkpoint's optimizer states (every rank calls it).
    func loadOptimizerStates(from checkpoint: StateValue, into optimizers: [Optimizer]) throws
    /// Deletes a checkpoint a callback no longer keeps (every rank calls it).
    func removeCheckpoint(_ path: String)
    /// Whether each rank's optimizers step only part of the parameters (ZeRO, FSDP, pipelines):
    /// overflow checks of the loss scaler are then combined across ranks.
    var updatesAShare: Bool { get }
    /// Which share of the data this rank reads (ranks of one pipeline read the same).
    var dataParallelRank: Int { get }
    /// How many shares the data is cut into.
    var dataParallelSize: Int { get }
}

extension StrategyPlugin {
    public func setupEnvironment(accelerator: AcceleratorPlugin) throws {}
    public func allGather(_ tensor: Tensor) throws -> [Tensor] { [tensor] }

    public func trainingStep<Batch>(_ module: LightningModule<Batch>, batch: Batch, batchIdx: Int,
                                    context: TrainingStepContext) throws -> Tensor? {
        guard let loss = try context.forward() else { return nil }
        try context.backward(loss)
        return loss
    }

    public func backward(_ loss: Tensor, precision: PrecisionPlugin, synchronizing: Bool, retainGraph: Bool) throws {
        try beforeBackward(loss, synchronizing: synchronizing)
        precision.backward(loss, retainGraph: retainGraph)
        try afterBackward(synchronizing: synchronizing)
    }

    public func optimizerStep(_ optimizer: Optimizer, precision: PrecisionPlugin, clipValue: Double?,
                              clipAlgorithm: GradientClipAlgorithm) throws -> Bool {
        precision.unscaleGradients(optimizer)
        if updatesAShare { try precision.combineOverflow(optimizer) { try allReduce($0, op: .max) } }
        if let clipValue, clipValue > 0 { try clipGradients(optimizer, clipValue: clipValue, clipAlgorithm: clipAlgorithm) }
        let stepped = precision.optimizerStep(optimizer)
        try afterOptimizerStep(optimizer)
        return stepped
    }

    @discardableResult
    public func clipGradientsNorm(_ optimizer: Optimizer, maxNorm: Double) throws -> Tensor {
        clipGradNorm_(parameters(of: optimizer), maxNorm: maxNorm)
    }

    /// Clips the gradients of the parameters `optimizer` steps to `clipValue` (Lightning's
    /// `clip_gradients`): by their joint 2-norm (`clipGradientsNorm`, whose norm it returns) or
    /// elementwise (nil).
    @discardableResult
    public func clipGradients(_ optimizer: Optimizer, clipValue: Double, clipAlgorithm: GradientClipAlgorithm) throws -> Tensor? {
        switch clipAlgorithm {
        case .norm: return try clipGradientsNorm(optimizer, maxNorm: clipValue)
        case .value:
            clipGradValue_(parameters(of: optimizer), clipValue: clipValue)
            return nil
        }
    }

    public func afterBackward(synchronizing: Bool) throws {}
    public func setupOptimizers(_ optimizers: [Optimizer]) throws {}
    public func afterOptimizerStep(_ optimizer: Optimizer) throws {}
    public func parameters(of optimizer: Optimizer) -> [Tensor] { optimizer.paramGroups.flatMap(\.params) }
    public func moduleStateDict(_ module: Module) throws -> StateDict { module.stateDict() }
    public func loadModuleStateDict(_ module: Module, _ stateDict: StateDict) throws { try module.loadStateDict(stateDict) }
    public func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue { optimizer.stateDict() }
    public func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws { try optimizer.loadStateDict(stateDict) }

    public func saveCheckpoint(_ checkpoint: [(String, StateValue)], to path: String) throws {
        try writeCheckpoint(checkpoint, own: nil, to: path)
    }

    public func loadCheckpoint(_ path: String) throws -> StateValue { try checkpointIO.load(path) }

    public func loadModuleState(from checkpoint: StateValue, into module: Module) throws {
        if let ranks = checkpoint[FSDPStrategy.shardsKey]?["world_size"]?.intValue {
            throw TrainerError.misconfiguration(
                "this is a sharded FSDP checkpoint of \(ranks) ranks; resume it with strategy .fsdp on \(ranks) processes")
        }
        if let layout = checkpoint[ModelParallelStrategy.shardsKey], let ranks = layout["world_size"]?.intValue {
            throw TrainerError.misconfiguration("this is a sharded checkpoint of .modelParallel on \(ranks) ranks; resume it with "
                + ".modelParallel(dataParallelSize: \(layout["data_parallel_size"]?.intValue ?? 0), tensorParallelSize: "
                + "\(layout["tensor_parallel_size"]?.intValue ?? 0))")
        }
        try loadModuleStateDict(module, checkpoint["state_dict"]?.stateDictValue ?? StateDict())
    }

    public func loadOptimizerStates(from checkpoint: StateValue, into optimizers: [Optimizer]) throws {
        for (optimizer, state) in zip(optimizers, try Trainer.optimizerStates(in: checkpoint, count: optimizers.count)) {
            try loadOptimizerStateDict(optimizer, state)
        }
    }

    public func removeCheckpoint(_ path: String) { removeCheckpointFiles(path, split: false) }
    public var updatesAShare: Bool { false }
    public var dataParallelRank: Int { globalRank }
    public var dataParallelSize: Int { worldSize }

    /// Where this rank keeps its own part of the checkpoint at `path`, under sharded checkpoints.
    func shardPath(of path: String) -> String { "\(path).shard-rank\(globalRank)" }

    /// Writes a checkpoint (every rank calls it): with `own`, each rank first writes its own part
    /// beside it (`shardPath`); then rank 0 writes `index` to `path`, atomically, and every rank
    /// waits until it has.
    func writeCheckpoint(_ index: [(String, StateValue)], own: [(String, StateValue)]?, to path: String) throws {
        if let own { try checkpointIO.save(.dict(own), to: shardPath(of: path)) }
        if isGlobalZero { try checkpointIO.save(.dict(index), to: path) }
        try barrier()
    }

    /// A split checkpoint's `index` (read from `path`) with this rank's own entries `keys` in
    /// place of the index's.
    func withOwnEntries(_ index: StateValue, of path: String, keys: [String]) throws -> StateValue {
        let own = try checkpointIO.load(shardPath(of: path))
        let kept = (index.dictValue ?? []).compactMap { k, v in k.stringValue.flatMap { keys.contains($0) ? nil : ($0, v) } }
        return .dict(kept + keys.map { ($0, own[$0] ?? .list([])) })
    }

    /// Deletes the checkpoint at `path` and, when it is `split`, this rank's own part of it.
    func removeCheckpointFiles(_ path: String, split: Bool) {
        if isGlobalZero { try? checkpointIO.remove(path) }
        if split { try? checkpointIO.remove(shardPath(of: path)) }
    }

    /// Whether this process writes checkpoints and logs.
    public var isGlobalZero: Bool { globalRank == 0 }

    /// The mean of `value` over processes (`syncDist`).
    public func reduceMean(_ value: Tensor) throws -> Tensor {
        guard worldSize > 1 else { return value }
        let copy = value.detach().to(dtype: .float64).clone()
        try allReduce(copy, op: .sum)
        return (copy / Double(worldSize)).to(dtype: value.dtype)
    }

    /// Whether any process (or, with `all`, every process) decided `decision`.
    public func reduceBooleanDecision(_ decision: Bool, all: Bool = false) throws -> Bool {
        guard worldSize > 1 else { return decision }
        let votes = Tensor([decision ? 1 : 0] as [Int64])
        try allReduce(votes, op: .sum)
        let count = votes.item(as: Int64.self)
        return all ? count == Int64(worldSize) : count > 0
    }

    /// Rank `root`'s `value` on every process.
    public func broadcast(_ value: Int, root: Int = 0) throws -> Int {
        guard worldSize > 1 else { return value }
        let t = Tensor([Int64(value)])
        try broadcast(t, root: root)
        return Int(t.item(as: Int64.self))
    }

    /// Rank `root`'s `text` on every process.
    public func broadcast(_ text: String, root: Int = 0) throws -> String {
        guard worldSize > 1 else { return text }
        let count = try broadcast(text.utf8.count, root: root)
        let bytes = Tensor(globalRank == root ? Array(text.utf8) : [UInt8](repeating: 0, count: count))
        if count > 0 { try broadcast(bytes, root: root) }
        return String(decoding: count > 0 ? bytes.scalars(as: UInt8.self) : [], as: UTF8.self)
    }
}

/// Everything in this process on one device.
public final class SingleDeviceStrategy: StrategyPlugin {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()
    public init() {}
    public var globalRank: Int { 0 }
    public var localRank: Int { 0 }
    public var worldSize: Int { 1 }
    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        module.to(device: accelerator.device)
    }
    public func teardown() {}
    public func beforeTrainingStep(synchronizing: Bool) throws {}
    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws {}
    public func allReduce(_ tensor: Tensor, op: ReduceOp) throws {}
    public func broadcast(_ tensor: Tensor, root: Int) throws {}
    public func barrier() throws {}
    public func onException(_ error: Error) {}
}
