import Foundation
import Torch

/// Fully sharded data parallel (`.fsdp`, ZeRO stage 3, Lightning's `FSDPStrategy`): parameters,
/// gradients and optimizer state are all split among the ranks. The model is cut into units
/// by `WrapPolicy` (per transformer block, or by parameter count); each unit's parameters are
/// flattened, and each rank keeps a 1/N shard. A unit is all-gathered when its parameters are
/// read in forward, freed once two later units have been gathered, gathered again when backward
/// needs it, and its gradients are reduce-scattered to the shards as soon as they are complete.
/// The optimizer steps the shards. Between steps each rank holds about 1/N of everything.
///
/// A model's forward must read parameters through their module properties where it uses them
/// (as every built-in layer does): a parameter kept in a local variable across other units'
/// forwards may have been freed.
public final class FSDPStrategy: ParallelStrategy {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()
    /// How the model is cut into units (`auto_wrap_policy`).
    public enum WrapPolicy: Sendable, Equatable {
        /// One unit per module of these types (for example each transformer block).
        case moduleTypes([ObjectIdentifier])
        /// A unit for every smallest module holding at least this many not yet wrapped
        /// parameter elements (`size_based_auto_wrap_policy`).
        case minParameters(Int)
        /// One unit for the whole model.
        case whole

        /// One unit per module of these types.
        public static func modules(_ types: [Module.Type]) -> WrapPolicy { .moduleTypes(types.map { ObjectIdentifier($0) }) }
    }

    /// What checkpoints hold (`state_dict_type`).
    public enum StateDictType: String, Sendable, Equatable {
        /// Whole weights and optimizer state in one file, as a single process writes it
        /// (loadable by one process and by Python's `torch.load`).
        case full
        /// Each rank's shards in its own file beside an index; resumes on as many ranks.
        case sharded
    }

    /// The choices of the strategy.
    public struct Options: Sendable, Equatable {
        /// How the model is cut into units.
        public var wrapPolicy: WrapPolicy
        /// What checkpoints hold.
        public var stateDictType: StateDictType
        /// Seconds after which a collective fails.
        public var timeout: Double

        public init(wrapPolicy: WrapPolicy = .minParameters(100_000), stateDictType: StateDictType = .full, timeout: Double = 1800) {
            (self.wrapPolicy, self.stateDictType, self.timeout) = (wrapPolicy, stateDictType, timeout)
        }
    }

    /// The strategy's choices.
    public let options: Options
    /// The strategy's process group and where this process sits in the job.
    public let context: DistributedContext
    /// Rank 0's buffers copied to every rank before training steps, as in DDP.
    private let sync: DataParallelSync
    /// The units and their gathering, freeing and reductions.
    private let sharded: FullyShardedUnits
    private var failed = false

    public init(options: Options = Options(), environment: ClusterEnvironment) {
        self.options = options
        context = DistributedContext(environment: environment, timeout: options.timeout)
        sync = DataParallelSync(options: .init(timeout: options.timeout), averagesGradients: false)
        sharded = FullyShardedUnits(policy: options.wrapPolicy)
    }

