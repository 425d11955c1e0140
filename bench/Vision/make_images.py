"""Writes COUNT generated 256x256 JPEGs (quality 90) into ROOT/class_<k>/ for the image-pipeline
benchmark: smooth random colour fields, different per image. usage: make_images.py ROOT COUNT"""
import os
import sys

import torch
from torchvision.io import encode_jpeg

root, count = sys.argv[1], int(sys.argv[2])
g = torch.Generator().manual_seed(0)
for i in range(count):
    folder = f"{root}/class_{i % 10}"
    os.makedirs(folder, exist_ok=True)
    small = torch.rand(1, 3, 8, 8, generator=g)
    image = (torch.nn.functional.interpolate(small, size=(256, 256), mode="bicubic")[0].clamp(0, 1) * 255).to(torch.uint8)
    with open(f"{folder}/{i:05d}.jpg", "wb") as f:
        f.write(bytes(encode_jpeg(image, quality=90).numpy()))
