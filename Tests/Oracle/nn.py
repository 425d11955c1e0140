"""Reference results for the layer and loss parity tests (Tests/TorchTests/ModuleParityTests.swift).

For each case, in float32 and float64: the state dict of the module built right after
torch.manual_seed(SEED) (its initialisation), its inputs, outputs, a weight per output, the
gradients of sum(output * weight) with respect to the floating inputs and to every parameter, and
the buffers after the forward pass. usage: nn.py OUT.safetensors
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

SEED = 1234


def n(*shape):
    return ("n",) + shape


def i(k, *shape):
    return ("i%d" % k,) + shape


def b(*shape):
    return ("b",) + shape


def p(*shape):
    return ("p",) + shape


def encoder():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    return nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)


def causal(m, x):
    mask = nn.Transformer.generate_square_subsequent_mask(x.size(1))
    return m(x, mask=mask, is_causal=True)


def dropout_forward(m, x):
    torch.manual_seed(5)
    return m(x)


def flat(result):
    """An RNN's (output, h) or (output, (h, c)) as a flat tuple."""
    out, state = result
    return (out,) + (tuple(state) if isinstance(state, tuple) else (state,))


def packed_lstm(m, x):
    packed = nn.utils.rnn.pack_padded_sequence(x, [4, 6, 2], enforce_sorted=False)
    out, (h, c) = m(packed)
    padded, lengths = nn.utils.rnn.pad_packed_sequence(out)
    return padded, h, c


def packed_gru(m, x, h0):
    packed = nn.utils.rnn.pack_padded_sequence(x, [5, 3, 1], batch_first=True)
    out, h = m(packed, h0)
    padded, lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, padding_value=-1.0, total_length=6)
    return padded, h


def packed_sequence_rnn(m, a, b, c):
    out, h = m(nn.utils.rnn.pack_sequence([a, b, c], enforce_sorted=False))
    padded, lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
    return padded, h, nn.utils.rnn.pad_sequence([a, b, c], padding_side="left")


def seeded(forward):
    def run(m, *x):
        torch.manual_seed(5)
        return forward(m, *x)
    return run


def parameter_list():
    return nn.ParameterList([nn.Parameter(torch.randn(3)), nn.Parameter(torch.randn(2, 3))])


def parameter_dict():
    return nn.ParameterDict({"scale": nn.Parameter(torch.randn(3)), "shift": nn.Parameter(torch.zeros(3))})


def unpool(pool):
    return lambda m, x, **kw: m(*pool(x), **kw)


def decoder_stack():
    layer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    return nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(8))


def causal_decoder(m, tgt, memory, pad):
    mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
    return m(tgt, memory, tgt_mask=mask, memory_key_padding_mask=pad, tgt_is_causal=True)


class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(-1, -2)


def symmetric_linear():
    return nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())


