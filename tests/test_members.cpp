// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Struct fields by member (MAILBOX_DESCRIBE): paths "config.timeout_ms"
// reach a member of a described struct through a token (plain and
// endpoint), at the offset the compiler gave it; the description walks at
// run time; the fingerprint covers the members. The compile-time rejections
// are compile-fail cases (tests/compile_fail/members_*.cpp).
#include <mailbox/mailbox.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "support/catch.hpp"
#include "support/design_frame.hpp"
#include "support/design_task.hpp"
#include "support/payload_frame.hpp"

namespace {

using namespace payload_test;

// The offsets are the compiler's own.
static_assert(Frame::offset_of<"config.call_id"> == Frame::offset_of<"config"> + offsetof(Config, call_id));
static_assert(Frame::offset_of<"config.timeout_ms"> == Frame::offset_of<"config"> + 5);
static_assert(Frame::offset_of<"config.seeds"> == Frame::offset_of<"config"> + offsetof(Config, seeds));
static_assert(Frame::offset_of<"placement.limits.memory_mb"> ==
              Frame::offset_of<"placement"> + offsetof(Placement, limits) + offsetof(Limits, memory_mb));
static_assert(std::is_same_v<Frame::type_of<"config.timeout_ms">, std::uint64_t>);
static_assert(std::is_same_v<Frame::type_of<"config.function">, char[16]>);
static_assert(std::is_same_v<Frame::type_of<"placement.limits">, Limits>);

// Paths are payload names, in the overlay of their field.
static_assert(Frame::has_payload<"config.call_id"> && Frame::has_payload<"placement.limits.cpu">);
static_assert(Frame::overlay_of<"config.call_id"> == "task");
static_assert(!Frame::has<"config.nothing"> && !Frame::has<"config.call_id.more"> && !Frame::has<"error.x">);
static_assert(!Frame::has<"teardown.exit_code">);  // a record's body is not reached through a token
static_assert(!Frame::is_flag<"config.call_id">);

// A span needs aligned elements: the packed struct's seeds are not.
static_assert(Frame::is_aligned<"placement.cores"> && !Frame::is_aligned<"config.seeds">);

template <class Token, mailbox::fixed_string Name>
concept can_span = requires(Token& t) {
  t.template span<Name>();
};
static_assert(can_span<mailbox::Mailbox<Frame>::token, "placement.cores">);
static_assert(!can_span<mailbox::Mailbox<Frame>::token, "config.seeds">);

static_assert(mailbox::is_described_v<Config> && !mailbox::is_described_v<Frame>);
static_assert(mailbox::described_members<Config>::count == 6);

struct region {
  alignas(64) std::byte bytes[Frame::size]{};
};

}  // namespace

TEST_CASE("members: a path writes and reads the member's own bytes", "[members]") {
  region r;
  auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::idle);
  auto t = box.acquire(S::idle);
  t.set<"config.call_id">(41u);
  t.set<"config.lease_kind">(std::uint8_t{3});
  t.set<"config.timeout_ms">(std::uint64_t{0x1122334455667788});
  CHECK(t.set_text<"config.function">("fn") == 2);
  const std::uint64_t seeds[4] = {1, 2, 3, 4};
  t.set<"config.seeds">(seeds);
  t.set<"config.priority">(std::int16_t{-7});
  t.set<"placement.limits.memory_mb">(512u);
  t.span<"placement.cores">()[2] = 99;

  // The whole struct, copied out, holds what the members were given.
  const Config config = t.get<"config">();
  CHECK(config.call_id == 41);
  CHECK(config.lease_kind == 3);
  std::uint64_t timeout = 0;
  std::memcpy(&timeout, reinterpret_cast<const std::byte*>(&config) + 5, 8);
  CHECK(timeout == 0x1122334455667788);
  CHECK(std::string_view(config.function) == "fn");
  const std::int16_t priority = config.priority;  // a copy: the packed member is misaligned
  CHECK(priority == -7);
  const Placement placement = t.get<"placement">();
  CHECK(placement.limits.memory_mb == 512);
  CHECK(placement.cores[2] == 99);

  // And the members read back what the struct holds.
  CHECK(t.get<"config.timeout_ms">() == 0x1122334455667788);
  CHECK(t.text<"config.function">() == "fn");
  CHECK(t.get<"placement.limits">().memory_mb == 512);
  // The bytes sit where the exported offset says.
  std::uint64_t raw = 0;
  std::memcpy(&raw, r.bytes + Frame::offset_of<"config.timeout_ms">, 8);
  CHECK(raw == 0x1122334455667788);
  std::move(t).publish(S::task);
}

