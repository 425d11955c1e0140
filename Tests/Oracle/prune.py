"""torch.nn.utils.prune on two Linear layers whose weights come from a safetensors file: L1 pruning
twice (a fraction of what is kept each time), global L1 pruning across both, then a count.
Writes the masks and the pruned weights. usage: prune.py WEIGHTS OUT"""
import sys

import torch
from safetensors.torch import load_file, save_file
from torch.nn.utils import prune

weights = load_file(sys.argv[1])
a, b = torch.nn.Linear(8, 6), torch.nn.Linear(6, 4)
with torch.no_grad():
    a.weight.copy_(weights["a"])
    b.weight.copy_(weights["b"])
prune.l1_unstructured(a, "weight", amount=0.3)
prune.l1_unstructured(a, "weight", amount=0.5)
prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=0.4)
prune.l1_unstructured(b, "weight", amount=3)
save_file({"a_mask": a.weight_mask.contiguous(), "b_mask": b.weight_mask.contiguous(),
           "a": a.weight.detach().contiguous(), "b": b.weight.detach().contiguous()}, sys.argv[2])
