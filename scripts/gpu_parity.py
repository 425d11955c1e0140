"""Recomputes the ops of `BenchWorkloads parity` with Python torch on the same device and
prints one JSON record with the largest difference per op (libtorch runs the same kernels, so
the figures should be 0 or within rounding). Usage: gpu_parity.py FILE cpu|gpu"""
import json
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

saved = load_file(sys.argv[1])
device = torch.device("cuda" if sys.argv[2] == "gpu" else "cpu")
t = {k: v.to(device) for k, v in saved.items() if k in ("a", "b", "image", "kernel", "logits", "target")}
x = t["logits"].clone().requires_grad_()
loss = F.cross_entropy(x, t["target"])
loss.backward()
with torch.autocast(device.type, dtype=torch.bfloat16):
    bf16 = t["a"] @ t["b"]
expected = {
    "matmul": t["a"] @ t["b"],
    "conv2d": F.conv2d(t["image"], t["kernel"], padding=1),
    "softmax": F.softmax(t["a"], dim=1),
    "log_softmax": F.log_softmax(t["a"], dim=1),
    "layer_norm": F.layer_norm(t["a"], [128]),
    "gelu": F.gelu(t["a"]),
    "cross_entropy": loss.detach(),
    "cross_entropy_grad": x.grad,
    "matmul_bf16_autocast": bf16,
}
differences = {}
for name, value in expected.items():
    ours = saved[name].to(device)
    assert ours.dtype == value.dtype and ours.shape == value.shape, (name, ours.dtype, value.dtype, ours.shape, value.shape)
    differences[name] = (ours.double() - value.double()).abs().max().item()
print(json.dumps({"parity_max_abs_difference": differences, "parity_ok": all(d <= 1e-4 for d in differences.values())}))
