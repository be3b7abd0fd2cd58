// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The Mailbox view and its token: region checks, acquire/try_acquire, payload
// access, and what happens to a token after publish.
//
// Built with the debug-build token check on (a dropped token aborts), as a
// build without NDEBUG has it by default: the tests below publish every
// token they take, and some check the check.
#define MAILBOX_DEBUG_TOKENS 1
#include <mailbox/mailbox.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "support/catch.hpp"
#include "support/child_process.hpp"
#include "support/design_task.hpp"
#include "support/shared_region.hpp"

namespace {

using test_support::Task;
using test_support::Worker;

using Box = mailbox::Mailbox<Task>;

std::string region_error_for(std::span<std::byte> region) {
  try {
    Box box(region);
  } catch (const mailbox::region_error& e) {
    return e.what();
  }
  return {};
}

using test_support::abort_message_of;
using test_support::child_outcome;
using test_support::contains;
using test_support::run_in_child;

enum class Listed : std::int32_t { idle, busy };
using ListedTask = mailbox::layout<mailbox::state<"state", Listed>, mailbox::field<"value", std::int32_t>,
                                   mailbox::valid_states<Listed::idle, Listed::busy>>;

enum class Sleepy : std::uint32_t { idle, busy, marked = 0x80000001u };
using BlockingTask = mailbox::layout<mailbox::state<"state", Sleepy>, mailbox::field<"value", std::int32_t>,
                                     mailbox::blocking_waiters>;

// Trivially copyable, but with no default constructor.
struct Point {
  constexpr Point(std::int32_t x_, std::int32_t y_) noexcept : x(x_), y(y_) {}
  std::int32_t x;
  std::int32_t y;
};
using PointTask = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"where", Point>>;

}  // namespace

TEST_CASE("a too small region is refused with expected and actual sizes", "[mailbox][region]") {
  test_support::local_region<Task> region;
  const std::string message = region_error_for(region.span().first(4000));
  CHECK(contains(message, "too small"));
  CHECK(contains(message, "expected at least 4096 bytes"));
  CHECK(contains(message, "got 4000 bytes"));
  CHECK(contains(region_error_for({}), "got 0 bytes"));
}

TEST_CASE("a misaligned region is refused with expected and actual alignment", "[mailbox][region]") {
  alignas(128) static std::byte storage[Task::size + 128];
  STATIC_REQUIRE(Task::alignment == alignof(std::uint64_t));
  const std::string message = region_error_for(std::span<std::byte>(storage + 4, Task::size));
  CHECK(contains(message, "misaligned"));
  CHECK(contains(message, "expected an address aligned to " + std::to_string(Task::alignment) + " bytes"));
  CHECK(contains(message, "got an address aligned to 4 bytes"));
  CHECK(region_error_for(std::span<std::byte>(storage + Task::alignment, Task::size)).empty());
}

TEST_CASE("a larger region is fine and only its first bytes are used", "[mailbox][region]") {
  alignas(64) static std::byte storage[Task::size * 2];
  std::fill(std::begin(storage), std::end(storage), std::byte{0x5a});
  (void)Box::initialize(storage, Worker::idle);
  CHECK(std::any_of(storage, storage + Task::size, [](std::byte b) { return b != std::byte{0x5a}; }));
  CHECK(
      std::all_of(storage + Task::size, std::end(storage), [](std::byte b) { return b == std::byte{0x5a}; }));
}

TEST_CASE("try_acquire gives a token only in the expected state", "[mailbox]") {
  test_support::local_region<Task> region;
  auto box = Box::initialize(region.span(), Worker::idle);
  CHECK_FALSE(box.try_acquire(Worker::task_done).has_value());

  auto token = box.try_acquire(Worker::idle);
  REQUIRE(token.has_value());
  token->set<"callable">(42);
  token->set<"error">(-7);
  std::uint64_t args[16];
  for (std::size_t i = 0; i < 16; ++i) args[i] = i * i;
  token->set<"args">(args);
  std::move(*token).publish(Worker::task_ready);
  CHECK(box.state() == Worker::task_ready);
  CHECK_FALSE(box.try_acquire(Worker::idle).has_value());

  auto reader = box.acquire(Worker::task_ready);
  CHECK(reader.get<"callable">() == 42);
  CHECK(reader.get<"error">() == -7);
  auto view = reader.span<"args">();
  STATIC_REQUIRE(decltype(view)::extent == 16);
  for (std::size_t i = 0; i < 16; ++i) CHECK(view[i] == i * i);

  // The payload lives at the layout's offsets, nowhere else.
  std::uint64_t callable;
  std::memcpy(&callable, region.bytes + Task::offset_of<"callable">, sizeof callable);
  CHECK(callable == 42);
  std::move(reader).publish(Worker::idle);
}

