/// ATen normalisations.
enum NormalizationOps {
    static let layerNorm = ATenOp("aten::layer_norm")
    static let batchNorm = ATenOp("aten::batch_norm")
    static let groupNorm = ATenOp("aten::group_norm")
}

extension Functional {
    /// Normalises over the trailing `normalizedShape` dimensions.
    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        NormalizationOps.layerNorm(.tensor(x), .ints(normalizedShape), .tensor(weight), .tensor(bias), .double(eps),
                                   .bool(true))
    }

    /// Normalises each channel over the batch; in training, updates the running statistics in place.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Double = 0.1,
                                 eps: Double = 1e-5) -> Tensor {
        NormalizationOps.batchNorm(.tensor(x), .tensor(weight), .tensor(bias), .tensor(runningMean),
                                   .tensor(runningVar), .bool(training), .double(momentum), .double(eps), .bool(true))
    }

    /// `x` divided by its `p`-norm along `dim` (at least `eps`), as `F.normalize`.
    public static func normalize(_ x: Tensor, p: Double = 2, dim: Int = 1, eps: Double = 1e-12) -> Tensor {
        x / x.norm(p, dim: [dim], keepDim: true).clamp(min: eps).expand(as: x)
    }

    /// Normalises over groups of channels.
    public static func groupNorm(_ x: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        NormalizationOps.groupNorm(.tensor(x), .int(numGroups), .tensor(weight), .tensor(bias), .double(eps),
                                   .bool(true))
    }
}

/// ATen RMS normalisation.
enum RMSNormOps {
    static let rmsNorm = ATenOp("aten::rms_norm")
}

extension Functional {
    /// `x / sqrt(mean(x², trailing dims) + eps) * weight`.
    public static func rmsNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, eps: Double? = nil) -> Tensor {
        RMSNormOps.rmsNorm(.tensor(x), .ints(normalizedShape), .tensor(weight), .double(eps))
    }
}
