import Foundation
import Torch

/// A transformer encoder block of the Vision Transformer (torchvision's `EncoderBlock`): pre-norm
/// self-attention and a GELU MLP, each added back to its input.
public final class EncoderBlock: Module {
    let ln_1: LayerNorm, selfAttention: MultiheadAttention, dropout: Dropout, ln_2: LayerNorm
    /// Linear, GELU, dropout, Linear, dropout (torchvision's `MLPBlock`, keys `mlp.0` and `mlp.3`).
    let mlp: Sequential

    public init(numHeads: Int, hiddenDim: Int, mlpDim: Int, dropout: Double = 0, attentionDropout: Double = 0) {
        ln_1 = LayerNorm([hiddenDim], eps: 1e-6)
        selfAttention = MultiheadAttention(embedDim: hiddenDim, numHeads: numHeads, dropout: attentionDropout, batchFirst: true)
        self.dropout = Dropout(dropout)
        ln_2 = LayerNorm([hiddenDim], eps: 1e-6)
        mlp = Sequential { Linear(hiddenDim, mlpDim); GELU(); Dropout(dropout); Linear(mlpDim, hiddenDim); Dropout(dropout) }
        super.init()
        withNoGrad {
            for case let linear as Linear in mlp.layers {
                Init.xavierUniform_(linear.weight)
                if let bias = linear.bias { Init.normal_(bias, std: 1e-6) }
            }
        }
    }

    public override func forward(_ input: Tensor) -> Tensor {
        let normed = ln_1(input)
        let x = dropout(selfAttention.forward(normed, normed, normed, needWeights: false).output) + input
        return x + mlp(ln_2(x))
    }
}

/// Modules run in order under names of one's own (torchvision's `nn.Sequential` of an `OrderedDict`).
final class NamedSequence: Module {
    private let names: [String]

    init(_ named: [(String, Module)]) {
        names = named.map(\.0)
        super.init()
        for (name, module) in named { registerModule(name, module) }
    }

    override func forward(_ x: Tensor) -> Tensor { names.reduce(x) { getSubmodule($1)!($0) } }
}

/// torchvision's Vision Transformer (`VisionTransformer`), with its module names, state-dict
/// keys and initialisation: images cut into `patchSize` patches by a convolution, a class token
/// and learnt position embeddings, `numLayers` encoder blocks, and a linear head on the class
/// token (zero-initialised, as torchvision's).
public final class VisionTransformer: Module {
    public let imageSize: Int, patchSize: Int, hiddenDim: Int
    let convProj: Conv2d
    @Parameter var classToken: Tensor?
    let encoder: ViTEncoder
    let heads: NamedSequence

    public init(imageSize: Int, patchSize: Int, numLayers: Int, numHeads: Int, hiddenDim: Int, mlpDim: Int,
                dropout: Double = 0, attentionDropout: Double = 0, numClasses: Int = 1000) {
        (self.imageSize, self.patchSize, self.hiddenDim) = (imageSize, patchSize, hiddenDim)
        if imageSize % patchSize != 0 { argumentError("VisionTransformer", "imageSize \(imageSize) is not a multiple of patchSize \(patchSize)") }
        convProj = Conv2d(3, hiddenDim, kernelSize: patchSize, stride: patchSize)
        let seqLength = (imageSize / patchSize) * (imageSize / patchSize) + 1
        encoder = ViTEncoder(seqLength: seqLength, numLayers: numLayers, numHeads: numHeads, hiddenDim: hiddenDim, mlpDim: mlpDim,
                             dropout: dropout, attentionDropout: attentionDropout)
        let head = Linear(hiddenDim, numClasses)
        heads = NamedSequence([("head", head)])
        super.init()
        classToken = Tensor.zeros([1, 1, hiddenDim])
        withNoGrad {
            Init.truncNormal_(convProj.weight, std: (1.0 / Double(3 * patchSize * patchSize)).squareRoot())
            _ = convProj.bias?.zero_()
            _ = head.weight.zero_()
            _ = head.bias?.zero_()
        }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        guard x.dim == 4, x.size(2) == imageSize, x.size(3) == imageSize else {
            argumentError("VisionTransformer", "expected images of \(imageSize)x\(imageSize), got \(x.shape)")
            return x
        }
        let n = x.size(0)
        let patches = convProj(x).reshape([n, hiddenDim, -1]).permute([0, 2, 1])
        let tokens = Tensor.cat([classToken!.expand([n, -1, -1]), patches], dim: 1)
        return heads(encoder(tokens).select(dim: 1, index: 0))
    }
}

/// The encoder of the Vision Transformer (torchvision's `Encoder`): position embeddings,
/// dropout, the blocks `layers.encoder_layer_<i>`, and a final LayerNorm.
final class ViTEncoder: Module {
    @Parameter var posEmbedding: Tensor?
    let dropout: Dropout
    let layers: NamedSequence
    let ln: LayerNorm

    init(seqLength: Int, numLayers: Int, numHeads: Int, hiddenDim: Int, mlpDim: Int, dropout: Double, attentionDropout: Double) {
        self.dropout = Dropout(dropout)
        layers = NamedSequence((0..<numLayers).map {
            ("encoder_layer_\($0)", EncoderBlock(numHeads: numHeads, hiddenDim: hiddenDim, mlpDim: mlpDim, dropout: dropout,
                                                 attentionDropout: attentionDropout))
        })
        ln = LayerNorm([hiddenDim], eps: 1e-6)
        super.init()
        posEmbedding = Tensor.empty([1, seqLength, hiddenDim]).normal_(std: 0.02)
    }

    override func forward(_ x: Tensor) -> Tensor { ln(layers(dropout(x + posEmbedding!))) }
}

/// ViT-B/16 (torchvision's `vit_b_16`): 12 layers, 12 heads, width 768, MLP 3072, 224x224 images.
public func vitB16(numClasses: Int = 1000, imageSize: Int = 224) -> VisionTransformer {
    VisionTransformer(imageSize: imageSize, patchSize: 16, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072, numClasses: numClasses)
}

/// ViT-B/32 (torchvision's `vit_b_32`).
public func vitB32(numClasses: Int = 1000, imageSize: Int = 224) -> VisionTransformer {
    VisionTransformer(imageSize: imageSize, patchSize: 32, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072, numClasses: numClasses)
}

/// ViT-L/16 (torchvision's `vit_l_16`).
public func vitL16(numClasses: Int = 1000, imageSize: Int = 224) -> VisionTransformer {
    VisionTransformer(imageSize: imageSize, patchSize: 16, numLayers: 24, numHeads: 16, hiddenDim: 1024, mlpDim: 4096, numClasses: numClasses)
}
