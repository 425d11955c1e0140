/// A `Linear` whose output features are split over a tensor-parallel group
/// (`torch.distributed.tensor.parallel.ColwiseParallel`): rank r holds rows r·out/n ..< (r+1)·out/n
/// of the weight and bias, takes the whole (replicated) input, and gives its slice of the output
/// features; the input's gradient is summed over the group. Follow it with a `RowwiseParallelLinear`.
public final class ColwiseParallelLinear: Module {
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    /// The whole layer's output features.
    public let outFeatures: Int
    let group: ProcessGroup

    /// This rank's shard of `linear`, whose output features must divide by the group's size.
    public init(_ linear: Linear, group: ProcessGroup) {
        let whole = linear.weight.size(0)
        (outFeatures, self.group) = (whole, group)
        super.init()
        guard whole % group.size == 0 else {
            argumentError("ColwiseParallelLinear", "\(whole) output features do not split over \(group.size) ranks")
            return
        }
        let share = whole / group.size
        weight = linear.weight.detach().narrow(dim: 0, start: group.rank * share, length: share).clone().requiresGrad_()
        bias = linear.bias.map { $0.detach().narrow(dim: 0, start: group.rank * share, length: share).clone().requiresGrad_() }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        do {
            return F.linear(try group.copyToParallelRegion(x), weight: weight!, bias: bias)
        } catch {
            argumentError("ColwiseParallelLinear", "\(error)")
            return x
        }
    }
}

/// A `Linear` whose input features are split over a tensor-parallel group
/// (`torch.distributed.tensor.parallel.RowwiseParallel`): rank r holds columns r·in/n ..< (r+1)·in/n
/// of the weight, takes its slice of the input features (a `ColwiseParallelLinear`'s output), and
/// the partial products are summed over the group into the whole (replicated) output; the bias is
/// replicated and added once.
public final class RowwiseParallelLinear: Module {
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    /// The whole layer's input features.
    public let inFeatures: Int
    let group: ProcessGroup

    /// This rank's shard of `linear`, whose input features must divide by the group's size.
    public init(_ linear: Linear, group: ProcessGroup) {
        let whole = linear.weight.size(1)
        (inFeatures, self.group) = (whole, group)
        super.init()
        guard whole % group.size == 0 else {
            argumentError("RowwiseParallelLinear", "\(whole) input features do not split over \(group.size) ranks")
            return
        }
        let share = whole / group.size
        weight = linear.weight.detach().narrow(dim: 1, start: group.rank * share, length: share).clone().requiresGrad_()
        bias = linear.bias.map { $0.detach().clone().requiresGrad_() }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        do {
            let whole = try group.reduceFromParallelRegion(F.linear(x, weight: weight!, bias: nil))
            return bias.map { whole + $0 } ?? whole
        } catch {
            argumentError("RowwiseParallelLinear", "\(error)")
            return x
        }
    }
}