CASES = {
    "linear": (lambda: nn.Linear(4, 3), [n(5, 4)], None),
    "linear_nobias": (lambda: nn.Linear(4, 3, bias=False), [n(2, 5, 4)], None),
    "conv1d": (lambda: nn.Conv1d(3, 4, 3, stride=2, padding=1), [n(2, 3, 10)], None),
    "conv2d": (lambda: nn.Conv2d(3, 4, 3, padding=1), [n(2, 3, 8, 8)], None),
    "conv2d_groups": (lambda: nn.Conv2d(4, 6, 3, stride=2, groups=2, bias=False), [n(2, 4, 9, 9)], None),
    "conv_transpose2d": (lambda: nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1), [n(2, 4, 5, 5)], None),
    "batchnorm1d_train": (lambda: nn.BatchNorm1d(3), [n(6, 3)], None),
    "batchnorm1d_cumulative": (lambda: nn.BatchNorm1d(3, momentum=None), [n(4, 3, 5)], None),
    "batchnorm2d_eval": (lambda: nn.BatchNorm2d(3).eval(), [n(2, 3, 4, 4)], None),
    "layernorm": (lambda: nn.LayerNorm(4), [n(2, 3, 4)], None),
    "groupnorm": (lambda: nn.GroupNorm(2, 4), [n(2, 4, 5)], None),
    "rmsnorm": (lambda: nn.RMSNorm([4]), [n(2, 3, 4)], None),
    "dropout": (lambda: nn.Dropout(0.25), [n(4, 6)], dropout_forward),
    "embedding": (lambda: nn.Embedding(10, 4, padding_idx=0), [i(10, 2, 5)], None),
    "mha_self": (lambda: nn.MultiheadAttention(8, 2, batch_first=True), [n(2, 5, 8)], lambda m, x: m(x, x, x)),
    "mha_cross_padding": (lambda: nn.MultiheadAttention(8, 2), [n(3, 2, 8), n(5, 2, 8), b(2, 5)],
                          lambda m, q, kv, pad: m(q, kv, kv, key_padding_mask=pad, average_attn_weights=False)),
    "mha_mask_no_weights": (lambda: nn.MultiheadAttention(8, 4, batch_first=True), [n(2, 5, 8), b(5, 5)],
                            lambda m, x, mask: m(x, x, x, attn_mask=mask, need_weights=False)[0]),
    "encoder_layer_post_norm": (lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), [n(2, 5, 8)], None),
    "encoder_layer_pre_norm_gelu": (lambda: nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True),
                                    [n(5, 2, 8), b(2, 5)], lambda m, x, pad: m(x, src_key_padding_mask=pad)),
    "encoder_causal": (encoder, [n(2, 5, 8)], causal),
    "sequential": (lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)), [n(3, 4)], None),
    "relu": (nn.ReLU, [n(3, 4)], None),
    "gelu_tanh": (lambda: nn.GELU(approximate="tanh"), [n(3, 4)], None),
    "silu": (nn.SiLU, [n(3, 4)], None),
    "tanh": (nn.Tanh, [n(3, 4)], None),
    "sigmoid": (nn.Sigmoid, [n(3, 4)], None),
    "softmax": (lambda: nn.Softmax(dim=1), [n(3, 4)], None),
    "leaky_relu": (lambda: nn.LeakyReLU(0.2), [n(3, 4)], None),
    "elu": (lambda: nn.ELU(0.7), [n(3, 4)], None),
    "selu": (nn.SELU, [n(3, 4)], None),
    "celu": (lambda: nn.CELU(0.5), [n(3, 4)], None),
    "hardtanh": (lambda: nn.Hardtanh(-0.5, 0.8), [n(3, 4)], None),
    "relu6": (nn.ReLU6, [n(3, 4)], lambda m, x: m(x * 4)),
    "hardswish": (nn.Hardswish, [n(3, 4)], lambda m, x: m(x * 3)),
    "hardsigmoid": (nn.Hardsigmoid, [n(3, 4)], lambda m, x: m(x * 3)),
    "logsigmoid": (nn.LogSigmoid, [n(3, 4)], None),
    "mish": (nn.Mish, [n(3, 4)], None),
    "softplus": (lambda: nn.Softplus(beta=2, threshold=1), [n(3, 4)], None),
    "softshrink": (lambda: nn.Softshrink(0.3), [n(3, 4)], None),
    "hardshrink": (lambda: nn.Hardshrink(0.3), [n(3, 4)], None),
    "softsign": (nn.Softsign, [n(3, 4)], None),
    "tanhshrink": (nn.Tanhshrink, [n(3, 4)], None),
    "threshold": (lambda: nn.Threshold(0.1, -2.0), [n(3, 4)], None),
    "glu": (lambda: nn.GLU(dim=1), [n(3, 4)], None),
    "prelu": (lambda: nn.PReLU(4, 0.1), [n(2, 4, 3)], None),
    "rrelu_train": (lambda: nn.RReLU(0.1, 0.3), [n(4, 6)], dropout_forward),
    "rrelu_eval": (lambda: nn.RReLU(0.1, 0.3).eval(), [n(4, 6)], None),
    "log_softmax": (lambda: nn.LogSoftmax(dim=1), [n(3, 4)], None),
    "softmin": (lambda: nn.Softmin(dim=0), [n(3, 4)], None),
    "zero_pad2d": (lambda: nn.ZeroPad2d(1), [n(2, 3, 4, 4)], None),
    "constant_pad1d": (lambda: nn.ConstantPad1d((2, 1), 0.5), [n(2, 3, 5)], None),
    "reflection_pad2d": (lambda: nn.ReflectionPad2d((1, 2, 0, 1)), [n(2, 3, 4, 4)], None),
    "replication_pad3d": (lambda: nn.ReplicationPad3d(1), [n(1, 2, 3, 3, 3)], None),
    "circular_pad1d": (lambda: nn.CircularPad1d(2), [n(2, 3, 5)], None),
    "upsample_nearest": (lambda: nn.Upsample(scale_factor=2), [n(2, 3, 4, 4)], None),
    "upsample_bilinear": (lambda: nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True), [n(2, 3, 4, 4)], None),
    "upsample_bicubic": (lambda: nn.Upsample(scale_factor=1.5, mode="bicubic"), [n(1, 2, 4, 4)], None),
    "upsample_linear": (lambda: nn.Upsample(scale_factor=2, mode="linear"), [n(2, 3, 5)], None),
    "upsample_trilinear": (lambda: nn.Upsample(scale_factor=2, mode="trilinear"), [n(1, 2, 2, 3, 3)], None),
    "pixel_shuffle": (lambda: nn.PixelShuffle(2), [n(2, 8, 3, 3)], None),
    "pixel_unshuffle": (lambda: nn.PixelUnshuffle(2), [n(2, 2, 4, 6)], None),
    "unflatten": (lambda: nn.Unflatten(1, (2, 6)), [n(3, 12)], None),
    "cosine_similarity": (lambda: nn.CosineSimilarity(dim=1), [n(4, 5), n(4, 5)], None),
    "pairwise_distance": (lambda: nn.PairwiseDistance(p=1.5), [n(4, 5), n(4, 5)], None),
    "dropout1d": (lambda: nn.Dropout1d(0.4), [n(2, 4, 6)], dropout_forward),
    "dropout2d": (lambda: nn.Dropout2d(0.4), [n(2, 4, 3, 3)], dropout_forward),
    "dropout3d": (lambda: nn.Dropout3d(0.4), [n(2, 4, 2, 2, 2)], dropout_forward),
    "alpha_dropout": (lambda: nn.AlphaDropout(0.3), [n(4, 6)], dropout_forward),
    "maxpool1d": (lambda: nn.MaxPool1d(3, stride=2, padding=1), [n(2, 3, 9)], None),
    "maxpool3d": (lambda: nn.MaxPool3d(2), [n(1, 2, 4, 4, 4)], None),
    "avgpool1d": (lambda: nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False), [n(2, 3, 9)], None),
    "avgpool3d": (lambda: nn.AvgPool3d(2, ceil_mode=True), [n(1, 2, 5, 4, 4)], None),
    "adaptive_avgpool1d": (lambda: nn.AdaptiveAvgPool1d(3), [n(2, 3, 7)], None),
    "adaptive_avgpool3d": (lambda: nn.AdaptiveAvgPool3d((2, 1, 3)), [n(1, 2, 4, 3, 5)], None),
    "adaptive_maxpool1d": (lambda: nn.AdaptiveMaxPool1d(3), [n(2, 3, 7)], None),
    "adaptive_maxpool2d": (lambda: nn.AdaptiveMaxPool2d((2, 3)), [n(2, 3, 5, 7)], None),
    "adaptive_maxpool3d": (lambda: nn.AdaptiveMaxPool3d((2, 2, 1)), [n(1, 2, 4, 4, 3)], None),
    "lppool1d": (lambda: nn.LPPool1d(2, 3, stride=2), [p(2, 3, 9)], None),
    "lppool2d": (lambda: nn.LPPool2d(1.5, (2, 3)), [p(2, 3, 6, 6)], None),
    "batchnorm3d_train": (lambda: nn.BatchNorm3d(2), [n(2, 2, 3, 3, 3)], None),
    "instancenorm1d": (lambda: nn.InstanceNorm1d(3), [n(2, 3, 6)], None),
    "instancenorm2d_affine_tracked": (lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), [n(2, 3, 4, 4)], None),
    "instancenorm3d_unbatched": (lambda: nn.InstanceNorm3d(2), [n(2, 3, 3, 3)], None),
    "local_response_norm3d": (lambda: nn.LocalResponseNorm(3), [n(2, 5, 6)], None),
    "local_response_norm4d": (lambda: nn.LocalResponseNorm(2, alpha=0.1, beta=0.5, k=2.0), [n(2, 5, 3, 3)], None),
    "flatten": (nn.Flatten, [n(2, 3, 4)], None),
    "identity": (nn.Identity, [n(2, 3)], None),
    "maxpool2d": (lambda: nn.MaxPool2d(2), [n(2, 3, 6, 6)], None),
    "avgpool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1), [n(2, 3, 7, 7)], None),
    "adaptive_avgpool2d": (lambda: nn.AdaptiveAvgPool2d(2), [n(2, 3, 5, 7)], None),
    "cross_entropy_weighted": (lambda: nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5, 1.0]), ignore_index=2),
                               [n(6, 4), i(4, 6)], None),
    "cross_entropy_probs": (lambda: nn.CrossEntropyLoss(label_smoothing=0.2, reduction="sum"), [n(5, 4), p(5, 4)], None),
    "nll": (lambda: nn.NLLLoss(reduction="none"), [n(5, 3), i(3, 5)], lambda m, x, y: m(x.log_softmax(1), y)),
    "mse": (nn.MSELoss, [n(3, 4), n(3, 4)], None),
    "l1": (lambda: nn.L1Loss(reduction="sum"), [n(3, 4), n(3, 4)], None),
    "smooth_l1": (lambda: nn.SmoothL1Loss(beta=0.5), [n(3, 4), n(3, 4)], None),
    "huber": (lambda: nn.HuberLoss(delta=0.7), [n(3, 4), n(3, 4)], None),
    "bce": (nn.BCELoss, [p(3, 4), p(3, 4)], lambda m, x, y: m(x / 1.2, y / 1.2)),
    "bce_logits": (lambda: nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 3.0, 0.5])), [n(3, 4), p(3, 4)],
                   lambda m, x, y: m(x, y / 1.2)),
    "kl_div": (lambda: nn.KLDivLoss(reduction="batchmean"), [n(3, 4), p(3, 4)], lambda m, x, y: m(x.log_softmax(1), y)),
    "margin_ranking": (lambda: nn.MarginRankingLoss(0.2), [n(5), n(5), n(5)], lambda m, a, b, y: m(a, b, y.sign())),
    "cosine_embedding": (lambda: nn.CosineEmbeddingLoss(0.1), [n(4, 3), n(4, 3), n(4)], lambda m, a, b, y: m(a, b, y.sign())),
    "hinge_embedding": (lambda: nn.HingeEmbeddingLoss(0.5, reduction="sum"), [p(6), n(6)], lambda m, x, y: m(x, y.sign().detach())),
    "soft_margin": (nn.SoftMarginLoss, [n(3, 4), n(3, 4)], lambda m, x, y: m(x, y.sign().detach())),
    "multilabel_margin": (nn.MultiLabelMarginLoss, [n(3, 4), i(4, 3, 4)], None),
    "multi_margin": (lambda: nn.MultiMarginLoss(p=2, margin=0.5, weight=torch.tensor([1.0, 2.0, 0.5, 1.0])), [n(5, 4), i(4, 5)], None),
    "multilabel_soft_margin": (lambda: nn.MultiLabelSoftMarginLoss(weight=torch.tensor([1.0, 2.0, 0.5, 1.0])), [n(3, 4), p(3, 4)],
                               lambda m, x, y: m(x, (y > 0.5).float().detach())),
    "triplet_margin": (lambda: nn.TripletMarginLoss(margin=0.5, p=1.5, swap=True), [n(4, 5), n(4, 5), n(4, 5)], None),
    "poisson_nll": (lambda: nn.PoissonNLLLoss(log_input=False, full=True), [p(3, 4), p(3, 4)], lambda m, x, y: m(x, (y * 5).floor().detach())),
    "gaussian_nll": (lambda: nn.GaussianNLLLoss(full=True), [n(4, 3), n(4, 3), p(4)], None),
    "ctc": (nn.CTCLoss, [n(6, 2, 4), i(3, 2, 3)],
            lambda m, x, y: m(x.log_softmax(2), y + 1, torch.tensor([6, 5]), torch.tensor([3, 2]))),
    "rnn_tanh_2layer": (lambda: nn.RNN(4, 5, num_layers=2), [n(6, 3, 4)], lambda m, x: flat(m(x))),
    "rnn_relu_bidir_h0": (lambda: nn.RNN(4, 5, nonlinearity="relu", bidirectional=True, batch_first=True),
                          [n(3, 6, 4), n(2, 3, 5)], lambda m, x, h: flat(m(x, h))),
    "lstm_2layer_bidir": (lambda: nn.LSTM(4, 6, num_layers=2, bidirectional=True), [n(5, 3, 4)], lambda m, x: flat(m(x))),
    "lstm_proj_states": (lambda: nn.LSTM(4, 6, batch_first=True, proj_size=3), [n(3, 5, 4), n(1, 3, 3), n(1, 3, 6)],
                         lambda m, x, h, c: flat(m(x, (h, c)))),
    "lstm_unbatched_nobias": (lambda: nn.LSTM(4, 5, bias=False), [n(5, 4)], lambda m, x: flat(m(x))),
    "lstm_dropout": (lambda: nn.LSTM(4, 5, num_layers=3, dropout=0.4), [n(5, 2, 4)], seeded(lambda m, x: flat(m(x)))),
    "gru_2layer": (lambda: nn.GRU(4, 5, num_layers=2, batch_first=True), [n(3, 5, 4)], lambda m, x: flat(m(x))),
    "lstm_packed_unsorted": (lambda: nn.LSTM(4, 5, bidirectional=True), [n(6, 3, 4)], packed_lstm),
    "gru_packed_sorted": (lambda: nn.GRU(4, 5, batch_first=True), [n(3, 5, 4), n(1, 3, 5)], packed_gru),
    "rnn_packed_sequence": (lambda: nn.RNN(4, 3), [n(2, 4), n(5, 4), n(3, 4)], packed_sequence_rnn),
    "rnn_cell": (lambda: nn.RNNCell(4, 5), [n(3, 4)], None),
    "rnn_cell_relu_unbatched": (lambda: nn.RNNCell(4, 5, nonlinearity="relu"), [n(4), n(5)], None),
    "lstm_cell": (lambda: nn.LSTMCell(4, 5), [n(3, 4), n(3, 5), n(3, 5)], lambda m, x, h, c: m(x, (h, c))),
    "gru_cell_nobias": (lambda: nn.GRUCell(4, 5, bias=False), [n(3, 4), n(3, 5)], None),
    "parameter_list": (parameter_list, [n(4, 3)], lambda m, x: x * m[0] + x @ m[1].t() @ m[1]),
    "parameter_dict": (parameter_dict, [n(4, 3)], lambda m, x: x * m["scale"] + m["shift"]),
    "conv3d": (lambda: nn.Conv3d(2, 3, 2, padding=1), [n(1, 2, 3, 4, 4)], None),
    "conv_transpose1d": (lambda: nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1), [n(2, 3, 5)], None),
    "conv_transpose3d": (lambda: nn.ConvTranspose3d(2, 2, (2, 2, 2), stride=(2, 1, 1)), [n(1, 2, 2, 3, 3)], None),
    "unfold": (lambda: nn.Unfold(kernel_size=(2, 3), padding=1, stride=(1, 2)), [n(2, 3, 4, 5)], None),
    "fold": (lambda: nn.Fold(output_size=(4, 5), kernel_size=(2, 2)), [n(2, 12, 12)], None),
    "lppool3d": (lambda: nn.LPPool3d(2, (2, 2, 2)), [p(1, 2, 4, 4, 4)], None),
    "maxunpool1d_size": (lambda: nn.MaxUnpool1d(2), [n(2, 3, 9)],
                         lambda m, x: m(*nn.MaxPool1d(2, return_indices=True)(x), output_size=[9])),
    "maxunpool2d": (lambda: nn.MaxUnpool2d(2), [n(2, 3, 4, 6)], unpool(nn.MaxPool2d(2, return_indices=True))),
    "maxunpool3d": (lambda: nn.MaxUnpool3d(2), [n(1, 2, 4, 4, 4)], unpool(nn.MaxPool3d(2, return_indices=True))),
    "fractional_maxpool2d": (lambda: nn.FractionalMaxPool2d(2, output_ratio=0.5), [n(2, 3, 8, 8)], seeded(lambda m, x: m(x))),
    "fractional_maxpool3d": (lambda: nn.FractionalMaxPool3d(2, output_size=(3, 3, 3)), [n(1, 2, 5, 5, 5)], seeded(lambda m, x: m(x))),
    "softmax2d": (nn.Softmax2d, [n(2, 3, 2, 2)], None),
    "channel_shuffle": (lambda: nn.ChannelShuffle(2), [n(1, 4, 2, 2)], None),
    "feature_alpha_dropout": (lambda: nn.FeatureAlphaDropout(0.3), [n(2, 4, 3, 3)], dropout_forward),
    "upsampling_nearest2d": (lambda: nn.UpsamplingNearest2d(scale_factor=2), [n(1, 2, 3, 3)], None),
    "upsampling_bilinear2d": (lambda: nn.UpsamplingBilinear2d(size=(5, 4)), [n(1, 2, 3, 3)], None),
    "bilinear": (lambda: nn.Bilinear(3, 4, 2), [n(5, 3), n(5, 4)], None),
    "embedding_bag_mean": (lambda: nn.EmbeddingBag(10, 3), [i(10, 4, 3)], None),
    "embedding_bag_sum_offsets": (lambda: nn.EmbeddingBag(10, 3, mode="sum", padding_idx=0), [i(10, 7), n(7)],
                                  lambda m, x, w: m(x, torch.tensor([0, 2, 5]), per_sample_weights=w)),
    "embedding_bag_max": (lambda: nn.EmbeddingBag(10, 3, mode="max"), [i(10, 3, 4)], None),
    "triplet_distance_default": (nn.TripletMarginWithDistanceLoss, [n(4, 5), n(4, 5), n(4, 5)], None),
    "triplet_distance_cosine": (lambda: nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: 1 - nn.functional.cosine_similarity(a, b), margin=0.5, swap=True),
        [n(4, 5), n(4, 5), n(4, 5)], None),
    "decoder_layer_post_norm": (lambda: nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True),
                                [n(2, 4, 8), n(2, 5, 8)], None),
    "decoder_layer_pre_norm_gelu": (lambda: nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True),
                                    [n(4, 2, 8), n(5, 2, 8), b(4, 4)], lambda m, t, mem, mask: m(t, mem, tgt_mask=mask)),
    "decoder_causal": (decoder_stack, [n(2, 4, 8), n(2, 5, 8), b(2, 5)], causal_decoder),
    "grid_sample_bilinear": (nn.Identity, [n(1, 2, 4, 5), n(1, 3, 3, 2)], lambda m, x, g: F.grid_sample(x, g.tanh(), align_corners=False)),
    "grid_sample_nearest_border": (nn.Identity, [n(1, 2, 4, 5), n(1, 3, 3, 2)],
                                   lambda m, x, g: F.grid_sample(x, g, mode="nearest", padding_mode="border", align_corners=True)),
    "grid_sample_bicubic_reflection": (nn.Identity, [n(2, 1, 4, 4), n(2, 2, 3, 2)],
                                       lambda m, x, g: F.grid_sample(x, g, mode="bicubic", padding_mode="reflection", align_corners=False)),
    "grid_sample_3d": (nn.Identity, [n(1, 2, 3, 3, 3), n(1, 2, 2, 2, 3)], lambda m, x, g: F.grid_sample(x, g.tanh(), align_corners=True)),
    "affine_grid": (nn.Identity, [n(2, 2, 3)], lambda m, t: F.affine_grid(t, [2, 3, 4, 5], align_corners=False)),
    "normalize": (nn.Identity, [n(3, 4)], lambda m, x: F.normalize(x, p=1.5, dim=0)),
    "parameters_to_vector": (lambda: nn.Linear(3, 2), [n(8)], lambda m, x: nn.utils.parameters_to_vector(m.parameters()) * x),
    "vector_to_parameters": (lambda: nn.Linear(3, 2), [n(8), n(5, 3)],
                             lambda m, v, x: (nn.utils.vector_to_parameters(v.detach(), m.parameters()), m(x))[1]),
    "adaptive_log_softmax": (lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 10], div_value=2.0), [n(6, 8), i(20, 6)],
                             lambda m, x, y: tuple(m(x, y))),
    "adaptive_log_softmax_log_prob": (lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 6, 9], head_bias=True), [n(4, 8)],
                                      lambda m, x: m.log_prob(x)),
    "weight_norm_linear": (lambda: nn.utils.parametrizations.weight_norm(nn.Linear(4, 3)), [n(5, 4)], None),
    "weight_norm_conv_dim1": (lambda: nn.utils.parametrizations.weight_norm(nn.Conv1d(3, 4, 3), dim=1), [n(2, 3, 6)], None),
    "spectral_norm_linear": (lambda: nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3)), [n(5, 4)], None),
    "spectral_norm_conv_transpose_eval": (lambda: nn.utils.parametrizations.spectral_norm(nn.ConvTranspose2d(3, 2, 3)).eval(),
                                          [n(1, 3, 4, 4)], None),
    "parametrize_symmetric": (symmetric_linear, [n(2, 3)], None),
    "sync_batchnorm_one_process": (lambda: nn.SyncBatchNorm(3, momentum=None), [n(4, 3, 2, 2)], None),
    "transformer": (lambda: nn.Transformer(8, 2, 2, 1, 16, dropout=0.0, batch_first=True), [n(2, 5, 8), n(2, 4, 8)], None),
}


