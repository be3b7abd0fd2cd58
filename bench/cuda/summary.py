#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Turns bench_cuda's Google Benchmark JSON into summary.json's rows.

  summary.py bench_cuda.json --out cuda.json

Writes {"context": {...}, "results": [{"transport": "cuda_host_device",
"variant": ..., "payload_bytes": N, "round_trip_ns": x, "p50_ns": y,
"p99_ns": z, "vs_mailbox": r}, ...]}, the shape of the other transports' rows
in summary.json (and of bench/python's), and prints a table naming the GPU and
its driver. With repetitions, each figure is the median over them; vs_mailbox
is the variant's round trip over the mailbox's at the same payload.
"""

import argparse
import json
import statistics
import sys

VARIANTS = ("mailbox", "volatile_threadfence", "kernel_launch", "memcpy_event")
CONTEXT = ("gpu", "gpu_compute_capability", "gpu_driver", "cuda_driver_api", "cuda_runtime",
           "gpu_host_native_atomics", "mailbox_backend", "host_name", "num_cpus", "mhz_per_cpu", "date",
           "library_build_type")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("raw", help="bench_cuda --benchmark_out=... --benchmark_out_format=json")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.raw) as f:
        data = json.load(f)

    runs = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            if b.get("error_occurred"):
                sys.exit(f"summary.py: {b['name']} failed: {b.get('error_message')}")
            continue
        name = b.get("run_name", b["name"]).replace("/real_time", "")
        parts = name.split("/")  # cuda_round_trip/<variant>/<payload bytes>
        if len(parts) != 3 or parts[0] != "cuda_round_trip":
            continue
        runs.setdefault((parts[1], int(parts[2])), []).append(b)

    results = []
    for payload in sorted({p for _, p in runs}):
        mailbox = runs.get(("mailbox", payload))
        mailbox_ns = statistics.median(r["round_trip_ns"] for r in mailbox) if mailbox else None
        for variant in VARIANTS:
            measured = runs.get((variant, payload))
            if not measured:
                continue
            row = {
                "transport": "cuda_host_device",
                "variant": variant,
                "payload_bytes": payload,
                "round_trip_ns": statistics.median(r["round_trip_ns"] for r in measured),
                "p50_ns": statistics.median(r["p50_ns"] for r in measured),
                "p99_ns": statistics.median(r["p99_ns"] for r in measured),
                "repetitions": len(measured),
            }
            if mailbox_ns:
                row["vs_mailbox"] = row["round_trip_ns"] / mailbox_ns
            results.append(row)

    context = {k: data.get("context", {}).get(k) for k in CONTEXT if k in data.get("context", {})}
    context["method"] = ("a host thread sends a request and waits for the device's reply; round_trip_ns = mean "
                         "of one run's round trips (steady_clock around each), median over repetitions run in "
                         "random interleaving; vs_mailbox = round_trip_ns / the mailbox's at that payload")
    with open(args.out, "w") as f:
        json.dump({"context": context, "results": results}, f, indent=1)
        f.write("\n")

    print(f"GPU: {context.get('gpu', '?')} (compute capability {context.get('gpu_compute_capability', '?')}), "
          f"driver: {context.get('gpu_driver', '?')}, CUDA runtime {context.get('cuda_runtime', '?')}, "
          f"host-native atomics: {context.get('gpu_host_native_atomics', '?')}")
    print(f"{'variant':<22} {'payload':>7} {'round trip ns':>14} {'p50 ns':>10} {'p99 ns':>10} {'vs mailbox':>10}")
    for r in results:
        ratio = f"{r['vs_mailbox']:.2f}" if "vs_mailbox" in r else "-"
        print(f"{r['variant']:<22} {r['payload_bytes']:>7} {r['round_trip_ns']:>14.0f} {r['p50_ns']:>10.0f} "
              f"{r['p99_ns']:>10.0f} {ratio:>10}")
    print(f"rows: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
