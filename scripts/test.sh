#!/usr/bin/env bash
# Runs every test: installs what is missing (Debian 12), then configures,
# builds and tests each preset through `cmake --workflow`.
#
#   scripts/test.sh            every suite
#   scripts/test.sh gcc clang  only the named suites
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

all_suites=(gcc clang)
suites=("${@:-${all_suites[@]}}")

require_debian_packages cmake ninja-build g++ clang catch2

started=$SECONDS
for suite in "${suites[@]}"; do
  case "$suite" in
    gcc | clang)
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
