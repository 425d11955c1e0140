import Foundation
import TestSupport
import Torch
import XCTest

/// A layer case: how to build the module, and how to call it (nil: `module(inputs[0])`, or
/// `module(inputs[0], inputs[1])` for losses).
struct ModuleCase: @unchecked Sendable {
    let build: () -> Module
    let forward: ((Module, [Tensor]) -> [Tensor?])?

    init(_ build: @escaping () -> Module, _ forward: ((Module, [Tensor]) -> [Tensor?])? = nil) {
        self.build = build
        self.forward = forward
    }
}

private func loss<M: Module>(_ type: M.Type, _ call: @escaping (M, Tensor, Tensor) -> Tensor) -> (Module, [Tensor]) -> [Tensor?] {
    { m, x in [call(m as! M, x[0], x[1])] }
}

/// A user's parametrization: a symmetric matrix from the upper triangle.
final class Symmetric: Parametrization {
    override func forward(_ x: Tensor) -> Tensor { x.triu() + x.triu(diagonal: 1).transpose(-1, -2) }
}

/// The Swift side of each case in Tests/Oracle/nn.py.
let moduleCases: [String: ModuleCase] = [
    "linear": ModuleCase { Linear(4, 3) },
    "linear_nobias": ModuleCase { Linear(4, 3, bias: false) },
    "conv1d": ModuleCase { Conv1d(3, 4, kernelSize: 3, stride: 2, padding: 1) },
    "conv2d": ModuleCase { Conv2d(3, 4, kernelSize: 3, padding: 1) },
    "conv2d_groups": ModuleCase { Conv2d(4, 6, kernelSize: 3, stride: 2, groups: 2, bias: false) },
    "conv_transpose2d": ModuleCase {
        ConvTranspose2d(4, 3, kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 1])
    },
    "batchnorm1d_train": ModuleCase { BatchNorm1d(3) },
    "batchnorm1d_cumulative": ModuleCase { BatchNorm1d(3, momentum: nil) },
    "batchnorm2d_eval": ModuleCase { BatchNorm2d(3).eval() },
    "layernorm": ModuleCase { LayerNorm(4) },
    "groupnorm": ModuleCase { GroupNorm(2, 4) },
    "rmsnorm": ModuleCase { RMSNorm([4]) },
    "dropout": ModuleCase({ Dropout(0.25) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "embedding": ModuleCase { Embedding(10, 4, paddingIdx: 0) },
    "mha_self": ModuleCase({ MultiheadAttention(embedDim: 8, numHeads: 2, batchFirst: true) }) { m, x in
        let r = (m as! MultiheadAttention).forward(x[0], x[0], x[0])
        return [r.output, r.weights]
    },
    "mha_cross_padding": ModuleCase({ MultiheadAttention(embedDim: 8, numHeads: 2) }) { m, x in
        let r = (m as! MultiheadAttention).forward(x[0], x[1], x[1], keyPaddingMask: x[2], averageAttnWeights: false)
        return [r.output, r.weights]
    },
    "mha_mask_no_weights": ModuleCase({ MultiheadAttention(embedDim: 8, numHeads: 4, batchFirst: true) }) { m, x in
        [(m as! MultiheadAttention).forward(x[0], x[0], x[0], needWeights: false, attnMask: x[1]).output]
    },
    "encoder_layer_post_norm": ModuleCase {
        TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, batchFirst: true)
    },
    "encoder_layer_pre_norm_gelu": ModuleCase({
        TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, activation: .gelu, normFirst: true)
    }) { m, x in
        [(m as! TransformerEncoderLayer).forward(x[0], srcMask: nil, srcKeyPaddingMask: x[1])]
    },
    "encoder_causal": ModuleCase({
        let layer = TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, batchFirst: true)
        return TransformerEncoder(layer, numLayers: 2, norm: LayerNorm(8))
    }) { m, x in
        let mask = TransformerEncoder.generateSquareSubsequentMask(x[0].size(1))
        return [(m as! TransformerEncoder).forward(x[0], mask: mask, isCausal: true)]
    },
    "sequential": ModuleCase {
        Sequential {
            Linear(4, 8)
            ReLU()
            Linear(8, 2)
        }
    },
    "relu": ModuleCase { ReLU() },
    "gelu_tanh": ModuleCase { GELU(approximate: "tanh") },
    "silu": ModuleCase { SiLU() },
    "tanh": ModuleCase { Tanh() },
    "sigmoid": ModuleCase { Sigmoid() },
    "softmax": ModuleCase { Softmax(dim: 1) },
    "leaky_relu": ModuleCase { LeakyReLU(negativeSlope: 0.2) },
    "elu": ModuleCase { ELU(alpha: 0.7) },
    "selu": ModuleCase { SELU() },
    "celu": ModuleCase { CELU(alpha: 0.5) },
    "hardtanh": ModuleCase { Hardtanh(minVal: -0.5, maxVal: 0.8) },
    "relu6": ModuleCase({ ReLU6() }) { m, x in [m(x[0] * 4)] },
    "hardswish": ModuleCase({ Hardswish() }) { m, x in [m(x[0] * 3)] },
    "hardsigmoid": ModuleCase({ Hardsigmoid() }) { m, x in [m(x[0] * 3)] },
    "logsigmoid": ModuleCase { LogSigmoid() },
    "mish": ModuleCase { Mish() },
    "softplus": ModuleCase { Softplus(beta: 2, threshold: 1) },
    "softshrink": ModuleCase { Softshrink(lambd: 0.3) },
    "hardshrink": ModuleCase { Hardshrink(lambd: 0.3) },
    "softsign": ModuleCase { Softsign() },
    "tanhshrink": ModuleCase { Tanhshrink() },
    "threshold": ModuleCase { Threshold(threshold: 0.1, value: -2) },
    "glu": ModuleCase { GLU(dim: 1) },
    "prelu": ModuleCase { PReLU(numParameters: 4, initialValue: 0.1) },
    "rrelu_train": ModuleCase({ RReLU(lower: 0.1, upper: 0.3) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "rrelu_eval": ModuleCase { RReLU(lower: 0.1, upper: 0.3).eval() },
    "log_softmax": ModuleCase { LogSoftmax(dim: 1) },
    "softmin": ModuleCase { Softmin(dim: 0) },
    "zero_pad2d": ModuleCase { ZeroPad2d(1) },
    "constant_pad1d": ModuleCase { ConstantPad1d([2, 1], value: 0.5) },
    "reflection_pad2d": ModuleCase { ReflectionPad2d(1, 2, 0, 1) },
    "replication_pad3d": ModuleCase { ReplicationPad3d(1) },
    "circular_pad1d": ModuleCase { CircularPad1d(2) },
    "upsample_nearest": ModuleCase { Upsample(scaleFactor: [2]) },
    "upsample_bilinear": ModuleCase { Upsample(size: [5, 7], mode: "bilinear", alignCorners: true) },
    "upsample_bicubic": ModuleCase { Upsample(scaleFactor: [1.5], mode: "bicubic") },
    "upsample_linear": ModuleCase { Upsample(scaleFactor: [2], mode: "linear") },
    "upsample_trilinear": ModuleCase { Upsample(scaleFactor: [2], mode: "trilinear") },
    "pixel_shuffle": ModuleCase { PixelShuffle(2) },
    "pixel_unshuffle": ModuleCase { PixelUnshuffle(2) },
    "unflatten": ModuleCase { Unflatten(dim: 1, sizes: [2, 6]) },
    "cosine_similarity": ModuleCase({ CosineSimilarity(dim: 1) }) { m, x in [(m as! CosineSimilarity).forward(x[0], x[1])] },
    "pairwise_distance": ModuleCase({ PairwiseDistance(p: 1.5) }) { m, x in [(m as! PairwiseDistance).forward(x[0], x[1])] },
    "dropout1d": ModuleCase({ Dropout1d(0.4) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "dropout2d": ModuleCase({ Dropout2d(0.4) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "dropout3d": ModuleCase({ Dropout3d(0.4) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "alpha_dropout": ModuleCase({ AlphaDropout(0.3) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "maxpool1d": ModuleCase { MaxPool1d(kernelSize: 3, stride: 2, padding: 1) },
    "maxpool3d": ModuleCase { MaxPool3d(kernelSize: 2) },
    "avgpool1d": ModuleCase { AvgPool1d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) },
    "avgpool3d": ModuleCase { AvgPool3d(kernelSize: 2, ceilMode: true) },
    "adaptive_avgpool1d": ModuleCase { AdaptiveAvgPool1d(3) },
    "adaptive_avgpool3d": ModuleCase { AdaptiveAvgPool3d([2, 1, 3]) },
    "adaptive_maxpool1d": ModuleCase { AdaptiveMaxPool1d(3) },
    "adaptive_maxpool2d": ModuleCase { AdaptiveMaxPool2d([2, 3]) },
    "adaptive_maxpool3d": ModuleCase { AdaptiveMaxPool3d([2, 2, 1]) },
    "lppool1d": ModuleCase { LPPool1d(normType: 2, kernelSize: 3, stride: 2) },
    "lppool2d": ModuleCase { LPPool2d(normType: 1.5, kernelSize: [2, 3]) },
    "batchnorm3d_train": ModuleCase { BatchNorm3d(2) },
    "instancenorm1d": ModuleCase { InstanceNorm1d(3) },
    "instancenorm2d_affine_tracked": ModuleCase { InstanceNorm2d(3, affine: true, trackRunningStats: true) },
    "instancenorm3d_unbatched": ModuleCase { InstanceNorm3d(2) },
    "local_response_norm3d": ModuleCase { LocalResponseNorm(size: 3) },
    "local_response_norm4d": ModuleCase { LocalResponseNorm(size: 2, alpha: 0.1, beta: 0.5, k: 2) },
    "flatten": ModuleCase { Flatten() },
    "identity": ModuleCase { Identity() },
    "maxpool2d": ModuleCase { MaxPool2d(kernelSize: 2) },
    "avgpool2d": ModuleCase { AvgPool2d(kernelSize: 3, stride: 2, padding: 1) },
    "adaptive_avgpool2d": ModuleCase { AdaptiveAvgPool2d(2) },
    "cross_entropy_weighted": ModuleCase({ CrossEntropyLoss(weight: Tensor([1, 2, 0.5, 1] as [Float]), ignoreIndex: 2) },
                                         loss(CrossEntropyLoss.self) { $0($1, $2) }),
    "cross_entropy_probs": ModuleCase({ CrossEntropyLoss(reduction: .sum, labelSmoothing: 0.2) },
                                      loss(CrossEntropyLoss.self) { $0($1, $2) }),
    "nll": ModuleCase({ NLLLoss(reduction: .none) }, loss(NLLLoss.self) { $0($1.logSoftmax(dim: 1), $2) }),
    "mse": ModuleCase({ MSELoss() }, loss(MSELoss.self) { $0($1, $2) }),
    "l1": ModuleCase({ L1Loss(reduction: .sum) }, loss(L1Loss.self) { $0($1, $2) }),
    "smooth_l1": ModuleCase({ SmoothL1Loss(beta: 0.5) }, loss(SmoothL1Loss.self) { $0($1, $2) }),
    "huber": ModuleCase({ HuberLoss(delta: 0.7) }, loss(HuberLoss.self) { $0($1, $2) }),
    "bce": ModuleCase({ BCELoss() }, loss(BCELoss.self) { $0($1 / 1.2, $2 / 1.2) }),
    "bce_logits": ModuleCase({ BCEWithLogitsLoss(posWeight: Tensor([1, 2, 3, 0.5] as [Float])) },
                             loss(BCEWithLogitsLoss.self) { $0($1, $2 / 1.2) }),
    "kl_div": ModuleCase({ KLDivLoss(reduction: .batchMean) }, loss(KLDivLoss.self) { $0($1.logSoftmax(dim: 1), $2) }),
    "margin_ranking": ModuleCase({ MarginRankingLoss(margin: 0.2) }) { m, x in [(m as! MarginRankingLoss)(x[0], x[1], x[2].sign())] },
    "cosine_embedding": ModuleCase({ CosineEmbeddingLoss(margin: 0.1) }) { m, x in [(m as! CosineEmbeddingLoss)(x[0], x[1], x[2].sign())] },
    "hinge_embedding": ModuleCase({ HingeEmbeddingLoss(margin: 0.5, reduction: .sum) }, loss(HingeEmbeddingLoss.self) { $0($1, $2.sign().detach()) }),
    "soft_margin": ModuleCase({ SoftMarginLoss() }, loss(SoftMarginLoss.self) { $0($1, $2.sign().detach()) }),
    "multilabel_margin": ModuleCase({ MultiLabelMarginLoss() }, loss(MultiLabelMarginLoss.self) { $0($1, $2) }),
    "multi_margin": ModuleCase({ MultiMarginLoss(p: 2, margin: 0.5, weight: Tensor([1, 2, 0.5, 1] as [Float])) },
                               loss(MultiMarginLoss.self) { $0($1, $2) }),
    "multilabel_soft_margin": ModuleCase({ MultiLabelSoftMarginLoss(weight: Tensor([1, 2, 0.5, 1] as [Float])) },
                                         loss(MultiLabelSoftMarginLoss.self) { $0($1, ($2 .> 0.5).float().detach()) }),
    "triplet_margin": ModuleCase({ TripletMarginLoss(margin: 0.5, p: 1.5, swap: true) }) { m, x in
        [(m as! TripletMarginLoss)(x[0], x[1], x[2])]
    },
    "poisson_nll": ModuleCase({ PoissonNLLLoss(logInput: false, full: true) }, loss(PoissonNLLLoss.self) { $0($1, ($2 * 5).floor().detach()) }),
    "gaussian_nll": ModuleCase({ GaussianNLLLoss(full: true) }) { m, x in [(m as! GaussianNLLLoss)(x[0], x[1], x[2])] },
    "ctc": ModuleCase({ CTCLoss() }) { m, x in
        [(m as! CTCLoss)(x[0].logSoftmax(dim: 2), x[1] + 1, Tensor([6, 5] as [Int64]), Tensor([3, 2] as [Int64]))]
    },
    "rnn_tanh_2layer": ModuleCase({ RNN(4, 5, numLayers: 2) }) { m, x in
        let r = (m as! RNN)(x[0], nil)
        return [r.output, r.h]
    },
    "rnn_relu_bidir_h0": ModuleCase({ RNN(4, 5, nonlinearity: .relu, batchFirst: true, bidirectional: true) }) { m, x in
        let r = (m as! RNN)(x[0], x[1])
        return [r.output, r.h]
    },
    "lstm_2layer_bidir": ModuleCase({ LSTM(4, 6, numLayers: 2, bidirectional: true) }) { m, x in
        let (output, (h, c)) = (m as! LSTM)(x[0], nil)
        return [output, h, c]
    },
    "lstm_proj_states": ModuleCase({ LSTM(4, 6, batchFirst: true, projSize: 3) }) { m, x in
        let (output, (h, c)) = (m as! LSTM)(x[0], (x[1], x[2]))
        return [output, h, c]
    },
    "lstm_unbatched_nobias": ModuleCase({ LSTM(4, 5, bias: false) }) { m, x in
        let (output, (h, c)) = (m as! LSTM)(x[0], nil)
        return [output, h, c]
    },
    "lstm_dropout": ModuleCase({ LSTM(4, 5, numLayers: 3, dropout: 0.4) }) { m, x in
        manualSeed(5)
        let (output, (h, c)) = (m as! LSTM)(x[0], nil)
        return [output, h, c]
    },
    "gru_2layer": ModuleCase({ GRU(4, 5, numLayers: 2, batchFirst: true) }) { m, x in
        let r = (m as! GRU)(x[0], nil)
        return [r.output, r.h]
    },
    "lstm_packed_unsorted": ModuleCase({ LSTM(4, 5, bidirectional: true) }) { m, x in
        let packed = packPaddedSequence(x[0], lengths: [4, 6, 2], enforceSorted: false)
        let (output, (h, c)) = (m as! LSTM)(packed)
        return [padPackedSequence(output).output, h, c]
    },
    "gru_packed_sorted": ModuleCase({ GRU(4, 5, batchFirst: true) }) { m, x in
        let packed = packPaddedSequence(x[0], lengths: [5, 3, 1], batchFirst: true)
        let (output, h) = (m as! GRU)(packed, x[1])
        return [padPackedSequence(output, batchFirst: true, paddingValue: -1, totalLength: 6).output, h]
    },
    "rnn_packed_sequence": ModuleCase({ RNN(4, 3) }) { m, x in
        let (output, h) = (m as! RNN)(packSequence(x, enforceSorted: false))
        return [padPackedSequence(output, batchFirst: true).output, h, padSequence(x, paddingSide: "left")]
    },
    "rnn_cell": ModuleCase { RNNCell(4, 5) },
    "rnn_cell_relu_unbatched": ModuleCase({ RNNCell(4, 5, nonlinearity: .relu) }) { m, x in [(m as! RNNCell)(x[0], x[1])] },
    "lstm_cell": ModuleCase({ LSTMCell(4, 5) }) { m, x in
        let (h, c) = (m as! LSTMCell)(x[0], (x[1], x[2]))
        return [h, c]
    },
    "gru_cell_nobias": ModuleCase({ GRUCell(4, 5, bias: false) }) { m, x in [(m as! GRUCell)(x[0], x[1])] },
    "parameter_list": ModuleCase({ ParameterList([Tensor.randn([3]), Tensor.randn([2, 3])]) }) { m, x in
        let list = m as! ParameterList
        return [x[0] * list[0] + x[0].matmul(list[1].t()).matmul(list[1])]
    },
    "parameter_dict": ModuleCase({ ParameterDict(["scale": Tensor.randn([3]), "shift": Tensor.zeros([3])]) }) { m, x in
        let dict = m as! ParameterDict
        return [x[0] * dict["scale"]! + dict["shift"]!]
    },
    "conv3d": ModuleCase { Conv3d(2, 3, kernelSize: 2, padding: 1) },
    "conv_transpose1d": ModuleCase { ConvTranspose1d(3, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1) },
    "conv_transpose3d": ModuleCase { ConvTranspose3d(2, 2, kernelSize: [2, 2, 2], stride: [2, 1, 1]) },
    "unfold": ModuleCase { Unfold(kernelSize: [2, 3], padding: [1, 1], stride: [1, 2]) },
    "fold": ModuleCase { Fold(outputSize: [4, 5], kernelSize: [2, 2]) },
    "lppool3d": ModuleCase { LPPool3d(normType: 2, kernelSize: [2, 2, 2]) },
    "maxunpool1d_size": ModuleCase({ MaxUnpool1d(kernelSize: 2) }) { m, x in
        let (pooled, indices) = ATen.maxPool1dWithIndices(x[0], kernelSize: [2])
        return [(m as! MaxUnpool1d)(pooled, indices: indices, outputSize: [9])]
    },
    "maxunpool2d": ModuleCase({ MaxUnpool2d(kernelSize: [2, 2]) }) { m, x in
        let (pooled, indices) = ATen.maxPool2dWithIndices(x[0], kernelSize: [2, 2])
        return [(m as! MaxUnpool2d)(pooled, indices: indices)]
    },
    "maxunpool3d": ModuleCase({ MaxUnpool3d(kernelSize: [2, 2, 2]) }) { m, x in
        let (pooled, indices) = ATen.maxPool3dWithIndices(x[0], kernelSize: [2, 2, 2])
        return [(m as! MaxUnpool3d)(pooled, indices: indices)]
    },
    "fractional_maxpool2d": ModuleCase({ FractionalMaxPool2d(kernelSize: [2, 2], outputRatio: [0.5, 0.5]) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "fractional_maxpool3d": ModuleCase({ FractionalMaxPool3d(kernelSize: [2, 2, 2], outputSize: [3, 3, 3]) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "softmax2d": ModuleCase { Softmax2d() },
    "channel_shuffle": ModuleCase { ChannelShuffle(2) },
    "feature_alpha_dropout": ModuleCase({ FeatureAlphaDropout(0.3) }) { m, x in
        manualSeed(5)
        return [m(x[0])]
    },
    "upsampling_nearest2d": ModuleCase { UpsamplingNearest2d(scaleFactor: [2]) },
    "upsampling_bilinear2d": ModuleCase { UpsamplingBilinear2d(size: [5, 4]) },
    "bilinear": ModuleCase({ Bilinear(3, 4, 2) }) { m, x in [(m as! Bilinear)(x[0], x[1])] },
    "embedding_bag_mean": ModuleCase { EmbeddingBag(10, 3) },
    "embedding_bag_sum_offsets": ModuleCase({ EmbeddingBag(10, 3, mode: .sum, paddingIdx: 0) }) { m, x in
        [(m as! EmbeddingBag)(x[0], offsets: Tensor([0, 2, 5] as [Int64]), perSampleWeights: x[1])]
    },
    "embedding_bag_max": ModuleCase { EmbeddingBag(10, 3, mode: .max) },
    "triplet_distance_default": ModuleCase({ TripletMarginWithDistanceLoss() }) { m, x in
        [(m as! TripletMarginWithDistanceLoss)(x[0], x[1], x[2])]
    },
    "triplet_distance_cosine": ModuleCase({
        TripletMarginWithDistanceLoss(distanceFunction: { 1 - ATen.cosineSimilarity($0, $1) }, margin: 0.5, swap: true)
    }) { m, x in
        [(m as! TripletMarginWithDistanceLoss)(x[0], x[1], x[2])]
    },
    "decoder_layer_post_norm": ModuleCase({
        TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, batchFirst: true)
    }) { m, x in [(m as! TransformerDecoderLayer)(x[0], x[1])] },
    "decoder_layer_pre_norm_gelu": ModuleCase({
        TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, activation: .gelu, normFirst: true)
    }) { m, x in [(m as! TransformerDecoderLayer).forward(x[0], x[1], tgtMask: x[2])] },
    "decoder_causal": ModuleCase({
        let layer = TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, batchFirst: true)
        return TransformerDecoder(layer, numLayers: 2, norm: LayerNorm(8))
    }) { m, x in
        let mask = Transformer.generateSquareSubsequentMask(x[0].size(1))
        return [(m as! TransformerDecoder).forward(x[0], x[1], tgtMask: mask, memoryKeyPaddingMask: x[2], tgtIsCausal: true)]
    },
    "grid_sample_bilinear": ModuleCase({ Identity() }) { _, x in [F.gridSample(x[0], x[1].tanh())] },
    "grid_sample_nearest_border": ModuleCase({ Identity() }) { _, x in
        [F.gridSample(x[0], x[1], mode: "nearest", paddingMode: "border", alignCorners: true)]
    },
    "grid_sample_bicubic_reflection": ModuleCase({ Identity() }) { _, x in
        [F.gridSample(x[0], x[1], mode: "bicubic", paddingMode: "reflection")]
    },
    "grid_sample_3d": ModuleCase({ Identity() }) { _, x in [F.gridSample(x[0], x[1].tanh(), alignCorners: true)] },
    "affine_grid": ModuleCase({ Identity() }) { _, x in [F.affineGrid(x[0], size: [2, 3, 4, 5])] },
    "normalize": ModuleCase({ Identity() }) { _, x in [F.normalize(x[0], p: 1.5, dim: 0)] },
    "parameters_to_vector": ModuleCase({ Linear(3, 2) }) { m, x in [parametersToVector(m.parameters()) * x[0]] },
    "vector_to_parameters": ModuleCase({ Linear(3, 2) }) { m, x in
        vectorToParameters(x[0].detach(), m.parameters())
        return [m(x[1])]
    },
    "adaptive_log_softmax": ModuleCase({ AdaptiveLogSoftmaxWithLoss(inFeatures: 8, nClasses: 20, cutoffs: [4, 10], divValue: 2) }) { m, x in
        let r = (m as! AdaptiveLogSoftmaxWithLoss)(x[0], x[1])
        return [r.output, r.loss]
    },
    "adaptive_log_softmax_log_prob": ModuleCase({
        AdaptiveLogSoftmaxWithLoss(inFeatures: 8, nClasses: 12, cutoffs: [3, 6, 9], headBias: true)
    }) { m, x in [(m as! AdaptiveLogSoftmaxWithLoss).logProb(x[0])] },
    "weight_norm_linear": ModuleCase { weightNorm(Linear(4, 3)) },
    "weight_norm_conv_dim1": ModuleCase { weightNorm(Conv1d(3, 4, kernelSize: 3), dim: 1) },
    "spectral_norm_linear": ModuleCase { spectralNorm(Linear(4, 3)) },
    "spectral_norm_conv_transpose_eval": ModuleCase { spectralNorm(ConvTranspose2d(3, 2, kernelSize: [3, 3])).eval() },
    "parametrize_symmetric": ModuleCase { Parametrize.registerParametrization(Linear(3, 3), "weight", Symmetric()) },
    "sync_batchnorm_one_process": ModuleCase { SyncBatchNorm(3, momentum: nil) },
    "transformer": ModuleCase({
        Transformer(dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, batchFirst: true)
    }) { m, x in [(m as! Transformer)(x[0], x[1])] },
]

/// Layers and losses against torch.nn: names, initialisation, outputs, gradients, buffers.
final class ModuleParityTests: XCTestCase {
    static let reference = oracleReference("nn.py")

    func testEveryOracleCaseHasASwiftCase() {
        let names = Set(Self.reference.metadata["cases"]!.split(separator: ",").map(String.init))
        XCTAssertEqual(names, Set(moduleCases.keys))
    }

    /// The state dict of case `name` (`name@f64` for its float64 run) at `stage`.
    private func stateDict(_ name: String, _ stage: String) -> StateDict {
        let base = name.split(separator: "@").first.map(String.init) ?? name
        let order = Self.reference.metadata["order/\(base)"]!.split(separator: ",").filter { !$0.isEmpty }.map(String.init)
        return StateDict(order.map { ($0, Self.reference.tensors["\(name)/\(stage)/\($0)"]!) })
    }

    func testNamesAndInitialisationMatchPyTorchForTheSameSeed() {
        for (name, c) in moduleCases.sorted(by: { $0.key < $1.key }) {
            manualSeed(1234)
            let module = c.build()
            let expected = stateDict(name, "init")
            XCTAssertEqual(module.stateDict().keys, expected.keys, "\(name): state dict names and order")
            for (key, value) in expected {
                guard let mine = module.stateDict()[key] else { continue }
                XCTAssertTrue(mine.equal(value), "\(name): \(key) differs right after construction")
            }
        }
    }

    func testForwardBackwardAndBuffersMatchPyTorchInFloat32() throws { try checkForwardBackwardAndBuffers(.float32) }

    func testForwardBackwardAndBuffersMatchPyTorchInFloat64() throws { try checkForwardBackwardAndBuffers(.float64) }

    private func checkForwardBackwardAndBuffers(_ dtype: DType) throws {
        let tensors = Self.reference.tensors
        for (base, c) in moduleCases.sorted(by: { $0.key < $1.key }) {
            let name = dtype == .float64 ? base + "@f64" : base
            let module = c.build().to(dtype: dtype)
            try module.loadStateDict(stateDict(name, "init"))
            var inputs: [Tensor] = []
            while let t = tensors["\(name)/in\(inputs.count)"] {
                inputs.append(t.clone().requiresGrad_(t.dtype.isFloatingPoint))
            }
            let outputs = c.forward?(module, inputs) ?? [module(inputs[0])]
            var total: Tensor?
            for (j, out) in outputs.enumerated() {
                guard let out else {
                    XCTAssertNil(tensors["\(name)/out\(j)"], "\(name): output \(j) missing")
                    continue
                }
                XCTAssertEqual(out.dtype, tensors["\(name)/out\(j)"]!.dtype, "\(name) output \(j)'s dtype")
                assertClose(out.detach(), tensors["\(name)/out\(j)"]!, rtol: 1e-5, atol: 1e-6, "\(name) output \(j)")
                let term = (out * tensors["\(name)/w\(j)"]!).sum()
                total = total.map { $0 + term } ?? term
            }
            let params = module.namedParameters()
            let leaves = inputs.filter(\.requiresGrad) + params.map(\.1)
            let leafNames = inputs.indices.filter { inputs[$0].requiresGrad }.map { "in\($0)" } + params.map(\.0)
            let grads = Autograd.grad(outputs: [total!], inputs: leaves, allowUnused: true)
            for (key, grad) in zip(leafNames, grads) {
                let expected = tensors["\(name)/grad/\(key)"]
                XCTAssertEqual(grad == nil, expected == nil, "\(name): gradient of \(key) present in one only")
                if let grad, let expected {
                    assertClose(grad, expected, rtol: 1e-4, atol: 1e-5, "\(name) gradient of \(key)")
                }
            }
            for (key, value) in stateDict(name, "after") {
                assertClose(module.stateDict()[key]!, value, rtol: 1e-6, atol: 1e-7, "\(name): \(key) after forward")
            }
        }
    }
}
