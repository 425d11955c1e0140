import Torch

/// A strategy over several processes (Lightning's `ParallelStrategy`): its ranks, collectives
/// and failure handling come from the process group it owns.
public protocol ParallelStrategy: StrategyPlugin {
    /// The strategy's process group and where this process sits in the job.
    var context: DistributedContext { get }
}

extension ParallelStrategy {
    public var globalRank: Int { context.environment.globalRank }
    public var localRank: Int { context.environment.localRank }
    public var worldSize: Int { context.environment.worldSize }
    public func allReduce(_ tensor: Tensor, op: ReduceOp) throws { try context.connect().allReduce(tensor, op: op) }
    public func broadcast(_ tensor: Tensor, root: Int) throws { try context.connect().broadcast(tensor, root: root) }
    public func allGather(_ tensor: Tensor) throws -> [Tensor] { try context.connect().allGather(tensor) }
    public func setupEnvironment(accelerator: AcceleratorPlugin) throws { _ = try context.connect(device: accelerator.device) }
    public func barrier() throws { try context.connect().barrier() }
    public func onException(_ error: Error) { context.onException(error) }
}
