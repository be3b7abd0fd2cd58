// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The same three steps written by hand with std::atomic_ref, as a careful
// programmer would without the library: the zero-overhead reference. Built
// with -DCONTROL_<name>, it becomes one of the deliberately broken variants
// that prove each rule of check_asm.py can fail.
#include <atomic>
#include <cstdint>
#include <span>

#include "protocol.hpp"

using asm_check::Turn;

namespace {

struct Raw {
  std::uint64_t sequence;
  std::uint64_t words[asm_check::payload_words];
  alignas(asm_check::state_offset) std::uint32_t state;
};
static_assert(offsetof(Raw, state) == asm_check::state_offset);

// Which broken variant to build: -DCONTROL_<name>, or none for the reference.
enum class Control {
  none,
  plain_release,        // state stored relaxed: no STLR
  relaxed_acquire,      // state loaded relaxed: no LDAR
  store_after_release,  // a payload store after the release
  load_before_acquire,  // a payload load before the acquire
  seq_cst_release,      // seq_cst store: XCHG or MOV+MFENCE on x86-64
  fence,                // a full fence before the release: DMB / MFENCE
  out_of_line_release,  // the release store in a function of its own: a call
  overhead,             // one needless load in the writer
};
#if defined(CONTROL_plain_release)
constexpr Control control = Control::plain_release;
#elif defined(CONTROL_relaxed_acquire)
constexpr Control control = Control::relaxed_acquire;
#elif defined(CONTROL_store_after_release)
constexpr Control control = Control::store_after_release;
#elif defined(CONTROL_load_before_acquire)
constexpr Control control = Control::load_before_acquire;
#elif defined(CONTROL_seq_cst_release)
constexpr Control control = Control::seq_cst_release;
#elif defined(CONTROL_fence)
constexpr Control control = Control::fence;
#elif defined(CONTROL_out_of_line_release)
constexpr Control control = Control::out_of_line_release;
#elif defined(CONTROL_overhead)
constexpr Control control = Control::overhead;
#else
constexpr Control control = Control::none;
#endif

std::uint32_t load_state(Raw& raw) {
  constexpr auto order =
      (control == Control::relaxed_acquire) ? std::memory_order_relaxed : std::memory_order_acquire;
  return std::atomic_ref<std::uint32_t>(raw.state).load(order);
}

// What a library whose publish is not inlined compiles to: correct, but the
// caller neither contains the release nor stays zero-overhead.
[[gnu::noinline, maybe_unused]] void store_release_out_of_line(std::uint32_t& word, std::uint32_t value) {
  std::atomic_ref<std::uint32_t>(word).store(value, std::memory_order_release);
}

void store_state(Raw& raw, Turn next) {
  if constexpr ((control == Control::fence)) std::atomic_thread_fence(std::memory_order_seq_cst);
  constexpr auto order = (control == Control::plain_release)     ? std::memory_order_relaxed
                         : (control == Control::seq_cst_release) ? std::memory_order_seq_cst
                                                                 : std::memory_order_release;
  if constexpr (control == Control::out_of_line_release) {
    store_release_out_of_line(raw.state, static_cast<std::uint32_t>(next));
  } else {
    std::atomic_ref<std::uint32_t>(raw.state).store(static_cast<std::uint32_t>(next), order);
  }
}

void relax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield" ::: "memory");
#endif
}

}  // namespace

extern "C" bool mailbox_send(Raw* raw, std::uint64_t n) {
  if (load_state(*raw) != static_cast<std::uint32_t>(Turn::empty)) return false;
  if constexpr ((control == Control::overhead)) {
    // The state is reloaded for nothing: an atomic load is never elided.
    if (std::atomic_ref<std::uint32_t>(raw->state).load(std::memory_order_relaxed) == 7) return false;
  }
  raw->sequence = n;
  if constexpr ((control == Control::store_after_release)) {
    store_state(*raw, Turn::full);
    for (std::uint64_t& word : std::span(raw->words)) word = n;
  } else {
    for (std::uint64_t& word : std::span(raw->words)) word = n;
    store_state(*raw, Turn::full);
  }
  return true;
}

extern "C" bool mailbox_receive(Raw* raw, std::uint64_t* sum) {
  std::uint64_t early = 0;
  if constexpr ((control == Control::load_before_acquire)) early = raw->words[0];
  if (load_state(*raw) != static_cast<std::uint32_t>(Turn::full)) return false;
  std::uint64_t total = raw->sequence + early;
  for (std::uint64_t word :
       std::span(raw->words).subspan<(control == Control::load_before_acquire) ? 1 : 0>()) {
    total += word;
  }
  *sum = total;
  store_state(*raw, Turn::empty);
  return true;
}

extern "C" std::uint64_t mailbox_wait_receive(Raw* raw) {
  while (load_state(*raw) != static_cast<std::uint32_t>(Turn::full)) relax();
  std::uint64_t total = raw->sequence;
  for (std::uint64_t word : std::span(raw->words)) total += word;
  store_state(*raw, Turn::empty);
  return total;
}
