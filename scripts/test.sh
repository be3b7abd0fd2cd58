#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Runs every test: installs what is missing (Debian 12), then configures,
# builds and tests each preset through `cmake --workflow`.
#
#   scripts/test.sh            the CI suites (what .ci/run runs)
#   scripts/test.sh gcc clang  only the named suites
#   scripts/test.sh extended   the suites that repeat a CI suite with another
#                              compiler (clang-16, aarch64-clang, tsan-clang)
#                              or under qemu (bench-aarch64, stress-aarch64)
#   scripts/test.sh all        both
#   scripts/test.sh fuzz       the hostile-peer fuzz target under ASan/UBSan:
#                              corpus replay and a 20 s run
#   scripts/test.sh no-futex   every test with the portable wait backend (no
#                              futex: what macOS and other POSIX systems get;
#                              docs/waiting.md)
#   scripts/test.sh cuda       CUDA (docs/cuda.md): PTX checks and their
#                              controls, device compile-fail cases, GPU tests
#                              and benchmarks; the GPU parts run where a
#                              device exists and say "no CUDA device" elsewhere
#   scripts/test.sh python     the Python binding's tests with every interpreter
#                              present from 3.9 to 3.13 (scripts/test_python.sh)
#   scripts/test.sh docs       the documentation site (mkdocs build --strict)
#                              and a check of every link, anchors included
#
# The ordering suites (docs/ordering.md): aarch64, aarch64-rcpc and riscv64
# cross builds run under qemu-user; asm checks the emitted instructions;
# tsan-gcc, tsan-clang and asan-ubsan run the suite under sanitizers; stress
# and stress-aarch64 make 10^7 native and 10^6 emulated ping-pong handoffs.
#
# The toolchain suites build and run the tests with another compiler or
# standard library: clang-16 (libstdc++ 12), clang-19-libcxx (libc++ 19),
# clang-14-libcxx (libc++ 14, which has no std::atomic_ref), gcc-11
# (libstdc++ 11), and aarch64-clang (clang++ --target=aarch64-linux-gnu with
# Debian's AArch64 libstdc++, under qemu).
#
# A suite runs a kind of test only where it can find something new
# (docs/development.md): the compile-time tests once per compiler front end
# (gcc, clang, clang-19-libcxx), the package test (a fresh
# install, then consumers through find_package, pkg-config, add_subdirectory
# and FetchContent) natively, with libc++ and cross-built (gcc,
# clang-19-libcxx, aarch64). A new suite that changes only a run-time path
# sets MAILBOX_COMPILE_TESTS=OFF and MAILBOX_INSTALL=OFF in its preset.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# CI runs ci_suites and must finish within an hour on 2 cores; the extended
# suites each repeat one of them with another compiler of the same family
# (clang-16 between clang 14 and 19; aarch64-clang beside aarch64 and the asm
# suite's clang AArch64 checks; tsan-clang beside tsan-gcc) or repeat a
# native run under qemu (bench-aarch64, stress-aarch64), so a release runs
# them (`scripts/test.sh all`) and CI does not.
ci_suites=(docs gcc clang python no-futex clang-19-libcxx clang-14-libcxx gcc-11 fuzz asm aarch64 aarch64-rcpc
  riscv64 tsan-gcc asan-ubsan stress cuda)
extended_suites=(clang-16 aarch64-clang bench-aarch64 tsan-clang stress-aarch64)
case "${1:-}" in
  "") suites=("${ci_suites[@]}") ;;
  extended) suites=("${extended_suites[@]}") ;;
  all) suites=("${ci_suites[@]}" "${extended_suites[@]}") ;;
  *) suites=("$@") ;;
esac

# pkgconf: the package test's pkg-config consumers.
require_debian_packages cmake ninja-build g++ clang catch2 libbenchmark-dev pkgconf
# time: GNU time, for the compile-cost figures (tests/CMakeLists.txt, compile_cost.wide_layouts).
require_debian_packages time
# g++-12-multilib: the 32-bit side of fingerprint.same_on_32_and_64_bit (not g++-multilib:
# it conflicts with the cross compilers).
require_debian_packages g++-12-multilib
# relacy-dev: the wake-up protocol model; libclang-rt-14-dev: libFuzzer and the sanitizers.
require_debian_packages relacy-dev libclang-rt-14-dev
# The Python binding's tests (tests/interop) in the gcc, clang and python suites;
# pybind11 for the test of its adapter (bind_layout).
require_debian_packages python3-dev pybind11-dev
# The peers of the benchmarks' smoke tests (Boost.Atomic/Interprocess/Lockfree, ZeroMQ).
require_debian_packages libboost1.81-dev libzmq3-dev

