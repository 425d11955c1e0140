"""The benchmark workloads in Python: plain PyTorch, PyTorch Lightning 2.6.6, or Lightning with
barebones=True; the same models, data, batches and optimizers as the Swift versions.
usage: python.py {W1|W2|W3|GPT2} {pytorch|pytorch-lightning|pytorch-lightning-barebones} STEPS [PROCESSES]
With PROCESSES=2 (Lightning only), strategy='ddp' over two CPU processes of one thread (W4);
STRATEGY=ddp asks Lightning for DDP in one process too. GPT2_SIZE=tiny shrinks GPT2 as in Swift.
ACCELERATOR (cpu, gpu; default cpu) and PRECISION (default 32-true) choose device and precision;
plain PyTorch follows them with .to(device) and autocast. Prints one JSON record (rank 0)."""
import json
import os
import sys
import time
import warnings

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

warnings.filterwarnings("ignore")
workload, framework, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
processes = int(sys.argv[4]) if len(sys.argv) > 4 else 1
warmup = min(50, steps // 5)
accelerator = os.environ.get("ACCELERATOR", "cpu")
precision = os.environ.get("PRECISION", "32-true")
device = torch.device("cuda" if accelerator == "gpu" else "cpu")
autocast_dtype = {"16-mixed": torch.float16, "bf16-mixed": torch.bfloat16}.get(precision)


def process_age():
    fields = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
    return float(open("/proc/uptime").read().split()[0]) - float(fields[19]) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024


class TransformerLM(nn.Module):
    """W3's post-norm ReLU model with its own head, or (gpt) GPT-2's pre-norm GELU one with a final
    norm and the head tied to the token embedding, as TransformerLM in the Swift workloads."""

    def __init__(self, layers, width, heads, context, vocabulary, gpt):
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, width)
        self.positions = nn.Embedding(context, width)
        layer = nn.TransformerEncoderLayer(width, heads, dim_feedforward=4 * width, dropout=0.0,
                                           activation="gelu" if gpt else "relu", batch_first=True, norm_first=gpt)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width) if gpt else None
        self.head = None if gpt else nn.Linear(width, vocabulary)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(context), persistent=False)
        if gpt:
            nn.init.normal_(self.tokens.weight, std=0.02)
            nn.init.normal_(self.positions.weight, std=0.02)

    def forward(self, x):
        h = self.encoder(self.tokens(x) + self.positions(torch.arange(x.size(1), device=x.device)), mask=self.mask, is_causal=True)
        return self.head(h) if self.head is not None else nn.functional.linear(self.norm(h), self.tokens.weight)


torch.set_num_threads(1)
torch.manual_seed(0)
g = torch.Generator().manual_seed(1)
tokens_per_sample = 0
if workload == "GPT2":
    layers, width, heads, context, vocabulary, batch_size = (
        (2, 128, 4, 128, 1024, 4) if os.environ.get("GPT2_SIZE") == "tiny" else (12, 768, 12, 1024, 50257, 8))
    tokens_per_sample = context
    sequences = torch.randint(0, vocabulary, (8 * batch_size, context + 1), generator=g)
    x, y = sequences[:, :context], sequences[:, 1:]
    net = TransformerLM(layers, width, heads, context, vocabulary, gpt=True)
    make_optimizer = lambda p: torch.optim.AdamW(p, lr=3e-4, weight_decay=0.1, fused=True)
elif workload == "W2":
    batch_size = 128
    x = torch.rand(4096, 1, 28, 28, generator=g)
    y = (x.flatten(1) @ torch.randn(784, 10, generator=g)).argmax(1)
    net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    make_optimizer = lambda p: torch.optim.Adam(p, lr=1e-3)
elif workload == "W3":
    batch_size = 32
    text = open("README.md", "rb").read()
    corpus = torch.tensor([b & 127 for b in text])
    windows = (len(text) - 65) // 64
    chunks = corpus[(torch.arange(windows) * 64).unsqueeze(1) + torch.arange(65).unsqueeze(0)]
    x, y = chunks[:, :64], chunks[:, 1:]
    net = TransformerLM(2, 128, 4, 64, 128, gpt=False)
    make_optimizer = lambda p: torch.optim.AdamW(p, lr=1e-3)
else:
    batch_size = 64
    x = torch.rand(4096, 64, generator=g)
    y = (x @ torch.randn(64, 10, generator=g)).argmax(1)
    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
    make_optimizer = lambda p: torch.optim.Adam(p, lr=1e-3)
loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(2))
clock = {"first": None, "start": None, "end": None, "step": 0, "loss": None, "losses": []}
every = max(1, steps // 50)


def loss_of(out, target):
    return nn.functional.cross_entropy(out.reshape(-1, out.size(-1)), target.reshape(-1))


def tick(loss):
    clock["step"] += 1
    if device.type == "cuda" and clock["step"] in (warmup, steps):
        torch.cuda.synchronize()
    clock["loss"] = loss
    if clock["first"] is None:
        clock["first"] = process_age()
    if clock["step"] == warmup:
        clock["start"] = time.perf_counter()
    if clock["step"] % every == 0:
        clock["losses"].append(float(loss))
    clock["end"] = time.perf_counter()


if framework == "pytorch":
    net = net.to(device)
    opt = make_optimizer(net.parameters())
    scaler = torch.amp.GradScaler(device.type, enabled=autocast_dtype == torch.float16)
    while clock["step"] < steps:
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            with torch.autocast(device.type, dtype=autocast_dtype or torch.float32, enabled=autocast_dtype is not None):
                loss = loss_of(net(xb), yb)
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
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
            return loss_of(self.net(batch[0]), batch[1])

        def on_train_batch_end(self, outputs, batch, batch_idx):
            tick(outputs["loss"].detach())

        def configure_optimizers(self):
            return make_optimizer(self.parameters())

    options = dict(barebones=True) if framework.endswith("barebones") else dict(
        logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    if processes > 1 or os.environ.get("STRATEGY") == "ddp":
        options["strategy"] = "ddp"
    trainer = pl.Trainer(max_steps=steps, accelerator=accelerator, devices=processes, precision=precision,
                         num_sanity_val_steps=0, **options)
    trainer.fit(Model(), loader)
    if trainer.global_rank != 0:
        sys.exit(0)

rate = (steps - warmup) / (clock["end"] - clock["start"])
print(json.dumps({"workload": f"W4-{workload}" if processes > 1 else workload, "framework": framework, "processes": processes,
                  "device": str(device) if accelerator == "gpu" else "cpu", "precision": precision,
                  "steps_per_s": round(rate, 2), "samples_per_s": round(rate * batch_size * processes, 1),
                  "first_step_s": round(clock["first"], 3), "peak_rss_mb": round(peak_rss_mb(), 1),
                  "final_loss": round(float(clock["loss"]), 5), "losses": clock["losses"],
                  "strategy": "ddp" if processes > 1 or os.environ.get("STRATEGY") == "ddp" else "auto",
                  **({"tokens_per_s": round(rate * batch_size * tokens_per_sample * processes, 1)} if tokens_per_sample else {})},
                 sort_keys=True))
