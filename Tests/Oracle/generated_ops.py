"""The generic oracle of the generated operators: each operator named in NAMES called through
torch.ops after seeding the default generator with 0 (random operators draw the same numbers).
A line "aten::name overload" calls it on one float tensor with its defaults; a line
"aten::name overload<TAB>SPEC" calls it as SPEC says (JSON: [name, "T", k, positional] for the
k-th input tensor, [name, "V", value, positional] for a fixed value; the rest defaulted). Writes
the inputs, every real-valued result, the gradients of sum(result * weights) with respect to each
input tensor ("grad<k>/<line>", weights from linspace(-1, 1)), and in the metadata the operators
PyTorch itself refuses on those inputs. usage: generated_ops.py NAMES OUT.safetensors"""
import json
import sys

import torch
from safetensors.torch import save_file

inputs = [torch.linspace(0.1, 0.9, 12, dtype=torch.float32).reshape(3, 4),
          torch.linspace(-0.7, 0.8, 12, dtype=torch.float32).reshape(3, 4),
          torch.linspace(0.2, 1.3, 12, dtype=torch.float32).reshape(3, 4)]
out = {f"input{k}": x.clone() for k, x in enumerate(inputs)}
out["input"] = inputs[0].clone()
refused = []
kept = (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32, torch.int64,
        torch.uint8, torch.bool)
for line in open(sys.argv[1]).read().splitlines():
    head, _, spec = line.partition("\t")
    name, _, overload = head.partition(" ")
    packet = getattr(torch.ops.aten, name.split("::")[1])
    op = getattr(packet, overload or "default")
    torch.manual_seed(0)
    sources = [x.clone().requires_grad_() for x in inputs]
    args, kwargs, used = [], {}, []
    for arg, kind, value, positional in (json.loads(spec.replace("'", '"')) if spec else [["self", "T", 0, True]]):
        if kind == "T":
            used.append(value)
            value = sources[value]
        if positional:
            args.append(value)
        else:
            kwargs[arg] = value
    try:
        y = op(*args, **kwargs)
    except Exception:
        refused.append(line)
        continue
    if not isinstance(y, torch.Tensor) or y.layout != torch.strided or y.is_quantized or y.dtype not in kept:
        refused.append(line)
        continue
    out[line] = y.detach().contiguous().clone()
    if y.requires_grad and y.dtype.is_floating_point:
        try:
            (y * torch.linspace(-1, 1, y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
        except Exception:
            continue
        for k in sorted(set(used)):
            if sources[k].grad is not None:
                out[("grad/" if not spec else f"grad{k}/") + line] = sources[k].grad.contiguous().clone()
save_file(out, sys.argv[2], metadata={"refused": "\n".join(refused)})
