"""Per-op cost of small tensor ops from Python torch. Prints "<op> <median ns/op>" per op."""
import sys
import time

import torch

iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
torch.set_num_threads(1)
a, b = torch.ones(4), torch.ones(4)


def median_ns(f):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            f()
        samples.append((time.perf_counter_ns() - start) / iterations)
    return sorted(samples)[len(samples) // 2]


print("add %.1f" % median_ns(lambda: a + b))
print("relu %.1f" % median_ns(lambda: torch.relu(a)))
