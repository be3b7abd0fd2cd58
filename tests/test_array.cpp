// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::mailbox_array: n mailboxes at a cache-line stride in one region.
#include <mailbox/array.hpp>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"

namespace {

enum class Turn : std::uint32_t { empty, full };
using Small = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"value", std::uint64_t>>;
using Odd = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"bytes", char[65]>>;
struct alignas(128) Wide128 {
  std::uint64_t words[3];
};
using Aligned = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"wide", Wide128>>;
using Exact = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"bytes", char[60]>>;

template <class L>
constexpr bool stride_rule() {
  constexpr std::size_t s = mailbox::mailbox_array<L>::stride;
  return s >= 64 && s % 64 == 0 && s % L::alignment == 0 && s >= L::size && s - L::size < 64 + L::alignment;
}

struct alignas(256) storage {
  std::byte bytes[4096]{};
};

// Every byte of n mailboxes but their state words is zero (stride padding
// included), and the byte after them still holds the 0xa5 it was filled with.
template <class Array>
void check_zeroed_but_states(const storage& memory, std::size_t n) {
  using L = typename Array::layout_type;
  for (std::size_t i = 0; i < Array::required_size(n); ++i) {
    if (i % Array::stride == L::state_offset) {
      i += sizeof(typename L::state_type) - 1;
      continue;
    }
    INFO("byte " << i);
    REQUIRE(memory.bytes[i] == std::byte{0});
  }
  CHECK(memory.bytes[Array::required_size(n)] == std::byte{0xa5});  // nothing past the array
}

}  // namespace

TEST_CASE("the stride keeps neighbours off each other's cache lines", "[array]") {
  STATIC_REQUIRE(Small::size == 16);
  STATIC_REQUIRE(mailbox::mailbox_array<Small>::stride == 64);
  STATIC_REQUIRE(mailbox::mailbox_array<Odd>::stride == 128);  // 72 bytes: two lines
  STATIC_REQUIRE(mailbox::mailbox_array<Exact>::stride == 64);
  STATIC_REQUIRE(mailbox::mailbox_array<Aligned>::stride == 256);
  STATIC_REQUIRE(stride_rule<Small>());
  STATIC_REQUIRE(stride_rule<Odd>());
  STATIC_REQUIRE(stride_rule<Aligned>());
  CHECK(mailbox::mailbox_array<Odd>::required_size(3) == 3 * 128);
  CHECK(mailbox::mailbox_array<Odd>::required_size(0) == 0);
  CHECK_THROWS_AS(mailbox::mailbox_array<Odd>::required_size(SIZE_MAX / 64), mailbox::region_error);
}

TEST_CASE("initialize gives every mailbox its first state and zeroes the region", "[array]") {
  storage memory;
  for (auto& b : memory.bytes) b = std::byte{0xa5};
  using A = mailbox::mailbox_array<Odd>;
  auto frames = A::initialize(std::span<std::byte>(memory.bytes, A::required_size(3)), 3, Turn::full);
  REQUIRE(frames.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(frames[i].state() == Turn::full);
    CHECK(frames[i].address() == memory.bytes + i * A::stride);
  }
  check_zeroed_but_states<A>(memory, 3);
}

TEST_CASE("the mailboxes of an array are independent", "[array]") {
  storage memory;
  auto frames = mailbox::mailbox_array<Small>::initialize(memory.bytes, 3, Turn::empty);
  for (std::uint64_t i = 0; i < 3; ++i) {
    auto t = frames[i].acquire(Turn::empty);
    t.set<"value">(100 + i);
    std::move(t).publish(Turn::full);
  }
  // A second view of the same region sees what the first wrote.
  const mailbox::mailbox_array<Small> again(memory.bytes, 3);
  for (std::uint64_t i = 0; i < 3; ++i) {
    auto t = again[i].acquire(Turn::full);
    CHECK(t.get<"value">() == 100 + i);
    std::move(t).publish(Turn::empty);
  }
}

TEST_CASE("an index past the end throws index_error naming it", "[array]") {
  storage memory;
  auto frames = mailbox::mailbox_array<Small>::initialize(memory.bytes, 3, Turn::empty);
  CHECK_NOTHROW(frames[2]);
  CHECK_THROWS_AS(frames[3], mailbox::index_error);
  CHECK_THROWS_WITH(frames[7], Catch::Contains("index 7") && Catch::Contains("3 mailboxes"));
}

TEST_CASE("a region too small or misaligned for the array is a region_error", "[array]") {
  storage memory;
  using A = mailbox::mailbox_array<Odd>;
  const std::span<std::byte> all(memory.bytes);
  CHECK_NOTHROW(A(all.first(A::required_size(3)), 3));
  // The last mailbox's padding counts: n * stride, not (n - 1) * stride + size.
  CHECK_THROWS_WITH(A(all.first(A::required_size(3) - 1), 3),
                    Catch::Contains("expected at least 384 bytes") && Catch::Contains("got 383 bytes"));
  CHECK_THROWS_AS(A(all.first(2 * A::stride + Odd::size), 3), mailbox::region_error);
  CHECK_THROWS_WITH(A(all.subspan(2), 3),
                    Catch::Contains("misaligned") && Catch::Contains("got an address aligned to 2 bytes"));
}

TEST_CASE("paired_line_stride puts every mailbox on a 128-byte pair of its own", "[array]") {
  using Paired = mailbox::mailbox_array<Small, mailbox::paired_line_stride>;
  using PairedOdd = mailbox::mailbox_array<Odd, mailbox::paired_line_stride>;
  using Three = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"bytes", char[130]>>;
  STATIC_REQUIRE(mailbox::mailbox_array<Small>::stride == 64);  // the default stays one line
  STATIC_REQUIRE(Paired::stride == 128);
  STATIC_REQUIRE(PairedOdd::stride == 128);
  STATIC_REQUIRE(mailbox::mailbox_array<Three, mailbox::paired_line_stride>::stride == 256);
  STATIC_REQUIRE(mailbox::mailbox_array<Aligned, mailbox::paired_line_stride>::stride == 256);
  STATIC_REQUIRE(Paired::required_alignment == 128);
  CHECK(Paired::required_size(3) == 3 * 128);

  storage memory;
  for (auto& b : memory.bytes) b = std::byte{0xa5};
  auto frames =
      Paired::initialize(std::span<std::byte>(memory.bytes, Paired::required_size(3)), 3, Turn::full);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(frames[i].state() == Turn::full);
    CHECK(frames[i].address() == memory.bytes + i * 128);
  }
  check_zeroed_but_states<Paired>(memory, 3);
  CHECK(frames.bytes().size() == 3 * 128);
  // A region on a 64-byte boundary that is not a 128-byte one would put two
  // mailboxes' lines in one pair: refused.
  CHECK_THROWS_WITH(Paired(std::span<std::byte>(memory.bytes).subspan(64), 3),
                    Catch::Contains("expected an address aligned to 128 bytes") &&
                        Catch::Contains("got an address aligned to 64 bytes"));
}
