// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Layout offsets, sizes and field iteration, checked against what the C++
// compiler itself lays out for an equivalent struct.
#include <mailbox/mailbox.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "support/catch.hpp"
#include "support/design_frame.hpp"
#include "support/design_task.hpp"

namespace {

using test_support::Task;
using test_support::Worker;

struct TaskMirror {
  Worker state;
  std::int32_t error;
  std::uint64_t callable;
  alignas(64) std::uint64_t args[16];
  char error_msg[256];
};

static_assert(Task::offset_of<"state"> == offsetof(TaskMirror, state));
static_assert(Task::offset_of<"error"> == offsetof(TaskMirror, error));
static_assert(Task::offset_of<"callable"> == offsetof(TaskMirror, callable));
static_assert(Task::offset_of<"args"> == offsetof(TaskMirror, args));
static_assert(Task::offset_of<"error_msg"> == offsetof(TaskMirror, error_msg));
static_assert(Task::size == 4096);
static_assert(std::is_same_v<Task::type_of<"error">, std::int32_t>);
static_assert(std::is_same_v<Task::type_of<"args">, std::uint64_t[16]>);
static_assert(std::is_same_v<Task::state_type, Worker>);

// Mixed sizes in an order that needs padding after nearly every field.
using Mixed = mailbox::layout<mailbox::field<"tag", char>, mailbox::field<"count", std::uint64_t>,
                              mailbox::field<"flag", std::uint8_t>, mailbox::state<"state", std::uint32_t>,
                              mailbox::field<"ratio", double>, mailbox::field<"small", std::int16_t>>;
struct MixedMirror {
  char tag;
  std::uint64_t count;
  std::uint8_t flag;
  std::uint32_t state;
  double ratio;
  std::int16_t small;
};

// Arrays and a 64-bit state word last, with trailing padding.
using Arrays = mailbox::layout<mailbox::field<"bytes", std::uint8_t[3]>,
                               mailbox::field<"words", std::uint32_t[5]>, mailbox::field<"text", char[7]>,
                               mailbox::state<"state", std::int64_t>, mailbox::field<"tail", char>>;
struct ArraysMirror {
  std::uint8_t bytes[3];
  std::uint32_t words[5];
  char text[7];
  std::int64_t state;
  char tail;
};

// A user struct as a payload field keeps its own alignment.
struct Point {
  float x, y, z;
};
struct alignas(16) Vec4 {
  float v[4];
};
using Structs = mailbox::layout<mailbox::state<"state", std::uint32_t>, mailbox::field<"where", Point>,
                                mailbox::field<"dir", Vec4>, mailbox::field<"id", std::uint16_t>>;
struct StructsMirror {
  std::uint32_t state;
  Point where;
  Vec4 dir;
  std::uint16_t id;
};

// Overlays follow C's anonymous union of structs. The mirror names its unions
// and structs (anonymous structs are an extension -Wpedantic refuses); their
// layout is the same. Two runs of overlays, split by a flag, make two unions.
using Unioned = mailbox::layout<
    mailbox::state<"state", std::uint32_t>, mailbox::field<"tag", std::uint8_t>,
    mailbox::overlay<"a", mailbox::field<"a_word", std::uint64_t>, mailbox::field<"a_byte", std::uint8_t>>,
    mailbox::overlay<"b", mailbox::field<"b_text", char[13]>, mailbox::field<"b_half", std::uint16_t>>,
    mailbox::overlay<"c", mailbox::field<"c_short", std::uint16_t>>, mailbox::flag<"ready", std::uint32_t>,
    mailbox::overlay<"d", mailbox::field<"d_half", std::uint16_t>, mailbox::field<"d_byte", std::uint8_t>>,
    mailbox::overlay<"e", mailbox::field<"e_text", char[5]>>, mailbox::field<"tail", char[3]>>;
struct MirrorA {
  std::uint64_t a_word;
  std::uint8_t a_byte;
};
struct MirrorB {
  char b_text[13];
  std::uint16_t b_half;
};
struct MirrorC {
  std::uint16_t c_short;
};
union MirrorABC {
  MirrorA a;
  MirrorB b;
  MirrorC c;
};
struct MirrorD {
  std::uint16_t d_half;
  std::uint8_t d_byte;
};
struct MirrorE {
  char e_text[5];
};
union MirrorDE {
  MirrorD d;
  MirrorE e;
};
struct UnionedMirror {
  std::uint32_t state;
  std::uint8_t tag;
  MirrorABC abc;
  std::uint32_t ready;
  MirrorDE de;
  char tail[3];
};

template <class Layout, class Mirror>
constexpr bool size_and_alignment_match() {
  return Layout::size == sizeof(Mirror) && Layout::alignment == alignof(Mirror);
}

}  // namespace

