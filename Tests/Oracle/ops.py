"""Reference results for the tensor-op parity tests (Tests/TorchTests/OpParityTests.swift).

For every case and floating dtype: random inputs, the outputs of the op in PyTorch, a random
weight per output and the gradients of sum(output * weight) with respect to every floating
input. Written as one safetensors file; the Swift test runs the same cases on the same inputs.

usage: ops.py OUT.safetensors
"""
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

# name: (function, inputs). Input kinds: n normal, p positive, u uniform [0, 1),
# iK int64 in [0, K), b bool mask; nc and pc are n and p without gradients (buffers).
# Floating inputs take the case's dtype.
N, P, U, B, NC, PC = "n", "p", "u", "b", "nc", "pc"


def I(k):
    return "i%d" % k


def setitem_basic(a, b):
    x = a.clone()
    x[1, 1:3] = b
    return x


def setitem_mask(a, m):
    x = a.clone()
    x[m] = 0.5
    return x


def setitem_index(a, i, b):
    x = a.clone()
    x[i] = b
    return x


def batch_norm_train(x, w, b):
    rm, rv = torch.zeros(3, dtype=x.dtype), torch.ones(3, dtype=x.dtype)
    y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
    return y, rm, rv


def dropout(a):
    torch.manual_seed(7)
    return F.dropout(a, 0.3, True)


def randoms(a):
    g = torch.Generator().manual_seed(123)
    return (torch.rand(3, 4, generator=g, dtype=a.dtype), torch.randn(5, generator=g, dtype=a.dtype),
            torch.randint(0, 10, (6,), generator=g), torch.randperm(7, generator=g),
            torch.full((4,), 0.5, dtype=a.dtype).bernoulli(generator=g),
            torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], dtype=a.dtype).multinomial(2, generator=g))


def creation(a):
    d = a.dtype
    return (torch.zeros(2, 3, dtype=d), torch.ones(3, dtype=d), torch.full((2, 2), 1.5, dtype=d),
            torch.eye(3, 4, dtype=d), torch.arange(5), torch.arange(1, 2, 0.25, dtype=d),
            torch.linspace(-1, 1, 5, dtype=d))


