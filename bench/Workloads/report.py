"""Turns the raw records of bench/workloads.sh into bench/results/latest.json (medians of the
interleaved runs, with their spread), the tables of docs/benchmarks.md, and two plots:
docs/benchmarks-throughput.png and docs/benchmarks-loss.png.
usage: report.py RECORDS OVERLAP"""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

runs = {}
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        runs.setdefault((r["workload"], r["framework"]), []).append(r)
out = []
for (workload, framework), rs in runs.items():
    rec = {"workload": workload, "framework": framework, "runs": len(rs), "processes": rs[0].get("processes", 1)}
    for key in ("steps_per_s", "samples_per_s", "first_step_s", "peak_rss_mb", "final_loss"):
        values = [r[key] for r in rs if key in r]
        if values:
            rec[key] = round(statistics.median(values), 4)
            rec[key + "_spread"] = [round(min(values), 4), round(max(values), 4)]
    rec["losses"] = rs[0].get("losses", [])
    out.append(rec)
plain = {r["workload"]: r["steps_per_s"] for r in out if r["framework"] == "pytorch"}
for r in out:
    base = plain.get(r["workload"])
    r["overhead_us_per_step"] = round(1e6 / r["steps_per_s"] - 1e6 / base, 1) if base else None
    if r["workload"].startswith("W4-"):
        one = next(o for o in out if o["workload"] == r["workload"][3:] and o["framework"] == r["framework"])
        r["scaling_efficiency"] = round(r["samples_per_s"] / (2 * one["samples_per_s"]), 3)
overlap = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
json.dump(out, open("bench/results/latest.json", "w"), indent=1)
json.dump(overlap, open("bench/results/ddp-overlap.json", "w"), indent=1)

order = ["swift-lightning", "libtorch-cpp", "pytorch", "pytorch-lightning", "pytorch-lightning-barebones"]
print("| workload | framework | steps/s (min-max) | vs PyTorch Lightning | overhead vs PyTorch (us/step) | first step (s) | peak RSS (MiB) | final loss |")
print("|---|---|---|---|---|---|---|---|")
for workload in ("W1", "W2", "W3"):
    rows = sorted((r for r in out if r["workload"] == workload), key=lambda r: order.index(r["framework"]))
    pl = next((r["steps_per_s"] for r in rows if r["framework"] == "pytorch-lightning"), None)
    for r in rows:
        lo, hi = r["steps_per_s_spread"]
        overhead = "" if r["overhead_us_per_step"] is None else f"{r['overhead_us_per_step']:+.0f}"
        print(f"| {workload} | {r['framework']} | {r['steps_per_s']:.1f} ({lo:.1f}-{hi:.1f}) | {r['steps_per_s'] / pl:.2f}x | "
              f"{overhead} | {r['first_step_s']:.2f} | {r['peak_rss_mb']:.0f} | {r['final_loss']:.3f} |")
print()
print("| workload | framework | 1 process samples/s | 2 processes samples/s (min-max) | scaling efficiency | first step, 2 processes (s) |")
print("|---|---|---|---|---|---|")
for r in sorted((r for r in out if r["workload"].startswith("W4-")), key=lambda r: (r["workload"], r["framework"])):
    one = next(o for o in out if o["workload"] == r["workload"][3:] and o["framework"] == r["framework"])
    lo, hi = r["samples_per_s_spread"]
    print(f"| {r['workload']} | {r['framework']} | {one['samples_per_s']:.0f} | {r['samples_per_s']:.0f} ({lo:.0f}-{hi:.0f}) | "
          f"{r['scaling_efficiency']:.2f} | {r['first_step_s']:.2f} |")
print()
for o in overlap:
    print(json.dumps(o))

colors = {"swift-lightning": "#f05138", "libtorch-cpp": "#555555", "pytorch": "#1f77b4", "pytorch-lightning": "#792ee5",
          "pytorch-lightning-barebones": "#b79cf0"}
workloads = ["W1", "W2", "W3", "W4-W1", "W4-W2"]
fig, axes = plt.subplots(1, len(workloads), figsize=(17, 3.6))
for ax, workload in zip(axes, workloads):
    rows = sorted((r for r in out if r["workload"] == workload), key=lambda r: order.index(r["framework"]))
    key = "samples_per_s" if workload.startswith("W4") else "steps_per_s"
    ax.bar(range(len(rows)), [r[key] for r in rows], color=[colors[r["framework"]] for r in rows],
           yerr=[[r[key] - r[key + "_spread"][0] for r in rows], [r[key + "_spread"][1] - r[key] for r in rows]], capsize=3)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["framework"].replace("pytorch-lightning", "PL").replace("-barebones", " bare") for r in rows],
                       rotation=30, ha="right", fontsize=8)
    ax.set_title(workload + (" (2 processes)" if workload.startswith("W4") else ""))
    ax.set_ylabel("samples/s" if workload.startswith("W4") else "steps/s")
fig.suptitle("Throughput, 1 thread per process, median of interleaved runs (bars: min-max)")
fig.tight_layout()
fig.savefig("docs/benchmarks-throughput.png", dpi=90)

fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
for ax, workload in zip(axes, ["W1", "W2", "W3"]):
    for r in sorted((r for r in out if r["workload"] == workload and r["losses"]), key=lambda r: order.index(r["framework"])):
        ax.plot(r["losses"], label=r["framework"], color=colors[r["framework"]], alpha=0.8)
    ax.set_title(f"{workload} training loss")
    ax.set_xlabel("sample (every steps/50 steps)")
    ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig("docs/benchmarks-loss.png", dpi=90)
