/// A lookup table of vectors (`nn.Embedding`); the row at `paddingIdx` starts at zero and gets no gradient.
public final class Embedding: Module {
    @Parameter public var weight: Tensor
    public let paddingIdx: Int?

    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil) {
        let idx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        self.paddingIdx = idx
        let weight = Init.normal_(Tensor.empty([numEmbeddings, embeddingDim]))
        if let idx { withNoGrad { _ = weight[idx].fill_(0) } }
        self.weight = weight
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        tensorParallel?.embedding(x, weight: weight, paddingIdx: paddingIdx) ?? F.embedding(x, weight: weight, paddingIdx: paddingIdx)
    }
}

/// Sums, means or maxima of bags of embeddings (`nn.EmbeddingBag`), for bag-of-words models
/// without materialising each embedding; the row at `paddingIdx` starts at zero and is skipped.
public final class EmbeddingBag: Module {
    /// How a bag's embeddings are combined.
    public enum Mode: Int, Sendable {
        case sum = 0, mean = 1, max = 2
    }

    @Parameter public var weight: Tensor
    public let mode: Mode, scaleGradByFreq: Bool, includeLastOffset: Bool, paddingIdx: Int?

    public init(_ numEmbeddings: Int, _ embeddingDim: Int, mode: Mode = .mean, scaleGradByFreq: Bool = false,
                includeLastOffset: Bool = false, paddingIdx: Int? = nil) {
        let idx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        (self.mode, self.scaleGradByFreq, self.includeLastOffset, self.paddingIdx) = (mode, scaleGradByFreq, includeLastOffset, idx)
        let weight = Init.normal_(Tensor.empty([numEmbeddings, embeddingDim]))
        if let idx { withNoGrad { _ = weight[idx].fill_(0) } }
        self.weight = weight
        super.init()
    }

    /// One bag per row of a 2-D `indices`.
    public override func forward(_ x: Tensor) -> Tensor { forward(x, offsets: nil) }

    /// The bags of `indices` (1-D with `offsets`, or one per row of a 2-D one).
    public func forward(_ indices: Tensor, offsets: Tensor?, perSampleWeights: Tensor? = nil) -> Tensor {
        F.embeddingBag(indices, weight: weight, offsets: offsets, mode: mode, scaleGradByFreq: scaleGradByFreq,
                       perSampleWeights: perSampleWeights, includeLastOffset: includeLastOffset, paddingIdx: paddingIdx)
    }

    /// Calls `forward(_:offsets:perSampleWeights:)`.
    public func callAsFunction(_ indices: Tensor, offsets: Tensor?, perSampleWeights: Tensor? = nil) -> Tensor {
        forward(indices, offsets: offsets, perSampleWeights: perSampleWeights)
    }
}
