#!/usr/bin/env bash
# The main job. Until the benchmark suite lands, it builds and runs the
# examples.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

require_debian_packages cmake ninja-build g++ catch2
stage "build and run the examples"
cmake --preset gcc >/dev/null
cmake --build --preset gcc --target quickstart
./build/gcc/examples/quickstart
