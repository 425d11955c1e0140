extension Functional {
    /// Rows of `weight` picked by `indices`; the row at `paddingIdx` gets no gradient.
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) -> Tensor {
        ATen.embedding(weight, indices, paddingIdx: paddingIdx ?? -1, scaleGradByFreq: false, sparse: false)
    }

    /// One-hot rows (int64) for class indices; `numClasses` -1 means one more than the largest index.
    public static func oneHot(_ indices: Tensor, numClasses: Int = -1) -> Tensor {
        ATen.oneHot(indices, numClasses: numClasses)
    }

    /// Sums, means or maxima of bags of embeddings without building the embeddings
    /// (`F.embedding_bag`): a 2-D `indices` is one bag per row; a 1-D one is cut into bags at
    /// `offsets`. `perSampleWeights` scales each embedding (`.sum` mode only).
    public static func embeddingBag(_ indices: Tensor, weight: Tensor, offsets: Tensor? = nil, mode: EmbeddingBag.Mode = .mean,
                                    scaleGradByFreq: Bool = false, perSampleWeights: Tensor? = nil,
                                    includeLastOffset: Bool = false, paddingIdx: Int? = nil) -> Tensor {
        var (indices, offsets, perSampleWeights) = (indices, offsets, perSampleWeights)
        if let weights = perSampleWeights, weights.shape != indices.shape {
            argumentError("embeddingBag", "perSampleWeights has shape \(weights.shape), expected the indices' shape \(indices.shape)")
        }
        if perSampleWeights != nil && mode != .sum {
            argumentError("embeddingBag", "perSampleWeights is supported with mode .sum only, got .\(mode)")
        }
        switch indices.dim {
        case 2:
            if offsets != nil { argumentError("embeddingBag", "offsets must be nil when the indices are 2-D (one bag per row)") }
            offsets = Tensor.arange(0, indices.numel, step: indices.size(1), dtype: indices.dtype, device: indices.device)
            indices = indices.reshape([-1])
            perSampleWeights = perSampleWeights?.reshape([-1])
        case 1:
            if offsets == nil { argumentError("embeddingBag", "offsets must be a 1-D tensor when the indices are 1-D") }
        default:
            argumentError("embeddingBag", "expected 1-D or 2-D indices, got \(indices.dim)-D")
        }
        let padding = paddingIdx.map { $0 < 0 ? $0 + weight.size(0) : $0 }
        return ATen.embeddingBag(weight, indices, offsets ?? Tensor.zeros([1], dtype: .int64), scaleGradByFreq: scaleGradByFreq,
                                 mode: mode.rawValue, sparse: false, perSampleWeights: perSampleWeights,
                                 includeLastOffset: includeLastOffset, paddingIdx: padding).0
    }
}
