/// The activation of a transformer's feed-forward block.
public enum TransformerActivation: Sendable {
    case relu, gelu
}

/// One transformer encoder layer (`nn.TransformerEncoderLayer`): self-attention then a
/// feed-forward block, each with residual, dropout and LayerNorm, after (`normFirst: false`,
/// the original) or before (`normFirst: true`) the block.
public final class TransformerEncoderLayer: Module {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let normFirst: Bool
    public let activation: TransformerActivation
    private let rebuild: () -> TransformerEncoderLayer

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
                activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true) {
        selfAttn = MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        linear1 = Linear(dModel, dimFeedforward, bias: bias)
        self.dropout = Dropout(dropout)
        linear2 = Linear(dimFeedforward, dModel, bias: bias)
        norm1 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        norm2 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        dropout1 = Dropout(dropout)
        dropout2 = Dropout(dropout)
        (self.normFirst, self.activation) = (normFirst, activation)
        rebuild = {
            TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                    activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                    normFirst: normFirst, bias: bias)
        }
        super.init()
    }

    /// An independent layer with the same configuration and weights (`copy.deepcopy`),
    /// drawing no random numbers.
    public func copy() -> TransformerEncoderLayer {
        let generator = Generator.default()
        let state = generator.state
        let layer = rebuild()
        generator.state = state
        try! layer.loadStateDict(stateDict())
        return layer.train(isTraining)
    }

    public override func forward(_ x: Tensor) -> Tensor { forward(x, srcMask: nil) }

    /// Encodes `src`; `srcMask` is an attention mask, `srcKeyPaddingMask` marks padding.
    public func forward(_ src: Tensor, srcMask: Tensor?, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) -> Tensor {
        let padding = MultiheadAttention.canonicalMask(srcKeyPaddingMask, like: src)
        let mask = MultiheadAttention.canonicalMask(srcMask, like: src)
        func selfAttention(_ x: Tensor) -> Tensor {
            dropout1(selfAttn.forward(x, x, x, keyPaddingMask: padding, needWeights: false, attnMask: mask,
                                      isCausal: isCausal).output)
        }
        func feedForward(_ x: Tensor) -> Tensor {
            let hidden = linear1(x)
            return dropout2(linear2(dropout(activation == .relu ? hidden.relu() : hidden.gelu())))
        }
        var x = src
        if normFirst {
            x = x + selfAttention(norm1(x))
            x = x + feedForward(norm2(x))
        } else {
            x = norm1(x + selfAttention(x))
            x = norm2(x + feedForward(x))
        }
        return x
    }
}

/// A stack of identical encoder layers (`nn.TransformerEncoder`): the layer given is
/// copied `numLayers` times, so all start with its weights, as in PyTorch.
public final class TransformerEncoder: Module {
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm?

    public init(_ encoderLayer: TransformerEncoderLayer, numLayers: Int, norm: LayerNorm? = nil) {
        layers = (0..<numLayers).map { _ in encoderLayer.copy() }
        self.norm = norm
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { forward(x, mask: nil) }

    /// Encodes `src` through every layer; `isCausal` with a causal `mask` lets attention use
    /// the causal kernel.
    public func forward(_ src: Tensor, mask: Tensor?, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) -> Tensor {
        var x = src
        for layer in layers {
            x = layer.forward(x, srcMask: mask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: isCausal)
        }
        return norm.map { $0(x) } ?? x
    }

    /// A float mask with -inf above the diagonal: position i attends to positions up to i.
    public static func generateSquareSubsequentMask(_ size: Int, dtype: DType = .float32) -> Tensor {
        Tensor.full([size, size], -.infinity, dtype: dtype).triu(diagonal: 1)
    }
}
