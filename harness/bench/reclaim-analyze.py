#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Score the proactive reclaim benchmark (harness/bench/reclaim.sh).

    reclaim-analyze.py OUT

Reads OUT/raw/<repetition>/<run>.txt and prints a Markdown table.  The
steady state is the last third of each run: its RSS is the median of the
samples there, its throughput the mean of the GET rounds that ended there.
The ratios divide by the run without DAMON of the same repetition; with
several repetitions the table gives the median and the spread of each.
"""

import os
import statistics
import sys

RUNS = ("none", "ours", "ref")


def read_run(path):
    """Samples (t, rss, swap, cpu_ns), rounds (t, rps) and the load start."""
    samples, rounds, start = [], [], None
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "sample" and len(w) == 5:
                samples.append(tuple(float(x) for x in w[1:]))
            elif w[0] == "round" and len(w) == 3:
                rounds.append((float(w[1]), float(w[2])))
            elif w[0] == "populated" and len(w) == 3:
                start = float(w[1])
    return samples, rounds, start


def steady(path):
    """RSS MiB, swap MiB, GETs/s and kdamond CPU % of the steady state."""
    samples, rounds, _ = read_run(path)
    if len(samples) < 6:
        return None
    t0, t1 = samples[0][0], samples[-1][0]
    cut = t1 - (t1 - t0) / 3
    tail = [s for s in samples if s[0] >= cut]
    rss = statistics.median(s[1] for s in tail) / 1024
    swap = statistics.median(s[2] for s in tail) / 1024
    rps = [r[1] for r in rounds if r[0] >= cut]
    cpu = 0.0
    if tail[-1][0] > tail[0][0]:
        cpu = (tail[-1][3] - tail[0][3]) / 1e9 / (tail[-1][0] - tail[0][0]) * 100
    first = samples[1][3] if len(samples) > 1 else 0
    cpu_all = (samples[-1][3] - first) / 1e9 / max(samples[-1][0] - samples[1][0], 1) * 100
    return {
        "rss": rss,
        "swap": swap,
        "rps": statistics.mean(rps) if rps else 0.0,
        "cpu": cpu,
        "cpu_all": cpu_all,
    }


def spread(vals, fmt):
    vals = sorted(vals)
    med = statistics.median(vals)
    if len(vals) == 1:
        return fmt % med
    return (fmt + " (" + fmt + "-" + fmt + ")") % (med, vals[0], vals[-1])


def main():
    out = sys.argv[1]
    raw = os.path.join(out, "raw")
    reps = sorted(os.listdir(raw)) if os.path.isdir(raw) else []
    res = {run: [] for run in RUNS}
    for rep in reps:
        got = {}
        for run in RUNS:
            p = os.path.join(raw, rep, run + ".txt")
            if os.path.exists(p):
                got[run] = steady(p)
        base = got.get("none")
        for run, s in got.items():
            if s is None or base is None or not base["rss"] or not base["rps"]:
                continue
            s["rss_ratio"] = s["rss"] / base["rss"]
            s["rps_ratio"] = s["rps"] / base["rps"]
            res[run].append(s)

    print("Proactive reclaim: Redis, %d repetition(s); steady state = last"
          " third of each run\n" % len(reps))
    print("| run | RSS MiB | RSS / none | swap MiB | GET/s | GET/s / none"
          " | kdamond CPU % steady | kdamond CPU % whole run |")
    print("|---|---|---|---|---|---|---|---|")
    for run in RUNS:
        rs = res[run]
        if not rs:
            print("| %s | no data | | | | | | |" % run)
            continue
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            run,
            spread([s["rss"] for s in rs], "%.0f"),
            spread([s["rss_ratio"] for s in rs], "%.2f"),
            spread([s["swap"] for s in rs], "%.0f"),
            spread([s["rps"] for s in rs], "%.0f"),
            spread([s["rps_ratio"] for s in rs], "%.3f"),
            spread([s["cpu"] for s in rs], "%.2f"),
            spread([s["cpu_all"] for s in rs], "%.2f")))


if __name__ == "__main__":
    main()
