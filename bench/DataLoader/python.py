"""The same measurement with torch.utils.data.DataLoader. Prints "<name> <per second>"."""
import sys
import time

import torch
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
data = TensorDataset(torch.rand(n, 784), torch.randint(0, 10, (n,)))
for workers in (0, 2):
    loader = DataLoader(data, batch_size=64, shuffle=True, num_workers=workers, generator=torch.Generator().manual_seed(1))
    start = time.perf_counter()
    for _ in loader:
        pass
    print("loader_workers_%d %.1f" % (workers, len(loader) / (time.perf_counter() - start)))
