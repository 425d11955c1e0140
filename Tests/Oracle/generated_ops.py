"""The generic oracle of the generated operators: each operator named in NAMES (lines of
"aten::name overload") called through torch.ops on one float tensor with its defaults, after
seeding the default generator with 0 (random operators draw the same numbers). Writes the input,
every real-valued result, the input's gradient of sum(result * weights) where the operator is
differentiable ("grad/<line>", weights from weights_for), and in the metadata the operators
PyTorch itself refuses on that input. usage: generated_ops.py NAMES OUT.safetensors"""
import sys

import torch
from safetensors.torch import save_file

x = torch.linspace(0.1, 0.9, 12, dtype=torch.float32).reshape(3, 4)
out = {"input": x.clone()}
refused = []
for line in open(sys.argv[1]).read().splitlines():
    name, _, overload = line.partition(" ")
    packet = getattr(torch.ops.aten, name.split("::")[1])
    op = getattr(packet, overload or "default")
    torch.manual_seed(0)
    source = x.clone().requires_grad_()
    try:
        y = op(source)
    except Exception:
        refused.append(line)
        continue
    kept = (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32, torch.int64,
            torch.uint8, torch.bool)
    if not isinstance(y, torch.Tensor) or y.layout != torch.strided or y.is_quantized or y.dtype not in kept:
        refused.append(line)
        continue
    out[line] = y.detach().contiguous().clone()
    if y.requires_grad and y.dtype.is_floating_point:
        try:
            (y * torch.linspace(-1, 1, y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
        except Exception:
            continue
        if source.grad is not None:
            out["grad/" + line] = source.grad.contiguous().clone()
save_file(out, sys.argv[2], metadata={"refused": "\n".join(refused)})
