"""Reference results for nn.init functions (same seed) and gradient clipping.
usage: init_clip.py OUT.safetensors"""
import sys

import torch
import torch.nn as nn
from safetensors.torch import save_file

out = {}
INITS = {
    "uniform": lambda t: nn.init.uniform_(t, -0.3, 0.7),
    "normal": lambda t: nn.init.normal_(t, 0.5, 2.0),
    "xavier_uniform": lambda t: nn.init.xavier_uniform_(t, gain=1.5),
    "xavier_normal": lambda t: nn.init.xavier_normal_(t),
    "kaiming_uniform": lambda t: nn.init.kaiming_uniform_(t, nonlinearity="relu"),
    "kaiming_normal_fan_out": lambda t: nn.init.kaiming_normal_(t, mode="fan_out"),
    "trunc_normal": lambda t: nn.init.trunc_normal_(t, mean=0.1, std=0.5, a=-0.4, b=0.6),
    "orthogonal": lambda t: nn.init.orthogonal_(t, gain=2.0),
    "orthogonal_wide": lambda t: nn.init.orthogonal_(t),
}
for name, fn in INITS.items():
    torch.manual_seed(42)
    shape = (3, 7) if name == "orthogonal_wide" else (6, 4, 3)
    out["init/" + name] = fn(torch.empty(shape)).clone()

g = torch.Generator().manual_seed(3)
grads = [torch.randn(4, 5, generator=g), torch.randn(7, generator=g), torch.randn(2, 3, 2, generator=g)]
for k, gr in enumerate(grads):
    out["clip/grad%d" % k] = gr
for tag, (max_norm, norm_type) in {"l2": (1.0, 2.0), "l1": (2.0, 1.0), "inf": (0.5, float("inf")), "loose": (100.0, 2.0)}.items():
    params = [torch.zeros_like(gr, requires_grad=True) for gr in grads]
    for p, gr in zip(params, grads):
        p.grad = gr.clone()
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    out["clip/%s/total" % tag] = total
    for k, p in enumerate(params):
        out["clip/%s/grad%d" % (tag, k)] = p.grad
params = [torch.zeros_like(gr, requires_grad=True) for gr in grads]
for p, gr in zip(params, grads):
    p.grad = gr.clone()
nn.utils.clip_grad_value_(params, 0.4)
for k, p in enumerate(params):
    out["clip/value/grad%d" % k] = p.grad
save_file(out, sys.argv[1])
