// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::frame_set: frames of one mailbox_array that run different
// protocols over one layout, each started in its protocol's first state, its
// endpoints typed by the frame's protocol (a compile error for a constant
// index, tests/compile_fail/protocol_frame_of_another_protocol.cpp; a
// protocol_error for a run-time one), and a header that records which frames
// run which protocol.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <type_traits>

#include "support/catch.hpp"

namespace {

enum class S : std::int32_t { booting, ready, idle, request, reply, work, done };

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"value", std::uint64_t>,
                              mailbox::flag<"shutdown", std::int32_t>>;

// Frame 0: a boot handshake, then requests.
using Control =
    mailbox::protocol<Frame, mailbox::initial<S::booting>,
                      mailbox::in_state<S::booting, mailbox::owner<"child">, mailbox::next<S::ready>>,
                      mailbox::in_state<S::ready, mailbox::owner<"parent">, mailbox::next<S::idle>>,
                      mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::next<S::request>>,
                      mailbox::in_state<S::request, mailbox::owner<"child">, mailbox::next<S::reply>>,
                      mailbox::in_state<S::reply, mailbox::owner<"parent">, mailbox::next<S::idle>>,
                      mailbox::flag_rule<"shutdown", mailbox::raised_by<"parent">>>;

// Frames 1..n: tasks.
using Task =
    mailbox::protocol<Frame, mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::next<S::work>>,
                      mailbox::in_state<S::work, mailbox::owner<"child">, mailbox::next<S::done>>,
                      mailbox::in_state<S::done, mailbox::owner<"parent">, mailbox::next<S::idle>>>;

using Frames = mailbox::frame_set<mailbox::frames<Control, 1>, mailbox::frames<Task, 2>>;
using Swapped = mailbox::frame_set<mailbox::frames<Task, 2>, mailbox::frames<Control, 1>>;
using AllTasks = mailbox::frame_set<mailbox::frames<Task, 3>>;

struct alignas(64) memory {
  std::byte bytes[Frames::size_with_header]{};
  std::span<std::byte> with_header() noexcept { return bytes; }
  std::span<std::byte> without_header() noexcept {
    return std::span<std::byte>(bytes).first(Frames::required_size);
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a frame set knows which protocol each frame runs", "[frame_set]") {
  STATIC_REQUIRE(Frames::count == 3);
  STATIC_REQUIRE(std::is_same_v<Frames::protocol_at<0>, Control>);
  STATIC_REQUIRE(std::is_same_v<Frames::protocol_at<1>, Task>);
  STATIC_REQUIRE(std::is_same_v<Frames::protocol_at<2>, Task>);
  STATIC_REQUIRE(Frames::runs<Control>(0) && !Frames::runs<Task>(0));
  STATIC_REQUIRE(Frames::runs<Task>(2) && !Frames::runs<Task>(3));
  STATIC_REQUIRE(Frames::required_size == 3 * mailbox::mailbox_array<Frame>::stride);
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<const Frames&>().endpoint<0, "parent">()),
                                mailbox::endpoint<Control, "parent">>);
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<const Frames&>().endpoint<2, "child">()),
                                mailbox::endpoint<Task, "child">>);
}

TEST_CASE("the set's fingerprint says which frames run which protocol", "[frame_set][fingerprint]") {
  // One protocol: that protocol's fingerprint, so a region made for it and a
  // frame set of it meet.
  STATIC_REQUIRE(AllTasks::fingerprint<> == mailbox::protocol_fingerprint<Task>);
  STATIC_REQUIRE(AllTasks::fingerprint<7> == mailbox::protocol_fingerprint<Task, 7>);
  using OneControl = mailbox::frame_set<mailbox::frames<Control, 2>, mailbox::frames<Task, 1>>;
  const std::set<std::uint64_t> prints{Frames::fingerprint<>,   Swapped::fingerprint<>,
                                       AllTasks::fingerprint<>, OneControl::fingerprint<>,
                                       Frames::fingerprint<1>,  mailbox::protocol_fingerprint<Control>};
  CHECK(prints.size() == 6);
}

TEST_CASE("initialize starts every frame in its protocol's first state", "[frame_set]") {
  memory m;
  const Frames set = Frames::initialize(m.without_header());
  CHECK(set[0].state() == S::booting);
  CHECK(set[1].state() == S::idle);
  CHECK(set[2].state() == S::idle);
  CHECK(set.size() == 3);
  // A run through frame 0's protocol and frame 1's.
  const auto child = set.endpoint<0, "child">();
  std::move(child.acquire<S::booting>()).publish<S::ready>();
  const auto parent = set.endpoint<Control, "parent", 0>();
  std::move(parent.acquire<S::ready>()).publish<S::idle>();
  parent.raise<"shutdown">();
  CHECK(child.is_raised<"shutdown">());
  auto task = set.endpoint<Task, "parent">(1).acquire<S::idle>();
  task.set<"value">(42);
  std::move(task).publish<S::work>();
  auto work = set.endpoint<Task, "child">(1).acquire<S::work>();
  CHECK(work.get<"value">() == 42);
  std::move(work).publish<S::done>();
  CHECK(set[2].state() == S::idle);  // frame 2 untouched
}

