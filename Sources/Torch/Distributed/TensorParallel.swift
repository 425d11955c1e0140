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
        (outFeatures, self.group) = (linear.weight.size(0), group)
        super.init()
        weight = shard(linear.weight, dim: 0, group, "ColwiseParallelLinear")
        bias = linear.bias.map { shard($0, dim: 0, group, "ColwiseParallelLinear") }
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
        (inFeatures, self.group) = (linear.weight.size(1), group)
        super.init()
        weight = shard(linear.weight, dim: 1, group, "RowwiseParallelLinear")
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

/// This rank's equal part of `tensor` along `dim`, a parameter of its own; refused (as `layer`'s
/// error) when the size does not split over the group.
private func shard(_ tensor: Tensor, dim: Int, _ group: ProcessGroup, _ layer: String) -> Tensor {
    let whole = tensor.size(dim)
    guard whole % group.size == 0 else {
        argumentError(layer, "\(whole) features along dimension \(dim) do not split over \(group.size) ranks")
        return tensor.detach().clone().requiresGrad_()
    }
    let share = whole / group.size
    return tensor.detach().narrow(dim: dim, start: group.rank * share, length: share).clone().requiresGrad_()
}
