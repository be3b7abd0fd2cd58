// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// payload.cpp's steps written by hand: the key and the struct's members at
// the offsets C gives them, the state word with std::atomic_ref. The
// zero-overhead reference of the keyed union and member paths.
#include <atomic>
#include <cstdint>
#include <span>

#include "protocol.hpp"

using asm_check::Turn;

namespace {

struct Raw {
  std::uint64_t kind;
  std::uint64_t sequence;
  std::uint64_t words[asm_check::payload_words];
  alignas(asm_check::state_offset) std::uint32_t state;
};
static_assert(offsetof(Raw, state) == asm_check::state_offset);

std::uint32_t load_state(Raw& raw) {
  return std::atomic_ref<std::uint32_t>(raw.state).load(std::memory_order_acquire);
}

void store_state(Raw& raw, Turn next) {
  std::atomic_ref<std::uint32_t>(raw.state).store(static_cast<std::uint32_t>(next),
                                                  std::memory_order_release);
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
  raw->kind = 1;
  raw->sequence = n;
  for (std::uint64_t& word : std::span(raw->words)) word = n;
  store_state(*raw, Turn::full);
  return true;
}

extern "C" bool mailbox_receive(Raw* raw, std::uint64_t* sum) {
  if (load_state(*raw) != static_cast<std::uint32_t>(Turn::full)) return false;
  if (raw->kind != 1) return false;
  std::uint64_t total = raw->sequence;
  for (std::uint64_t word : std::span(raw->words)) total += word;
  *sum = total;
  store_state(*raw, Turn::empty);
  return true;
}

extern "C" std::uint64_t mailbox_wait_receive(Raw* raw) {
  while (load_state(*raw) != static_cast<std::uint32_t>(Turn::full)) relax();
  const std::uint64_t kind = raw->kind;
  raw->kind = 2;
  raw->sequence = kind;  // field x of the other alternative
  store_state(*raw, Turn::empty);
  return kind;
}