TEST_CASE("members: an endpoint token reaches paths of the fields its state views", "[members]") {
  region r;
  auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::idle);
  mailbox::endpoint<Proto, "parent"> parent{box};
  mailbox::endpoint<Proto, "child"> child{box};
  {
    auto t = parent.acquire<S::idle>();
    t.set<"config.call_id">(7u);
    t.set<"placement.limits.cpu">(3u);
    std::move(t).publish<S::task>();
  }
  auto t = child.acquire<S::task>();
  CHECK(t.get<"config.call_id">() == 7);
  CHECK(t.get<"placement.limits.cpu">() == 3);
  t.set<"config.call_id">(8u);
  std::move(t).publish<S::done>();
  auto d = parent.acquire<S::done>();
  CHECK(d.get<"config.call_id">() == 8);
  std::move(d).publish<S::idle>();
}

TEST_CASE("members: the description walks at run time with the compiler's offsets", "[members]") {
  const mailbox::type_description& d = mailbox::description_of<Config>;
  CHECK(d.kind == "struct");
  CHECK(d.size == sizeof(Config));
  REQUIRE(d.members.size() == 6);
  const std::array<std::string_view, 6> names = {"call_id",  "lease_kind", "timeout_ms",
                                                 "function", "seeds",      "priority"};
  const std::array<std::size_t, 6> offsets = {offsetof(Config, call_id),    offsetof(Config, lease_kind),
                                              offsetof(Config, timeout_ms), offsetof(Config, function),
                                              offsetof(Config, seeds),      offsetof(Config, priority)};
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(d.members[i].name == names[i]);
    CHECK(d.members[i].offset == offsets[i]);
  }
  CHECK(d.members[2].type->kind == "uint");
  CHECK(d.members[3].type->kind == "char");
  REQUIRE(d.members[4].type->shape.size() == 1);
  CHECK(d.members[4].type->shape[0] == 4);
  CHECK(d.members[5].type->kind == "int");
  CHECK(d.members[5].type->size == 2);

  // Members of members, through the layout's field table.
  const mailbox::field_info& placement = Frame::fields[Frame::index_of<"placement">];
  REQUIRE(placement.type->members.size() == 3);
  CHECK(placement.type->members[0].type->members[1].name == "memory_mb");
  CHECK(placement.type->members[0].type->members[1].offset == offsetof(Limits, memory_mb));
  // A type without a description is opaque bytes.
  CHECK(mailbox::description_of<std::uint64_t[2]>.members.empty());
}

namespace {

struct Pair {
  std::uint32_t a;
  std::uint32_t b;
};
struct Described {
  std::uint32_t a;
  std::uint32_t b;
};
MAILBOX_DESCRIBE(Described, a, b);
struct Renamed {
  std::uint32_t a;
  std::uint32_t c;
};
MAILBOX_DESCRIBE(Renamed, a, c);
struct Partial {
  std::uint32_t a;
  std::uint32_t b;
};
MAILBOX_DESCRIBE(Partial, a);

template <class T>
using One = mailbox::layout<mailbox::state<"s", S>, mailbox::field<"pair", T>>;

}  // namespace

TEST_CASE("members: the fingerprint covers the members", "[members][fingerprint]") {
  // Same size and offsets, so only the description tells them apart.
  CHECK(mailbox::fingerprint<One<Pair>> != mailbox::fingerprint<One<Described>>);
  CHECK(mailbox::fingerprint<One<Described>> != mailbox::fingerprint<One<Renamed>>);
  CHECK(mailbox::fingerprint<One<Described>> != mailbox::fingerprint<One<Partial>>);
  // Layouts without described structs, keyed unions or records keep the
  // fingerprints they had before these existed (values computed with
  // mailbox 0.1's headers), so peers built before them still attach.
  CHECK(mailbox::fingerprint<One<Pair>> == 0xaa803f2a811e2cb4ull);
  CHECK(mailbox::fingerprint<test_support::Task> == 0x8bc6a722c9a71ca1ull);
  CHECK(mailbox::fingerprint<test_support::Frame> == 0x18914ab922c514ecull);
}
