// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Layout fingerprints and the region header that checks them.
#include <mailbox/mailbox.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

namespace fingerprint_modes {
std::uint64_t fingerprint_strict();  // tests/fingerprint/mode_layout.cpp, -std=c++20
std::uint64_t fingerprint_gnu();     // the same file, -std=gnu++20
}  // namespace fingerprint_modes

namespace {

enum class Worker : std::int32_t { idle, task_ready, task_done };
enum class Worker64 : std::int64_t { idle, task_ready, task_done };

using Base = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                             mailbox::field<"operand", std::uint64_t>,
                             mailbox::field<"args", std::uint64_t[4]>, mailbox::field<"error_msg", char[32]>>;
// Each differs from Base in exactly one respect.
using Renamed =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"errno", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;
using Unsigned =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::uint32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;
using Float =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", float>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;
using Moved =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t, 16>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;
using Longer =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[5]>,
                    mailbox::field<"error_msg", char[24]>>;
using Reshaped =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint32_t[8]>,
                    mailbox::field<"error_msg", char[32]>>;
using WideState =
    mailbox::layout<mailbox::state<"state", Worker64>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;
using Padded =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>, mailbox::total_size<256>>;
using Listed =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>,
                    mailbox::valid_states<Worker::idle, Worker::task_ready, Worker::task_done>>;
using Blocking =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>, mailbox::blocking_waiters>;
using Reordered =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"operand", std::uint64_t>,
                    mailbox::field<"error", std::int32_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;
// Same declaration as Base, written again: must fingerprint the same.
using BaseAgain =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"error_msg", char[32]>>;

// Overlays and flags: each differs from Viewed in one respect, with every
// offset and size unchanged, so only the overlay bookkeeping tells them apart.
using Viewed = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                               mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t, 8>>,
                               mailbox::overlay<"task", mailbox::field<"blob", std::uint64_t[2], 8>>,
                               mailbox::flag<"shutdown", std::int32_t, 24>>;
using ViewRenamed = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                                    mailbox::overlay<"command", mailbox::field<"arg0", std::uint64_t, 8>>,
                                    mailbox::overlay<"task", mailbox::field<"blob", std::uint64_t[2], 8>>,
                                    mailbox::flag<"shutdown", std::int32_t, 24>>;
using FlagAsField = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                                    mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t, 8>>,
                                    mailbox::overlay<"task", mailbox::field<"blob", std::uint64_t[2], 8>>,
                                    mailbox::field<"shutdown", std::int32_t, 24>>;
// The same offsets, but each field in the other overlay.
using FieldMoved = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                                   mailbox::overlay<"control", mailbox::field<"blob", std::uint64_t[2], 8>>,
                                   mailbox::overlay<"task", mailbox::field<"arg0", std::uint64_t, 8>>,
                                   mailbox::flag<"shutdown", std::int32_t, 24>>;

static_assert(mailbox::fingerprint<Base> == mailbox::fingerprint<BaseAgain>,
              "fingerprints are computed at compile time");

}  // namespace

TEST_CASE("changing any part of a layout changes its fingerprint", "[fingerprint]") {
  const std::array<std::uint64_t, 13> prints = {
      mailbox::fingerprint<Base>,     mailbox::fingerprint<Renamed>,   mailbox::fingerprint<Unsigned>,
      mailbox::fingerprint<Float>,    mailbox::fingerprint<Moved>,     mailbox::fingerprint<Longer>,
      mailbox::fingerprint<Reshaped>, mailbox::fingerprint<WideState>, mailbox::fingerprint<Padded>,
      mailbox::fingerprint<Listed>,   mailbox::fingerprint<Blocking>,  mailbox::fingerprint<Reordered>,
      mailbox::fingerprint<Base, 2>,
  };
  for (std::size_t i = 0; i < prints.size(); ++i) {
    for (std::size_t j = i + 1; j < prints.size(); ++j) {
      INFO("variant " << i << " vs variant " << j);
      CHECK(prints[i] != prints[j]);
    }
  }
  // Overlays and flags are part of what both sides must agree on.
  CHECK(mailbox::fingerprint<Viewed> != mailbox::fingerprint<ViewRenamed>);
  CHECK(mailbox::fingerprint<Viewed> != mailbox::fingerprint<FlagAsField>);
  CHECK(mailbox::fingerprint<Viewed> != mailbox::fingerprint<FieldMoved>);
  CHECK(mailbox::fingerprint<ViewRenamed> != mailbox::fingerprint<FieldMoved>);
  // The positive twin: the same declaration gives the same fingerprint.
  CHECK(mailbox::fingerprint<Base> == mailbox::fingerprint<BaseAgain>);
  CHECK(mailbox::fingerprint<Base, 2> == mailbox::fingerprint<BaseAgain, 2>);
}

