// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The state word is reachable only through acquire and publish, never as a
// payload field, in device code as on the host.
#include <mailbox/cuda.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>>;
using Box = mailbox::Mailbox<Layout>;

__global__ void produce(Box box) {
  auto token = box.acquire(Turn::empty);
#if defined(MAILBOX_COMPILE_FAIL)
  token.set<"state">(Turn::full);
#else
  token.set<"value">(1u);
#endif
  std::move(token).publish(Turn::full);
}

// expect: no instance of
// expect: token<Layout>::set
