"""The plain PyTorch loop equivalent of the Trainer run in TrainerParityTests: same initial
weights, same batch order (randperm seeded with seed + epoch), gradient accumulation 2, norm
clipping 1.0, SGD with momentum and a per-epoch StepLR. usage: trainer_parity.py IN OUT"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

data = load_file(sys.argv[1])
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3))
model.load_state_dict({k[len("init/net."):]: v for k, v in data.items() if k.startswith("init/")})
x, y = data["x"], data["y"]
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.9)
for epoch in range(3):
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(11 + epoch))
    batches = [order[i:i + 8] for i in range(0, len(x), 8)]
    for i, idx in enumerate(batches):
        (F.cross_entropy(model(x[idx]), y[idx]) / 2).backward()
        if (i + 1) % 2 == 0 or i == len(batches) - 1:
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad()
    sched.step()
save_file({"net." + k: v.contiguous() for k, v in model.state_dict().items()}, sys.argv[2])
