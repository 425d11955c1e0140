"""Gloo all-reduce latency between two processes on this machine (Python torch.distributed on the
same wheel, the engine swift-lightning's DDP wraps): 1 float and 27,000 floats (W1's gradients),
with the processes idle between calls or computing (ten 64x512x512 matmuls) between calls.
usage: python gloo_latency.py"""
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def run(rank, n, busy, port):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    t = torch.zeros(n)
    for _ in range(50):
        dist.all_reduce(t)
    x, w = torch.randn(64, 512), torch.randn(512, 512)
    times = []
    for _ in range(300):
        if busy:
            for _ in range(10):
                x @ w
        start = time.perf_counter()
        dist.all_reduce(t)
        times.append(time.perf_counter() - start)
    times.sort()
    if rank == 0:
        print(f"{n} floats, {'busy' if busy else 'idle'}: median {times[len(times) // 2] * 1e6:.0f} us, "
              f"p90 {times[int(len(times) * 0.9)] * 1e6:.0f} us")
    dist.destroy_process_group()


if __name__ == "__main__":
    port = 29611
    for n in (1, 27000):
        for busy in (False, True):
            mp.spawn(run, args=(n, busy, port), nprocs=2)
            port += 1
