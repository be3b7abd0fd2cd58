// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The host's wait policies (spin, spin_then_yield, spin_then_block, with a
// deadline) need a clock, a scheduler and futexes: not in device code. The
// device's bounded wait is cuda::acquire_for.
#include <mailbox/cuda.hpp>

#include <chrono>
#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>>;
using Box = mailbox::Mailbox<Layout>;

__global__ void consume(Box box, std::uint32_t* out) {
#if defined(MAILBOX_COMPILE_FAIL)
  auto token = box.acquire(Turn::full, mailbox::spin{});
#else
  auto token = mailbox::cuda::acquire_for(box, Turn::full, std::chrono::milliseconds(1));
#endif
  if (!token) return;
  *out = token->get<"value">();
  std::move(*token).publish(Turn::empty);
}

// expect: calling a __host__ function
// expect: from a __global__ function("consume") is not allowed
