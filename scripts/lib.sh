# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Shared by the quick-start scripts. Source it; it defines no commands of its
# own and changes nothing until a function is called.

# require_debian_packages PACKAGE...: installs the packages that are missing,
# as root through apt-get; otherwise prints the exact command to run and exits.
require_debian_packages() {
  local missing=() package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    printf 'These Debian packages are missing: %s\nInstall them with:\n  sudo apt-get install -y %s\nthen run this command again.\n' \
      "${missing[*]}" "${missing[*]}" >&2
    exit 1
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# stage NAME: prints a banner, so a long log shows where each part starts.
stage() {
  printf '\n==> %s\n' "$*"
}

# extract_debian_packages_for ARCH DIR PACKAGE...: unpacks Debian packages of
# another architecture (e.g. arm64 libraries to link a cross build against)
# into DIR, without installing them or adding the architecture to dpkg. Needs
# root only to refresh apt's package lists for that architecture.
extract_debian_packages_for() {
  local arch=$1 dir=$2 package
  shift 2
  local stamp="$dir/.packages"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$arch $*" ]; then
    return 0
  fi
  local apt_options=(-o "APT::Architectures::=$arch")
  local debs
  debs=$(mktemp -d)
  chmod 755 "$debs"
  chown _apt "$debs" 2>/dev/null || true # apt downloads as _apt when it can
  if ! (cd "$debs" && apt-get download -qq "${apt_options[@]}" "${@/%/:$arch}") 2>/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
      printf 'apt does not list the %s packages %s. As root, run:\n  apt-get update -o APT::Architectures::=%s\nthen run this command again.\n' \
        "$arch" "$*" "$arch" >&2
      rm -rf "$debs"
      exit 1
    fi
    echo "==> fetching the $arch package lists"
    apt-get update -qq "${apt_options[@]}"
    (cd "$debs" && apt-get download -qq "${apt_options[@]}" "${@/%/:$arch}")
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  for package in "$debs"/*.deb; do
    dpkg-deb -x "$package" "$dir"
  done
  rm -rf "$debs"
  echo "$arch $*" >"$stamp"
}

# allow_thread_sanitizer: ThreadSanitizer (GCC 12, Clang 14) cannot map its
# shadow memory when the kernel randomises mmap with more than 28 bits
# ("FATAL: ThreadSanitizer: unexpected memory mapping"); as root, lowers it.
allow_thread_sanitizer() {
  local bits
  bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
  if [ "$bits" -gt 28 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "==> vm.mmap_rnd_bits is $bits; ThreadSanitizer needs at most 28, setting it"
      sysctl -q -w vm.mmap_rnd_bits=28
    else
      echo "vm.mmap_rnd_bits is $bits: ThreadSanitizer needs 'sudo sysctl vm.mmap_rnd_bits=28'" >&2
      exit 1
    fi
  fi
}
