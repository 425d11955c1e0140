#!/usr/bin/env bash
# Metric update + compute over one epoch of 1M predictions: swift-lightning's Metrics against
# torchmetrics on the same machine, interleaved ROUNDS times (see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
swift build -c release --product BenchMetrics >/dev/null
rounds=${ROUNDS:-3}
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
for _ in $(seq "$rounds"); do
    .build/release/BenchMetrics 3 | sed 's/^/swift /' >>"$samples"
    .venv/bin/python bench/Metrics/python.py 3 | sed 's/^/torchmetrics /' >>"$samples"
done
echo "## Metrics: update + compute of 1M predictions in batches of 10,000 (ms per epoch, median of $rounds x 3; OMP_NUM_THREADS=$OMP_NUM_THREADS)"
.venv/bin/python - "$samples" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    impl, metric, ms = line.split()
    runs.setdefault((impl, metric), []).append(float(ms))
print("| metric | Swift ms | torchmetrics ms | torchmetrics / Swift |")
print("|---|---|---|---|")
for metric in ("accuracy", "f1_macro", "auroc_binary"):
    s, t = statistics.median(runs[("swift", metric)]), statistics.median(runs[("torchmetrics", metric)])
    print(f"| {metric} | {s:.0f} | {t:.0f} | {t / s:.2f}x |")
PY
