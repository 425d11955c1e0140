"""Mixed precision references: (1) torch.amp.GradScaler over a sequence of gradients with
injected inf and NaN, with SGD; (2) the output dtypes of ops under CPU autocast to bfloat16
and float16. Writes a safetensors file (scaler trace) with the dtypes as metadata."""
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(0)
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2)
scales, weights, trackers = [], [], []
for i in range(10):
    x = torch.tensor([0.5 + i, -1.0, 2.0 - i])
    if i in (3, 7):
        x[1] = float("inf")
    if i == 5:
        x[0] = float("nan")
    opt.zero_grad()
    loss = (w * x).sum()
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    scales.append(scaler.get_scale())
    trackers.append(scaler.state_dict()["_growth_tracker"])
    weights.append(w.detach().clone())

dtypes = {}
x = torch.randn(4, 8)
w8 = torch.randn(6, 8)
img = torch.randn(2, 3, 8, 8)
kernel = torch.randn(4, 3, 3, 3)
target = torch.randn(4, 6)
labels = torch.tensor([0, 1, 2, 3])
for name, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
    with torch.autocast("cpu", dtype=dtype):
        out = F.linear(x, w8)
        dtypes[f"{name}.linear"] = out.dtype
        dtypes[f"{name}.matmul"] = (x @ w8.t()).dtype
        dtypes[f"{name}.conv2d"] = F.conv2d(img, kernel).dtype
        dtypes[f"{name}.relu"] = F.relu(out).dtype
        dtypes[f"{name}.mse_loss"] = F.mse_loss(out, target).dtype
        dtypes[f"{name}.cross_entropy"] = F.cross_entropy(out, labels).dtype
        dtypes[f"{name}.layer_norm"] = F.layer_norm(out, [6]).dtype
        dtypes[f"{name}.add_fp32"] = (x + x).dtype
        dtypes[f"{name}.bmm"] = torch.bmm(x.unsqueeze(0), w8.t().unsqueeze(0)).dtype

save_file({"scales": torch.tensor(scales, dtype=torch.float64), "trackers": torch.tensor(trackers),
           "weights": torch.stack(weights)}, sys.argv[1], metadata={k: str(v) for k, v in dtypes.items()})
