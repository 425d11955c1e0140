"""torchvision's VisionTransformer as the oracle of TorchVision's: a small one (32x32 images,
patches of 8, 2 layers, 4 heads, width 64) with a random head, its state dict (torch.save),
an input batch and its eval-mode output; and ViT-B/16's state-dict keys and parameter count.
usage: vit.py DIR"""
import json
import sys

import torch
import torchvision
from safetensors.torch import save_file
from torchvision.models.vision_transformer import VisionTransformer

out_dir = sys.argv[1]
torch.manual_seed(0)
model = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64, mlp_dim=128, num_classes=10).eval()
with torch.no_grad():
    model.heads.head.weight.normal_(std=0.1)
    model.heads.head.bias.normal_(std=0.1)
torch.save(model.state_dict(), f"{out_dir}/vit_small.pt")
x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    save_file({"input": x, "output": model(x)}, f"{out_dir}/vit.safetensors")
big = torchvision.models.vit_b_16()
print(json.dumps({"keys": sorted(big.state_dict().keys()), "parameters": sum(p.numel() for p in big.parameters())}))
