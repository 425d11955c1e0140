/// The activation of a transformer's feed-forward block.
public enum TransformerActivation: Sendable {
    case relu, gelu
}

/// A layer made again by `rebuild` with `layer`'s weights and mode (`copy.deepcopy`), drawing
/// no random numbers.
private func deepCopy<M: Module>(_ layer: M, _ rebuild: () -> M) -> M {
    let generator = Generator.default()
    let state = generator.state
    let copy = rebuild()
    generator.state = state
    try! copy.loadStateDict(layer.stateDict())
    return copy.train(layer.isTraining)
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
    public func copy() -> TransformerEncoderLayer { deepCopy(self, rebuild) }

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

/// One transformer decoder layer (`nn.TransformerDecoderLayer`): self-attention over the target,
/// attention over the encoder's memory, then a feed-forward block, each with residual, dropout
/// and LayerNorm, after (`normFirst: false`) or before (`normFirst: true`) the block.
public final class TransformerDecoderLayer: Module {
    public let selfAttn: MultiheadAttention
    public let multiheadAttn: MultiheadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let norm3: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let dropout3: Dropout
    public let normFirst: Bool
    public let activation: TransformerActivation
    private let rebuild: () -> TransformerDecoderLayer

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
                activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true) {
        selfAttn = MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        multiheadAttn = MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        linear1 = Linear(dModel, dimFeedforward, bias: bias)
        self.dropout = Dropout(dropout)
        linear2 = Linear(dimFeedforward, dModel, bias: bias)
        norm1 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        norm2 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        norm3 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        (dropout1, dropout2, dropout3) = (Dropout(dropout), Dropout(dropout), Dropout(dropout))
        (self.normFirst, self.activation) = (normFirst, activation)
        rebuild = {
            TransformerDecoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                    activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                    normFirst: normFirst, bias: bias)
        }
        super.init()
    }

    /// An independent layer with the same configuration and weights (`copy.deepcopy`),
    /// drawing no random numbers.
    public func copy() -> TransformerDecoderLayer { deepCopy(self, rebuild) }

    /// Decodes `tgt` attending to `memory`; masks and padding masks as in `MultiheadAttention`,
    /// for the target's self-attention (`tgt…`) and the attention over the memory (`memory…`).
    public func forward(_ tgt: Tensor, _ memory: Tensor, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
                        tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                        tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        func selfAttention(_ x: Tensor) -> Tensor {
            dropout1(selfAttn.forward(x, x, x, keyPaddingMask: MultiheadAttention.canonicalMask(tgtKeyPaddingMask, like: x),
                                      needWeights: false, attnMask: MultiheadAttention.canonicalMask(tgtMask, like: x),
                                      isCausal: tgtIsCausal).output)
        }
        func memoryAttention(_ x: Tensor) -> Tensor {
            dropout2(multiheadAttn.forward(x, memory, memory,
                                           keyPaddingMask: MultiheadAttention.canonicalMask(memoryKeyPaddingMask, like: x),
                                           needWeights: false, attnMask: MultiheadAttention.canonicalMask(memoryMask, like: x),
                                           isCausal: memoryIsCausal).output)
        }
        func feedForward(_ x: Tensor) -> Tensor {
            let hidden = linear1(x)
            return dropout3(linear2(dropout(activation == .relu ? hidden.relu() : hidden.gelu())))
        }
        var x = tgt
        if normFirst {
            x = x + selfAttention(norm1(x))
            x = x + memoryAttention(norm2(x))
            x = x + feedForward(norm3(x))
        } else {
            x = norm1(x + selfAttention(x))
            x = norm2(x + memoryAttention(x))
            x = norm3(x + feedForward(x))
        }
        return x
    }

    /// Calls `forward(_:_:…)` with no masks.
    public func callAsFunction(_ tgt: Tensor, _ memory: Tensor) -> Tensor { forward(tgt, memory) }
}

/// A stack of identical decoder layers (`nn.TransformerDecoder`): the layer given is copied
/// `numLayers` times, so all start with its weights, as in PyTorch.
public final class TransformerDecoder: Module {
    public let layers: [TransformerDecoderLayer]
    public let norm: LayerNorm?

    public init(_ decoderLayer: TransformerDecoderLayer, numLayers: Int, norm: LayerNorm? = nil) {
        layers = (0..<numLayers).map { _ in decoderLayer.copy() }
        self.norm = norm
        super.init()
    }

    /// Decodes `tgt` through every layer, attending to `memory`.
    public func forward(_ tgt: Tensor, _ memory: Tensor, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
                        tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                        tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        var x = tgt
        for layer in layers {
            x = layer.forward(x, memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
                              memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal,
                              memoryIsCausal: memoryIsCausal)
        }
        return norm.map { $0(x) } ?? x
    }

    /// Calls `forward(_:_:…)` with no masks.
    public func callAsFunction(_ tgt: Tensor, _ memory: Tensor) -> Tensor { forward(tgt, memory) }
}

/// The encoder-decoder transformer of "Attention Is All You Need" (`nn.Transformer`): an
/// encoder and a decoder stack, each with a final LayerNorm, every matrix re-initialised with
/// Xavier-uniform as PyTorch does.
public final class Transformer: Module {
    public let encoder: TransformerEncoder
    public let decoder: TransformerDecoder

    public init(dModel: Int = 512, nhead: Int = 8, numEncoderLayers: Int = 6, numDecoderLayers: Int = 6,
                dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: TransformerActivation = .relu,
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true) {
        let encoderLayer = TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                                   activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                                   normFirst: normFirst, bias: bias)
        encoder = TransformerEncoder(encoderLayer, numLayers: numEncoderLayers,
                                     norm: LayerNorm(dModel, eps: layerNormEps, bias: bias))
        let decoderLayer = TransformerDecoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                                   activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                                   normFirst: normFirst, bias: bias)
        decoder = TransformerDecoder(decoderLayer, numLayers: numDecoderLayers,
                                     norm: LayerNorm(dModel, eps: layerNormEps, bias: bias))
        super.init()
        for p in parameters() where p.dim > 1 { Init.xavierUniform_(p) }
    }

    /// Encodes `src` and decodes `tgt` against it; masks as in the encoder and decoder.
    public func forward(_ src: Tensor, _ tgt: Tensor, srcMask: Tensor? = nil, tgtMask: Tensor? = nil,
                        memoryMask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, tgtKeyPaddingMask: Tensor? = nil,
                        memoryKeyPaddingMask: Tensor? = nil, srcIsCausal: Bool = false, tgtIsCausal: Bool = false,
                        memoryIsCausal: Bool = false) -> Tensor {
        let memory = encoder.forward(src, mask: srcMask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: srcIsCausal)
        return decoder.forward(tgt, memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
                               memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal,
                               memoryIsCausal: memoryIsCausal)
    }

    /// Calls `forward(_:_:…)` with no masks.
    public func callAsFunction(_ src: Tensor, _ tgt: Tensor) -> Tensor { forward(src, tgt) }

    /// A float mask with -inf above the diagonal (`Transformer.generate_square_subsequent_mask`).
    public static func generateSquareSubsequentMask(_ size: Int, dtype: DType = .float32) -> Tensor {
        TransformerEncoder.generateSquareSubsequentMask(size, dtype: dtype)
    }
}