TEST_CASE("computed offsets follow C struct rules", "[layout]") {
  STATIC_REQUIRE(Mixed::offset_of<"tag"> == offsetof(MixedMirror, tag));
  STATIC_REQUIRE(Mixed::offset_of<"count"> == offsetof(MixedMirror, count));
  STATIC_REQUIRE(Mixed::offset_of<"flag"> == offsetof(MixedMirror, flag));
  STATIC_REQUIRE(Mixed::offset_of<"state"> == offsetof(MixedMirror, state));
  STATIC_REQUIRE(Mixed::offset_of<"ratio"> == offsetof(MixedMirror, ratio));
  STATIC_REQUIRE(Mixed::offset_of<"small"> == offsetof(MixedMirror, small));
  STATIC_REQUIRE(size_and_alignment_match<Mixed, MixedMirror>());

  STATIC_REQUIRE(Arrays::offset_of<"bytes"> == offsetof(ArraysMirror, bytes));
  STATIC_REQUIRE(Arrays::offset_of<"words"> == offsetof(ArraysMirror, words));
  STATIC_REQUIRE(Arrays::offset_of<"text"> == offsetof(ArraysMirror, text));
  STATIC_REQUIRE(Arrays::offset_of<"state"> == offsetof(ArraysMirror, state));
  STATIC_REQUIRE(Arrays::offset_of<"tail"> == offsetof(ArraysMirror, tail));
  STATIC_REQUIRE(size_and_alignment_match<Arrays, ArraysMirror>());

  STATIC_REQUIRE(Structs::offset_of<"where"> == offsetof(StructsMirror, where));
  STATIC_REQUIRE(Structs::offset_of<"dir"> == offsetof(StructsMirror, dir));
  STATIC_REQUIRE(Structs::offset_of<"id"> == offsetof(StructsMirror, id));
  STATIC_REQUIRE(size_and_alignment_match<Structs, StructsMirror>());
}

TEST_CASE("pinned offsets and a pinned size are kept", "[layout]") {
  STATIC_REQUIRE(Task::offset_of<"args"> == 64);
  STATIC_REQUIRE(Task::size == 4096);
  STATIC_REQUIRE(Task::has_pinned_size);
  STATIC_REQUIRE_FALSE(Mixed::has_pinned_size);

  // A field after a pinned one continues from the pinned field's end.
  using AfterPin =
      mailbox::layout<mailbox::state<"state", std::uint32_t, 128>, mailbox::field<"next", std::uint16_t>>;
  STATIC_REQUIRE(AfterPin::offset_of<"state"> == 128);
  STATIC_REQUIRE(AfterPin::offset_of<"next"> == 132);
  STATIC_REQUIRE(AfterPin::size == 136);

  // Pinning the state word on its own cache line, payload first.
  using Split = mailbox::layout<mailbox::field<"data", std::uint64_t[4]>,
                                mailbox::state<"state", std::uint32_t, 64>, mailbox::total_size<128>>;
  STATIC_REQUIRE(Split::offset_of<"state"> == 64);
  STATIC_REQUIRE(Split::size == 128);
}

TEST_CASE("the layout lists its fields in declaration order", "[layout]") {
  STATIC_REQUIRE(Task::field_count == 5);
  constexpr std::string_view names[] = {"state", "error", "callable", "args", "error_msg"};
  for (std::size_t i = 0; i < Task::field_count; ++i) {
    const mailbox::field_info& f = Task::fields[i];
    CAPTURE(i, f.name);
    CHECK(f.name == names[i]);
    CHECK(f.is_state == (i == 0));
    CHECK(f.offset % f.alignment == 0);
  }
  CHECK(Task::fields[3].is_pinned);
  CHECK_FALSE(Task::fields[2].is_pinned);
  CHECK(Task::fields[3].size == sizeof(std::uint64_t[16]));
  CHECK(Task::fields[4].size == 256);
  CHECK(Task::state_name == "state");
  CHECK(Task::state_offset == 0);

  // for_each_field hands over the declaration itself, so types are available.
  std::size_t visited = 0;
  std::size_t bytes = 0;
  Task::for_each_field([&]<class Field, std::size_t Offset>() {
    CHECK(Offset == Task::fields[visited].offset);
    CHECK(Field::name.view() == Task::fields[visited].name);
    bytes += sizeof(typename Field::type);
    ++visited;
  });
  CHECK(visited == Task::field_count);
  CHECK(bytes == 4 + 4 + 8 + 128 + 256);
}

