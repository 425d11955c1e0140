"""Interchange of PyTorch files between Swift and Python, for TorchFileTests.

  torchfile.py read-swift STATE.pt NESTED.pt IO.safetensors
      loads Swift's files with torch.load (weights_only=True, the default) into torch.nn and
      checks the outputs and values; prints "ok".
  torchfile.py write-python DIR
      trains the same model a few steps in PyTorch and writes DIR/model.pt (its state dict),
      DIR/nested.pt (mixed values) and DIR/io.safetensors (input and expected output).
"""
import sys

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file


def model():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))


def read_swift(state_path, nested_path, io_path):
    m = model()
    state = torch.load(state_path)
    assert type(state) is dict and list(state) == list(m.state_dict()), list(state)
    m.load_state_dict(state)
    m.eval()
    io = load_file(io_path)
    with torch.no_grad():
        y = m(io["x"])
    assert torch.allclose(y, io["y"], rtol=1e-6, atol=1e-6), (y - io["y"]).abs().max()
    nested = torch.load(nested_path)
    assert nested["epoch"] == 7 and nested["lr"] == 0.25 and nested["name"] == "swift", nested
    assert nested["flags"] == [True, False, None] and nested["pair"] == (1, -2.5) and nested["big"] == 2 ** 40
    assert nested["state"][0]["step"].dtype == torch.float32 and nested["state"][0]["step"].item() == 3
    assert torch.equal(nested["bf16"], torch.arange(6, dtype=torch.bfloat16).reshape(2, 3))
    assert torch.equal(nested["transposed"], torch.arange(6.0).reshape(2, 3).t())
    print("ok")


def write_python(out):
    torch.manual_seed(1)
    m = model()
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    g = torch.Generator().manual_seed(2)
    for _ in range(3):
        x, target = torch.randn(8, 1, 6, 6, generator=g), torch.randint(0, 3, (8,), generator=g)
        opt.zero_grad()
        nn.functional.cross_entropy(m(x), target).backward()
        opt.step()
    m.eval()
    x = torch.randn(5, 1, 6, 6, generator=g)
    with torch.no_grad():
        y = m(x)
    torch.save(m.state_dict(), out + "/model.pt")
    base = torch.arange(12.0).reshape(3, 4)
    torch.save({"epoch": 3, "lr": 0.1, "name": "python", "flags": [True, None], "pair": (1, 2.5), "neg": -70000,
                "view": base[1:, ::2], "base": base, "bf16": torch.ones(2, dtype=torch.bfloat16) / 3,
                "nested": {"ints": torch.tensor([1, 2], dtype=torch.int32), "scalar": torch.tensor(4.5)},
                "optimizer": opt.state_dict()}, out + "/nested.pt")
    save_file({"x": x, "y": y}, out + "/io.safetensors")
    print("ok")


if __name__ == "__main__":
    if sys.argv[1] == "read-swift":
        read_swift(*sys.argv[2:5])
    else:
        write_python(sys.argv[2])