started=$SECONDS
timings=()
for suite in "${suites[@]}"; do
  suite_started=$SECONDS
  case "$suite" in
    docs)
      # The documentation site: a dead link (to a page, a heading or, from the
      # README, a file) fails the build. mkdocs-material brings
      # python3-pymdownx (the changelog page includes CHANGELOG.md).
      require_debian_packages mkdocs mkdocs-material python3
      stage "$suite: build the documentation site (build/site) and check its links"
      mkdocs build --strict --clean
      python3 scripts/check_links.py build/site README.md
      ;;
    gcc | clang | fuzz)
      stage "$suite: build and run every test"
      cmake --workflow --preset "$suite" --fresh
      ;;
    no-futex)
      stage "$suite: build and run every test with the portable wait backend (MAILBOX_FORCE_PORTABLE_WAIT)"
      cmake --workflow --preset "$suite" --fresh
      ;;
    python)
      stage "$suite: the Python binding's tests with every interpreter present"
      scripts/test_python.sh
      ;;
    clang-16 | gcc-11)
      if [ "$suite" = gcc-11 ]; then require_debian_packages g++-11; else require_debian_packages clang-16; fi
      stage "$suite: build and run the run-time tests and the examples"
      cmake --workflow --preset "$suite" --fresh
      ;;
    clang-19-libcxx)
      require_debian_packages clang-19 libc++-19-dev libc++abi-19-dev
      stage "$suite: build and run every test against libc++ 19"
      cmake --workflow --preset "$suite" --fresh
      ;;
    clang-14-libcxx)
      # libc++-14-dev and libc++-19-dev conflict (Debian lets one libc++-x.y-dev
      # be installed at a time), so libc++ 14 is unpacked, not installed, and
      # the preset points -isystem, -L and the rpath at it.
      require_debian_packages clang-14
      extract_debian_packages_for amd64 build/deps/libcxx-14 libc++-14-dev libc++abi-14-dev libc++1-14 \
        libc++abi1-14 libunwind-14 libunwind-14-dev
      stage "$suite: build and run every test against libc++ 14 (the __atomic fallback for std::atomic_ref)"
      cmake --workflow --preset "$suite" --fresh
      ;;
    aarch64-clang)
      require_debian_packages clang qemu-user g++-aarch64-linux-gnu
      stage "$suite: clang cross build, tests under qemu-user"
      cmake --workflow --preset "$suite" --fresh
      ;;
    bench-aarch64)
      # The benchmarks cross-built for AArch64 and run once, briefly, under
      # qemu: they build, run and see every payload intact. qemu timings mean
      # nothing, so none are kept. The LDAPR backend (preset
      # bench-aarch64-rcpc) is left out: the benchmarks' own code is the same
      # for both backends (the matrix's hand-written LDAR and LDAPR are built
      # in either), and the library's LDAPR path runs every test in the
      # aarch64-rcpc suite.
      stage "$suite: cross-build the benchmarks and smoke-run them under qemu"
      require_debian_packages g++-aarch64-linux-gnu qemu-user
      extract_debian_packages_for arm64 build/deps/arm64 libbenchmark-dev libbenchmark1debian
      for preset in bench-aarch64; do
        cmake --preset "$preset" --fresh >/dev/null
        cmake --build --preset "$preset"
        for executable in $(find "build/$preset/bench" -maxdepth 1 -type f -name 'bench_*' -perm -u+x | sort); do
          echo "$preset: $(basename "$executable")"
          qemu-aarch64 -L /usr/aarch64-linux-gnu "$executable" --benchmark_min_time=0.001 \
            --benchmark_out=/dev/null >"$executable.smoke.log" 2>&1 ||
            { cat "$executable.smoke.log"; exit 1; }
          grep -E '^(mailbox_backend|target_architecture):' "$executable.smoke.log"
        done
      done
      ;;
    asm)
      require_debian_packages python3 binutils binutils-aarch64-linux-gnu g++-aarch64-linux-gnu
      stage "$suite: instruction-level checks of the emitted code"
      cmake --workflow --preset "$suite" --fresh
      ;;
    aarch64 | aarch64-rcpc | riscv64 | stress-aarch64)
      arch=${suite#stress-}
      require_debian_packages qemu-user "g++-${arch%%-*}-linux-gnu"
      stage "$suite: cross build, tests under qemu-user"
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
    cuda)
      # nvcc is not a Debian package: it is looked for on PATH, through
      # CUDACXX and in /usr/local/cuda/bin; without it the suite's one test
      # says SKIPPED. Catch2 and Google Benchmark build the GPU tests and
      # benchmarks; a machine that cannot install them (a GPU machine without
      # network) still runs the PTX checks, and CTest says what was left out.
      (require_debian_packages python3 catch2 libbenchmark-dev) ||
        echo "cuda: Catch2 or Google Benchmark could not be installed; the GPU tests or benchmarks are skipped"
      jobs=$(nproc)
      stage "$suite: PTX checks and controls, device compile-fail cases, GPU tests (run where a device exists)"
      cmake --preset cuda --fresh
      cmake --build --preset cuda -j "$jobs"
      ctest --preset cuda -j "$jobs"
      if [ -x build/cuda/bench/cuda/bench_cuda ]; then
        stage "$suite: host <-> device round trips (bench_cuda)"
        build/cuda/bench/cuda/bench_cuda --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
          --benchmark_min_time=0.2 --benchmark_out=build/cuda/bench_cuda.json --benchmark_out_format=json |
          tee build/cuda/bench_cuda.log
        if grep -q '^no CUDA device' build/cuda/bench_cuda.log; then
          echo "cuda: no CUDA device, no benchmark figures"
        else
          python3 bench/cuda/summary.py build/cuda/bench_cuda.json --out build/cuda/cuda_summary.json
        fi
      fi
      ;;
    *)
      echo "unknown suite '$suite'; the suites are: ${ci_suites[*]} ${extended_suites[*]} (or all, extended)" >&2
      exit 2
      ;;
  esac
  timings+=("$suite: $((SECONDS - suite_started)) s")
done
stage "all suites passed (${suites[*]}) in $((SECONDS - started)) s"
printf '  %s\n' "${timings[@]}"
