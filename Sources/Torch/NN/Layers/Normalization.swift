/// Batch normalisation with running statistics (`nn.BatchNorm1d`, `2d`, `3d`, `SyncBatchNorm`).
public class BatchNorm: Module {
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    @Buffer public var runningMean: Tensor?
    @Buffer public var runningVar: Tensor?
    @Buffer public var numBatchesTracked: Tensor?
    public let numFeatures: Int
    public var eps: Double
    /// The running-average factor; nil means a cumulative average.
    public var momentum: Double?
    let allowedDims: [Int]
    /// Whether training statistics are taken over the batches of every rank of `processGroup`
    /// (`SyncBatchNorm`, or any batch norm after `convertSyncBatchnorm`).
    public internal(set) var isSynchronized = false
    /// The ranks whose batches share statistics; nil until a parallel strategy sets its own (a
    /// synchronised batch norm without a group, or in a group of one, is a plain batch norm).
    public var processGroup: ProcessGroup?

    init(_ numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, trackRunningStats: Bool, allowedDims: [Int]) {
        (self.numFeatures, self.eps, self.momentum, self.allowedDims) = (numFeatures, eps, momentum, allowedDims)
        self.weight = affine ? Tensor.ones([numFeatures]) : nil
        self.bias = affine ? Tensor.zeros([numFeatures]) : nil
        self.runningMean = trackRunningStats ? Tensor.zeros([numFeatures]) : nil
        self.runningVar = trackRunningStats ? Tensor.ones([numFeatures]) : nil
        self.numBatchesTracked = trackRunningStats ? Tensor(Int64(0)) : nil
        super.init()
    }

    /// Sets the running statistics back to their start: means 0, variances 1, no batches seen.
    public func resetRunningStats() {
        withNoGrad {
            runningMean?.zero_()
            runningVar?.fill_(1)
            numBatchesTracked?.zero_()
        }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        guard allowedDims.contains(x.dim) else {
            let expected = allowedDims.map { "\($0)D" }.joined(separator: " or ")
            argumentError(String(describing: type(of: self)), "expected \(expected) input (got \(x.dim)D input)")
            return x
        }
        var factor = momentum ?? 0
        if isTraining, let tracked = numBatchesTracked {
            withNoGrad { tracked.add_(Tensor(Int64(1))) }
            if momentum == nil { factor = 1 / tracked.item() }
        }
        if isTraining, isSynchronized, let group = processGroup, group.size > 1 {
            return synchronizedForward(x, group: group, factor: factor)
        }
        let useBatchStats = isTraining || runningMean == nil
        return F.batchNorm(x, runningMean: !isTraining || runningMean != nil ? runningMean : nil,
                           runningVar: !isTraining || runningVar != nil ? runningVar : nil,
                           weight: weight, bias: bias, training: useBatchStats, momentum: factor, eps: eps)
    }
}

extension BatchNorm {
    /// Normalises with the mean and variance of every rank's batch: per-channel sums of x and x²
    /// and the counts are summed over the ranks (in float64, by a differentiable all-reduce, so the
    /// gradients are those of one batch norm over the whole global batch).
    private func synchronizedForward(_ x: Tensor, group: ProcessGroup, factor: Double) -> Tensor {
        let dims = [0] + Array(2..<x.dim)
        let channels = x.size(1)
        let wide = x.to(dtype: .float64)
        let local = Tensor.cat([wide.sum(dim: dims), (wide * wide).sum(dim: dims)])
        let count = Tensor([Double(x.numel / max(channels, 1))], shape: [1])
        let sums: Tensor
        do {
            sums = try group.allReduceWithGradient(local)
            try withNoGrad { try group.allReduce(count) }
        } catch {
            argumentError("SyncBatchNorm", "\(error)")
            return x
        }
        let n = count.item()
        let mean = sums[0..<channels] / n
        let variance = sums[channels..<(2 * channels)] / n - mean * mean
        let shape = [1, channels] + Array(repeating: 1, count: x.dim - 2)
        var y = (wide - mean.reshape(shape)) * (variance + eps).rsqrt().reshape(shape)
        if let weight { y = y * weight.to(dtype: .float64).reshape(shape) }
        if let bias { y = y + bias.to(dtype: .float64).reshape(shape) }
        if let runningMean, let runningVar {
            withNoGrad {
                runningMean.mul_(1 - factor).add_(mean.detach().to(dtype: runningMean.dtype) * factor)
                let unbiased = variance.detach() * (n / Swift.max(n - 1, 1))
                runningVar.mul_(1 - factor).add_(unbiased.to(dtype: runningVar.dtype) * factor)
            }
        }
        return y.to(dtype: x.dtype)
    }
}

/// Batch normalisation whose training statistics are those of the whole global batch across
/// the ranks of a data-parallel job (`nn.SyncBatchNorm`), for input of any rank from (N, C) up.
/// Its group is the parallel strategy's unless one is given; outside a job it is a batch norm.
public final class SyncBatchNorm: BatchNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, processGroup: ProcessGroup? = nil) {
        super.init(numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats,
                   allowedDims: [2, 3, 4, 5])
        isSynchronized = true
        self.processGroup = processGroup
    }
}

/// Makes every batch norm of `module` synchronise its statistics across `processGroup` (nil: the
/// group of the parallel strategy that trains it), as `SyncBatchNorm.convert_sync_batchnorm`
/// does. The layers change in place (a module's children are its stored properties), keeping
/// their class, weights and state-dict names; returns `module`.
@discardableResult
public func convertSyncBatchnorm<M: Module>(_ module: M, processGroup: ProcessGroup? = nil) -> M {
    for case let norm as BatchNorm in module.modules() {
        norm.isSynchronized = true
        if let processGroup { norm.processGroup = processGroup }
    }
    return module
}

