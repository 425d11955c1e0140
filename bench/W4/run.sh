#!/usr/bin/env bash
# Workload W4: W1 in DDP. One process of one thread against two processes of one thread each,
# for swift-lightning and PyTorch Lightning (strategy='ddp'), RUNS interleaved rounds of STEPS
# steps; then the all-reduce/backward overlap of a 25 MB model (BenchDDPOverlap).
# Writes bench/results/w4.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1
steps=${STEPS:-1000}
runs=${RUNS:-3}
swift build -c release --product BenchW1 >/dev/null
swift build -c release --product BenchDDPOverlap >/dev/null
mkdir -p bench/results
records=$(mktemp)
trap 'rm -f "$records"' EXIT
for _ in $(seq "$runs"); do
    .build/release/BenchW1 "$steps" 1 2>/dev/null >>"$records"
    .build/release/BenchW1 "$steps" 2 2>/dev/null >>"$records"
    .venv/bin/python bench/W1/python.py pytorch-lightning "$steps" 1 2>/dev/null | tail -1 >>"$records"
    .venv/bin/python bench/W1/python.py pytorch-lightning "$steps" 2 2>/dev/null | tail -1 >>"$records"
done
overlap=$(for cap in 25 4; do .build/release/BenchDDPOverlap 20 "$cap" 2>/dev/null; done)
.venv/bin/python - "$records" "$overlap" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault((r["framework"], r["processes"]), []).append(r)
out = []
for (framework, processes), rs in sorted(runs.items()):
    rec = {"workload": "W4" if processes > 1 else "W1", "framework": framework, "processes": processes, "runs": len(rs)}
    for key in ("samples_per_s", "first_step_s", "peak_rss_mb"):
        values = [r[key] for r in rs]
        rec[key] = statistics.median(values)
        rec[key + "_spread"] = [min(values), max(values)]
    out.append(rec)
for r in out:
    one = next(o for o in out if o["framework"] == r["framework"] and o["processes"] == 1)
    r["scaling_efficiency"] = round(r["samples_per_s"] / (r["processes"] * one["samples_per_s"]), 3)
overlap = [json.loads(line) for line in sys.argv[2].splitlines() if line.strip()]
json.dump({"scaling": out, "overlap": overlap}, open("bench/results/w4.json", "w"), indent=1)
print("| framework | processes | samples/s (min-max) | scaling efficiency | first step (s) | peak RSS rank 0 (MiB) |")
print("|---|---|---|---|---|---|")
for r in out:
    lo, hi = r["samples_per_s_spread"]
    print(f"| {r['framework']} | {r['processes']} | {r['samples_per_s']:.0f} ({lo:.0f}-{hi:.0f}) | {r['scaling_efficiency']:.2f} | "
          f"{r['first_step_s']:.2f} | {r['peak_rss_mb']:.0f} |")
for o in overlap:
    print(json.dumps(o))
PY