TEST_CASE("attach_with_header accepts a region initialised with the same layout", "[fingerprint][header]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Base>);
  auto writer = mailbox::initialize_with_header<Base, 3>(segment.bytes(), Worker::idle);
  auto reader = mailbox::attach_with_header<BaseAgain, 3>(segment.bytes());
  auto t = writer.acquire(Worker::idle);
  t.set<"operand">(std::uint64_t{99});
  std::move(t).publish(Worker::task_ready);
  auto r = reader.try_acquire(Worker::task_ready);
  REQUIRE(r);
  CHECK(r->get<"operand">() == 99);
  // The mailbox starts right after the header.
  std::uint64_t stored = 0;
  std::memcpy(&stored, segment.bytes().data() + mailbox::header_size<Base> + Base::offset_of<"operand">,
              sizeof stored);
  CHECK(stored == 99);
}

TEST_CASE("a fingerprint mismatch is an error that shows both fingerprints", "[fingerprint][header]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Longer>);
  (void)mailbox::initialize_with_header<Base>(segment.bytes(), Worker::idle);

  const auto expect_mismatch = [&](auto attach, std::uint64_t ours) {
    try {
      attach();
      FAIL("attached with another layout");
    } catch (const mailbox::header_error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(e.what_kind() == mailbox::header_error::kind::fingerprint_mismatch);
      CHECK(e.expected() == ours);
      CHECK(e.found() == mailbox::fingerprint<Base>);
      CHECK(what.find(mailbox::detail::hex(ours)) != std::string::npos);
      CHECK(what.find(mailbox::detail::hex(mailbox::fingerprint<Base>)) != std::string::npos);
    }
  };
  expect_mismatch([&] { (void)mailbox::attach_with_header<Longer>(segment.bytes()); },
                  mailbox::fingerprint<Longer>);
  expect_mismatch([&] { (void)mailbox::attach_with_header<Float>(segment.bytes()); },
                  mailbox::fingerprint<Float>);
  expect_mismatch([&] { (void)mailbox::attach_with_header<Base, 1>(segment.bytes()); },
                  mailbox::fingerprint<Base, 1>);
  CHECK_NOTHROW((void)mailbox::attach_with_header<Base>(segment.bytes()));
}

TEST_CASE("a child built with another layout is refused across fork()", "[fingerprint][header][fork]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Base>);
  (void)mailbox::initialize_with_header<Base>(segment.bytes(), Worker::idle);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      (void)mailbox::attach_with_header<Renamed>(segment.bytes());
      code = 1;
    } catch (const mailbox::header_error& e) {
      code = e.what_kind() == mailbox::header_error::kind::fingerprint_mismatch ? 0 : 2;
    }
    try {
      (void)mailbox::attach_with_header<Base>(segment.bytes());
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  CHECK(test_support::wait_for(child) == 0);
}

TEST_CASE("a region without a header is refused", "[fingerprint][header]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Base>);
  SECTION("not initialised: an error, also after waiting until a deadline") {
    try {
      (void)mailbox::attach_with_header<Base>(segment.bytes(),
                                              mailbox::wait_clock::now() + std::chrono::milliseconds(20));
      FAIL("attached to a zeroed region");
    } catch (const mailbox::header_error& e) {
      CHECK(e.what_kind() == mailbox::header_error::kind::not_initialized);
    }
  }
  SECTION("something else: the magic is shown") {
    std::memset(segment.bytes().data(), 0x5a, 8);
    try {
      (void)mailbox::attach_with_header<Base>(segment.bytes());
      FAIL("attached to a region with a foreign magic");
    } catch (const mailbox::header_error& e) {
      INFO(e.what());
      CHECK(e.what_kind() == mailbox::header_error::kind::bad_magic);
      CHECK(std::string(e.what()).find("0x5a5a5a5a5a5a5a5a") != std::string::npos);
    }
  }
  SECTION("too small for header and layout") {
    CHECK_THROWS_AS(
        (void)mailbox::attach_with_header<Base>(segment.bytes().first(mailbox::size_with_header<Base> - 1)),
        mailbox::header_error);
    CHECK_THROWS_AS((void)mailbox::initialize_with_header<Base>(
                        segment.bytes().first(mailbox::size_with_header<Base> - 1), Worker::idle),
                    mailbox::header_error);
  }
}