TEST_CASE("spans write in place and const tokens read only", "[mailbox]") {
  test_support::local_region<Task> region;
  auto box = Box::initialize(region.span(), Worker::idle);
  auto token = box.acquire(Worker::idle);
  auto text = token.span<"error_msg">();
  const char message[] = "division by zero";
  std::copy(std::begin(message), std::end(message), text.begin());

  const auto& read_only = token;
  auto const_text = read_only.span<"error_msg">();
  STATIC_REQUIRE(std::is_same_v<decltype(const_text.data()), const char*>);
  STATIC_REQUIRE(decltype(const_text)::extent == 256);
  CHECK(std::string(const_text.data()) == "division by zero");
  // A std::span when one is wanted: spelt out, checked once, here.
  const std::span<const char, 256> plain(const_text);
  CHECK(plain.data() == const_text.data());
  CHECK(std::memcmp(region.bytes + Task::offset_of<"error_msg">, message, sizeof message) == 0);
  std::move(token).publish(Worker::task_done);
}

TEST_CASE("free functions mirror the member functions", "[mailbox]") {
  test_support::local_region<Task> region;
  auto box = Box::initialize(region.span(), Worker::idle);
  auto token = box.acquire(Worker::idle);
  mailbox::set<"error">(token, 3);
  mailbox::span<"args">(token)[15] = 99;
  CHECK(mailbox::get<"error">(token) == 3);
  CHECK(token.span<"args">()[15] == 99);
  std::move(token).publish(Worker::task_ready);
}

TEST_CASE("a moved token carries the access, the moved-from one none", "[mailbox]") {
  test_support::local_region<Task> region;
  auto box = Box::initialize(region.span(), Worker::idle);
  auto first = box.acquire(Worker::idle);
  first.set<"error">(11);
  auto second = std::move(first);
  CHECK(second.get<"error">() == 11);
  std::move(second).publish(Worker::task_ready);
  CHECK(box.state() == Worker::task_ready);
}

TEST_CASE("using a token after publish stops the program with a message", "[mailbox][death]") {
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  const std::string message = abort_message_of([&] {
    auto token = box.acquire(Worker::idle);
    auto alias = std::move(token);
    std::move(alias).publish(Worker::task_ready);
    (void)alias.get<"error">();  // deliberate misuse: the token is spent
  });
  CHECK(contains(message, "token was used after publish"));
  // The publish before the misuse still happened.
  CHECK(box.state() == Worker::task_ready);
}

TEST_CASE("a moved-from token says so, not \"used after publish\"", "[mailbox][death]") {
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  const std::string message = abort_message_of([&] {
    auto token = box.acquire(Worker::idle);
    auto alias = std::move(token);
    (void)token.get<"error">();  // deliberate misuse: the access went with the move
    std::move(alias).publish(Worker::idle);
  });
  CHECK(contains(message, "token was used after it was moved from"));
  CHECK_FALSE(contains(message, "after publish"));
}

TEST_CASE("a span does not outlive its token's publish", "[mailbox][death]") {
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  const std::string message = abort_message_of([&] {
    auto token = box.acquire(Worker::idle);
    auto args = token.span<"args">();
    args[0] = 1;
    std::move(token).publish(Worker::task_ready);
    args[1] = 2;  // deliberate misuse: the payload is the peer's now
  });
  CHECK(contains(message, "token was used after publish"));
  // The write before the publish went through, the one after did not.
  auto reader = box.acquire(Worker::task_ready);
  CHECK(reader.span<"args">()[0] == 1);
  CHECK(reader.span<"args">()[1] == 0);
  std::move(reader).publish(Worker::idle);

  CHECK(contains(abort_message_of([&] {
                   auto token = box.acquire(Worker::idle);
                   auto args = token.span<"args">();
                   std::move(token).publish(Worker::idle);
                   for (auto& a : args) a = 3;  // the range-for checks at begin()
                 }),
                 "token was used after publish"));
}

