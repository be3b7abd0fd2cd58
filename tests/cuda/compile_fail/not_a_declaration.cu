// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Under nvcc the layout recognises its declarations by their members (its
// front end cannot match field<"name", T> in a partial specialisation): it
// still refuses anything else, and its twin, with every kind of declaration,
// compiles and is used in device code.
#include <mailbox/cuda.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
struct not_a_field {
  static constexpr bool is_state = false;
};
using Layout = mailbox::layout<mailbox::state<"state", Turn>, mailbox::field<"value", std::uint32_t>,
                               mailbox::flag<"stop", std::uint32_t>,
                               mailbox::overlay<"small", mailbox::field<"a", std::uint16_t>>,
                               mailbox::overlay<"large", mailbox::field<"b", std::uint64_t[4]>>,
                               mailbox::valid_states<Turn::empty, Turn::full>, mailbox::total_size<64>
#if defined(MAILBOX_COMPILE_FAIL)
                               ,
                               not_a_field
#endif
                               >;
static_assert(Layout::field_count == 5 && Layout::offset_of<"b"> == Layout::offset_of<"a">);
using Box = mailbox::Mailbox<Layout>;

__global__ void produce(Box box) {
  auto token = box.acquire(Turn::empty);
  token.set<"value">(1u);
  token.span<"b">()[0] = 2;
  std::move(token).publish(Turn::full);
  if (box.is_raised<"stop">()) box.clear<"stop">();
}

// expect: mailbox::layout: accepts only mailbox::field<...>
