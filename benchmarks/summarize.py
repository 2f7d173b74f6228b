#!/usr/bin/env python3
"""Turns one benchmarks/results/<run>/ directory into the Markdown tables of BENCHMARKS.md.

    python3 benchmarks/summarize.py benchmarks/results/<run> > summary.md
"""
import json
import os
import sys

run = sys.argv[1]


def load(name):
    path = os.path.join(run, name)
    return json.load(open(path)) if os.path.exists(path) else []


def fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


print(f"# Benchmark run {os.path.basename(run.rstrip('/'))}\n")
print("```")
print(open(os.path.join(run, "machine.txt")).read().strip())
print("```\n")

# ---------------------------------------------------------------- local decisions
local = load("local.json") + load("local2.json")
keyed = {}
unkeyed = {}
for b in local:
    method = b["benchmark"].rsplit(".", 1)[1]
    score = b["primaryMetric"]["score"]
    alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    if method.startswith("keyed"):
        threads = 1 if "1Thread" in method else 2
        keyed[(b["params"]["keys"], b["params"]["limiter"], threads)] = (score, alloc)
    else:
        unkeyed[method] = (score, alloc)

if keyed:
    print("## Local decisions (JMH throughput, all threads together; higher is better)\n")
    print("ops/us = decisions per microsecond; ns/op = 1000 / (ops/us) for one thread; B/op =")
    print("gc.alloc.rate.norm with one thread; x Bucket4j = throughput / Bucket4j's Caffeine proxy")
    print("manager's, same keys and threads.\n")
    print("| keys | limiter | 1 thread ops/us | ns/op | B/op | x Bucket4j | 2 threads ops/us | x Bucket4j | 2 threads / 1 thread |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    limiters = []
    for (_, limiter, _) in keyed:
        if limiter not in limiters:
            limiters.append(limiter)
    for keys in ["hot", "uniform", "zipf"]:
        for limiter in limiters:
            one = keyed.get((keys, limiter, 1))
            two = keyed.get((keys, limiter, 2))
            if not one and not two:
                continue
            peer1 = keyed.get((keys, "bucket4j-caffeine", 1))
            peer2 = keyed.get((keys, "bucket4j-caffeine", 2))
            print("| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                keys, limiter,
                fmt(one[0], 3) if one else "-",
                fmt(1000 / one[0], 0) if one else "-",
                fmt(one[1], 0) if one and one[1] is not None else "-",
                fmt(one[0] / peer1[0]) if one and peer1 else "-",
                fmt(two[0], 3) if two else "-",
                fmt(two[0] / peer2[0]) if two and peer2 else "-",
                fmt(two[0] / one[0]) if one and two else "-"))
    print()
if unkeyed:
    names = {
        "bucket4jLocal1Thread": "Bucket4j local bucket, tryConsumeAndReturnRemaining, 1 thread",
        "bucket4jLocal2Threads": "Bucket4j local bucket, tryConsumeAndReturnRemaining, 2 threads",
        "bucket4jLocalTryConsume1Thread": "Bucket4j local bucket, tryConsume, 1 thread",
    }
    print("| unkeyed (one bucket for everyone) | ops/us | ns/op per thread | B/op |")
    print("|---|---:|---:|---:|")
    for method, (score, alloc) in unkeyed.items():
        threads = 2 if "2Threads" in method else 1
        print(f"| {names.get(method, method)} | {fmt(score, 3)} | {fmt(1000 * threads / score, 0)} | {fmt(alloc, 0)} |")
    print()

# ---------------------------------------------------------------- memory
memory_path = os.path.join(run, "memory.txt")
if os.path.exists(memory_path):
    rows = [line.split() for line in open(memory_path) if line.strip()]
    per_key = {name: float(value) for name, value in rows}
    peer = per_key.get("bucket4j-caffeine")
    print("## Retained heap per idle key, 1,000,000 keys (key String included; lower is better)\n")
    print("| store | bytes per key | x Bucket4j |")
    print("|---|---:|---:|")
    for name, value in per_key.items():
        print(f"| {name} | {value:.0f} | {fmt(value / peer) if peer else '-'} |")
    print()

# ---------------------------------------------------------------- lateness
lateness_path = os.path.join(run, "lateness.md")
if os.path.exists(lateness_path):
    print("## Sliding-window lateness against an exact log, per limit\n")
    print(open(lateness_path).read().strip())
    print()

# ---------------------------------------------------------------- cluster
cluster = load("cluster.json")
if cluster:
    by = {b["params"]["subject"]: b["primaryMetric"] for b in cluster}
    print("## Cluster decisions (JMH SampleTime, 1 thread, 2 members on loopback, called from the non-owner)\n")
    print("| subject | samples | mean us | p50 us | p99 us | mean / Bucket4j | mean / floor-write | mean / floor-write-async |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")

    def ratio(m, other):
        return fmt(m["score"] / by[other]["score"]) if other in by else "-"

    for subject, m in by.items():
        p = m["scorePercentiles"]
        samples = sum(count for fork in m.get("rawDataHistogram", []) for iteration in fork
                      for _, count in iteration) or "-"
        print(f"| {subject} | {samples} | {fmt(m['score'], 1)} | {fmt(p['50.0'], 1)} | {fmt(p['99.0'], 1)} | "
              f"{ratio(m, 'bucket4j-hazelcast')} | {ratio(m, 'floor-write')} | {ratio(m, 'floor-write-async')} |")
    print()

# ---------------------------------------------------------------- http
http_path = os.path.join(run, "http.md")
if os.path.exists(http_path):
    print("## HTTP overhead (wrk on loopback: the demo server, the peer server)\n")
    print(open(http_path).read().strip())
    print()
