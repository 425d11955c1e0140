import Foundation
import Torch

/// A model that splits itself over a device mesh (Lightning's `configure_model` under
/// `ModelParallelStrategy`): `parallelize` applies tensor-parallel styles to its layers over
/// `mesh["tensor_parallel"]`. A `LightningModule` overrides its `parallelize(_:)`.
public protocol ModelParallelizable: AnyObject {
    /// Splits the model's layers over the mesh; called once, on every rank, with the whole
    /// weights already equal on every rank and before the optimizers are made.
    func parallelize(_ mesh: DeviceMesh) throws
}

/// Tensor parallelism within groups of processes and data parallelism across them
/// (`.modelParallel`, Lightning's `ModelParallelStrategy`): the processes form a 2-D mesh
/// `["data_parallel": d, "tensor_parallel": t]` (rank r at (r / t, r % t)); the model's
/// `parallelize(_:)` splits its layers over the tensor-parallel group; each data-parallel
/// replica reads its own share of the data, and gradients are averaged over the data-parallel
/// group by c10d's reducer while backward runs, as DDP does, or with `.fullyShard` parameters,
/// gradients and optimizer state are sharded over it too, as FSDP does. Gradient clipping by
/// norm measures the whole model's norm. Checkpoints hold the whole weights and optimizer state, as one
/// process would save them, or with `saveDistributedCheckpoint` each rank's own parts beside
/// the checkpoint, resumable on the same mesh.
public final class ModelParallelStrategy: ParallelStrategy {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()

    /// How the replicas along the data-parallel dimension stay in step (PyTorch's composable
    /// `replicate` and `fully_shard`, which Lightning's recipes apply over that dimension).
    public enum DataParallelism: Sendable, Equatable {
        /// Each replica holds its tensor-parallel parts whole; gradients are averaged (DDP).
        case replicate
        /// Parameters, gradients and optimizer state are sharded over the replicas too (FSDP),
        /// the model cut into units by the policy.
        case fullyShard(FSDPStrategy.WrapPolicy)
    }

    /// The choices of the strategy, as `ModelParallelStrategy(...)`'s arguments in Lightning.
    public struct Options: Sendable, Equatable {
        /// The number of data-parallel replicas; nil: the number of nodes.
        public var dataParallelSize: Int?
        /// The number of processes each layer is split over; nil: the devices of a node.
        public var tensorParallelSize: Int?
        /// How the data-parallel replicas stay in step.
        public var dataParallelism: DataParallelism
        /// Checkpoints as each rank's own parts beside an index (else the whole weights and state).
        public var saveDistributedCheckpoint: Bool
        /// Seconds after which a collective or the rendezvous fails.
        public var timeout: Double
        /// The backend of the job's process groups; nil: NCCL on GPUs, Gloo on CPUs.
        public var processGroupBackend: ProcessGroupBackend?

        /// The choices; by default Lightning's "auto" sizes, DDP across, whole checkpoints.
        public init(dataParallelSize: Int? = nil, tensorParallelSize: Int? = nil, dataParallelism: DataParallelism = .replicate,
                    saveDistributedCheckpoint: Bool = false, timeout: Double = 1800, processGroupBackend: ProcessGroupBackend? = nil) {
            (self.dataParallelSize, self.tensorParallelSize, self.saveDistributedCheckpoint) = (dataParallelSize, tensorParallelSize, saveDistributedCheckpoint)
            self.dataParallelism = dataParallelism
            (self.timeout, self.processGroupBackend) = (timeout, processGroupBackend)
        }
    }

    /// The mesh's dimension names, as Lightning names them.
    public static let dataParallelDimension = "data_parallel", tensorParallelDimension = "tensor_parallel"
    /// The checkpoint entry that marks a sharded checkpoint: its mesh.
    static let shardsKey = "model_parallel_shards"

