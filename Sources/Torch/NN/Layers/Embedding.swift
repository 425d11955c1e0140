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

    public override func forward(_ x: Tensor) -> Tensor { F.embedding(x, weight: weight, paddingIdx: paddingIdx) }
}
