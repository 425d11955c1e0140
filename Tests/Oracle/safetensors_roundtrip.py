"""Reads a safetensors file written by Swift with the reference `safetensors` package, checks
it against the expected dtypes, and writes it back with the reference writer (plus one
tensor of its own) for Swift to read. usage: safetensors_roundtrip.py IN OUT"""
import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

tensors = {}
with safe_open(sys.argv[1], framework="pt") as f:
    metadata = f.metadata()
    for name in f.keys():
        tensors[name] = f.get_tensor(name)
expected = {"bool": torch.bool, "u8": torch.uint8, "i8": torch.int8, "i16": torch.int16, "i32": torch.int32,
            "i64": torch.int64, "f16": torch.float16, "bf16": torch.bfloat16, "f32": torch.float32,
            "f64": torch.float64, "scalar": torch.float32, "empty": torch.float32}
assert {k: v.dtype for k, v in tensors.items()} == expected, {k: v.dtype for k, v in tensors.items()}
assert metadata == {"format": "pt", "origin": "swift"}, metadata
assert torch.equal(tensors["f32"], torch.arange(12, dtype=torch.float32).reshape(3, 4) / 3)
tensors["from_python"] = torch.linspace(0, 1, 7, dtype=torch.float64)
save_file(tensors, sys.argv[2], metadata={"origin": "python"})
print("ok")