TEST_CASE("a dropped token stops a debug build with a message", "[mailbox][death]") {
  STATIC_REQUIRE(mailbox::debug_tokens);
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  CHECK(contains(abort_message_of([&] { (void)box.acquire(Worker::idle); }),
                 "token was destroyed without publish()"));
  CHECK(contains(abort_message_of([&] {
                   auto first = box.acquire(Worker::idle);
                   auto second = box.acquire(Worker::idle);
                   second = std::move(first);  // drops the token second held
                   std::move(second).publish(Worker::idle);
                 }),
                 "token was destroyed without publish()"));
  // Twins: published and moved-from tokens are destroyed quietly (in this
  // process: a wrong abort would stop the whole test run).
  {
    auto token = box.acquire(Worker::idle);
    auto moved = std::move(token);
    std::move(moved).publish(Worker::task_ready);
  }
  CHECK(box.state() == Worker::task_ready);
}

TEST_CASE("abandon ends a token without a state change, and a debug build stays quiet",
          "[mailbox][abandon]") {
  STATIC_REQUIRE(mailbox::debug_tokens);
  test_support::local_region<Task> region;
  auto box = Box::initialize(region.span(), Worker::idle);
  {
    auto token = box.acquire(Worker::idle);
    token.set<"error">(5);
    std::move(token).abandon();
  }  // destroyed spent: no abort in this debug build
  CHECK(box.state() == Worker::idle);
  // The owner may take the state again; the unpublished write is still there.
  auto again = box.acquire(Worker::idle);
  CHECK(again.get<"error">() == 5);
  std::move(again).publish(Worker::task_ready);
  CHECK(box.state() == Worker::task_ready);
}

TEST_CASE("a token is spent by abandon as by publish", "[mailbox][abandon][death]") {
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  CHECK(contains(abort_message_of([&] {
                   auto token = box.acquire(Worker::idle);
                   std::move(token).abandon();
                   token.set<"error">(1);  // deliberate misuse: the token is spent
                 }),
                 "token was used after publish() or abandon()"));
  CHECK(contains(abort_message_of([&] {
                   auto token = box.acquire(Worker::idle);
                   std::move(token).abandon();
                   std::move(token).publish(Worker::task_ready);  // deliberate misuse
                 }),
                 "token was used after publish() or abandon()"));
  CHECK(box.state() == Worker::idle);
}

TEST_CASE("an exception unwinding past a token travels on, with a note, in a debug build",
          "[mailbox][abandon][death]") {
  STATIC_REQUIRE(mailbox::debug_tokens);
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  // In a child, so that an abort (the old behaviour) fails this check instead
  // of the whole run; the child exits 0 only if it caught the exception.
  const child_outcome outcome = run_in_child([&] {
    try {
      auto token = box.acquire(Worker::idle);
      token.set<"error">(9);
      throw std::runtime_error("the task failed");
    } catch (const std::runtime_error&) {
      ::_exit(box.state() == Worker::idle ? 0 : 1);
    }
    ::_exit(2);
  });
  CHECK(outcome.status == 0);
  const std::string& written = outcome.written;
  CHECK(contains(written, "token was destroyed by an exception"));
  CHECK(box.state() == Worker::idle);
}

