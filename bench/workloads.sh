#!/usr/bin/env bash
# The workloads side by side: W1 (MLP), W2 (CNN), W3 (char transformer) in swift-lightning,
# PyTorch Lightning 2.6.6 (defaults for logging and checkpointing off, and barebones), plain
# PyTorch and, for W1, a plain libtorch C++ loop; W4 is W1 and W2 in DDP, two processes of one
# thread against one. RUNS interleaved rounds (A B C A B C...). Writes bench/results/latest.json,
# docs/benchmarks-*.png and prints the tables. STEPS1 (W1/W4-W1) and STEPS2 (W2, W3, W4-W2) set
# the steps per run.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
runs=${RUNS:-3}
steps1=${STEPS1:-1000}
steps2=${STEPS2:-60}
swift build -c release --product BenchWorkloads >/dev/null
swift build -c release --product BenchW1Cxx >/dev/null
swift build -c release --product BenchDDPOverlap >/dev/null
.venv/bin/python -c "import matplotlib" 2>/dev/null || .venv/bin/python -m pip install --quiet --disable-pip-version-check matplotlib
mkdir -p bench/results
records=$(mktemp)
trap 'rm -f "$records"' EXIT
python_run() { .venv/bin/python bench/Workloads/python.py "$@" 2>/dev/null | tail -1 >>"$records"; }
for round in $(seq "$runs"); do
    echo "round $round of $runs" >&2
    .build/release/BenchWorkloads W1 "$steps1" >>"$records"
    .build/release/BenchW1Cxx "$steps1" >>"$records"
    for f in pytorch pytorch-lightning pytorch-lightning-barebones; do python_run W1 "$f" "$steps1"; done
    for w in W2 W3; do
        .build/release/BenchWorkloads "$w" "$steps2" >>"$records"
        for f in pytorch pytorch-lightning pytorch-lightning-barebones; do python_run "$w" "$f" "$steps2"; done
    done
    for w in W1 W2; do
        steps=$([ "$w" = W1 ] && echo "$steps1" || echo "$steps2")
        .build/release/BenchWorkloads "$w" "$steps" 2 2>/dev/null >>"$records"
        python_run "$w" pytorch-lightning "$steps" 2
    done
done
overlap=$(mktemp)
trap 'rm -f "$records" "$overlap"' EXIT
for cap in 25 4; do .build/release/BenchDDPOverlap 20 "$cap" 2>/dev/null >>"$overlap"; done
.venv/bin/python bench/Workloads/report.py "$records" "$overlap"
