"""update + compute for one epoch of 1M predictions in batches of 10,000 with torchmetrics, as
bench/Metrics/Swift does: prints "metric milliseconds" for each of `repeats` epochs."""
import sys
import time

import torch
import torchmetrics as tm

repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
n, batch, classes = 1_000_000, 10_000, 10
g = torch.Generator().manual_seed(0)
scores = torch.randn(n, classes, generator=g)
labels = torch.randint(0, classes, (n,), generator=g)
binary_scores = torch.rand(n, generator=g)
binary_labels = torch.randint(0, 2, (n,), generator=g)


def run(name, make, preds, target):
    for _ in range(repeats):
        metric = make()
        start = time.perf_counter()
        for offset in range(0, n, batch):
            metric.update(preds[offset:offset + batch], target[offset:offset + batch])
        metric.compute().item()
        print(name, (time.perf_counter() - start) * 1e3)


run("accuracy", lambda: tm.Accuracy(task="multiclass", num_classes=classes), scores, labels)
run("f1_macro", lambda: tm.F1Score(task="multiclass", num_classes=classes, average="macro"), scores, labels)
run("auroc_binary", lambda: tm.AUROC(task="binary"), binary_scores, binary_labels)
