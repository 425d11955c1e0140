"""The module classes torch.nn exports (without Module itself and the Lazy* variants), one per
line, for the coverage test (Tests/TorchTests/NNCoverageTests.swift). usage: nn_classes.py"""
import inspect

import torch.nn as nn

for name, value in sorted(vars(nn).items()):
    if inspect.isclass(value) and issubclass(value, nn.Module) and value is not nn.Module and not name.startswith("Lazy"):
        print(name)
