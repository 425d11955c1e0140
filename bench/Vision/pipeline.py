"""The image pipeline in torchvision: ImageFolder decoding JPEGs with torchvision.io, then
RandomResizedCrop(224), horizontal flip, float conversion and normalization (transforms.v2), in
batches of 64 from torch.utils.data.DataLoader with WORKERS worker processes. Prints images/s of
one epoch. usage: pipeline.py ROOT WORKERS"""
import sys
import time

import torch
from torchvision.datasets import ImageFolder
from torchvision.io import decode_image
from torchvision.transforms import v2

root, workers = sys.argv[1], int(sys.argv[2])
transform = v2.Compose([v2.RandomResizedCrop(224), v2.RandomHorizontalFlip(), v2.ToDtype(torch.float32, scale=True),
                        v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
dataset = ImageFolder(root, transform=transform, loader=decode_image)
loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=workers)
start = time.perf_counter()
images = 0
for x, y in loader:
    images += x.shape[0]
print(f"{images / (time.perf_counter() - start):.1f}")
