#!/usr/bin/env bash
# Vision side by side (see docs/benchmarks.md): the image pipeline (decode + RandomResizedCrop
# + flip + normalize of generated JPEGs in batches of 64) with 0 and 2 workers, Swift's threads
# against torch.utils.data's processes; and ResNet-18 training steps against plain PyTorch and
# PyTorch Lightning. Interleaved ROUNDS times; medians.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product BenchVision >/dev/null
rounds=${ROUNDS:-3} images=${IMAGES:-2000} steps=${STEPS:-10}
root=$(mktemp -d)
samples=$(mktemp)
trap 'rm -rf "$root" "$samples"' EXIT
.venv/bin/python bench/Vision/make_images.py "$root" "$images"
for _ in $(seq "$rounds"); do
    for workers in 0 2; do
        echo "pipeline swift $workers $(.build/release/BenchVision pipeline "$root" "$workers")" >>"$samples"
        echo "pipeline torchvision $workers $(.venv/bin/python bench/Vision/pipeline.py "$root" "$workers")" >>"$samples"
    done
    echo "resnet swift 0 $(.build/release/BenchVision resnet "$steps")" >>"$samples"
    echo "resnet pytorch 0 $(.venv/bin/python bench/Vision/resnet.py pytorch "$steps")" >>"$samples"
    echo "resnet lightning 0 $(.venv/bin/python bench/Vision/resnet.py lightning "$steps" 2>/dev/null | tail -1)" >>"$samples"
done
.venv/bin/python - "$samples" "$rounds" "$images" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kind, impl, workers, value = line.split()
    runs.setdefault((kind, impl, workers), []).append(float(value))
med = lambda *k: statistics.median(runs[k])
print(f"## Image pipeline: {sys.argv[3]} JPEGs of 256x256 -> RandomResizedCrop(224), flip, normalize, batches of 64 (images/s, median of {sys.argv[2]})")
print("| workers | Swift | torchvision | Swift / torchvision |")
print("|---|---|---|---|")
for w in ("0", "2"):
    s, t = med("pipeline", "swift", w), med("pipeline", "torchvision", w)
    print(f"| {w} | {s:.0f} | {t:.0f} | {s / t:.2f}x |")
print(f"## ResNet-18 training, batches of 16 at 112x112 (steps/s, median of {sys.argv[2]})")
print("| Swift Trainer | plain PyTorch | PyTorch Lightning | Swift / PyTorch | Swift / Lightning |")
print("|---|---|---|---|---|")
s, p, l = med("resnet", "swift", "0"), med("resnet", "pytorch", "0"), med("resnet", "lightning", "0")
print(f"| {s:.3f} | {p:.3f} | {l:.3f} | {s / p:.2f}x | {s / l:.2f}x |")
PY