TEST_CASE("an endpoint for a run-time index is checked against the frame's protocol", "[frame_set]") {
  memory m;
  const Frames set = Frames::initialize(m.without_header());
  CHECK_NOTHROW((set.endpoint<Task, "parent">(2)));
  CHECK_NOTHROW((set.endpoint<Control, "parent">(0)));
  try {
    (void)set.endpoint<Task, "parent">(0);
    FAIL("frame 0 runs the control protocol");
  } catch (const mailbox::protocol_error& e) {
    const std::string what = e.what();
    CHECK(contains(
        what, "frame 0 runs the protocol " + mailbox::detail::hex(mailbox::protocol_fingerprint<Control>)));
    CHECK(contains(what,
                   "not the one asked for (" + mailbox::detail::hex(mailbox::protocol_fingerprint<Task>)));
  }
  CHECK_THROWS_AS((set.endpoint<Control, "parent">(1)), mailbox::protocol_error);
  CHECK_THROWS_AS((set.endpoint<Task, "parent">(3)), mailbox::index_error);
  // A frame set over an array of another size is refused.
  CHECK_THROWS_AS(Frames(mailbox::mailbox_array<Frame>(m.without_header(), 2)), mailbox::region_error);
}

TEST_CASE("the header records the frame set; attaching with another set is refused, naming both",
          "[frame_set][header]") {
  memory m;
  const Frames made = Frames::initialize_with_header<3>(m.with_header());
  CHECK(made[0].state() == S::booting);
  CHECK(made[2].state() == S::idle);
  const Frames again = Frames::attach_with_header<3>(m.with_header());
  CHECK(again[0].address() == made[0].address());
  // The same layout and count, the frames' protocols in another order.
  try {
    (void)Swapped::attach_with_header<3>(m.with_header());
    FAIL("the region runs another frame set");
  } catch (const mailbox::header_error& e) {
    const std::string what = e.what();
    CHECK(e.what_kind() == mailbox::header_error::kind::fingerprint_mismatch);
    CHECK(contains(what, "protocol fingerprint mismatch"));
    CHECK(contains(what, mailbox::detail::hex(Swapped::fingerprint<3>)));
    CHECK(contains(what, mailbox::detail::hex(Frames::fingerprint<3>)));
    CHECK(e.expected() == Swapped::fingerprint<3>);
    CHECK(e.found() == Frames::fingerprint<3>);
  }
  CHECK_THROWS_AS(AllTasks::attach_with_header<3>(m.with_header()), mailbox::header_error);
  // Without a protocol the array form attaches (the unchecked level); with
  // the set's fingerprint it does too.
  CHECK((mailbox::attach_array_with_header<Frame, 3>(m.with_header(), 3).size() == 3));
  CHECK((mailbox::attach_array_with_header<Frame, 3>(m.with_header(), 3, {}, Frames::fingerprint<3>).size() ==
         3));
  CHECK_THROWS_AS((mailbox::attach_array_with_header<Frame, 3>(m.with_header(), 3, {},
                                                               mailbox::protocol_fingerprint<Task, 3>)),
                  mailbox::header_error);
}

TEST_CASE("a region made for one protocol is a frame set of it", "[frame_set][header]") {
  memory m;
  (void)mailbox::initialize_array_with_header<Frame>(m.with_header(), 3, S::idle,
                                                     mailbox::protocol_fingerprint<Task>);
  const AllTasks set = AllTasks::attach_with_header(m.with_header());
  CHECK((set.endpoint<Task, "parent", 2>().state() == S::idle));
  // ... and not one that runs the control protocol in frame 0.
  CHECK_THROWS_AS(Frames::attach_with_header(m.with_header()), mailbox::header_error);
}

TEST_CASE("to_dot draws a frame set: one cluster per group, its protocol inside", "[frame_set][dot]") {
  const std::string dot = mailbox::to_dot<Frames>("frames");
  INFO(dot);
  CHECK(dot.rfind("digraph \"frames\" {", 0) == 0);
  CHECK(contains(dot, "subgraph \"cluster_0\" {\n    label=\"frame 0\";"));
  CHECK(contains(dot, "subgraph \"cluster_1\" {\n    label=\"frames 1-2\";"));
  // Each group's states under its own ids: idle is in both protocols.
  CHECK(contains(dot, "\"0:(start)\" -> \"0:booting\";"));
  CHECK(contains(dot, "\"1:(start)\" -> \"1:idle\";"));
  CHECK(contains(dot, "\"0:idle\" -> \"0:request\" [label=\"parent\"];"));
  CHECK(contains(dot, "\"1:idle\" -> \"1:work\" [label=\"parent\"];"));
  CHECK_FALSE(contains(dot, "\"1:booting\""));
  // Each protocol's flag rules.
  CHECK(contains(
      dot,
      "\"0:flag shutdown\" [shape=note, label=\"flag shutdown\\nraised by: parent\\ncleared by: nobody\"];"));
  CHECK(contains(
      dot, "\"1:flag shutdown\" [shape=note, label=\"flag shutdown\\nraised and cleared by any role\"];"));
}