TEST_CASE("name queries tell payload fields from the state word", "[layout]") {
  STATIC_REQUIRE(Task::has<"state">);
  STATIC_REQUIRE(Task::has<"error">);
  STATIC_REQUIRE_FALSE(Task::has<"nope">);
  STATIC_REQUIRE(Task::has_payload<"error">);
  STATIC_REQUIRE_FALSE(Task::has_payload<"state">);
  STATIC_REQUIRE_FALSE(Task::has_payload<"nope">);
  STATIC_REQUIRE(Task::index_of<"callable"> == 2);
  STATIC_REQUIRE(Task::index_of<"nope"> == Task::field_count);
}

TEST_CASE("the region alignment covers std::atomic_ref's requirement", "[layout]") {
  using Wide = mailbox::layout<mailbox::field<"c", char>, mailbox::state<"state", std::uint64_t>>;
  STATIC_REQUIRE(Wide::alignment >= mailbox::detail::atomic_ref<std::uint64_t>::required_alignment);
  STATIC_REQUIRE(Wide::offset_of<"state"> % mailbox::detail::atomic_ref<std::uint64_t>::required_alignment ==
                 0);
  STATIC_REQUIRE(mailbox::Mailbox<Wide>::required_alignment == Wide::alignment);
  STATIC_REQUIRE(mailbox::Mailbox<Wide>::required_size == Wide::size);
}

TEST_CASE("computed offsets in overlays follow C's union of structs", "[layout][overlay]") {
  constexpr std::size_t abc = offsetof(UnionedMirror, abc);
  constexpr std::size_t de = offsetof(UnionedMirror, de);
  STATIC_REQUIRE(Unioned::offset_of<"tag"> == offsetof(UnionedMirror, tag));
  STATIC_REQUIRE(Unioned::offset_of<"a_word"> == abc + offsetof(MirrorABC, a) + offsetof(MirrorA, a_word));
  STATIC_REQUIRE(Unioned::offset_of<"a_byte"> == abc + offsetof(MirrorABC, a) + offsetof(MirrorA, a_byte));
  STATIC_REQUIRE(Unioned::offset_of<"b_text"> == abc + offsetof(MirrorABC, b) + offsetof(MirrorB, b_text));
  STATIC_REQUIRE(Unioned::offset_of<"b_half"> == abc + offsetof(MirrorABC, b) + offsetof(MirrorB, b_half));
  STATIC_REQUIRE(Unioned::offset_of<"c_short"> == abc + offsetof(MirrorABC, c) + offsetof(MirrorC, c_short));
  STATIC_REQUIRE(Unioned::offset_of<"ready"> == offsetof(UnionedMirror, ready));
  STATIC_REQUIRE(Unioned::offset_of<"d_half"> == de + offsetof(MirrorDE, d) + offsetof(MirrorD, d_half));
  STATIC_REQUIRE(Unioned::offset_of<"d_byte"> == de + offsetof(MirrorDE, d) + offsetof(MirrorD, d_byte));
  STATIC_REQUIRE(Unioned::offset_of<"e_text"> == de + offsetof(MirrorDE, e) + offsetof(MirrorE, e_text));
  STATIC_REQUIRE(Unioned::offset_of<"tail"> == offsetof(UnionedMirror, tail));
  STATIC_REQUIRE(size_and_alignment_match<Unioned, UnionedMirror>());
}

