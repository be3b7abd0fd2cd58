#!/usr/bin/env bash
# Runs every test: installs what is missing (Debian 12), then configures,
# builds and tests each preset through `cmake --workflow`.
#
#   scripts/test.sh            every suite
#   scripts/test.sh gcc clang  only the named suites
#
# The ordering suites (docs/ordering.md): aarch64, aarch64-rcpc and riscv64
# cross builds run under qemu-user; asm checks the emitted instructions;
# tsan-gcc, tsan-clang and asan-ubsan run the suite under sanitizers; stress
# and stress-aarch64 make 10^7 native and 10^6 emulated ping-pong handoffs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

all_suites=(gcc clang asm aarch64 aarch64-rcpc riscv64 tsan-gcc tsan-clang asan-ubsan stress stress-aarch64)
suites=("${@:-${all_suites[@]}}")

require_debian_packages cmake ninja-build g++ clang catch2

started=$SECONDS
for suite in "${suites[@]}"; do
  case "$suite" in
    gcc | clang)
      stage "$suite: build and run every test"
      cmake --workflow --preset "$suite" --fresh
      ;;
    asm)
      require_debian_packages python3 binutils binutils-aarch64-linux-gnu g++-aarch64-linux-gnu
      stage "$suite: instruction-level checks of the emitted code"
      cmake --workflow --preset "$suite" --fresh
      ;;
    aarch64 | aarch64-rcpc | riscv64 | stress-aarch64)
      arch=${suite#stress-}
      require_debian_packages qemu-user "g++-${arch%%-*}-linux-gnu"
      stage "$suite: cross build, every test under qemu-user"
      cmake --workflow --preset "$suite" --fresh
      ;;
    tsan-gcc | tsan-clang | asan-ubsan)
      require_debian_packages libclang-rt-14-dev
      allow_thread_sanitizer
      stage "$suite: build and run every test under the sanitizer"
      cmake --workflow --preset "$suite" --fresh
      ;;
    stress)
      stage "$suite: long ping-pong runs"
      cmake --workflow --preset "$suite" --fresh
      ;;
    *)
      echo "unknown suite '$suite'; the suites are: ${all_suites[*]}" >&2
      exit 2
      ;;
  esac
done
stage "all suites passed (${suites[*]}) in $((SECONDS - started)) s"
