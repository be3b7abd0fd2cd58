// The Mailbox view and its token: region checks, acquire/try_acquire, payload
// access, and what happens to a token after publish.
#include <mailbox/mailbox.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "support/catch.hpp"
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

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

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
  auto box = Box::initialize(storage, Worker::idle);
  CHECK(box.bytes().size() == Task::size);
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
  STATIC_REQUIRE(std::is_same_v<decltype(const_text), std::span<const char, 256>>);
  CHECK(std::string(const_text.data()) == "division by zero");
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
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    auto token = box.acquire(Worker::idle);
    auto alias = std::move(token);
    std::move(alias).publish(Worker::task_ready);
    // Deliberate misuse: both tokens are spent now.
    (void)alias.get<"error">();
    ::_exit(0);  // not reached
  }
  ::close(pipe_fds[1]);
  char buffer[256] = {};
  const ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer - 1);
  ::close(pipe_fds[0]);
  CHECK(test_support::wait_for(child) == -SIGABRT);
  REQUIRE(got > 0);
  CHECK(contains(buffer, "token was used after publish"));
  // The publish before the misuse still happened.
  CHECK(box.state() == Worker::task_ready);
}
