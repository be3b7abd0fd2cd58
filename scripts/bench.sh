#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# The main job: installs what is missing (Debian 12), builds the benchmarks in
# Release, runs every benchmark executable, writes summary.json (described in
# docs/benchmarks.md) and draws the table, the Markdown table and a plot of
# round-trip latency from it.
#
#   scripts/bench.sh                   results in build/bench/results
#   scripts/bench.sh --readme          the figures the README and the docs
#                                      show: results in docs/bench (the plot
#                                      both show), the README's headline rows
#                                      and docs/benchmarks.md's tables replaced
#                                      by this run's (between their markers).
#                                      Needs a quiet machine: it waits up to 5
#                                      minutes for the 1-minute load average
#                                      to fall under 0.5 before the run and
#                                      again after it, records both, and stops
#                                      if it does not (--allow-busy: go on)
#   scripts/bench.sh --quick           a pipeline check: everything builds,
#                                      runs and reports in a minute; runs too
#                                      short to measure, so no verdicts
#   scripts/bench.sh --verbose         also show Google Benchmark's own lines
#                                      (otherwise kept in build/bench/logs)
#
#   scripts/bench.sh --matrix [--cpus 0-7,16] [--seq-cst] [--ldapr]
#                    [--round-trips N] [--rounds N]
#                                      the core-to-core map: the mailbox round
#                                      trip between every pair of allowed (or
#                                      listed) CPUs, threads pinned, into
#                                      core_matrix.csv and core_matrix.png;
#                                      --seq-cst adds the std::atomic default,
#                                      --ldapr (AArch64) LDAR against LDAPR
#
# The ping-pong benchmarks run every variant of one transport and payload
# interleaved in one run (bench/support/interleaved.hpp), so their ratios
# hold on a noisy machine; the table says when a run was unstable anyway.
# When the Python module was built (Python development files and pybind11),
# bench/python/bench_python.py runs too and its rows join the summary.
# Environment: MAILBOX_BENCH_INTERLEAVED_TIME (seconds per transport and
# payload, default 6), MAILBOX_BENCH_LAYOUT_TIME (seconds per payload of the
# layout comparison, default 1.5), MAILBOX_BENCH_REPETITIONS (default 10) and
# MAILBOX_BENCH_MIN_TIME (default 0.1 s) for the other benchmarks, and
# MAILBOX_BENCH_FILTER, a --benchmark_filter regex, and
# MAILBOX_BENCH_QUIET_WAIT (how long --readme waits for a quiet machine,
# default 300 s).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=build/bench/results
readme=0
quick=0
allow_busy=0
verbose=0
matrix=0
matrix_options=()
interleaved_time=${MAILBOX_BENCH_INTERLEAVED_TIME:-6}
layout_time=${MAILBOX_BENCH_LAYOUT_TIME:-1.5}
repetitions=${MAILBOX_BENCH_REPETITIONS:-10}
min_time=${MAILBOX_BENCH_MIN_TIME:-0.1}
usage() {
  echo "usage: scripts/bench.sh [--out DIR | --readme [--allow-busy]] [--quick] [--verbose]" >&2
  echo "       scripts/bench.sh --matrix [--out DIR] [--cpus LIST] [--seq-cst] [--ldapr] [--round-trips N] [--rounds N]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      out=${2:?--out needs a directory}
      shift 2
      ;;
    --readme)
      out=docs/bench
      readme=1
      shift
      ;;
    --allow-busy)
      allow_busy=1
      shift
      ;;
    --quick)
      quick=1
      interleaved_time=0.3
      layout_time=0.05
      repetitions=1
      min_time=0.01
      shift
      ;;
    --verbose)
      verbose=1
      shift
      ;;
    --matrix)
      matrix=1
      shift
      ;;
    --cpus | --round-trips | --rounds)
      matrix_options+=("$1" "${2:?$1 needs a value}")
      shift 2
      ;;
    --seq-cst | --ldapr)
      matrix_options+=("$1")
      shift
      ;;
    *)
      usage
      ;;
  esac
