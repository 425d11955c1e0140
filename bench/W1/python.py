"""Workload W1 in Python: plain PyTorch, PyTorch Lightning 2.6.6, or Lightning with barebones=True.
Same model, data shape, batch and optimizer as the Swift and C++ versions. Prints one JSON record.
usage: python.py {pytorch|pytorch-lightning|pytorch-lightning-barebones} STEPS [DEVICES]
With DEVICES=2 (Lightning only), strategy='ddp' over two CPU processes of one thread (W4)."""
import json
import os
import sys
import time
import warnings

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

warnings.filterwarnings("ignore")
framework, steps, warmup = sys.argv[1], int(sys.argv[2]), 50
devices = int(sys.argv[3]) if len(sys.argv) > 3 else 1


def process_age():
    fields = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
    return float(open("/proc/uptime").read().split()[0]) - float(fields[19]) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024


torch.set_num_threads(1)
torch.manual_seed(0)
g = torch.Generator().manual_seed(1)
x = torch.rand(4096, 64, generator=g)
y = (x @ torch.randn(64, 10, generator=g)).argmax(1)
loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(2))
net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
clock = {"first": None, "start": None, "end": None, "step": 0, "loss": None}


def tick(loss):
    clock["step"] += 1
    clock["loss"] = loss
    if clock["first"] is None:
        clock["first"] = process_age()
    if clock["step"] == warmup:
        clock["start"] = time.perf_counter()
    clock["end"] = time.perf_counter()


if framework == "pytorch":
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    while clock["step"] < steps:
        for xb, yb in loader:
            loss = nn.functional.cross_entropy(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tick(loss.detach())
            if clock["step"] >= steps:
                break
else:
    import pytorch_lightning as pl

    class Model(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = net

        def training_step(self, batch, batch_idx):
            return nn.functional.cross_entropy(self.net(batch[0]), batch[1])

        def on_train_batch_end(self, outputs, batch, batch_idx):
            tick(outputs["loss"].detach())

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=1e-3)

    options = dict(barebones=True) if framework.endswith("barebones") else dict(
        logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    if devices > 1:
        options["strategy"] = "ddp"
    trainer = pl.Trainer(max_steps=steps, accelerator="cpu", devices=devices, num_sanity_val_steps=0, **options)
    trainer.fit(Model(), loader)
    if trainer.global_rank != 0:
        sys.exit(0)

rate = (steps - warmup) / (clock["end"] - clock["start"])
print(json.dumps({"workload": "W4" if devices > 1 else "W1", "framework": framework, "processes": devices,
                  "samples_per_s": round(rate * 64 * devices, 1),
                  "steps_per_s": round(rate, 2),
                  "first_step_s": round(clock["first"], 3), "peak_rss_mb": round(peak_rss_mb(), 1),
                  "final_loss": round(float(clock["loss"]), 5)}))
