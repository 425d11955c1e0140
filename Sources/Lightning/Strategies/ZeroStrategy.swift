import Torch

/// ZeRO (`.zero(stage:)`, DeepSpeed's and `ZeroRedundancyOptimizer`'s idea): DDP in which each
/// optimizer's parameters are split among the ranks, so each rank keeps the optimizer state
/// (momentum, Adam's moments) of its share only (stage 1); with stage 2, gradients too: after
/// backward each share's gradients are reduced to its owner alone and freed elsewhere. Each rank
/// steps its share, then every updated share is broadcast from its owner. The weights equal
/// DDP's; optimizer (and with stage 2 gradient) memory per rank falls to about 1/N.
public final class ZeroStrategy: ParallelStrategy {
    public var checkpointIO: CheckpointIO = TorchCheckpointIO()
    /// The ZeRO stage (1: optimizer state sharded).
    public let stage: Int
    /// The DDP options it runs with (its gradient reducer averages gradients at stage 1).
    public let options: DDPStrategy.Options
    /// The strategy's process group and where this process sits in the job.
    public let context: DistributedContext
    private let sync: DataParallelSync
    /// Per optimizer: the parameters each rank owns, and all of them in their original order.
    private var shares: [ObjectIdentifier: (byRank: [[Tensor]], all: [Tensor])] = [:]
    /// The optimizers in `configureOptimizers`' order (collectives run in the same order everywhere).
    private var order: [ObjectIdentifier] = []
    /// Per optimizer: its groups before sharding and each parameter's owner (for checkpoints).
    private var ownedStates: [ObjectIdentifier: OwnedOptimizerState] = [:]

    public init(stage: Int, options: DDPStrategy.Options = .init(), environment: ClusterEnvironment) {
        (self.stage, self.options) = (stage, options)
        context = DistributedContext(environment: environment, timeout: options.timeout, backend: options.processGroupBackend)
        sync = DataParallelSync(options: options, averagesGradients: stage < 2)
    }

    public func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
        shares = [:]
        order = []
        ownedStates = [:]
        try sync.setup(module, group: context.setup(module, device: accelerator.device), stage: stage)
    }

    public func teardown() { sync.teardown() }
    public func beforeTrainingStep(synchronizing: Bool) throws { try sync.beforeTrainingStep(synchronizing: synchronizing) }
    public func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws { try sync.beforeBackward(loss, synchronizing: synchronizing) }

    /// Stage 2: each share's gradients summed into its owner (one reduce per share), averaged
    /// there and freed on the other ranks.
    public func afterBackward(synchronizing: Bool) throws {
        guard stage >= 2, synchronizing, let group = context.group else { return }
        for share in order.compactMap({ shares[$0] }) {
            for (rank, params) in share.byRank.enumerated() where !params.isEmpty {
                let grads = params.map { $0.grad ?? Tensor.zeros(like: $0) }
                let flat = Tensor.cat(grads.map { $0.reshape([-1]) })
                try group.reduce(flat, root: rank)
                if rank == globalRank {
                    let average = flat / Double(worldSize)
                    for (param, part) in zip(params, average.split(sizes: params.map(\.numel))) {
                        param.grad = part.reshape(param.shape)
                    }
                } else {
                    for param in params { param.grad = nil }
                }
            }
        }
    }

    /// Splits each optimizer's parameters among the ranks, largest first to the least loaded
    /// rank (the same on every rank), and leaves each optimizer only this rank's share.
    public func setupOptimizers(_ optimizers: [Optimizer]) throws {
        for optimizer in optimizers {
            let groups = optimizer.paramGroups.map(\.params)
            let all = optimizer.paramGroups.flatMap(\.params)
            var load = [Int](repeating: 0, count: worldSize)
            var owner: [ObjectIdentifier: Int] = [:]
            for param in all.enumerated().sorted(by: { ($0.element.numel, -$0.offset) > ($1.element.numel, -$1.offset) }).map(\.element) {
                let rank = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
                owner[ObjectIdentifier(param)] = rank
                load[rank] += param.numel
            }
            let byRank = (0..<worldSize).map { rank in all.filter { owner[ObjectIdentifier($0)] == rank } }
            ownedStates[ObjectIdentifier(optimizer)] = OwnedOptimizerState(groups: groups, owners: owner)
            for group in optimizer.paramGroups { group.params = group.params.filter { owner[ObjectIdentifier($0)] == globalRank } }
            shares[ObjectIdentifier(optimizer)] = (byRank, all)
            order.append(ObjectIdentifier(optimizer))
        }
    }

    /// Every rank's updated share, broadcast from its owner. The gradients of the other ranks'
    /// shares are cleared here, since the optimizer's `zeroGrad` only reaches this rank's share
    /// and a stale gradient would enter the next all-reduce.
    public func afterOptimizerStep(_ optimizer: Optimizer) throws {
        guard let share = shares[ObjectIdentifier(optimizer)], let group = context.group else { return }
        for (rank, params) in share.byRank.enumerated() where rank != globalRank {
            for param in params { param.grad = nil }
        }
        try withNoGrad {
            for (rank, params) in share.byRank.enumerated() where !params.isEmpty {
                try group.broadcastCoalesced(params, root: rank)
            }
        }
    }

    /// Each rank steps its part of the parameters.
    public var updatesAShare: Bool { true }

    /// The optimizer's state as one process would hold it, gathered from the owners.
    public func optimizerStateDict(_ optimizer: Optimizer) throws -> StateValue {
        try OwnedOptimizerState.stateDict(optimizer, ownedStates, strategy: self)
    }

    public func loadOptimizerStateDict(_ optimizer: Optimizer, _ stateDict: StateValue) throws {
        try OwnedOptimizerState.load(stateDict, into: optimizer, ownedStates)
    }

    /// All of the optimizer's parameters (gradient clipping needs every gradient, not the share).
    public func parameters(of optimizer: Optimizer) -> [Tensor] {
        shares[ObjectIdentifier(optimizer)]?.all ?? optimizer.paramGroups.flatMap(\.params)
    }
}