done
if [ $matrix -eq 0 ] && [ ${#matrix_options[@]} -ne 0 ]; then
  echo "${matrix_options[0]} goes with --matrix" >&2
  usage
fi
if [ $readme -eq 1 ] && [ $quick -eq 1 ]; then
  echo "--quick measures nothing, so it does not go into the README: use one or the other" >&2
  usage
fi
if [ $quick -eq 1 ]; then
  echo "==> a pipeline check (--quick): everything builds, runs and reports; the runs are too short to measure,"
  echo "    so the table gives no verdicts. Run scripts/bench.sh without --quick for figures."
fi

# The 1-minute load average, and the CPU time every process has used
# (clock ticks: user, nice, system, irq, softirq), for the context.
load_now() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown; }
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# Ours: the CPU time of this script's finished children (the benchmarks).
own_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }
# wait_for_quiet WHEN: waits up to MAILBOX_BENCH_QUIET_WAIT seconds (5
# minutes) for the 1-minute load average to fall under 0.5 (a 2-CPU spin
# decays from 2 to 0.5 in about 90 s); returns 1 if it does not.
wait_for_quiet() {
  local waited=0
  while awk -v load="$(load_now)" 'BEGIN { exit !(load >= 0.5) }'; do
    if [ $waited -ge "${MAILBOX_BENCH_QUIET_WAIT:-300}" ]; then
      echo "the load average stayed at $(load_now) (1 minute) $1: not a quiet machine" >&2
      return 1
    fi
    [ $waited -eq 0 ] && echo "==> waiting for the load average to fall under 0.5 $1 (now $(load_now))"
    sleep 10
    waited=$((waited + 10))
  done
  [ $waited -eq 0 ] || echo "    quiet after $waited s ($(load_now))"
  return 0
}

# Boost and ZeroMQ are the peers users would pick instead; without them the
# benchmarks build and run without those peers.
require_debian_packages cmake ninja-build g++ pkg-config libbenchmark-dev gnuplot-nox python3 \
  libboost1.81-dev libzmq3-dev

started=$SECONDS
stage "build the benchmarks (Release)"
cmake --preset bench >/dev/null
if [ $verbose -eq 1 ]; then
  cmake --build --preset bench
else
  cmake --build --preset bench >build/bench/build.log 2>&1 || { cat build/bench/build.log; exit 1; }
fi
mkdir -p "$out"

if [ $matrix -eq 1 ]; then
  stage "core-to-core round trips (threads, pinned)"
  rm -f "$out"/core_matrix*.csv "$out"/core_matrix*.png "$out"/core_matrix*.gp
  build/bench/bench/core_matrix --out "$out" "${matrix_options[@]}"
  for csv in "$out"/core_matrix*.csv; do
    python3 bench/heatmap.py "$csv" --script "${csv%.csv}.gp" --output "$(basename "${csv%.csv}.png")"
    # (gnuplot notes the empty diagonal as "missing values": as meant.)
    (cd "$out" && gnuplot "$(basename "${csv%.csv}.gp")" 2>&1 | { grep -v 'missing or undefined values' || true; })
    echo "map:   ${csv%.csv}.png (values in ns: $csv)"
  done
  stage "done in $((SECONDS - started)) s"
  exit 0
fi