/// Batch normalisation over (N, C) or (N, C, L) input.
public final class BatchNorm1d: BatchNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        super.init(numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats,
                   allowedDims: [2, 3])
    }
}

/// Batch normalisation over (N, C, H, W) input.
public final class BatchNorm2d: BatchNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        super.init(numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats,
                   allowedDims: [4])
    }
}

/// Batch normalisation over (N, C, D, H, W) input (`nn.BatchNorm3d`).
public final class BatchNorm3d: BatchNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        super.init(numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats,
                   allowedDims: [5])
    }
}

/// Normalisation of each sample's channels over their spatial dimensions (`InstanceNorm1d`,
/// `InstanceNorm2d`, `InstanceNorm3d`): no learned scale and no running statistics by default.
public class InstanceNorm: Module {
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    @Buffer public var runningMean: Tensor?
    @Buffer public var runningVar: Tensor?
    @Buffer public var numBatchesTracked: Tensor?
    public let numFeatures: Int, spatialDims: Int
    public var eps: Double, momentum: Double

    init(_ numFeatures: Int, spatialDims: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool) {
        (self.numFeatures, self.spatialDims, self.eps, self.momentum) = (numFeatures, spatialDims, eps, momentum)
        weight = affine ? Tensor.ones([numFeatures]) : nil
        bias = affine ? Tensor.zeros([numFeatures]) : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures]) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures]) : nil
        numBatchesTracked = trackRunningStats ? Tensor(Int64(0)) : nil
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let batched = x.dim == spatialDims + 2
        let input = batched ? x : x.unsqueeze(0)
        let y = ATen.instanceNorm(input, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                  useInputStats: isTraining || runningMean == nil, momentum: momentum, eps: eps, cudnnEnabled: false)
        return batched ? y : y.squeeze(dim: 0)
    }
}

/// Instance normalisation of (N, C, L) or (C, L) input (`nn.InstanceNorm1d`).
public final class InstanceNorm1d: InstanceNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false, trackRunningStats: Bool = false) {
        super.init(numFeatures, spatialDims: 1, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }
}

/// Instance normalisation of (N, C, H, W) or (C, H, W) input (`nn.InstanceNorm2d`).
public final class InstanceNorm2d: InstanceNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false, trackRunningStats: Bool = false) {
        super.init(numFeatures, spatialDims: 2, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }
}

/// Instance normalisation of (N, C, D, H, W) or (C, D, H, W) input (`nn.InstanceNorm3d`).
public final class InstanceNorm3d: InstanceNorm {
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false, trackRunningStats: Bool = false) {
        super.init(numFeatures, spatialDims: 3, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }
}

/// Normalisation across neighbouring channels (`nn.LocalResponseNorm`):
/// `x / (k + alpha * mean of x² over size channels)^beta`.
public final class LocalResponseNorm: Module {
    public let size: Int
    public var alpha: Double, beta: Double, k: Double

    public init(size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) {
        (self.size, self.alpha, self.beta, self.k) = (size, alpha, beta, k)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let sizes = x.shape
        var div = x * x
        if x.dim == 3 {
            div = F.pad(div.unsqueeze(1), [0, 0, size / 2, (size - 1) / 2])
            div = F.avgPool2d(div, kernelSize: [size, 1], stride: [1, 1]).squeeze(dim: 1)
        } else {
            div = F.pad(div.reshape([sizes[0], 1, sizes[1], sizes[2], -1]), [0, 0, 0, 0, size / 2, (size - 1) / 2])
            div = ATen.avgPool3d(div, kernelSize: [size, 1, 1], stride: [1, 1, 1]).squeeze(dim: 1).reshape(sizes)
        }
        return x / ATen.pow(div * alpha + k, exponent: .double(beta))
    }
}

/// Normalisation over the trailing dimensions (`nn.LayerNorm`).
public final class LayerNorm: Module {
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    public let normalizedShape: [Int]
    public var eps: Double

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        (self.normalizedShape, self.eps) = (normalizedShape, eps)
        self.weight = elementwiseAffine ? Tensor.ones(normalizedShape) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : nil
        super.init()
    }

    public convenience init(_ size: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.init([size], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let split = tensorParallel
        return F.layerNorm(x, normalizedShape: normalizedShape, weight: split?.replicated(weight) ?? weight,
                           bias: split?.replicated(bias) ?? bias, eps: eps)
    }
}

/// Normalisation over groups of channels (`nn.GroupNorm`).
public final class GroupNorm: Module {
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    public let numGroups: Int
    public var eps: Double

    public init(_ numGroups: Int, _ numChannels: Int, eps: Double = 1e-5, affine: Bool = true) {
        (self.numGroups, self.eps) = (numGroups, eps)
        self.weight = affine ? Tensor.ones([numChannels]) : nil
        self.bias = affine ? Tensor.zeros([numChannels]) : nil
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.groupNorm(x, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }
}

/// Root-mean-square normalisation over the trailing dimensions (`nn.RMSNorm`); `eps` nil
/// means the dtype's machine epsilon.
public final class RMSNorm: Module {
    @Parameter public var weight: Tensor?
    public let normalizedShape: [Int]
    public var eps: Double?

    public init(_ normalizedShape: [Int], eps: Double? = nil, elementwiseAffine: Bool = true) {
        (self.normalizedShape, self.eps) = (normalizedShape, eps)
        self.weight = elementwiseAffine ? Tensor.ones(normalizedShape) : nil
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        F.rmsNorm(x, normalizedShape: normalizedShape, weight: tensorParallel?.replicated(weight) ?? weight, eps: eps)
    }
}
