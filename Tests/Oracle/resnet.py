"""torchvision's ResNet-18 and ResNet-50 as the oracle of TorchVision's: for each, a random
model's state dict (torch.save), an input batch and the model's eval-mode output
(safetensors). usage: resnet.py DIR"""
import sys

import torch
import torchvision
from safetensors.torch import save_file

out_dir = sys.argv[1]
tensors = {}
for name in ["resnet18", "resnet50"]:
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(num_classes=10).eval()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
    torch.save(model.state_dict(), f"{out_dir}/{name}.pt")
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        tensors[f"{name}/input"] = x
        tensors[f"{name}/output"] = model(x)
        tensors[f"{name}/conv1_std"] = model.conv1.weight.std().reshape(1)
save_file(tensors, f"{out_dir}/resnet.safetensors")
