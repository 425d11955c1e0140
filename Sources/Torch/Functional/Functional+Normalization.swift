extension Functional {
    /// Normalises over the trailing `normalizedShape` dimensions.
    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        ATen.layerNorm(x, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    /// Normalises each channel over the batch; in training, updates the running statistics in place.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Double = 0.1,
                                 eps: Double = 1e-5) -> Tensor {
        ATen.batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: training, momentum: momentum, eps: eps, cudnnEnabled: true)
    }

    /// `x` divided by its `p`-norm along `dim` (at least `eps`), as `F.normalize`.
    public static func normalize(_ x: Tensor, p: Double = 2, dim: Int = 1, eps: Double = 1e-12) -> Tensor {
        x / x.norm(p, dim: [dim], keepDim: true).clamp(min: eps).expand(as: x)
    }

    /// Normalises over groups of channels.
    public static func groupNorm(_ x: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        ATen.groupNorm(x, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }
}

extension Functional {
    /// `x / sqrt(mean(x², trailing dims) + eps) * weight`.
    public static func rmsNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, eps: Double? = nil) -> Tensor {
        ATen.rmsNorm(x, normalizedShape: normalizedShape, weight: weight, eps: eps)
    }
}