def make(spec, g):
    kind, shape = spec[0], spec[1:]
    if kind == "n":
        return torch.randn(shape, generator=g)
    if kind == "p":
        return torch.rand(shape, generator=g) + 0.05
    if kind == "b":
        return torch.rand(shape, generator=g) > 0.7
    return torch.randint(0, int(kind[1:]), shape, generator=g)


def run_case(out, g, name, build, specs, forward, dtype):
    torch.manual_seed(SEED)
    m = build().to(dtype)
    params = dict(m.named_parameters())
    for k, v in m.state_dict().items():
        out["%s/init/%s" % (name, k)] = v.clone()
    inputs = [make(s, g) for s in specs]
    inputs = [x.to(dtype) if x.is_floating_point() else x for x in inputs]
    for x in inputs:
        if x.is_floating_point():
            x.requires_grad_(True)
    results = forward(m, *inputs) if forward else m(*inputs)
    results = list(results) if isinstance(results, (tuple, list)) else [results]
    loss = 0
    for j, r in enumerate(results):
        if r is None:
            continue
        out["%s/out%d" % (name, j)] = r.detach().contiguous()
        w = torch.randn(r.shape, generator=g).to(r.dtype if r.is_floating_point() else dtype)
        out["%s/w%d" % (name, j)] = w
        loss = loss + (r * w).sum()
    for k, x in enumerate(inputs):
        out["%s/in%d" % (name, k)] = x.detach().clone()
    leaves = [x for x in inputs if x.requires_grad] + list(params.values())
    grads = torch.autograd.grad(loss, leaves, allow_unused=True)
    names = ["in%d" % k for k, x in enumerate(inputs) if x.requires_grad] + list(params)
    for key, grad in zip(names, grads):
        if grad is not None:
            out["%s/grad/%s" % (name, key)] = grad.contiguous()
    for k, v in m.state_dict().items():
        out["%s/after/%s" % (name, k)] = v.clone()
    return ",".join(m.state_dict())


def main(path):
    """Every case in float32 (under its name) and in float64 (under NAME@f64)."""
    g = torch.Generator().manual_seed(99)
    out = {}
    metadata = {"cases": ",".join(CASES)}
    for name, (build, specs, forward) in CASES.items():
        metadata["order/" + name] = run_case(out, g, name, build, specs, forward, torch.float32)
        run_case(out, g, name + "@f64", build, specs, forward, torch.float64)
    save_file(out, path, metadata=metadata)


if __name__ == "__main__":
    main(sys.argv[1])