TEST_CASE("the layout knows each member's overlay and which members are flags", "[layout][overlay]") {
  STATIC_REQUIRE(Unioned::overlay_count == 5);
  STATIC_REQUIRE(Unioned::overlay_names == std::array<std::string_view, 5>{"a", "b", "c", "d", "e"});
  STATIC_REQUIRE(Unioned::flag_count == 1);
  STATIC_REQUIRE(Unioned::field_count == 12);
  STATIC_REQUIRE(Unioned::is_flag<"ready">);
  STATIC_REQUIRE_FALSE(Unioned::is_flag<"tag">);
  STATIC_REQUIRE_FALSE(Unioned::is_flag<"state">);
  STATIC_REQUIRE_FALSE(Unioned::is_flag<"nope">);
  STATIC_REQUIRE(Unioned::has<"ready">);
  STATIC_REQUIRE_FALSE(Unioned::has_payload<"ready">);
  STATIC_REQUIRE(Unioned::has_payload<"b_half">);
  STATIC_REQUIRE(Unioned::has_overlay<"b">);
  STATIC_REQUIRE_FALSE(Unioned::has_overlay<"b_half">);
  STATIC_REQUIRE_FALSE(Unioned::has_overlay<"">);
  STATIC_REQUIRE(Unioned::overlay_of<"b_half"> == "b");
  STATIC_REQUIRE(Unioned::overlay_of<"tag">.empty());
  STATIC_REQUIRE(Unioned::overlay_of<"ready">.empty());
  STATIC_REQUIRE(Unioned::in_overlay<"b_half", "b">);
  STATIC_REQUIRE_FALSE(Unioned::in_overlay<"b_half", "a">);
  STATIC_REQUIRE_FALSE(Unioned::in_overlay<"tag", "">);
  STATIC_REQUIRE_FALSE(Unioned::in_overlay<"nope", "a">);
  STATIC_REQUIRE(std::is_same_v<Unioned::type_of<"ready">, std::uint32_t>);
  STATIC_REQUIRE(
      Unioned::offset_of<"ready"> % mailbox::detail::atomic_ref<std::uint32_t>::required_alignment == 0);

  // fields lists every member in declaration order, overlay fields in place.
  constexpr std::string_view names[] = {"state",   "tag",   "a_word", "a_byte", "b_text", "b_half",
                                        "c_short", "ready", "d_half", "d_byte", "e_text", "tail"};
  constexpr std::string_view overlays[] = {"", "", "a", "a", "b", "b", "c", "", "d", "d", "e", ""};
  std::size_t visited = 0;
  Unioned::for_each_field([&]<class Field, std::size_t Offset>() {
    const mailbox::field_info& f = Unioned::fields[visited];
    CAPTURE(visited, f.name);
    CHECK(f.name == names[visited]);
    CHECK(f.overlay == overlays[visited]);
    CHECK(f.is_flag == (f.name == "ready"));
    CHECK(Field::is_flag == f.is_flag);
    CHECK(Field::name.view() == f.name);
    CHECK(Offset == f.offset);
    ++visited;
  });
  CHECK(visited == Unioned::field_count);
}

TEST_CASE("The client's worker frame lays out at the client's offsets", "[layout][overlay]") {
  using test_support::Frame;
  STATIC_REQUIRE(Frame::size == 65536);
  STATIC_REQUIRE(Frame::offset_of<"state"> == 0);
  STATIC_REQUIRE(Frame::offset_of<"error"> == 4);
  STATIC_REQUIRE(Frame::offset_of<"sub_command"> == 8);
  STATIC_REQUIRE(Frame::offset_of<"arg0"> == 16);
  STATIC_REQUIRE(Frame::offset_of<"config"> == 16);
  STATIC_REQUIRE(Frame::offset_of<"result"> == 40);
  STATIC_REQUIRE(Frame::offset_of<"lease"> == 1160);
  STATIC_REQUIRE(Frame::offset_of<"args"> == 1208);
  STATIC_REQUIRE(Frame::offset_of<"shutdown"> == 65224);
  STATIC_REQUIRE(Frame::offset_of<"trailer"> == 65232);
  STATIC_REQUIRE(Frame::offset_of<"accepted"> == 65272);
  STATIC_REQUIRE(Frame::offset_of<"disposition"> == 65276);
  STATIC_REQUIRE(Frame::offset_of<"error_msg"> == 65280);
  STATIC_REQUIRE(Frame::flag_count == 2);
  STATIC_REQUIRE(Frame::overlay_names == std::array<std::string_view, 2>{"control", "task"});
  STATIC_REQUIRE(Frame::in_overlay<"arg0", "control">);
  STATIC_REQUIRE(Frame::in_overlay<"config", "task">);
  STATIC_REQUIRE(Frame::overlay_of<"error_msg">.empty());
  // A token reaches overlay fields; flags are outside the token discipline.
  STATIC_REQUIRE(mailbox::names_a_payload_field<Frame, "arg0">);
  STATIC_REQUIRE(mailbox::names_a_payload_field<Frame, "config">);
  STATIC_REQUIRE_FALSE(mailbox::names_a_payload_field<Frame, "shutdown">);
  STATIC_REQUIRE_FALSE(mailbox::names_a_payload_field<Frame, "state">);
  STATIC_REQUIRE(std::is_same_v<Frame::type_of<"config">, test_support::CallConfig>);
  STATIC_REQUIRE(mailbox::Mailbox<Frame>::required_alignment == 8);
}
