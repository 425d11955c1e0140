"""The generic oracle of the generated operators: each operator named in NAMES (lines of
"aten::name overload") called through torch.ops on one float tensor with its defaults. Writes the
input, every real-valued result, and in the metadata the operators PyTorch itself refuses on that
input. usage: generated_ops.py NAMES OUT.safetensors"""
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
    try:
        y = op(x.clone())
    except Exception:
        refused.append(line)
        continue
    kept = (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32, torch.int64,
            torch.uint8, torch.bool)
    if not isinstance(y, torch.Tensor) or y.layout != torch.strided or y.is_quantized or y.dtype not in kept:
        refused.append(line)
        continue
    out[line] = y.detach().contiguous().clone()
save_file(out, sys.argv[2], metadata={"refused": "\n".join(refused)})
