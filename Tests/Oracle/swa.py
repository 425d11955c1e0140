# AveragedModel (SWA, EMA, with buffers) and update_bn on a small model with batch norm: the
# model's weights after each of three perturbed steps, the averages after each update, and the
# statistics update_bn computes. Writes one safetensors file.
import sys

import torch
from safetensors.torch import save_file
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn, update_bn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
averages = {
    "swa": AveragedModel(model),
    "ema": AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9)),
    "swa_buffers": AveragedModel(model, use_buffers=True),
}
out = {}
for step in range(3):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    model.train()
    model(torch.randn(5, 3))
    for key, value in model.state_dict().items():
        out[f"step{step}.{key}"] = value.clone()
    for name, average in averages.items():
        average.update_parameters(model)
        for key, value in average.state_dict().items():
            out[f"{name}{step}.{key}"] = value.clone()
inputs = [torch.randn(6, 3) for _ in range(4)]
for i, x in enumerate(inputs):
    out[f"input{i}"] = x
update_bn(inputs, averages["swa"])
for key, value in averages["swa"].state_dict().items():
    out[f"bn.{key}"] = value.clone()
save_file({k: v.contiguous() for k, v in out.items()}, sys.argv[1])