CASES = {
    # arithmetic and broadcasting
    "add": (lambda a, b: a + b, [(N, 3, 4), (N, 4)]),
    "sub": (lambda a, b: a - b, [(N, 2, 3, 4), (N, 3, 1)]),
    "mul": (lambda a, b: a * b, [(N, 3, 4), (N, 3, 4)]),
    "div": (lambda a, b: a / b, [(N, 3, 4), (P, 4)]),
    "add_scalar": (lambda a: a + 2.5, [(N, 3, 4)]),
    "rsub_scalar": (lambda a: 2.5 - a, [(N, 3, 4)]),
    "mul_scalar": (lambda a: a * 3.0, [(N, 3, 4)]),
    "div_scalar": (lambda a: a / 4.0, [(N, 3, 4)]),
    "rdiv_scalar": (lambda a: 2.0 / a, [(P, 3, 4)]),
    "neg": (lambda a: -a, [(N, 3, 4)]),
    "pow_scalar": (lambda a: a ** 2.5, [(P, 3, 4)]),
    "pow_tensor": (lambda a, b: a ** b, [(P, 3, 4), (N, 4)]),
    "add_noncontiguous": (lambda a, b: a.t() + b, [(N, 4, 3), (N, 3, 4)]),
    "mul_expanded": (lambda a, b: a.expand(3, 4) * b, [(N, 1, 4), (N, 3, 4)]),
    "maximum": (lambda a, b: torch.maximum(a, b), [(N, 3, 4), (N, 3, 4)]),
    # element-wise functions
    "abs": (torch.abs, [(N, 3, 4)]),
    "exp": (torch.exp, [(N, 3, 4)]),
    "log": (torch.log, [(P, 3, 4)]),
    "log1p": (torch.log1p, [(P, 3, 4)]),
    "sqrt": (torch.sqrt, [(P, 3, 4)]),
    "rsqrt": (torch.rsqrt, [(P, 3, 4)]),
    "sin": (torch.sin, [(N, 3, 4)]),
    "cos": (torch.cos, [(N, 3, 4)]),
    "tanh": (torch.tanh, [(N, 3, 4)]),
    "sigmoid": (torch.sigmoid, [(N, 3, 4)]),
    "relu": (torch.relu, [(N, 3, 4)]),
    "relu_noncontiguous": (lambda a: a.t().relu(), [(N, 4, 3)]),
    "gelu": (F.gelu, [(N, 3, 4)]),
    "gelu_tanh": (lambda a: F.gelu(a, approximate="tanh"), [(N, 3, 4)]),
    "silu": (F.silu, [(N, 3, 4)]),
    "softplus": (lambda a: F.softplus(a, beta=2.0, threshold=10.0), [(N, 3, 4)]),
    "leaky_relu": (lambda a: F.leaky_relu(a, 0.1), [(N, 3, 4)]),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), [(N, 3, 4)]),
    "clamp_min": (lambda a: a.clamp(min=0.1), [(N, 3, 4)]),
    "softmax": (lambda a: a.softmax(1), [(N, 3, 4)]),
    "log_softmax": (lambda a: a.log_softmax(-1), [(N, 2, 3, 4)]),
    # comparisons and logic
    "comparisons": (lambda a, b: (a == b, a != b, a < b, a <= b, a > b, a >= b, a > 0.1), [(N, 3, 4), (N, 4)]),
    "logical": (lambda m, k: (m & k, m | k, m ^ k, ~m), [(B, 3, 4), (B, 3, 4)]),
    "where": (lambda m, a, b: torch.where(m, a, b), [(B, 3, 4), (N, 3, 4), (N, 4)]),
    "where_scalar": (lambda m, a: torch.where(m, a, 0.5), [(B, 3, 4), (N, 3, 4)]),
    # linear algebra
    "matmul": (lambda a, b: a @ b, [(N, 3, 4), (N, 4, 5)]),
    "matmul_batched": (lambda a, b: a @ b, [(N, 2, 3, 4), (N, 4, 5)]),
    "matmul_vector": (lambda a, b: a @ b, [(N, 3, 4), (N, 4)]),
    "matmul_noncontiguous": (lambda a, b: a.t() @ b, [(N, 4, 3), (N, 4, 5)]),
    "mm": (torch.mm, [(N, 3, 4), (N, 4, 2)]),
    "bmm": (torch.bmm, [(N, 2, 3, 4), (N, 2, 4, 5)]),
    "einsum": (lambda a, b: torch.einsum("bij,bjk->bik", a, b), [(N, 2, 3, 4), (N, 2, 4, 5)]),
    "dot": (torch.dot, [(N, 5), (N, 5)]),
    # neural-network functions
    "linear": (lambda x, w, b: F.linear(x, w, b), [(N, 5, 4), (N, 3, 4), (N, 3)]),
    "linear_nobias": (lambda x, w: F.linear(x, w), [(N, 2, 5, 4), (N, 3, 4)]),
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [(N, 2, 3, 10), (N, 4, 3, 3), (N, 4)]),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(N, 2, 3, 8, 8), (N, 4, 3, 3, 3), (N, 4)]),
    "conv2d_groups": (lambda x, w: F.conv2d(x, w, None, stride=2, dilation=2, groups=2), [(N, 2, 4, 9, 9), (N, 6, 2, 3, 3)]),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), [(N, 2, 4, 5, 5), (N, 4, 3, 3, 3), (N, 3)]),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2), [(N, 2, 3, 8, 8)]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [(N, 2, 3, 8, 8)]),
    "adaptive_avg_pool2d": (lambda x: F.adaptive_avg_pool2d(x, (3, 3)), [(N, 2, 3, 8, 7)]),
    "dropout": (dropout, [(N, 4, 5)]),
    "embedding": (lambda i, w: F.embedding(i, w), [(I(10), 2, 3), (N, 10, 4)]),
    "embedding_padding": (lambda i, w: F.embedding(i, w, padding_idx=0), [(I(10), 2, 6), (N, 10, 4)]),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, [4], w, b), [(N, 2, 3, 4), (N, 4), (N, 4)]),
    "batch_norm_train": (batch_norm_train, [(N, 4, 3, 5), (N, 3), (N, 3)]),
    "batch_norm_eval": (lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=False), [(N, 4, 3), (NC, 3), (PC, 3), (N, 3), (N, 3)]),
    "group_norm": (lambda x, w, b: F.group_norm(x, 3, w, b), [(N, 2, 6, 4), (N, 6), (N, 6)]),
    "sdpa": (F.scaled_dot_product_attention, [(N, 2, 2, 5, 4), (N, 2, 2, 5, 4), (N, 2, 2, 5, 4)]),
    "sdpa_causal": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), [(N, 2, 2, 5, 4), (N, 2, 2, 5, 4), (N, 2, 2, 5, 4)]),
    "sdpa_mask": (lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=0.3), [(N, 2, 5, 4), (N, 2, 5, 4), (N, 2, 5, 4), (N, 5, 5)]),
    "one_hot": (lambda i: F.one_hot(i, 5), [(I(5), 6)]),
    "cross_entropy": (lambda x, y: F.cross_entropy(x, y, label_smoothing=0.1), [(N, 6, 5), (I(5), 6)]),
    "mse_loss": (F.mse_loss, [(N, 3, 4), (N, 3, 4)]),
    # scans and sorting
    "cumsum": (lambda a: a.cumsum(1), [(N, 3, 4)]),
    "topk": (lambda a: a.topk(2, dim=1), [(N, 3, 5)]),
    "sort": (lambda a: a.sort(dim=1, descending=True), [(N, 3, 5)]),
    "argsort": (lambda a: a.argsort(dim=0), [(N, 4, 3)]),
    # reductions
    "sum": (lambda a: a.sum(), [(N, 3, 4)]),
    "sum_dim": (lambda a: a.sum(dim=[1], keepdim=True), [(N, 2, 3, 4)]),
    "sum_dims": (lambda a: a.sum(dim=[0, 2]), [(N, 2, 3, 4)]),
    "mean": (lambda a: a.mean(), [(N, 3, 4)]),
    "mean_dim": (lambda a: a.mean(dim=0), [(N, 3, 4)]),
    "max": (lambda a: a.max(), [(N, 3, 4)]),
    "max_dim": (lambda a: a.max(dim=1), [(N, 3, 4)]),
    "min_dim": (lambda a: a.min(dim=0, keepdim=True), [(N, 3, 4)]),
    "argmax": (lambda a: a.argmax(dim=1), [(N, 3, 4)]),
    "argmin": (lambda a: a.argmin(), [(N, 3, 4)]),
    "var": (lambda a: a.var(dim=1), [(N, 3, 4)]),
    "std": (lambda a: a.std(), [(N, 3, 4)]),
    "norm": (lambda a: a.norm(), [(N, 3, 4)]),
    "norm_l1_dim": (lambda a: torch.linalg.vector_norm(a, 1, dim=1), [(N, 3, 4)]),
    "prod": (lambda a: a.prod(dim=1), [(P, 3, 4)]),
    "all_any": (lambda m: (m.all(), m.any(), m.all(dim=1), m.any(dim=0)), [(B, 3, 4)]),
    # shapes
    "reshape": (lambda a: a.reshape(4, -1), [(N, 2, 3, 4)]),
    "view": (lambda a: a.view(6, 4), [(N, 2, 3, 4)]),
    "flatten": (lambda a: a.flatten(1), [(N, 2, 3, 4)]),
    "permute": (lambda a: a.permute(2, 0, 1), [(N, 2, 3, 4)]),
    "transpose": (lambda a: a.transpose(0, 2), [(N, 2, 3, 4)]),
    "squeeze": (lambda a: (a.squeeze(), a.squeeze(1)), [(N, 3, 1, 4, 1)]),
    "unsqueeze": (lambda a: a.unsqueeze(1), [(N, 3, 4)]),
    "expand": (lambda a: a.expand(2, 3, 4), [(N, 3, 1)]),
    "repeat": (lambda a: a.repeat(2, 1, 3), [(N, 3, 4)]),
    "contiguous": (lambda a: a.t().contiguous(), [(N, 3, 4)]),
    "cat": (lambda a, b: torch.cat([a, b], dim=1), [(N, 3, 4), (N, 3, 2)]),
    "stack": (lambda a, b: torch.stack([a, b], dim=1), [(N, 3, 4), (N, 3, 4)]),
    "split": (lambda a: a.split(2, dim=1), [(N, 3, 5)]),
    "split_sizes": (lambda a: a.split([1, 4], dim=1), [(N, 3, 5)]),
    "chunk": (lambda a: a.chunk(2, dim=0), [(N, 5, 3)]),
    "narrow": (lambda a: a.narrow(1, 1, 2), [(N, 3, 5)]),
    "flip": (lambda a: a.flip(0, 1), [(N, 3, 4)]),
    "index_select": (lambda a, i: a.index_select(1, i), [(N, 3, 5), (I(5), 4)]),
    "gather": (lambda a, i: a.gather(1, i), [(N, 3, 5), (I(5), 3, 2)]),
    "scatter": (lambda a, i, s: a.scatter(1, i, s), [(N, 3, 5), (I(5), 3, 1), (N, 3, 1)]),
    "scatter_add": (lambda a, i, s: a.scatter_add(0, i, s), [(N, 3, 5), (I(3), 2, 5), (N, 2, 5)]),
    "masked_fill": (lambda a, m: a.masked_fill(m, -1.5), [(N, 3, 4), (B, 3, 4)]),
    "masked_select": (lambda a, m: a.masked_select(m), [(N, 3, 4), (B, 3, 4)]),
    # indexing
    "index_int": (lambda a: a[1], [(N, 3, 4)]),
    "index_negative": (lambda a: a[-1, -2], [(N, 3, 4)]),
    "index_range": (lambda a: a[1:3], [(N, 4, 5)]),
    "index_ranges": (lambda a: a[:, 1:4], [(N, 4, 5)]),
    "index_ellipsis": (lambda a: a[..., 0], [(N, 2, 3, 4)]),
    "index_newaxis": (lambda a: a[:, None], [(N, 3, 4)]),
    "index_step": (lambda a: a[::2, 1::2], [(N, 5, 6)]),
    "index_mask": (lambda a, m: a[m], [(N, 3, 4), (B, 3, 4)]),
    "index_tensor": (lambda a, i: a[i], [(N, 5, 3), (I(5), 4)]),
    "index_tensor_dim1": (lambda a, i: a[1:, i], [(N, 4, 5), (I(5), 2, 3)]),
    "index_two_tensors": (lambda a, i, j: a[i, j], [(N, 4, 5), (I(4), 3), (I(5), 3)]),
    "setitem_basic": (setitem_basic, [(N, 3, 4), (N, 2)]),
    "setitem_mask": (setitem_mask, [(N, 3, 4), (B, 3, 4)]),
    "setitem_index": (setitem_index, [(N, 5, 3), (I(5), 2), (N, 3)]),
    # conversion and copies
    "to_float32": (lambda a: a.to(torch.float32), [(N, 3, 4)]),
    "to_int": (lambda a: (a * 10).to(torch.int64), [(N, 3, 4)]),
    "clone": (lambda a: a.clone(), [(N, 3, 4)]),
    "detach": (lambda a: a.detach() * 2, [(N, 3, 4)]),
    # random numbers and creation
    "random": (randoms, [(N, 1)]),
    "creation": (creation, [(N, 1)]),
}


