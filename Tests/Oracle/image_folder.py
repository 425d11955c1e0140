"""torchvision.datasets.ImageFolder over ROOT: prints its classes, class_to_idx and samples
(path, class index) as JSON. usage: image_folder.py ROOT"""
import json
import sys

from torchvision.datasets import ImageFolder

folder = ImageFolder(sys.argv[1], loader=lambda path: path)
print(json.dumps({"classes": folder.classes, "class_to_idx": folder.class_to_idx, "samples": folder.samples}))
