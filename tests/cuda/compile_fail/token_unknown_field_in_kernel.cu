// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A token reaches only the layout's payload fields, in device code as on the
// host: a name the layout lacks does not compile.
#include <mailbox/cuda.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>>;
using Box = mailbox::Mailbox<Layout>;

__global__ void produce(Box box) {
  auto token = box.acquire(Turn::empty);
#if defined(MAILBOX_COMPILE_FAIL)
  token.set<"valeu">(1u);
#else
  token.set<"value">(1u);
#endif
  std::move(token).publish(Turn::full);
}

// expect: token<Layout>::set
// expect: is a deleted function
// expect: no_field_named<'v', 'a', 'l', 'e', 'u'>::did_you_mean<'v', 'a', 'l', 'u', 'e'>