TEST_CASE("a failed wait's result has no token to dereference", "[mailbox][death]") {
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  const auto expired = mailbox::wait_clock::now() - std::chrono::seconds(1);
  const std::string arrow = abort_message_of([&] {
    auto r = box.acquire(Worker::task_done, mailbox::spin{}, expired);
    r->set<"error">(99);  // deliberate misuse: the wait timed out
  });
  CHECK(contains(arrow, "token of a failed wait (timed out) was used"));
  const std::string star = abort_message_of([&] {
    const auto r = box.acquire(Worker::task_done, mailbox::spin{}, expired);
    (void)(*r).get<"error">();
  });
  CHECK(contains(star, "token of a failed wait (timed out) was used"));
  // The misuse wrote nothing.
  auto token = box.acquire(Worker::idle);
  CHECK(token.get<"error">() == 0);
  std::move(token).publish(Worker::idle);

  // value() throws instead; error() is the reason.
  auto failed = box.acquire(Worker::task_done, mailbox::spin{}, expired);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error() == mailbox::wait_error::timed_out);
  CHECK_THROWS_AS(std::move(failed).value(), mailbox::wait_failed);
}

TEST_CASE("a successful wait's result has a token and no error", "[mailbox][death]") {
  test_support::shared_mapping region(Task::size);
  auto box = Box::initialize(region.span(), Worker::idle);
  auto r = box.acquire(Worker::idle, mailbox::spin{});
  REQUIRE(r);
  const auto& read_only = r;
  CHECK(read_only->get<"error">() == 0);
  CHECK((*read_only).get<"callable">() == 0);
  r.value().set<"error">(5);
  CHECK(r->get<"error">() == 5);
  mailbox::token<Task> moved_out = *std::move(r);
  std::move(moved_out).publish(Worker::idle);

  CHECK(contains(abort_message_of([&] {
                   auto ok = box.acquire(Worker::idle, mailbox::spin{});
                   (void)ok.error();  // deliberate misuse: there is no error
                 }),
                 "error() of an acquire_result whose wait succeeded"));
}

TEST_CASE("initialize checks the first state as publish checks the next", "[mailbox][death]") {
  test_support::shared_mapping region(64);
  const auto untouched = [&] {
    return std::all_of(region.span().begin(), region.span().end(),
                       [](std::byte b) { return b == std::byte{0x5a}; });
  };
  std::fill(region.span().begin(), region.span().end(), std::byte{0x5a});
  CHECK(contains(abort_message_of([&] {
                   (void)mailbox::Mailbox<ListedTask>::initialize(region.span(), static_cast<Listed>(7));
                 }),
                 "initialize() of the state value 7, which is not one of the layout's valid_states"));
  CHECK(untouched());  // refused before any byte was written
  CHECK(contains(abort_message_of([&] {
                   (void)mailbox::Mailbox<BlockingTask>::initialize(region.span(), Sleepy::marked);
                 }),
                 "initialize() of a state value with the top bit set"));
  CHECK(untouched());

  auto box = mailbox::Mailbox<ListedTask>::initialize(region.span(), Listed::idle);
  CHECK(contains(abort_message_of([&] {
                   auto token = box.acquire(Listed::idle);
                   std::move(token).publish(static_cast<Listed>(-1));
                 }),
                 "publish() of the state value 4294967295, which is not one of the layout's valid_states"));
  CHECK(box.state() == Listed::idle);  // refused before the store
  auto blocking = mailbox::Mailbox<BlockingTask>::initialize(region.span(), Sleepy::idle);
  CHECK(contains(abort_message_of([&] {
                   auto token = blocking.acquire(Sleepy::idle);
                   std::move(token).publish(Sleepy::marked);
                 }),
                 "publish() of a state value with the top bit set"));
  CHECK(blocking.state() == Sleepy::idle);

  // Twins: declared states initialise and publish.
  auto listed = mailbox::Mailbox<ListedTask>::initialize(region.span(), Listed::busy);
  auto token = listed.acquire(Listed::busy);
  std::move(token).publish(Listed::idle);
  CHECK(listed.state() == Listed::idle);
  CHECK(mailbox::Mailbox<BlockingTask>::initialize(region.span(), Sleepy::busy).state() == Sleepy::busy);
}

TEST_CASE("get reads a trivially copyable type that has no default constructor", "[mailbox]") {
  test_support::local_region<PointTask> region;
  auto box = mailbox::Mailbox<PointTask>::initialize(region.span(), Worker::idle);
  auto token = box.acquire(Worker::idle);
  token.set<"where">(Point{3, -4});
  const Point p = token.get<"where">();
  CHECK(p.x == 3);
  CHECK(p.y == -4);
  std::move(token).publish(Worker::task_ready);
}
