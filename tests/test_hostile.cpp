// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A peer can write any bytes: unknown state values are reported, not cast to
// an enum nobody declared, and text fields are read within their bounds.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

namespace {

enum class Worker : std::int32_t { idle, task_ready, task_done };

using Listed = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"code", std::int32_t>,
                               mailbox::field<"message", char[8]>,
                               mailbox::valid_states<Worker::idle, Worker::task_ready, Worker::task_done>>;
using Unlisted = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"message", char[8]>>;

// What a broken peer does: store any bit pattern into the state word. It
// writes through its own view of the region: the mailbox hands out no bytes.
template <class Layout>
void scribble_state(test_support::local_region<Layout>& region, std::uint32_t raw) {
  std::memcpy(region.bytes + Layout::state_offset, &raw, sizeof raw);
}

}  // namespace

TEST_CASE("a layout lists its valid states", "[hostile][states]") {
  static_assert(Listed::declares_valid_states);
  static_assert(!Unlisted::declares_valid_states);
  static_assert(Listed::is_valid_state(Worker::task_done));
  static_assert(!Listed::is_valid_state(static_cast<Worker>(3)));
  static_assert(Unlisted::is_valid_state(static_cast<Worker>(12345)));
  CHECK(Listed::valid_state_values.size() == 3);
}

TEST_CASE("an unknown state value is reported, a known one returned", "[hostile][states]") {
  test_support::local_region<Listed> region;
  auto box = mailbox::Mailbox<Listed>::initialize(region.span(), Worker::idle);
  REQUIRE(box.valid_state() == Worker::idle);
  CHECK(box.checked_state() == Worker::idle);

  for (const std::uint32_t raw : {3u, 0x80000000u, 0xffffffffu, 0x7fffffffu}) {
    scribble_state(region, raw);
    INFO("raw state " << raw);
    CHECK_FALSE(box.valid_state().has_value());
    try {
      (void)box.checked_state();
      FAIL("checked_state accepted an undeclared value");
    } catch (const mailbox::state_error& e) {
      CHECK(e.raw_value() == raw);
      CHECK(std::string(e.what()).find(std::to_string(raw)) != std::string::npos);
    }
    // A waiter is told at once rather than waiting for its deadline.
    auto r = box.acquire(Worker::task_done, mailbox::spin_then_yield{}, mailbox::no_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error() == mailbox::wait_error::invalid_state);
  }
  scribble_state(region, 2);
  CHECK(box.checked_state() == Worker::task_done);
  CHECK(box.acquire(Worker::task_done, mailbox::spin{}, mailbox::no_deadline).has_value());
}

TEST_CASE("without a list every value is a state", "[hostile][states]") {
  test_support::local_region<Unlisted> region;
  auto box = mailbox::Mailbox<Unlisted>::initialize(region.span(), Worker::idle);
  scribble_state(region, 77);
  CHECK(box.valid_state() == static_cast<Worker>(77));
  CHECK(box.checked_state() == static_cast<Worker>(77));
}

TEST_CASE("text fields are read within their bounds", "[hostile][text]") {
  test_support::local_region<Listed> region;
  auto box = mailbox::Mailbox<Listed>::initialize(region.span(), Worker::idle);
  auto t = box.acquire(Worker::idle);

  SECTION("no terminator: at most N characters") {
    std::memset(t.span<"message">().data(), 'x', 8);
    // The byte after the field belongs to no one; make it visible if read.
    CHECK(t.text<"message">() == std::string_view("xxxxxxxx"));
    CHECK(t.text<"message">().size() == 8);
  }
  SECTION("a terminator ends the text") {
    std::memcpy(t.span<"message">().data(), "ab\0cdefg", 8);
    CHECK(t.text<"message">() == "ab");
  }
  SECTION("set_text cuts to N - 1 characters, terminates and clears the rest") {
    CHECK(t.set_text<"message">("0123456789") == 7);
    CHECK(t.text<"message">() == "0123456");
    CHECK(t.span<"message">()[7] == '\0');
    std::memset(t.span<"message">().data(), 'z', 8);
    CHECK(t.set_text<"message">("hi") == 2);
    CHECK(t.text<"message">() == "hi");
    for (std::size_t i = 2; i < 8; ++i) CHECK(t.span<"message">()[i] == '\0');
    CHECK(t.set_text<"message">("") == 0);
    CHECK(t.text<"message">().empty());
  }
}

TEST_CASE("text() is a copy the peer's later writes do not change", "[hostile][text]") {
  test_support::local_region<Listed> region;
  auto box = mailbox::Mailbox<Listed>::initialize(region.span(), Worker::idle);
  auto t = box.acquire(Worker::idle);
  t.set_text<"message">("ok");
  const auto read = t.text<"message">();
  std::move(t).publish(Worker::task_ready);
  // The peer owns the field now and rewrites it, terminator and all.
  std::memset(region.bytes + Listed::offset_of<"message">, 'x', 8);
  CHECK(std::string_view(read.data(), read.size()) == "ok");
  CHECK(read.size() == 2);
  // Still readable after the hand-over, and as long as the field at most.
  auto again = box.acquire(Worker::task_ready);
  const auto unterminated = again.text<"message">();
  std::memset(region.bytes + Listed::offset_of<"message">, 'y', 8);
  CHECK(std::string_view(unterminated.data(), unterminated.size()) == "xxxxxxxx");
  std::move(again).publish(Worker::idle);
}