def make_input(kind, shape, dtype, g):
    if kind in (N, NC):
        return torch.randn(shape, generator=g, dtype=dtype)
    if kind in (P, PC):
        return torch.rand(shape, generator=g, dtype=dtype) + 0.1
    if kind == U:
        return torch.rand(shape, generator=g, dtype=dtype)
    if kind == B:
        return torch.rand(shape, generator=g) > 0.5
    return torch.randint(0, int(kind[1:]), shape, generator=g)


def main(path):
    g = torch.Generator().manual_seed(2024)
    out = {}
    for name, (fn, specs) in CASES.items():
        for dtype in (torch.float32, torch.float64):
            key = "%s/%s" % (name, str(dtype).replace("torch.", ""))
            inputs = [make_input(s[0], s[1:], dtype, g) for s in specs]
            for s, x in zip(specs, inputs):
                if s[0] in (N, P, U):
                    x.requires_grad_(True)
            results = fn(*inputs)
            results = list(results) if isinstance(results, (tuple, list)) else [results]
            differentiable = [r for r in results if r.requires_grad]
            loss = 0
            for j, r in enumerate(results):
                out["%s/out%d" % (key, j)] = r.detach().clone().contiguous()
                if r.requires_grad:
                    w = torch.randn(r.shape, generator=g, dtype=r.dtype)
                    out["%s/w%d" % (key, j)] = w
                    loss = loss + (r * w).sum()
            leaves = [x for x in inputs if x.requires_grad]
            grads = torch.autograd.grad(loss, leaves, allow_unused=True) if differentiable else [None] * len(leaves)
            li = 0
            for i, x in enumerate(inputs):
                out["%s/in%d" % (key, i)] = x.detach().clone()
                if x.requires_grad:
                    if grads[li] is not None:
                        out["%s/grad%d" % (key, i)] = grads[li].contiguous()
                    li += 1
    save_file(out, path, metadata={"cases": ",".join(CASES)})


if __name__ == "__main__":
    main(sys.argv[1])
