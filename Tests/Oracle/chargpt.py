"""The example CharGPT in PyTorch: loads the state dict of a swift-lightning checkpoint (strictly)
into a model of the checkpoint's dtype and writes the logits of one window of byte ids.

usage: chargpt.py CHECKPOINT IDS_SAFETENSORS OUT_SAFETENSORS
"""
import sys

import torch
from safetensors.torch import load_file, save_file
from torch import nn


class CharGPT(nn.Module):
    def __init__(self, n_layer=2, n_head=4, n_embd=32, block_size=16):
        super().__init__()
        self.tokens = nn.Embedding(256, n_embd)
        self.positions = nn.Embedding(block_size, n_embd)
        layer = nn.TransformerEncoderLayer(n_embd, n_head, 4 * n_embd, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, n_layer, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, 256)

    def forward(self, x):
        t = x.size(1)
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        h = self.blocks(self.tokens(x) + self.positions(torch.arange(t)), mask=mask, is_causal=True)
        return self.head(self.norm(h))


checkpoint = torch.load(sys.argv[1], weights_only=False)
state = checkpoint["state_dict"]
model = CharGPT().to(state["head.weight"].dtype)
model.load_state_dict(state, strict=True)
model.eval()
ids = load_file(sys.argv[2])["ids"]
with torch.no_grad():
    save_file({"logits": model(ids).contiguous()}, sys.argv[3])
