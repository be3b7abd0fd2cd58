#!/usr/bin/env bash
# Runs every test: installs what is missing (Debian 12), then configures,
# builds and tests each preset through `cmake --workflow`.
#
#   scripts/test.sh            every suite
#   scripts/test.sh gcc clang  only the named suites
#   scripts/test.sh fuzz       the hostile-peer fuzz target under ASan/UBSan:
#                              corpus replay and a 20 s run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

all_suites=(gcc clang fuzz)
suites=("${@:-${all_suites[@]}}")

require_debian_packages cmake ninja-build g++ clang catch2
# relacy-dev: the wake-up protocol model; libclang-rt-14-dev: libFuzzer and the sanitizers.
require_debian_packages relacy-dev libclang-rt-14-dev

started=$SECONDS
for suite in "${suites[@]}"; do
  case "$suite" in
    gcc | clang | fuzz)
      stage "$suite: build and run every test"
      cmake --workflow --preset "$suite" --fresh
      ;;
    *)
      echo "unknown suite '$suite'; the suites are: ${all_suites[*]}" >&2
      exit 2
      ;;
  esac
done
stage "all suites passed (${suites[*]}) in $((SECONDS - started)) s"
