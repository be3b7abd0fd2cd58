// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The compare-and-transition step written with std::atomic_ref, the twin of
// transition.cpp, and (with -DCONTROL_<name>) the broken variants that prove
// each rule of check_asm.py --kind transition can fail. The twin is built
// with -mno-outline-atomics on AArch64, where Debian's g++ would otherwise
// call libgcc for the CAS.
#include <atomic>
#include <cstdint>

#include "protocol.hpp"

using asm_check::Turn;

namespace {

struct Raw {
  std::uint64_t sequence;
  std::uint64_t words[asm_check::payload_words];
  alignas(asm_check::state_offset) std::uint32_t state;
};

enum class Control {
  none,
  relaxed,   // a relaxed CAS: LDXR/STXR or CAS without acquire and release
  fence,     // a full fence before the CAS: DMB / MFENCE
  two_cas,   // a second CAS after a failed first one
  outlined,  // built with -moutline-atomics: a call to libgcc
};
#if defined(CONTROL_relaxed)
constexpr Control control = Control::relaxed;
#elif defined(CONTROL_fence)
constexpr Control control = Control::fence;
#elif defined(CONTROL_two_cas)
constexpr Control control = Control::two_cas;
#elif defined(CONTROL_outlined)
constexpr Control control = Control::outlined;
#else
constexpr Control control = Control::none;
#endif

bool transition(Raw* raw, Turn from, Turn to) {
  if constexpr (control == Control::fence) std::atomic_thread_fence(std::memory_order_seq_cst);
  constexpr auto success =
      control == Control::relaxed ? std::memory_order_relaxed : std::memory_order_acq_rel;
  constexpr auto failure =
      control == Control::relaxed ? std::memory_order_relaxed : std::memory_order_acquire;
  std::atomic_ref<std::uint32_t> word(raw->state);
  auto expected = static_cast<std::uint32_t>(from);
  if (word.compare_exchange_strong(expected, static_cast<std::uint32_t>(to), success, failure)) {
    return true;
  }
  if constexpr (control == Control::two_cas) {
    expected |= 1u << 31;
    return word.compare_exchange_strong(expected, static_cast<std::uint32_t>(to), success, failure);
  }
  return false;
}

}  // namespace

extern "C" bool mailbox_try_transition(Raw* raw) { return transition(raw, Turn::full, Turn::empty); }
extern "C" bool endpoint_try_transition(Raw* raw) { return transition(raw, Turn::empty, Turn::full); }
