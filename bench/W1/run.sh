#!/usr/bin/env bash
# Workload W1 side by side: swift-lightning, PyTorch Lightning (defaults off, and barebones),
# plain PyTorch and a plain libtorch C++ loop, RUNS interleaved rounds of STEPS steps each.
# Writes bench/results/latest.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1
steps=${STEPS:-1000}
runs=${RUNS:-3}
swift build -c release --product BenchW1 >/dev/null
swift build -c release --product BenchW1Cxx >/dev/null
mkdir -p bench/results
records=$(mktemp)
trap 'rm -f "$records"' EXIT
for _ in $(seq "$runs"); do
    .build/release/BenchW1 "$steps" >>"$records"
    .build/release/BenchW1Cxx "$steps" >>"$records"
    for f in pytorch pytorch-lightning pytorch-lightning-barebones; do
        .venv/bin/python bench/W1/python.py "$f" "$steps" 2>/dev/null | tail -1 >>"$records"
    done
done
.venv/bin/python - "$records" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault((r["workload"], r["framework"]), []).append(r)
out = []
for (workload, framework), rs in runs.items():
    rec = {"workload": workload, "framework": framework, "runs": len(rs)}
    for key in ("steps_per_s", "first_step_s", "peak_rss_mb", "final_loss"):
        values = [r[key] for r in rs]
        rec[key] = statistics.median(values)
        rec[key + "_spread"] = [min(values), max(values)]
    out.append(rec)
base = {r["workload"]: r["steps_per_s"] for r in out if r["framework"] == "pytorch"}
for r in out:
    r["overhead_us_per_step"] = round(1e6 / r["steps_per_s"] - 1e6 / base[r["workload"]], 1)
json.dump(out, open("bench/results/latest.json", "w"), indent=1)
swift = {r["workload"]: r["steps_per_s"] for r in out if r["framework"] == "swift-lightning"}
print("| workload | framework | steps/s (min-max) | vs swift-lightning | overhead vs PyTorch (us/step) | first step (s) | peak RSS (MiB) | final loss |")
print("|---|---|---|---|---|---|---|---|")
for r in sorted(out, key=lambda r: -r["steps_per_s"]):
    lo, hi = r["steps_per_s_spread"]
    print(f"| {r['workload']} | {r['framework']} | {r['steps_per_s']:.0f} ({lo:.0f}-{hi:.0f}) | {r['steps_per_s'] / swift[r['workload']]:.2f}x | "
          f"{r['overhead_us_per_step']:+.0f} | {r['first_step_s']:.2f} | {r['peak_rss_mb']:.0f} | {r['final_loss']:.3f} |")
PY
