#!/usr/bin/env bash
# The main job: installs what is missing (Debian 12), builds the benchmarks in
# Release, runs every benchmark executable, prints a compact table (variant,
# payload, mean, median, p99, ratio to the hand-written floor), and writes the
# JSON, a Markdown table and a plot of round-trip latency.
#
#   scripts/bench.sh                   results in build/bench/results
#   scripts/bench.sh --readme          results in docs/bench, where the README
#                                      shows the plot, and the README's table
#                                      replaced by this run's
#   scripts/bench.sh --quick           a short run, to check the pipeline
#
# Environment: MAILBOX_BENCH_REPETITIONS (default 10) and
# MAILBOX_BENCH_MIN_TIME (seconds per repetition, default 0.1) trade time for
# noise; MAILBOX_BENCH_FILTER passes a --benchmark_filter regex. Many short
# repetitions, randomly interleaved, spread a slow spell of the machine (a
# neighbour's load, a hypervisor moving a vCPU) over every variant alike.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

out=build/bench/results
readme=()
repetitions=${MAILBOX_BENCH_REPETITIONS:-10}
min_time=${MAILBOX_BENCH_MIN_TIME:-0.1}
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      out=${2:?--out needs a directory}
      shift 2
      ;;
    --readme)
      out=docs/bench
      readme=(--readme README.md)
      shift
      ;;
    --quick)
      repetitions=1
      min_time=0.01
      shift
      ;;
    *)
      echo "usage: scripts/bench.sh [--out DIR | --readme] [--quick]" >&2
      exit 2
      ;;
  esac
done

require_debian_packages cmake ninja-build g++ libbenchmark-dev gnuplot-nox python3

started=$SECONDS
stage "build the benchmarks (Release)"
cmake --preset bench >/dev/null
cmake --build --preset bench

mkdir -p "$out"
rm -f "$out"/*.json "$out"/latency.*
# Every benchmark executable the build made, so one added to bench/ runs too.
mapfile -t executables < <(find build/bench/bench -maxdepth 1 -type f -name 'bench_*' -perm -u+x | sort)
if [ ${#executables[@]} -eq 0 ]; then
  echo "no benchmark executables in build/bench/bench" >&2
  exit 1
fi
for executable in "${executables[@]}"; do
  name=$(basename "$executable")
  stage "run $name ($repetitions repetitions of ${min_time} s, interleaved)"
  "$executable" \
    --benchmark_repetitions="$repetitions" \
    --benchmark_min_time="$min_time" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true \
    ${MAILBOX_BENCH_FILTER:+--benchmark_filter="$MAILBOX_BENCH_FILTER"} \
    --benchmark_out="$out/$name.json" --benchmark_out_format=json
done

stage "summary"
python3 bench/report.py "$out"/*.json \
  --markdown "$out/table.md" \
  --plot-data "$out/latency.dat" --plot-script "$out/latency.gp" --plot-output "$out/latency.png" \
  "${readme[@]}" |
  tee "$out/table.txt"
if [ -f "$out/latency.gp" ]; then
  (cd "$out" && gnuplot latency.gp)
fi

stage "done in $((SECONDS - started)) s"
echo "JSON:  $(ls "$out"/*.json | tr '\n' ' ')"
echo "table: $out/table.txt (Markdown: $out/table.md)"
if [ -f "$out/latency.png" ]; then
  echo "plot:  $out/latency.png (gnuplot script and data: $out/latency.gp, $out/latency.dat)"
fi
