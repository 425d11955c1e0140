"""Summarizes bench/sharded.sh's records (one JSON object per rank and run): medians over runs
of steps/s and of each rank's memory, the larger rank shown. Writes bench/results/sharded.json
and prints a Markdown table."""
import json
import statistics
import sys
from collections import defaultdict

ORDER = ["swift-lightning-ddp", "swift-lightning-zero1", "swift-lightning-zero2", "swift-lightning-fsdp",
         "swift-lightning-pipeline", "swift-lightning-tp", "swift-lightning-2d", "swift-lightning-2d-fsdp", "pytorch-ddp", "pytorch-fsdp", "pytorch-tp",
         "pytorch-2d"]
FIELDS = ["steps_per_s", "peak_rss_mb", "training_rss_mb", "parameter_bytes", "gradient_bytes", "optimizer_state_bytes"]

records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
runs = defaultdict(lambda: defaultdict(list))
for r in records:
    runs[r["framework"]][r["rank"]].append(r)

summary = []
for framework in [f for f in ORDER if f in runs]:
    row = {"framework": framework, "runs": len(runs[framework][0])}
    for field in FIELDS:
        per_rank = [statistics.median(r[field] for r in runs[framework][rank]) for rank in sorted(runs[framework])]
        row[field] = per_rank
    summary.append(row)

with open("bench/results/sharded.json", "w") as f:
    json.dump(summary, f, indent=1)

mib = lambda b: b / 2**20
print("| strategy | steps/s | params/rank (MiB) | grads/rank (MiB) | optimizer state/rank (MiB) | training RSS/rank (MiB) | peak RSS (MiB) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for row in summary:
    ranks = lambda key, f=mib: " / ".join(f"{f(v):.1f}" for v in row[key])
    print(f"| {row['framework']} | {min(row['steps_per_s']):.2f} | {ranks('parameter_bytes')} | {ranks('gradient_bytes')} | "
          f"{ranks('optimizer_state_bytes')} | {ranks('training_rss_mb', float)} | {max(row['peak_rss_mb']):.0f} |")