    /// The units, in the order they were formed (the root, holding what no unit took, last).
    public var units: [ShardedUnit] { sharded.units }
    /// The unit names (module paths; "" for the root).
    public var unitNames: [String] { sharded.unitNames }
    /// How many all-gathers of units the last fit made.
    public var gatherCount: Int { sharded.gatherCount }

    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        let group = try context.setup(module, device: accelerator.device)
        try sync.setup(module, group: group, stage: stage)
        guard stage == .fit else { return sharded.reset() }
        try sharded.setup(module, group: group)
    }

    /// Hands the module back with full parameters (a failed run leaves them as they are).
    public func teardown() {
        sharded.teardown(failed: failed)
        sync.teardown()
    }

    public func beforeTrainingStep(synchronizing: Bool) throws { try sync.beforeTrainingStep(synchronizing: synchronizing) }

    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws { sharded.beforeBackward() }

    /// Reduce-scatters what the gradient hooks did not (units with unused parameters), then
    /// frees every unit.
    public func afterBackward(synchronizing: Bool) throws { try sharded.afterBackward() }

    public func onException(_ error: Error) {
        failed = true
        context.onException(error)
    }

    /// Makes each optimizer step the shards of the units its parameters are in (a unit's
    /// parameters must all be in one parameter group); frozen parameters stay as they are.
    public func setupOptimizers(_ optimizers: [Optimizer]) throws { try sharded.setupOptimizers(optimizers) }

    /// Clips by the 2-norm of the whole model's gradients (each rank's shard gradients' squared
    /// norms summed over the ranks).
    @discardableResult
    public func clipGradientsNorm(_ optimizer: Optimizer, maxNorm: Double) throws -> Tensor {
        try sharded.clipGradNorm(parameters(of: optimizer), maxNorm: maxNorm, weight: { _ in 1 }) { try allReduce($0, op: .sum) }
    }

    /// The shards (and unsharded parameters) the optimizer steps.
    public func parameters(of optimizer: Optimizer) -> [Tensor] { optimizer.paramGroups.flatMap(\.params) }

    /// Each rank steps its part of the parameters.
    public var updatesAShare: Bool { true }

    // MARK: Checkpoints

    /// Whether checkpoints are written as each rank's shards.
    private var savesShards: Bool { options.stateDictType == .sharded }

    /// The whole weights, gathered on every rank (none under sharded checkpoints: each rank
    /// writes its shards beside the checkpoint instead).
    public func moduleStateDict(_ module: Module) throws -> StateDict {
        savesShards ? StateDict() : try sharded.wholeModuleState(module)
    }

    /// Loads whole weights into every rank's shards.
    public func loadModuleStateDict(_ module: Module, _ stateDict: StateDict) throws {
        try sharded.loadWholeModuleState(module, stateDict)
    }

    /// The optimizer's state as the same optimizer over the unsharded parameters would hold it
    /// (every rank takes part; each unit's state is all-gathered), or this rank's shard of it
    /// under sharded checkpoints.
    public func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue {
        savesShards ? optimizer.stateDict() : try sharded.wholeOptimizerState(optimizer)
    }

    /// Loads an optimizer state written by `optimizerStateDict` (or by one process) into the shards.
    public func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws {
        try sharded.loadWholeOptimizerState(optimizer, stateDict)
    }

    // MARK: Sharded checkpoint files

    /// The checkpoint entry that marks a sharded checkpoint: its world size and unit names.
    static let shardsKey = "fsdp_shards"

    /// Under sharded checkpoints each rank first writes its shards and optimizer state to
    /// `<path>.shard-rank<N>`, then rank 0 the checkpoint itself, naming the layout.
    public func saveCheckpoint(_ checkpoint: [(String, StateValue)], to path: String) throws {
        guard savesShards else { return try writeCheckpoint(checkpoint, own: nil, to: path) }
        var entries = checkpoint
        let index = entries.firstIndex { $0.0 == "optimizer_states" }
        let own: [(String, StateValue)] = [("model_shards", .list(units.map { .tensor($0.shard.detach().clone()) })),
                                           ("optimizer_states", index.map { entries[$0].1 } ?? .list([]))]
        if let index { entries[index].1 = .list([]) }
        entries.append((Self.shardsKey, .dict([("world_size", .int(worldSize)), ("units", .list(unitNames.map { .string($0) }))])))
        try writeCheckpoint(entries, own: own, to: path)
    }

    /// Reads a checkpoint; a sharded one with this rank's shards and optimizer state in place
    /// of the whole ones.
    public func loadCheckpoint(_ path: String) throws -> StateValue {
        let checkpoint = try checkpointIO.load(path)
        guard let ranks = checkpoint[Self.shardsKey]?["world_size"]?.intValue else { return checkpoint }
        guard ranks == worldSize else {
            throw TrainerError.misconfiguration(
                "\(path) is a sharded FSDP checkpoint of \(ranks) ranks; resume it with strategy .fsdp on \(ranks) processes")
        }
        return try withOwnEntries(checkpoint, of: path, keys: ["optimizer_states", "model_shards"])
    }

    /// Loads whole weights, or this rank's shards from a sharded checkpoint.
    public func loadModuleState(from checkpoint: StateValue, into module: Module) throws {
        guard let shards = checkpoint["model_shards"]?.arrayValue?.compactMap(\.tensorValue) else {
            return try loadModuleStateDict(module, checkpoint["state_dict"]?.stateDictValue ?? StateDict())
        }
        try sharded.loadShards(shards)
    }

    /// Loads whole optimizer states into the shards, or a sharded checkpoint's own as they are.
    public func loadOptimizerStates(from checkpoint: StateValue, into optimizers: [Optimizer]) throws {
        let sharded = checkpoint[Self.shardsKey] != nil
        for (optimizer, state) in zip(optimizers, try Trainer.optimizerStates(in: checkpoint, count: optimizers.count)) {
            try sharded ? optimizer.loadStateDict(state) : loadOptimizerStateDict(optimizer, state)
        }
    }

    /// Deletes the checkpoint and this rank's shards of it.
    public func removeCheckpoint(_ path: String) { removeCheckpointFiles(path, split: savesShards) }
}
