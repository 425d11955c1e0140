#!/usr/bin/env bash
# Runs the benchmarks side by side and prints their tables (see docs/benchmarks.md).
# The machine is shared and noisy: implementations run interleaved, ROUNDS times, and the
# table quotes the median of all their samples.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
swift build -c release --product BenchOpOverhead >/dev/null
swift build -c release --product BenchOpOverheadCxx >/dev/null
swift build -c release --product BenchDataLoader >/dev/null
swift build -c release --product BenchProgressBar >/dev/null
iterations=${ITERATIONS:-100000}
repeats=${REPEATS:-3}
rounds=${ROUNDS:-7}
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT

for _ in $(seq "$rounds"); do
    .build/release/BenchOpOverheadCxx "$iterations" "$repeats" | sed 's/^/cxx /' >>"$samples"
    .build/release/BenchOpOverhead "$iterations" "$repeats" | sed 's/^/swift /' >>"$samples"
    .venv/bin/python bench/OpOverhead/python.py "$iterations" "$repeats" | sed 's/^/python /' >>"$samples"
done

echo "## Per-op overhead (4-element tensors, 1 thread; median of $rounds interleaved rounds, each the median of $repeats runs of $iterations ops)"
.venv/bin/python - "$samples" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    impl, op, ns = line.split()
    runs.setdefault((impl, op), []).append(float(ns))
print("| op | C++ ns/op | Swift ns/op | Python ns/op | Swift / C++ | Python / C++ | Python / Swift |")
print("|---|---|---|---|---|---|---|")
for op in ("add", "relu"):
    c, s, p = (statistics.median(runs[(i, op)]) for i in ("cxx", "swift", "python"))
    print(f"| {op} | {c:.0f} | {s:.0f} | {p:.0f} | {s / c:.2f}x | {p / c:.2f}x | {p / s:.2f}x |")
PY

echo
echo "## Data loading (MNIST-sized TensorDataset, batch 64, shuffled; batches per second, median of $rounds rounds)"
loader=$(mktemp)
trap 'rm -f "$samples" "$loader"' EXIT
for _ in $(seq "$rounds"); do
    .build/release/BenchDataLoader 20000 | sed 's/^/swift /' >>"$loader"
    .venv/bin/python bench/DataLoader/python.py 20000 | sed 's/^/python /' >>"$loader"
done
.venv/bin/python - "$loader" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    impl, name, value = line.split()
    runs.setdefault((impl, name), []).append(float(value))
m = {k: statistics.median(v) for k, v in runs.items()}
print("| workers | Swift DataLoader batches/s | PyTorch DataLoader batches/s | Swift / PyTorch |")
print("|---|---|---|---|")
for w in (0, 2):
    s, p = m[("swift", "loader_workers_%d" % w)], m[("python", "loader_workers_%d" % w)]
    print(f"| {w} | {s:.0f} | {p:.0f} | {s / p:.2f}x |")
print(f"\nA 784-128-10 MLP training step on the same batches (Swift): {m[('swift', 'mlp_steps')]:.0f} steps/s")
PY

echo
echo "## Progress bar cost (Trainer on a 32-64-4 MLP, batch 32, 384 steps; median of 7 interleaved runs after a warm-up)"
.build/release/BenchProgressBar | awk '{ v[$1] = $2 } END {
    printf "| | us per step | vs none |\n|---|---|---|\n| no progress bar | %.1f | |\n| bar (default: at most every 0.1 s) | %.1f | %+.1f%% |\n| bar redrawn after every batch | %.1f | %+.1f%% |\n",
        v["step_without_bar"], v["step_with_bar"], 100 * (v["step_with_bar"] / v["step_without_bar"] - 1),
        v["step_with_bar_every_batch"], 100 * (v["step_with_bar_every_batch"] / v["step_without_bar"] - 1) }'

echo
echo "## Workloads W1-W4 side by side (median of interleaved runs)"
bash bench/workloads.sh

echo
echo "## Sharded strategies (median of interleaved runs)"
bash bench/sharded.sh
