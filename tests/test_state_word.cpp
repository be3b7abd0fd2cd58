// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The state word: values survive the round trip through the backend's store
// and load, whatever their sign and width, and nothing next to it is touched.
#include <mailbox/mailbox.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

namespace {

enum class Small : std::int32_t {
  lowest = std::numeric_limits<std::int32_t>::min(),
  minus_one = -1,
  zero = 0,
  high = 0x7fffffff
};
enum class Wide : std::uint64_t {
  zero = 0,
  high_bit = 0x8000000000000000ull,
  pattern = 0x0123456789abcdefull
};

using SmallBox = mailbox::layout<mailbox::field<"before", std::uint32_t>, mailbox::state<"state", Small>,
                                 mailbox::field<"after", std::uint32_t>>;
using WideBox = mailbox::layout<mailbox::field<"before", std::uint64_t>, mailbox::state<"state", Wide>,
                                mailbox::field<"after", std::uint64_t>>;
using IntBox = mailbox::layout<mailbox::state<"state", std::int64_t>>;

// Every byte of the region outside the state word.
template <class Layout>
bool only_state_differs(std::span<const std::byte> before, std::span<const std::byte> after) {
  for (std::size_t i = 0; i < before.size(); ++i) {
    const bool in_state =
        i >= Layout::state_offset && i < Layout::state_offset + sizeof(typename Layout::state_type);
    if (!in_state && before[i] != after[i]) return false;
  }
  return true;
}

template <class Layout>
void check_round_trip(typename Layout::state_type value) {
  test_support::local_region<Layout> region;
  std::fill(std::begin(region.bytes), std::end(region.bytes), std::byte{0xa5});
  test_support::local_region<Layout> snapshot = region;

  mailbox::Mailbox<Layout> box(region.span());
  REQUIRE(std::memcmp(region.bytes, snapshot.bytes, Layout::size) == 0);  // a view writes nothing

  // The state word now holds 0xa5a5...: a value no enumerator names, which
  // must still read back as exactly that bit pattern.
  const auto garbage = box.state();
  auto token = box.try_acquire(garbage);
  REQUIRE(token.has_value());
  std::move(*token).publish(value);

  CHECK(box.state() == value);
  CHECK(only_state_differs<Layout>(snapshot.bytes, region.bytes));
  typename Layout::state_type raw;
  std::memcpy(&raw, region.bytes + Layout::state_offset, sizeof raw);
  CHECK(raw == value);
}

}  // namespace

TEST_CASE("32-bit states round-trip, negative values included", "[state]") {
  for (Small value : {Small::lowest, Small::minus_one, Small::zero, Small::high}) {
    CAPTURE(static_cast<std::int32_t>(value));
    check_round_trip<SmallBox>(value);
  }
}

TEST_CASE("64-bit states round-trip all 64 bits", "[state]") {
  for (Wide value : {Wide::zero, Wide::high_bit, Wide::pattern, static_cast<Wide>(~0ull)}) {
    CAPTURE(static_cast<std::uint64_t>(value));
    check_round_trip<WideBox>(value);
  }
  for (std::int64_t value :
       {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{1} << 40}) {
    CAPTURE(value);
    check_round_trip<IntBox>(value);
  }
}

TEST_CASE("initialize zeroes the payload and stores the first state", "[state]") {
  test_support::local_region<WideBox> region;
  std::fill(std::begin(region.bytes), std::end(region.bytes), std::byte{0xff});
  auto box = mailbox::Mailbox<WideBox>::initialize(region.span(), Wide::pattern);
  CHECK(box.state() == Wide::pattern);
  auto token = box.acquire(Wide::pattern);
  CHECK(token.get<"before">() == 0);
  CHECK(token.get<"after">() == 0);
}

TEST_CASE("the compiled backend is named", "[state]") {
  CHECK_FALSE(mailbox::backend_name.empty());
#if defined(MAILBOX_FORCE_GENERIC) || defined(MAILBOX_DETAIL_TSAN)
  CHECK(mailbox::compiled_backend == mailbox::backend::generic);
#elif defined(__x86_64__)
  CHECK(mailbox::compiled_backend == mailbox::backend::x86_64);
#elif defined(__aarch64__)
  CHECK((mailbox::compiled_backend == mailbox::backend::aarch64 ||
         mailbox::compiled_backend == mailbox::backend::aarch64_rcpc));
#else
  CHECK(mailbox::compiled_backend == mailbox::backend::generic);
#endif
  UNSCOPED_INFO("backend: " << mailbox::backend_name);
  SUCCEED();
}