rm -f "$out"/*.json "$out"/latency.* "$out"/table.*
if [ $readme -eq 1 ] && ! wait_for_quiet "before the run" && [ $allow_busy -eq 0 ]; then
  echo "The README's figures need a quiet machine; stop what runs, or pass --allow-busy to record it anyway." >&2
  exit 1
fi
# How busy the machine was (1, 5 and 15 minute load averages), for the context.
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
busy_before=$(busy_ticks)
own_before=$(own_ticks)
run_started=$SECONDS
# Google Benchmark's console output, kept out of docs/bench.
logs=build/bench/logs
mkdir -p "$logs"
rm -f "$logs"/*.log
# Every benchmark executable the build made, so one added to bench/ runs too.
mapfile -t executables < <(find build/bench/bench -maxdepth 1 -type f -name 'bench_*' -perm -u+x | sort)
if [ ${#executables[@]} -eq 0 ]; then
  echo "no benchmark executables in build/bench/bench" >&2
  exit 1
fi
for executable in "${executables[@]}"; do
  name=$(basename "$executable")
  # Each part: a file name, a filter, its arguments and what it does.
  parts=()
  case "$name" in
    bench_pingpong_*)
      # One run each: its rounds give every ratio a spread. The layout
      # comparison has only spinning variants, so its rounds are short.
      parts+=("$name|/interleaved/|--benchmark_min_time=$interleaved_time|every variant interleaved, ${interleaved_time} s per payload")
      parts+=("$name.layout|/layout/|--benchmark_min_time=$layout_time|the two layouts interleaved, ${layout_time} s per payload")
      ;;
    *)
      parts+=("$name||--benchmark_repetitions=$repetitions --benchmark_min_time=$min_time --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true|$repetitions repetitions of ${min_time} s, randomly interleaved")
      ;;
  esac
  for part in "${parts[@]}"; do
    IFS='|' read -r file filter arguments what <<<"$part"
    filter=${MAILBOX_BENCH_FILTER:-$filter}
    stage "run $file ($what)"
    # shellcheck disable=SC2206 # the arguments are words without spaces
    command=("$executable" $arguments ${filter:+--benchmark_filter="$filter"}
      --benchmark_out="$out/$file.json" --benchmark_out_format=json)
    if [ $verbose -eq 1 ]; then
      "${command[@]}" 2>&1 | tee "$logs/$file.log"
    elif ! "${command[@]}" >"$logs/$file.log" 2>&1; then
      if grep -q "Failed to match any benchmarks" "$logs/$file.log"; then
        rm -f "$out/$file.json" # MAILBOX_BENCH_FILTER left nothing of this part
        continue
      fi
      cat "$logs/$file.log"
      exit 1
    fi
  done
done

# Python against the C++ echo, when the module was built.
python_rows=()
if compgen -G "build/bench/bench/python/mailbox_bench*.so" >/dev/null; then
  python_arguments=()
  [ $quick -eq 1 ] && python_arguments=(--count 200 --repeats 1)
  stage "run bench/python/bench_python.py (Python against a C++ echo)"
  if python3 bench/python/bench_python.py --build build/bench "${python_arguments[@]}" \
    --json "$out/python_rows.json" >"$logs/bench_python.log" 2>&1; then
    python_rows=(--python "$out/python_rows.json")
  else
    cat "$logs/bench_python.log"
    exit 1
  fi
else
  echo "(the Python module was not built: no Python rows; it needs python3-dev and pybind11-dev)"
fi

# CUDA round trips (bench/cuda; built by `scripts/test.sh cuda` into
# build/cuda, not here): where a GPU is, their rows, in summary.json's shape,
# go to cuda.json beside it.
cuda_bench=build/cuda/bench/cuda/bench_cuda
if [ -x "$cuda_bench" ]; then
  stage "run bench_cuda (host <-> device round trips)"
  "$cuda_bench" --benchmark_repetitions="$repetitions" --benchmark_min_time="$min_time" \
    --benchmark_enable_random_interleaving=true --benchmark_out="$logs/bench_cuda.json" \
    --benchmark_out_format=json >"$logs/bench_cuda.log" 2>&1 || { cat "$logs/bench_cuda.log"; exit 1; }
  if grep -q '^no CUDA device' "$logs/bench_cuda.log"; then
    echo "no CUDA device: no CUDA rows"
  else
    python3 bench/cuda/summary.py "$logs/bench_cuda.json" --out "$out/cuda.json"
  fi
fi

stage "summary"
# The others' share of the CPUs during the run: all CPU time used, less the
# benchmarks' own.
others=$(awk -v busy=$(($(busy_ticks) - busy_before)) -v own=$(($(own_ticks) - own_before)) \
  -v seconds=$((SECONDS - run_started)) -v cpus="$(nproc)" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { share = seconds > 0 ? (busy - own) / (seconds * cpus * hz) : 0; if (share < 0) share = 0;
           printf "%.1f %% of %d CPUs over %d s", 100 * share, cpus, seconds }')
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
context=(--context "load_average_before=$load_before (on $(nproc) CPUs)"
  --context "other_processes_cpu=$others")
if [ $readme -eq 1 ]; then
  # Right after the run the load average still holds the benchmarks' own
  # spinning; on a quiet machine it falls under 0.5 within two minutes.
  if ! wait_for_quiet "after the run" && [ $allow_busy -eq 0 ]; then
    echo "The machine did not settle after the run: the README keeps its figures (results in $out)." >&2
    exit 1
  fi
  context+=(--context "load_average_after=$(cut -d' ' -f1-3 /proc/loadavg) (once the benchmarks' own load settled; right after the run: $load_after)")
else
  context+=(--context "load_average_after=$load_after (right after the run, the benchmarks' own load included)")
fi
report=(--markdown "$out/table.md" "${python_rows[@]}"
  --plot-data "$out/latency.dat" --plot-script "$out/latency.gp" --plot-output "$out/latency.png")
[ $quick -eq 1 ] && report+=(--quick)
if [ $readme -eq 1 ]; then
  report+=(--readme README.md)
  if [ -f docs/benchmarks.md ]; then
    report+=(--docs docs/benchmarks.md)
  else
    echo "(docs/benchmarks.md does not exist yet: the full tables are in $out/table.md only)"
  fi
fi
python3 bench/report.py "$out"/bench_*.json --summary "$out/summary.json" "${context[@]}" "${report[@]}" |
  tee "$out/table.txt"
if [ -f "$out/latency.gp" ]; then
  (cd "$out" && gnuplot latency.gp)
fi

stage "done in $((SECONDS - started)) s"
echo "summary: $out/summary.json"
echo "table:   $out/table.txt (Markdown: $out/table.md)"
if [ -f "$out/latency.png" ]; then
  echo "plot:    $out/latency.png (gnuplot script and data: $out/latency.gp, $out/latency.dat)"
fi
echo "raw:     $(ls "$out"/bench_*.json | tr '\n' ' ')(Google Benchmark's JSON; its console output in $logs)"
