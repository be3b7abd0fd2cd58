// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The same four device functions as library.cu, written by hand with
// libcu++'s cuda::atomic_ref as a careful programmer would without the
// library: the twin that must keep every rule of check_ptx.py. Built with
// -DCONTROL_<name>, it becomes one of the deliberately broken variants that
// prove each rule can fail. -DHANDWRITTEN_GPU_SCOPE: thread_scope_device,
// the counterpart of cuda::gpu_scope.
#include <cuda/atomic>

#include <cstdint>

#include "protocol.hpp"  // tests/asm: Turn, payload_words, state_offset

using asm_check::Turn;

namespace {

struct Raw {
  std::uint64_t sequence;
  std::uint64_t words[asm_check::payload_words];
  alignas(asm_check::state_offset) std::uint32_t state;
};
static_assert(offsetof(Raw, state) == asm_check::state_offset);

#if defined(HANDWRITTEN_GPU_SCOPE)
constexpr auto scope = cuda::thread_scope_device;
#else
constexpr auto scope = cuda::thread_scope_system;
#endif
using state_ref = cuda::atomic_ref<std::uint32_t, scope>;

// Which broken variant to build: -DCONTROL_<name>, or none for the twin.
enum class Control {
  none,
  volatile_fence,       // the common hand-written pattern: volatile state, __threadfence_system()
  relaxed,              // state loaded and stored relaxed
  store_after_release,  // a payload store after the release
  load_before_acquire,  // a payload load before the acquire
  fence,                // a seq_cst fence before the release
  out_of_line_release,  // the release store in a function of its own: a call
  ignored_state,        // the sender acquires the state, then writes whatever it was
};
#if defined(CONTROL_volatile_fence)
constexpr Control control = Control::volatile_fence;
#elif defined(CONTROL_relaxed)
constexpr Control control = Control::relaxed;
#elif defined(CONTROL_store_after_release)
constexpr Control control = Control::store_after_release;
#elif defined(CONTROL_load_before_acquire)
constexpr Control control = Control::load_before_acquire;
#elif defined(CONTROL_fence)
constexpr Control control = Control::fence;
#elif defined(CONTROL_out_of_line_release)
constexpr Control control = Control::out_of_line_release;
#elif defined(CONTROL_ignored_state)
constexpr Control control = Control::ignored_state;
#else
constexpr Control control = Control::none;
#endif

// The fence of the volatile pattern: __threadfence_system() (membar.sys)
// between host and device, __threadfence() (membar.gl) within the GPU.
__device__ __forceinline__ void volatile_pattern_fence() {
#if defined(HANDWRITTEN_GPU_SCOPE)
  __threadfence();
#else
  __threadfence_system();
#endif
}

__device__ __forceinline__ std::uint32_t load_state(Raw& raw) {
  if constexpr (control == Control::volatile_fence) {
    const std::uint32_t value = *static_cast<volatile std::uint32_t*>(&raw.state);
    volatile_pattern_fence();
    return value;
  } else if constexpr (control == Control::relaxed) {
    return state_ref(raw.state).load(cuda::std::memory_order_relaxed);
  } else {
    return state_ref(raw.state).load(cuda::std::memory_order_acquire);
  }
}

// What a library whose publish is not inlined compiles to.
__device__ __noinline__ void store_release_out_of_line(std::uint32_t& word, std::uint32_t value) {
  state_ref(word).store(value, cuda::std::memory_order_release);
}

__device__ __forceinline__ void store_state(Raw& raw, Turn next) {
  const auto value = static_cast<std::uint32_t>(next);
  if constexpr (control == Control::volatile_fence) {
    volatile_pattern_fence();
    *static_cast<volatile std::uint32_t*>(&raw.state) = value;
  } else if constexpr (control == Control::relaxed) {
    state_ref(raw.state).store(value, cuda::std::memory_order_relaxed);
  } else if constexpr (control == Control::out_of_line_release) {
    store_release_out_of_line(raw.state, value);
  } else {
    if constexpr (control == Control::fence)
      cuda::atomic_thread_fence(cuda::std::memory_order_seq_cst, scope);
    state_ref(raw.state).store(value, cuda::std::memory_order_release);
  }
}

}  // namespace

extern "C" __device__ __noinline__ bool mailbox_send(Raw* raw, std::uint64_t n) {
  const std::uint32_t seen = load_state(*raw);
  if (control != Control::ignored_state && seen != static_cast<std::uint32_t>(Turn::empty)) return false;
  raw->sequence = n;
  if constexpr (control == Control::store_after_release) {
    store_state(*raw, Turn::full);
    for (std::uint64_t& word : raw->words) word = n;
  } else {
    for (std::uint64_t& word : raw->words) word = n;
    store_state(*raw, Turn::full);
  }
  return true;
}

extern "C" __device__ __noinline__ bool mailbox_receive(Raw* raw, std::uint64_t* sum) {
  std::uint64_t early = 0;
  if constexpr (control == Control::load_before_acquire) early = raw->words[0];
  if (load_state(*raw) != static_cast<std::uint32_t>(Turn::full)) return false;
  std::uint64_t total = raw->sequence + early;
  for (unsigned i = control == Control::load_before_acquire ? 1 : 0; i < asm_check::payload_words; ++i) {
    total += raw->words[i];
  }
  *sum = total;
  store_state(*raw, Turn::empty);
  return true;
}

extern "C" __device__ __noinline__ std::uint64_t mailbox_wait_receive(Raw* raw) {
  while (load_state(*raw) != static_cast<std::uint32_t>(Turn::full)) {
  }
  std::uint64_t total = raw->sequence;
  for (const std::uint64_t word : raw->words) total += word;
  store_state(*raw, Turn::empty);
  return total;
}

extern "C" __device__ __noinline__ bool mailbox_try_transition(Raw* raw) {
  auto expected = static_cast<std::uint32_t>(Turn::full);
  const auto desired = static_cast<std::uint32_t>(Turn::empty);
  if constexpr (control == Control::relaxed) {
    return state_ref(raw->state).compare_exchange_strong(expected, desired, cuda::std::memory_order_relaxed);
  } else if constexpr (control == Control::fence) {
    cuda::atomic_thread_fence(cuda::std::memory_order_seq_cst, scope);
    return state_ref(raw->state)
        .compare_exchange_strong(expected, desired, cuda::std::memory_order_acq_rel,
                                 cuda::std::memory_order_acquire);
  } else {
    return state_ref(raw->state)
        .compare_exchange_strong(expected, desired, cuda::std::memory_order_acq_rel,
                                 cuda::std::memory_order_acquire);
  }
}
