// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::state_on_own_cache_line: the state word alone on its cache line,
// the computed offsets after it starting on the next line.
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <thread>

#include "support/catch.hpp"

namespace {

enum class Turn : std::uint32_t { writer, reader };

template <class... Extra>
using Bytes256 =
    mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"data", std::uint64_t[32]>, Extra...>;
using Default = Bytes256<>;
using OwnLine = Bytes256<mailbox::state_on_own_cache_line>;
// The same offsets by hand: the clause is still part of the fingerprint.
using PinnedByHand =
    mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"data", std::uint64_t[32], 64>>;

// Members before the state word keep their lines; the state word starts the
// next one, and what follows it the line after.
using Middle = mailbox::layout<mailbox::field<"head", std::uint32_t>, mailbox::state<"turn", Turn>,
                               mailbox::field<"tail", std::uint8_t>, mailbox::flag<"stop", std::uint32_t>,
                               mailbox::state_on_own_cache_line>;
// An overlay run after the state word starts on the next line too.
using Viewed = mailbox::layout<
    mailbox::state<"turn", Turn>, mailbox::overlay<"small", mailbox::field<"a", std::uint32_t>>,
    mailbox::overlay<"large", mailbox::field<"b", std::uint64_t[20]>>, mailbox::state_on_own_cache_line>;
// A pinned state word: its line is [64, 128), members may be pinned around it.
using PinnedState =
    mailbox::layout<mailbox::field<"before", std::uint64_t[8], 0>, mailbox::state<"turn", Turn, 96>,
                    mailbox::field<"after", std::uint64_t>, mailbox::state_on_own_cache_line>;
// The state word alone: one line.
using Alone = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::state_on_own_cache_line>;

}  // namespace

TEST_CASE("state_on_own_cache_line puts the payload on the next line", "[layout][state_line]") {
  STATIC_REQUIRE(Default::offset_of<"data"> == 8);
  STATIC_REQUIRE(!Default::has_state_on_own_cache_line);
  STATIC_REQUIRE(OwnLine::has_state_on_own_cache_line);
  STATIC_REQUIRE(OwnLine::offset_of<"turn"> == 0);
  STATIC_REQUIRE(OwnLine::offset_of<"data"> == 64);
  STATIC_REQUIRE(OwnLine::size == 64 + 256);
  STATIC_REQUIRE(OwnLine::alignment == 64);
  STATIC_REQUIRE(Alone::size == 64);
  STATIC_REQUIRE(Alone::alignment == 64);
}

TEST_CASE("state_on_own_cache_line keeps every other member off the state word's line",
          "[layout][state_line]") {
  STATIC_REQUIRE(Middle::offset_of<"head"> == 0);
  STATIC_REQUIRE(Middle::offset_of<"turn"> == 64);
  STATIC_REQUIRE(Middle::offset_of<"tail"> == 128);
  STATIC_REQUIRE(Middle::offset_of<"stop"> == 132);
  STATIC_REQUIRE(Middle::size == 192);
  STATIC_REQUIRE(Viewed::offset_of<"a"> == 64);
  STATIC_REQUIRE(Viewed::offset_of<"b"> == 64);
  STATIC_REQUIRE(Viewed::size == 64 + 160 + 32);
  STATIC_REQUIRE(PinnedState::offset_of<"turn"> == 96);
  STATIC_REQUIRE(PinnedState::offset_of<"after"> == 128);
  STATIC_REQUIRE(PinnedState::size == 192);
}

TEST_CASE("state_on_own_cache_line is part of the fingerprint", "[layout][state_line][fingerprint]") {
  STATIC_REQUIRE(OwnLine::offset_of<"data"> == PinnedByHand::offset_of<"data">);
  CHECK(mailbox::fingerprint<OwnLine> != mailbox::fingerprint<PinnedByHand>);
  CHECK(mailbox::fingerprint<OwnLine> != mailbox::fingerprint<Default>);
  // The positive twin: the same declaration, the same fingerprint.
  CHECK(mailbox::fingerprint<OwnLine> == mailbox::fingerprint<Bytes256<mailbox::state_on_own_cache_line>>);
}

TEST_CASE("a mailbox with the state word on its own line hands a payload over", "[layout][state_line]") {
  alignas(64) std::byte memory[OwnLine::size]{};
  const auto box = mailbox::Mailbox<OwnLine>::initialize(memory, Turn::writer);
  std::thread reader([&] {
    auto token = box.acquire(Turn::reader);
    const auto data = token.span<"data">();
    std::uint64_t sum = 0;
    for (const std::uint64_t word : data) sum += word;
    data[0] = sum;
    std::move(token).publish(Turn::writer);
  });
  {
    auto token = box.acquire(Turn::writer);
    std::uint64_t n = 0;
    for (std::uint64_t& word : token.span<"data">()) word = ++n;
    std::move(token).publish(Turn::reader);
  }
  reader.join();
  auto token = box.acquire(Turn::writer);
  CHECK(token.span<"data">()[0] == 32 * 33 / 2);
  std::move(token).abandon();
  // The region must be aligned to the line: one 8 bytes off is refused.
  CHECK_THROWS_AS(mailbox::Mailbox<OwnLine>(std::span<std::byte>(memory + 8, OwnLine::size - 8)),
                  mailbox::region_error);
}
