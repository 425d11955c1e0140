"""The sharded-training benchmark's model in plain PyTorch on CPU with Gloo: DDP, FSDP
(`fully_shard` on every Linear, then the root) or tensor parallelism (`parallelize_module`, the
Linears alternately column- and row-parallel) on two processes, or on four the same tensor
parallelism in pairs with `fully_shard` across them (2d). Prints one JSON line per rank with the
same fields as swift-lightning's BenchSharded.
Usage: torch_reference.py ddp|fsdp|tp|2d STEPS"""
import json
import os
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

WIDTH, HIDDEN, BATCH, INPUT, CLASSES = 1024, 6, 64, 256, 10


def model():
    layers = [nn.Linear(INPUT, WIDTH), nn.ReLU()]
    for _ in range(HIDDEN):
        layers += [nn.Linear(WIDTH, WIDTH), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(WIDTH, CLASSES))


def tensor_bytes(tensors):
    return sum(t.numel() * t.element_size() for t in tensors)


def local(t):
    return t.to_local() if hasattr(t, "to_local") else t


def resident_mb(field):
    """VmRSS (now) or VmHWM (peak) of this process, in MiB."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field)) / 1024


def run(rank, mode, steps, port, queue):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    world = 4 if mode == "2d" else 2
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.manual_seed(0)
    net = model()
    replicas = 1 if mode == "tp" else world // 2 if mode == "2d" else world
    if mode in ("tp", "2d"):
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel, parallelize_module
        mesh = init_device_mesh("cpu", (replicas, 2), mesh_dim_names=("data_parallel", "tensor_parallel"))
        linears = [i for i, layer in enumerate(net) if isinstance(layer, nn.Linear)]
        plan = {str(i): ColwiseParallel() if n % 2 == 0 else RowwiseParallel() for n, i in enumerate(linears)}
        net = parallelize_module(net, mesh["tensor_parallel"], plan)
        if mode == "2d":
            from torch.distributed.fsdp import fully_shard
            fully_shard(net, mesh=mesh["data_parallel"])
    elif mode == "ddp":
        net = nn.parallel.DistributedDataParallel(net)
    else:
        from torch.distributed.fsdp import fully_shard
        for layer in net:
            if isinstance(layer, nn.Linear):
                fully_shard(layer)
        fully_shard(net)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4)
    generator = torch.Generator().manual_seed(1 + rank * replicas // world)
    x = torch.randn(steps, BATCH // replicas, INPUT, generator=generator)
    y = torch.randint(0, CLASSES, (steps, BATCH // replicas), generator=generator)
    times, grad_bytes = [], 0
    start_rss = resident_mb("VmRSS:")
    for step in range(steps):
        start = time.perf_counter()
        loss = nn.functional.cross_entropy(net(x[step]), y[step])
        loss.backward()
        grad_bytes = max(grad_bytes, tensor_bytes(local(p.grad) for p in net.parameters() if p.grad is not None))
        optimizer.step()
        optimizer.zero_grad()
        times.append(time.perf_counter() - start)
    state = [local(v) for s in optimizer.state.values() for v in s.values() if torch.is_tensor(v) and v.dim() > 0]
    queue.put({
        "framework": f"pytorch-{mode}", "rank": rank, "steps_per_s": 1 / statistics.median(times[2:]),
        "peak_rss_mb": resident_mb("VmHWM:"),
        "training_rss_mb": resident_mb("VmHWM:") - start_rss,
        "parameter_bytes": tensor_bytes(local(p) for p in net.parameters()),
        "gradient_bytes": grad_bytes, "optimizer_state_bytes": tensor_bytes(state), "final_loss": loss.item(),
    })
    dist.destroy_process_group()


if __name__ == "__main__":
    mode, steps = sys.argv[1], int(sys.argv[2])
    context = mp.get_context("spawn")
    queue = context.Queue()
    port = 29600 + os.getpid() % 1000
    processes = [context.Process(target=run, args=(rank, mode, steps, port, queue)) for rank in range(4 if mode == "2d" else 2)]
    for p in processes:
        p.start()
    results = sorted((queue.get() for _ in processes), key=lambda r: r["rank"])
    for p in processes:
        p.join()
    for r in results:
        print(json.dumps(r))
