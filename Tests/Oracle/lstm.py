"""A two-layer batch-first nn.LSTM's weights, an input, and its output and final states, for the
LSTM language model of the ported-program tests. usage: lstm.py OUT.safetensors"""
import sys

import torch
from safetensors.torch import save_file

torch.manual_seed(3)
lstm = torch.nn.LSTM(8, 16, num_layers=2, batch_first=True)
x = torch.randn(4, 5, 8)
y, (h, c) = lstm(x)
out = {f"weights/{k}": v.detach().clone() for k, v in lstm.state_dict().items()}
out.update({"x": x, "y": y.detach().contiguous(), "h": h.detach().contiguous(), "c": c.detach().contiguous()})
save_file(out, sys.argv[1])
