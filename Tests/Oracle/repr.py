"""Python's repr of the tensors DescriptionTests builds, one per case, separated by lines of '===='."""
import torch

x = torch.ones(2, requires_grad=True)
cases = [
    torch.tensor([1.0, 2.5, -3.25]),
    torch.arange(12).reshape(3, 4),
    torch.tensor([[1e-5, 1.0], [100.0, 1e3]]),
    torch.tensor([1.0, 2.0, 3.0]),
    torch.tensor([True, False]),
    torch.arange(2000, dtype=torch.float32) / 7,
    torch.arange(24.0).reshape(2, 3, 4),
    torch.tensor(3.5),
    torch.tensor([1.0, 2.0], dtype=torch.float64),
    x,
    x * x,
    torch.zeros(0, 3),
    torch.tensor([float("nan"), 1.5, float("inf")]),
    torch.arange(5, dtype=torch.int32),
    torch.arange(40.0).reshape(2, 20) / 3,
    torch.arange(10000.0).reshape(100, 100),
    torch.tensor([]),
    torch.tensor([123456789.0, 1.0]),
    torch.arange(4.0).to(torch.bfloat16),
]
print("\n====\n".join(repr(c) for c in cases))
