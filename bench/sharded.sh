#!/usr/bin/env bash
# Per-rank memory and throughput of the sharded strategies side by side: one MLP (6.6M
# parameters, Adam, global batch 64) on two processes of one thread each, with
# swift-lightning's DDP, ZeRO-1, ZeRO-2, FSDP (one unit per Linear), a 2-stage 1F1B
# pipeline (4 micro-batches) and tensor parallelism (Linears alternately column- and
# row-parallel), beside PyTorch's DDP, FSDP (`fully_shard` per Linear) and tensor parallelism
# (`parallelize_module` with the same plan) on the same CPU with Gloo; then the 2-D mesh (tensor
# parallel pairs, data parallel across them) on four processes: swift-lightning's with DDP and
# with FSDP (one unit) across, PyTorch's with `fully_shard` of the whole model across, as
# Lightning's ModelParallelStrategy recipes do. RUNS interleaved rounds of STEPS steps; medians. malloc returns freed
# blocks to the system (MALLOC_MMAP_THRESHOLD_) so that resident memory shows what each
# strategy holds. Writes bench/results/sharded.json and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=131072
runs=${RUNS:-3}
steps=${STEPS:-20}
swift build -c release --product BenchSharded >/dev/null
records=$(mktemp)
scratch=$(mktemp -d)
trap 'rm -rf "$records" "$scratch"' EXIT
for round in $(seq "$runs"); do
    echo "round $round of $runs" >&2
    for strategy in ddp zero1 zero2 fsdp pipeline tp 2d 2d-fsdp; do
        .build/release/BenchSharded "$strategy" "$steps" "$scratch" 2>/dev/null
        ranks="0 1"
        case "$strategy" in 2d*) ranks="0 1 2 3" ;; esac
        for rank in $ranks; do cat "$scratch/$strategy-rank$rank.json" >>"$records"; echo >>"$records"; done
    done
    for mode in ddp fsdp tp 2d; do .venv/bin/python bench/Sharded/torch_reference.py "$mode" "$steps" 2>/dev/null >>"$records"; done
done
.venv/bin/python bench/Sharded/report.py "$records"
