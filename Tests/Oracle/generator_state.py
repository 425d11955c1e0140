"""Checks that a generator state saved from Swift equals torch.Generator().manual_seed(SEED)'s,
and that setting it in Python continues the same stream. usage: generator_state.py FILE SEED"""
import sys

import torch
from safetensors.torch import load_file

state = load_file(sys.argv[1])["state"]
g = torch.Generator().manual_seed(int(sys.argv[2]))
assert torch.equal(state, g.get_state()), "states differ"
h = torch.Generator()
h.set_state(state)
assert torch.equal(torch.randn(8, generator=h), torch.randn(8, generator=g))
print("same state; next randn equal")