    /// The strategy's choices.
    public let options: Options
    /// The strategy's process group and where this process sits in the job.
    public let context: DistributedContext
    /// The sizes of the mesh's dimensions.
    public let meshShape: (data: Int, tensor: Int)
    /// The mesh, once set up.
    public private(set) var deviceMesh: DeviceMesh?
    private let sync: DataParallelSync
    /// The units sharded over the data-parallel dimension (with `.fullyShard`).
    private let sharded: FullyShardedUnits?
    /// How each parameter split over the tensor-parallel group is split, and its part's shape.
    private var shardOf: [ObjectIdentifier: (shard: TensorShard, shape: [Int])] = [:]
    private var failed = false

    /// A strategy over `environment`'s processes; the mesh's sizes must multiply to its world size.
    public init(options: Options = Options(), environment: ClusterEnvironment) throws {
        let world = environment.worldSize
        let tensor = options.tensorParallelSize ?? options.dataParallelSize.map { world / Swift.max($0, 1) } ?? environment.localWorldSize
        let data = options.dataParallelSize ?? world / Swift.max(tensor, 1)
        guard data >= 1, tensor >= 1, data * tensor == world else {
            throw TrainerError.misconfiguration(".modelParallel(dataParallelSize: \(data), tensorParallelSize: \(tensor)) needs "
                + "\(data) x \(tensor) processes, but the job has \(world)")
        }
        (self.options, meshShape) = (options, (data, tensor))
        context = DistributedContext(environment: environment, timeout: options.timeout, backend: options.processGroupBackend)
        if case .fullyShard(let policy) = options.dataParallelism {
            sharded = FullyShardedUnits(policy: policy)
        } else {
            sharded = nil
        }
        sync = DataParallelSync(options: .init(timeout: options.timeout), averagesGradients: sharded == nil)
    }

    /// Ranks of one tensor-parallel group read the same data.
    public var dataParallelRank: Int { globalRank / meshShape.tensor }
    public var dataParallelSize: Int { meshShape.data }

