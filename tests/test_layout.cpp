// Layout offsets, sizes and field iteration, checked against what the C++
// compiler itself lays out for an equivalent struct.
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "support/catch.hpp"
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