TEST_CASE("c_definitions exports the layout's computed figures for other languages",
          "[fingerprint][export]") {
  const std::string text = mailbox::c_definitions<Padded, 4>("TASK");
  INFO(text);
  const auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  CHECK(has("#define TASK_SIZE " + std::to_string(Padded::size)));
  CHECK(has("#define TASK_HEADER_SIZE " + std::to_string(mailbox::header_size<Padded>)));
  CHECK(has("#define TASK_FINGERPRINT " + mailbox::detail::hex(mailbox::fingerprint<Padded, 4>) + "ULL"));
  CHECK(has("#define TASK_VERSION 4"));
  CHECK(has("#define TASK_STATE_OFFSET " + std::to_string(Padded::offset_of<"state">)));
  CHECK(has("#define TASK_OPERAND_OFFSET " + std::to_string(Padded::offset_of<"operand">)));
  CHECK(has("#define TASK_ERROR_MSG_OFFSET " + std::to_string(Padded::offset_of<"error_msg">)));
  CHECK(has("#define TASK_ERROR_MSG_SIZE 32"));
  CHECK(has("#define TASK_ARGS_SIZE " + std::to_string(sizeof(std::uint64_t[4]))));
  // The twin: another layout exports other figures.
  CHECK(mailbox::c_definitions<Longer>("TASK") != mailbox::c_definitions<Base>("TASK"));
}

TEST_CASE("c_definitions names overlay fields after their overlay and marks flags", "[fingerprint][export]") {
  const std::string text = mailbox::c_definitions<Viewed>("FRAME");
  INFO(text);
  const auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  CHECK(has("#define FRAME_ERROR_OFFSET 4"));
  CHECK(has("#define FRAME_CONTROL_ARG0_OFFSET " + std::to_string(Viewed::offset_of<"arg0">)));
  CHECK(has("#define FRAME_TASK_BLOB_OFFSET " + std::to_string(Viewed::offset_of<"blob">)));
  CHECK(has("#define FRAME_TASK_BLOB_SIZE 16"));
  CHECK(has("#define FRAME_SHUTDOWN_OFFSET 24"));
  CHECK(has("#define FRAME_SHUTDOWN_FLAG 1"));
  CHECK_FALSE(has("#define FRAME_ERROR_FLAG 1"));
  CHECK(text.find("FRAME_ARG0_OFFSET") == std::string::npos);
}

// Names that collide after mangling do not compile (tests/compile_fail/
// c_name_*.cpp); these near misses must export, each under its own name.
TEST_CASE("c_definitions exports names that differ after mangling", "[fingerprint][export]") {
  using Near =
      mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"a_b", std::int32_t>,
                      mailbox::field<"a_c", std::int32_t>, mailbox::field<"control_arg1", std::int32_t>,
                      mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>>>;
  const std::string text = mailbox::c_definitions<Near>("T");
  INFO(text);
  CHECK(text.find("#define T_A_B_OFFSET") != std::string::npos);
  CHECK(text.find("#define T_A_C_OFFSET") != std::string::npos);
  CHECK(text.find("#define T_CONTROL_ARG1_OFFSET") != std::string::npos);
  CHECK(text.find("#define T_CONTROL_ARG0_OFFSET") != std::string::npos);
}

TEST_CASE("the fingerprint does not depend on -std=c++20 or -std=gnu++20", "[fingerprint]") {
  // __int128, unsigned __int128 and long double fields, hashed by two TUs
  // built in the two modes.
  CHECK(fingerprint_modes::fingerprint_strict() == fingerprint_modes::fingerprint_gnu());
}

TEST_CASE("the fingerprint tells integers, floats, enums, characters and records apart", "[fingerprint]") {
  enum class Small : std::uint32_t { a };
  enum class Signed : std::int32_t { a };
  struct Record {
    std::uint32_t v;
  };
  using I = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", std::int32_t>>;
  using U = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", std::uint32_t>>;
  using F = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", float>>;
  using E = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", Small>>;
  using S = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", Signed>>;
  using C = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", char32_t>>;
  using R = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", Record>>;
  using A = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", std::uint16_t[2][4]>>;
  using B = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"v", std::uint16_t[4][2]>>;
  const std::array<std::uint64_t, 9> prints = {
      mailbox::fingerprint<I>, mailbox::fingerprint<U>, mailbox::fingerprint<F>,
      mailbox::fingerprint<E>, mailbox::fingerprint<S>, mailbox::fingerprint<C>,
      mailbox::fingerprint<R>, mailbox::fingerprint<A>, mailbox::fingerprint<B>};
  for (std::size_t i = 0; i < prints.size(); ++i) {
    for (std::size_t j = i + 1; j < prints.size(); ++j) {
      INFO("variant " << i << " vs variant " << j);
      CHECK(prints[i] != prints[j]);
    }
  }
  CHECK(mailbox::detail::type_kind<std::int64_t>() == mailbox::detail::type_kind_id::signed_integer);
  CHECK(mailbox::detail::type_kind<double[3]>() == mailbox::detail::type_kind_id::floating);
  CHECK(mailbox::detail::type_kind<char[8]>() == mailbox::detail::type_kind_id::character);
}
