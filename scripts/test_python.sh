#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# The python suite of scripts/test.sh: builds the Python binding's tests
# (tests/interop) for every interpreter from 3.9 to 3.13 that is present,
# pyenv's and Debian's, and runs them with it; the examples (examples/python)
# with Debian's. An interpreter that is not there, or has no development
# headers, is reported as skipped, by name.
#
#   scripts/test_python.sh                  every interpreter present
#   scripts/test_python.sh /path/to/python  only that one
#
# Each interpreter gets its own build directory, build/python/<label>.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# The versions the binding supports; Debian's python3 (3.11) is tested too.
versions=(3.9 3.10 3.11 3.12 3.13)

# usable PYTHON VERSION: PYTHON runs, is VERSION (if given) and has Python.h.
usable() {
  "$1" - "${2:-}" <<'EOF' 2>/dev/null
import os, sys, sysconfig
wanted = sys.argv[1]
if wanted and "%d.%d" % sys.version_info[:2] != wanted:
    sys.exit(1)
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
EOF
}

# The newest pyenv interpreter of VERSION with its headers, or nothing.
pyenv_python() {
  local version=$1 root candidate
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for candidate in $(ls -d "$root"/versions/"$version".*/bin/python"$version" 2>/dev/null | sort -V -r); do
    if usable "$candidate" "$version"; then
      echo "$candidate"
      return
    fi
  done
}

labels=()
pythons=()
skipped=()
if [ $# -gt 0 ]; then
  for python in "$@"; do
    labels+=("$(basename "$python")")
    pythons+=("$python")
  done
else
  for version in "${versions[@]}"; do
    python=$(pyenv_python "$version")
    if [ -n "$python" ]; then
      labels+=("pyenv-$version")
      pythons+=("$python")
    else
      skipped+=("Python $version: SKIPPED: no pyenv interpreter with headers (pyenv install $version)")
    fi
  done
  if usable /usr/bin/python3; then
    labels+=("debian")
    pythons+=(/usr/bin/python3)
  else
    skipped+=("Debian's python3: SKIPPED: /usr/bin/python3 has no headers (apt-get install python3-dev)")
  fi
fi
for line in "${skipped[@]}"; do
  echo "$line"
done
if [ ${#pythons[@]} -eq 0 ]; then
  echo "no Python interpreter with development headers to test" >&2
  exit 1
fi

results=()
for i in "${!pythons[@]}"; do
  label=${labels[$i]}
  python=${pythons[$i]}
  version=$("$python" -c 'import platform; print(platform.python_version())')
  started=$SECONDS
  stage "python $label: Python $version ($python)"
  dir="build/python/$label"
  mkdir -p build/python
  # The binding's tests only: no compile-time tests, no install, no benchmarks.
  cmake -S . -B "$dir" -G Ninja --fresh -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
    -DMAILBOX_BUILD_TESTS=ON -DMAILBOX_BUILD_BENCHMARKS=OFF -DMAILBOX_BUILD_EXAMPLES=ON \
    -DMAILBOX_COMPILE_TESTS=OFF -DMAILBOX_INSTALL=OFF -DPython3_EXECUTABLE="$python" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; exit 1; }
  grep -E "mailbox: .*(skipped|not built)" "$dir.configure.log" || true
  targets=(python_tests)
  labels_run="^python$"
  if [ "$label" = debian ]; then
    targets+=(python_examples)
    labels_run="^python"
  fi
  cmake --build "$dir" -j2 --target "${targets[@]}"
  ctest --test-dir "$dir" -L "$labels_run" --output-on-failure --timeout 600
  results+=("$label (Python $version): passed in $((SECONDS - started)) s")
done
stage "python: every interpreter present passed"
printf '  %s\n' "${skipped[@]}" "${results[@]}"