    /// Joins the job, makes the mesh, gives every rank rank 0's whole weights, lets the module
    /// split itself over the mesh (once: a module already split keeps its parts), and attaches
    /// the data-parallel gradient averaging or sharding.
    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        let world = try context.connect(device: accelerator.device)
        let mesh = try deviceMesh ?? DeviceMesh(group: world, dimensions: [(Self.dataParallelDimension, meshShape.data),
                                                                          (Self.tensorParallelDimension, meshShape.tensor)])
        deviceMesh = mesh
        let data = try mesh[Self.dataParallelDimension]
        DistributedContext.lend(data, to: module)
        module.to(device: accelerator.device)
        let split = !module.namedTensorShards().isEmpty
        try withNoGrad { try (split ? data : world).broadcastCoalesced(module.parameters() + module.buffers()) }
        if !split {
            guard let model = module as? ModelParallelizable else {
                throw TrainerError.misconfiguration(".modelParallel needs a model that splits itself: \(type(of: module)) does not "
                    + "conform to ModelParallelizable (a LightningModule overrides parallelize(_:))")
            }
            try model.parallelize(mesh)
        }
        shardOf = [:]
        for (name, shard) in module.namedTensorShards() {
            if let p = module.getParameter(name) { shardOf[ObjectIdentifier(p)] = (shard, p.shape) }
        }
        try sync.setup(module, group: data, stage: stage)
        if stage == .fit { try sharded?.setup(module, group: data) } else { sharded?.reset() }
    }

    /// Hands the module back with its tensor-parallel parts whole over the data-parallel
    /// dimension (a failed run leaves them as they are).
    public func teardown() {
        sharded?.teardown(failed: failed)
        sync.teardown()
    }

    public func onException(_ error: Error) {
        failed = true
        context.onException(error)
    }

    public func beforeTrainingStep(synchronizing: Bool) throws { try sync.beforeTrainingStep(synchronizing: synchronizing) }

    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws {
        try sync.beforeBackward(loss, synchronizing: synchronizing)
        sharded?.beforeBackward()
    }

    public func afterBackward(synchronizing: Bool) throws { try sharded?.afterBackward() }

    /// Under `.fullyShard`, makes each optimizer step the shards of the units.
    public func setupOptimizers(_ optimizers: [Optimizer]) throws { try sharded?.setupOptimizers(optimizers) }

    /// Ranks step different parts of the model, so a loss scaler's overflow checks are combined.
    public var updatesAShare: Bool { true }

    /// Clips by the 2-norm of the whole model's gradients: each split parameter's parts summed
    /// over the tensor-parallel group; under `.fullyShard` every rank's segments of its shards
    /// summed over all ranks, those of whole parameters (held alike by a tensor-parallel group)
    /// weighted 1/t.
    @discardableResult
    public func clipGradientsNorm(_ optimizer: Optimizer, maxNorm: Double) throws -> Tensor {
        let params = parameters(of: optimizer)
        guard let sharded else {
            return try clipGradNorm_(params, maxNorm: maxNorm, shardedOver: tensorGroup()) { shardOf[ObjectIdentifier($0)] != nil }
        }
        let replicas = Double(meshShape.tensor)
        return try sharded.clipGradNorm(params, maxNorm: maxNorm, weight: { shardOf[ObjectIdentifier($0)] != nil ? 1 : 1 / replicas }) {
            try allReduce($0, op: .sum)
        }
    }

    private func tensorGroup() throws -> ProcessGroup {
        guard let deviceMesh else { throw TrainerError.misconfiguration("the .modelParallel strategy is not set up") }
        return try deviceMesh[Self.tensorParallelDimension]
    }

    // MARK: Checkpoints

    /// This rank's tensor-parallel parts, whole over the data-parallel dimension.
    private func localModuleState(_ module: Module) throws -> StateDict {
        try sharded?.wholeModuleState(module) ?? module.stateDict()
    }

    private func loadLocalModuleState(_ module: Module, _ state: StateDict) throws {
        if let sharded { try sharded.loadWholeModuleState(module, state) } else { try module.loadStateDict(state) }
    }

    /// This rank's optimizer state over its tensor-parallel parts, whole over the data-parallel dimension.
    private func localOptimizerState(_ optimizer: Optimizer) throws -> StateValue {
        try sharded?.wholeOptimizerState(optimizer) ?? optimizer.stateDict()
    }

    private func loadLocalOptimizerState(_ optimizer: Optimizer, _ state: StateValue) throws {
        if let sharded { try sharded.loadWholeOptimizerState(optimizer, state) } else { try optimizer.loadStateDict(state) }
    }

    /// The whole weights, gathered on every rank (under distributed checkpoints, this rank's own).
    public func moduleStateDict(_ module: Module) throws -> StateDict {
        var state = try localModuleState(module)
        guard !options.saveDistributedCheckpoint else { return state }
        for (name, shard) in module.namedTensorShards() {
            if let part = state[name] { state[name] = try shard.whole(from: part) }
        }
        return state
    }

    /// Loads whole weights, each rank taking its parts of the split parameters.
    public func loadModuleStateDict(_ module: Module, _ stateDict: StateDict) throws {
        var own = stateDict
        for (name, shard) in module.namedTensorShards() {
            if let whole = own[name] { own[name] = shard.part(of: whole) }
        }
        try loadLocalModuleState(module, own)
    }

    /// The optimizer's state as the same optimizer over the whole parameters would hold it
    /// (the split parameters' state gathered over the tensor-parallel group).
    public func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue {
        let state = try localOptimizerState(optimizer)
        guard !options.saveDistributedCheckpoint else { return state }
        return try reshaping(state, of: optimizer) { shard, tensor in try shard.whole(from: tensor) }
    }

    /// Loads an optimizer state written by `optimizerStateDict` (or by one process).
    public func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws {
        try loadLocalOptimizerState(optimizer, reshaping(stateDict, of: optimizer, wholeState: true) { shard, tensor in shard.part(of: tensor) })
    }

    /// `state`, indexed over the optimizer's parameters as it made them, with `change` applied
    /// to the entries of split parameters shaped as the parameter's part (or with `wholeState`
    /// the whole).
    private func reshaping(_ state: StateValue, of optimizer: Optimizer, wholeState: Bool = false,
                           _ change: (TensorShard, Tensor) throws -> Tensor) throws -> StateValue {
        let groups = sharded?.originalGroups(of: optimizer) ?? optimizer.paramGroups.map(\.params)
        let entries = OptimizerStateLayout.entries(of: state, groups: groups)
        return try OptimizerStateLayout.stateDict(groups: groups, optionsFrom: state) { p in
            guard let own = entries[ObjectIdentifier(p)] else { return nil }
            guard let (shard, partShape) = shardOf[ObjectIdentifier(p)] else { return own }
            var shape = partShape
            if wholeState { shape[shard.dim] *= shard.group.size }
            return try own.map { k, v in
                guard let t = v.tensorValue, t.shape == shape else { return (k, v) }
                return (k, .tensor(try change(shard, t)))
            }
        }
    }

    /// Under distributed checkpoints each rank first writes its own weights and optimizer state
    /// to `<path>.shard-rank<N>`, then rank 0 the checkpoint itself, naming the mesh.
    public func saveCheckpoint(_ checkpoint: [(String, StateValue)], to path: String) throws {
        guard options.saveDistributedCheckpoint else { return try writeCheckpoint(checkpoint, own: nil, to: path) }
        let isOwn = { (entry: (String, StateValue)) in Self.ownKeys.contains(entry.0) }
        let layout: StateValue = .dict([("world_size", .int(worldSize)), ("data_parallel_size", .int(meshShape.data)),
                                        ("tensor_parallel_size", .int(meshShape.tensor))])
        try writeCheckpoint(checkpoint.filter { !isOwn($0) } + [(Self.shardsKey, layout)], own: checkpoint.filter(isOwn), to: path)
    }

    /// What each rank writes of its own under distributed checkpoints.
    static let ownKeys = ["state_dict", "optimizer_states"]

    /// Reads a checkpoint; a distributed one with this rank's own weights and optimizer state.
    public func loadCheckpoint(_ path: String) throws -> StateValue {
        let checkpoint = try checkpointIO.load(path)
        guard let layout = checkpoint[Self.shardsKey] else { return checkpoint }
        let (data, tensor) = (layout["data_parallel_size"]?.intValue ?? 0, layout["tensor_parallel_size"]?.intValue ?? 0)
        guard data == meshShape.data, tensor == meshShape.tensor else {
            throw TrainerError.misconfiguration("\(path) is a distributed checkpoint of a \(data) x \(tensor) mesh; resume it with "
                + ".modelParallel(dataParallelSize: \(data), tensorParallelSize: \(tensor))")
        }
        return try withOwnEntries(checkpoint, of: path, keys: Self.ownKeys)
    }

    /// Loads whole weights, or this rank's own from a distributed checkpoint.
    public func loadModuleState(from checkpoint: StateValue, into module: Module) throws {
        let state = checkpoint["state_dict"]?.stateDictValue ?? StateDict()
        if checkpoint[Self.shardsKey] != nil {
            try loadLocalModuleState(module, state)
        } else {
            try loadModuleStateDict(module, state)
        }
    }

    /// Loads whole optimizer states, or a distributed checkpoint's own as they are.
    public func loadOptimizerStates(from checkpoint: StateValue, into optimizers: [Optimizer]) throws {
        let own = checkpoint[Self.shardsKey] != nil
        for (optimizer, state) in zip(optimizers, try Trainer.optimizerStates(in: checkpoint, count: optimizers.count)) {
            try own ? loadLocalOptimizerState(optimizer, state) : loadOptimizerStateDict(optimizer, state)
        }
    }

    /// Deletes the checkpoint and this rank's part of it.
    public func removeCheckpoint(_ path: String) { removeCheckpointFiles(path, split: options.saveDistributedCheckpoint) }
}
