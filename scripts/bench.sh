#!/usr/bin/env bash
# The main job: installs what is missing (Debian 12), builds the benchmarks in
# Release, runs every benchmark executable, writes summary.json (described in
# docs/benchmarks.md) and draws the table, the Markdown table and a plot of
# round-trip latency from it.
#
#   scripts/bench.sh                   results in build/bench/results
#   scripts/bench.sh --readme          results in docs/bench, where the docs
#                                      and the README show the plot; the
#                                      tables of docs/benchmarks.md and the
#                                      README's headline rows replaced by
#                                      this run's
#   scripts/bench.sh --quick           a short run, to check the pipeline
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
# Environment: MAILBOX_BENCH_INTERLEAVED_TIME (seconds per transport and
# payload, default 6), MAILBOX_BENCH_REPETITIONS (default 10) and
# MAILBOX_BENCH_MIN_TIME (default 0.1 s) for the other benchmarks, and
# MAILBOX_BENCH_FILTER, a --benchmark_filter regex.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=build/bench/results
readme=()
verbose=0
matrix=0
matrix_options=()
interleaved_time=${MAILBOX_BENCH_INTERLEAVED_TIME:-6}
repetitions=${MAILBOX_BENCH_REPETITIONS:-10}
min_time=${MAILBOX_BENCH_MIN_TIME:-0.1}
usage() {
  echo "usage: scripts/bench.sh [--out DIR | --readme] [--quick] [--verbose]" >&2
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
      readme=(--readme docs/benchmarks.md --headline README.md)
      shift
      ;;
    --quick)
      interleaved_time=0.3
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

rm -f "$out"/*.json "$out"/latency.*
# How busy the machine was (1, 5 and 15 minute load averages), for the context.
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
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
  case "$name" in
    bench_pingpong_*)
      # One run each: its rounds give every ratio a spread.
      arguments=(--benchmark_min_time="$interleaved_time")
      what="every variant interleaved, ${interleaved_time} s per payload"
      ;;
    *)
      arguments=(--benchmark_repetitions="$repetitions" --benchmark_min_time="$min_time"
        --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true)
      what="$repetitions repetitions of ${min_time} s, randomly interleaved"
      ;;
  esac
  stage "run $name ($what)"
  command=("$executable" "${arguments[@]}"
    ${MAILBOX_BENCH_FILTER:+--benchmark_filter="$MAILBOX_BENCH_FILTER"}
    --benchmark_out="$out/$name.json" --benchmark_out_format=json)
  if [ $verbose -eq 1 ]; then
    "${command[@]}" 2>&1 | tee "$logs/$name.log"
  elif ! "${command[@]}" >"$logs/$name.log" 2>&1; then
    cat "$logs/$name.log"
    exit 1
  fi
done

stage "summary"
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
python3 bench/report.py "$out"/bench_*.json --summary "$out/summary.json" \
  --context "load_average_before=$load_before (on $(nproc) CPUs)" --context "load_average_after=$load_after" \
  --markdown "$out/table.md" \
  --plot-data "$out/latency.dat" --plot-script "$out/latency.gp" --plot-output "$out/latency.png" \
  "${readme[@]}" |
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
