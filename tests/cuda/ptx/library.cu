// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The device-side send/receive steps written with the public API only, as
// tests/asm/library.cpp writes the host's. check_ptx.py compiles this to PTX
// and checks the ordering instructions. -DMAILBOX_PTX_GPU_SCOPE builds the
// GPU-scope variant (cuda::gpu_scope<Layout>).
#include <mailbox/cuda.hpp>

#include <cstdint>
#include <utility>

#include "protocol.hpp"  // tests/asm: Turn, payload_words, state_offset

using asm_check::Turn;

using Plain = mailbox::layout<mailbox::field<"sequence", std::uint64_t>,
                              mailbox::field<"words", std::uint64_t[asm_check::payload_words]>,
                              mailbox::state<"state", Turn, asm_check::state_offset>>;
#if defined(MAILBOX_PTX_GPU_SCOPE)
using Layout = mailbox::cuda::gpu_scope<Plain>;
#else
using Layout = Plain;
#endif
using Box = mailbox::Mailbox<Layout>;
static_assert(Layout::state_offset == asm_check::state_offset);

// Writer: fill the payload, then publish it.
extern "C" __device__ __noinline__ bool mailbox_send(Box box, std::uint64_t n) {
  auto token = box.try_acquire(Turn::empty);
  if (!token) return false;
  token->set<"sequence">(n);
  for (std::uint64_t& word : token->span<"words">()) word = n;
  std::move(*token).publish(Turn::full);
  return true;
}

// Reader: read the payload the writer published, then hand the box back.
extern "C" __device__ __noinline__ bool mailbox_receive(Box box, std::uint64_t* sum) {
  auto token = box.try_acquire(Turn::full);
  if (!token) return false;
  std::uint64_t total = token->get<"sequence">();
  for (std::uint64_t word : std::as_const(*token).span<"words">()) total += word;
  *sum = total;
  std::move(*token).publish(Turn::empty);
  return true;
}

// Reader that waits: the acquire sits in a loop.
extern "C" __device__ __noinline__ std::uint64_t mailbox_wait_receive(Box box) {
  auto token = box.acquire(Turn::full);
  std::uint64_t total = token.get<"sequence">();
  for (std::uint64_t word : std::as_const(token).span<"words">()) total += word;
  std::move(token).publish(Turn::empty);
  return total;
}

// Compare-and-transition: one acq_rel CAS on the state word.
extern "C" __device__ __noinline__ bool mailbox_try_transition(Box box) {
  return box.try_transition(Turn::full, Turn::empty);
}
