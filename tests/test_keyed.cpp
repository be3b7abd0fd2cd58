// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Keyed unions (mailbox::keyed): an alternative's fields only through its
// key (alternative, emplace, visit), through the plain token and the
// endpoint's; a key nobody declared selects nothing; the layout C's rules
// give; the description and the fingerprint. Compile-time rejections:
// tests/compile_fail/keyed_*.cpp.
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "support/catch.hpp"
#include "support/is_set.hpp"
#include "support/payload_frame.hpp"
namespace {

using namespace payload_test;
using Token = mailbox::Mailbox<Frame>::token;

// C's struct { uint32_t key; union { struct {...} copy; ... }; }.
struct CopyMirror {
  std::uint64_t src;
  std::uint64_t dst;
  Span spans[4];
  std::uint32_t count;
};
struct MemoryInfoMirror {
  std::uint32_t device;
  MemoryInfo info;
  char note[24];
};
struct ResizeMirror {
  std::int32_t rows;
  std::int32_t columns;
};
struct ControlMirror {
  std::uint32_t sub_command;
  union {
    CopyMirror copy;
    MemoryInfoMirror memory_info;
    std::int32_t shutdown_code;
    ResizeMirror resize;
  };
};
static_assert(sizeof(Control) == sizeof(ControlMirror) && alignof(Control) == alignof(ControlMirror));
static_assert(Control::alternatives_offset == offsetof(ControlMirror, copy));
static_assert(std::is_trivially_copyable_v<Control>);

// Alternatives are reached through the key only: no path names their fields.
static_assert(!Frame::has<"command.copy.src"> && !Frame::has<"command.sub_command"> && !Frame::has<"src">);
static_assert(Control::has_key<Command::copy> && Control::has_key<Command{1000}> &&
              !Control::has_key<Command{7}>);

template <class T, mailbox::fixed_string Name, auto Key>
concept can_emplace = requires(T& t) {
  t.template emplace<Name, Key>();
};
template <class T, mailbox::fixed_string Name, auto Key>
concept can_look_up = requires(T& t) {
  t.template alternative<Name, Key>();
};
static_assert(can_emplace<Token, "command", Command::copy>);
static_assert(!can_emplace<const Token, "command", Command::copy>);  // a const token only reads
static_assert(!can_emplace<Token, "command", Command{7}>);           // no such alternative
static_assert(!can_emplace<Token, "error", Command::copy>);          // not a keyed field
static_assert(can_look_up<const Token, "command", Command::copy>);

// A const token's alternative is read-only.
template <class Ref>
concept can_set_src = requires(const Ref& r) {
  r.template set<"src">(std::uint64_t{1});
};
using ReadOnly =
    typename decltype(std::declval<const Token&>().alternative<"command", Command::copy>())::value_type;
using Writable =
    typename decltype(std::declval<Token&>().alternative<"command", Command::copy>())::value_type;
static_assert(!can_set_src<ReadOnly> && can_set_src<Writable>);
// And no alternative reaches another's fields.
template <class Ref>
concept can_get_info = requires(const Ref& r) {
  r.template get<"info">();
};
static_assert(!can_get_info<Writable>);

struct region {
  alignas(64) std::byte bytes[Frame::size]{};
};

std::uint32_t raw_key(const region& r) {
  std::uint32_t key = 0;
  std::memcpy(&key, r.bytes + Frame::offset_of<"command">, 4);
  return key;
}

}  // namespace

TEST_CASE("keyed: emplace sets the key and the fields; only that key's alternative reads them", "[keyed]") {
  region r;
  auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::idle);
  auto t = box.acquire(S::idle);
  {
    auto copy = t.emplace<"command", Command::copy>();
    copy.set<"src">(std::uint64_t{100});
    copy.set<"dst">(std::uint64_t{200});
    copy.span<"spans">()[1] = Span{8, 16};
    copy.set<"count">(1u);
  }
  CHECK(t.key<"command">() == Command::copy);
  CHECK(raw_key(r) == 2);
  REQUIRE(t.alternative<"command", Command::copy>());
  CHECK(t.alternative<"command", Command::copy>()->get<"src">() == 100);
  CHECK(t.alternative<"command", Command::copy>()->span<"spans">()[1].bytes == 16);
  CHECK_FALSE(t.alternative<"command", Command::memory_info>());
  CHECK_FALSE(t.alternative<"command", Command::ping>());

  // The fields sit where C puts them.
  ControlMirror mirror{};
  std::memcpy(&mirror, r.bytes + Frame::offset_of<"command">, sizeof mirror);
  CHECK(mirror.copy.src == 100);
  CHECK(mirror.copy.dst == 200);
  CHECK(mirror.copy.spans[1].offset == 8);
  CHECK(mirror.copy.count == 1);
  std::move(t).publish(S::request);
}

TEST_CASE("keyed: emplace zeroes the alternative's bytes, so nothing of the last one shows", "[keyed]") {
  region r;
  auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::idle);
  auto t = box.acquire(S::idle);
  auto copy = t.emplace<"command", Command::copy>();
  copy.set<"src">(~std::uint64_t{0});
  copy.set<"dst">(~std::uint64_t{0});
  auto info = t.emplace<"command", Command::memory_info>();
  CHECK(info.get<"device">() == 0);
  CHECK(info.get<"info.total_bytes">() == 0);  // a path into the alternative's described struct
  info.set<"info.free_bytes">(std::uint64_t{77});
  CHECK(info.set_text<"note">("gpu0") == 4);
  CHECK(info.text<"note">() == "gpu0");
  CHECK(info.get<"info">().free_bytes == 77);
  std::move(t).publish(S::request);
}

TEST_CASE("keyed: visit calls the one alternative the key selects, and nothing for an unknown key",
          "[keyed]") {
  region r;
  auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::idle);
  auto t = box.acquire(S::idle);
  (void)t.emplace<"command", Command{1000}>().set<"rows">(3);

  std::string seen;
  const auto record = [&](auto alt) {
    seen += std::string(decltype(alt)::name) + ";";
    if constexpr (decltype(alt)::key == Command{1000}) seen += std::to_string(alt.template get<"rows">());
  };
  CHECK(t.visit<"command">(record));
  CHECK(seen == "resize;3");

  // A peer stored a key nobody declared (or garbage): no alternative.
  const std::uint32_t stray = 77;
  std::memcpy(r.bytes + Frame::offset_of<"command">, &stray, 4);
  seen.clear();
  CHECK_FALSE(t.visit<"command">(record));
  CHECK(seen.empty());
  CHECK_FALSE(t.alternative<"command", Command{1000}>());
  CHECK(static_cast<std::uint32_t>(t.key<"command">()) == 77);

  // A const token visits read-only alternatives.
  (void)t.emplace<"command", Command::shutdown>().set<"code">(-4);
  const Token& reader = t;
  std::int32_t code = 0;
  CHECK(reader.visit<"command">([&](auto alt) {
    if constexpr (decltype(alt)::key == Command::shutdown) code = alt.template get<"code">();
  }));
  CHECK(code == -4);
  std::move(t).publish(S::request);
}

TEST_CASE("keyed: the endpoint token forwards key, alternative, emplace and visit", "[keyed]") {
  region r;
  auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::idle);
  mailbox::endpoint<Proto, "parent"> parent{box};
  mailbox::endpoint<Proto, "child"> child{box};
  {
    auto t = parent.acquire<S::idle>();
    t.emplace<"command", Command::memory_info>().set<"device">(2u);
    std::move(t).publish<S::request>();
  }
  {
    auto t = child.acquire<S::request>();
    CHECK(t.key<"command">() == Command::memory_info);
    auto request = t.alternative<"command", Command::memory_info>();
    REQUIRE(request);
    CHECK(request->get<"device">() == 2);
    // The reply goes into the same alternative: its key stays.
    request->set<"info.total_bytes">(std::uint64_t{1} << 34);
    std::move(t).publish<S::reply>();
  }
  auto t = parent.acquire<S::reply>();
  std::uint64_t total = 0;
  CHECK(t.visit<"command">([&](auto alt) {
    if constexpr (decltype(alt)::key == Command::memory_info) total = alt.template get<"info.total_bytes">();
  }));
  CHECK(total == std::uint64_t{1} << 34);
  std::move(t).publish<S::idle>();
}

namespace {

enum class Signed : std::int16_t { low = -300, zero = 0, high = 300 };
using SignedKeys =
    mailbox::keyed<"k", Signed, mailbox::alternative<Signed::low, "low", mailbox::field<"v", std::int8_t>>,
                   mailbox::alternative<Signed::high, "high">>;
using IntegerKeys =
    mailbox::keyed<"k", std::uint64_t, mailbox::alternative<5, "five", mailbox::field<"x", double>>,
                   mailbox::alternative<std::uint64_t{1} << 40, "big">, mailbox::total_size<64>>;

}  // namespace

TEST_CASE("keyed: the description lists key, alternatives, fields and groups", "[keyed]") {
  const mailbox::type_description& d = mailbox::description_of<Control>;
  CHECK(d.kind == "keyed");
  REQUIRE(is_set(d.keyed));
  const mailbox::keyed_description& k = *d.keyed;
  CHECK(k.key.name == "sub_command");
  CHECK(k.key.type->size == 4);
  CHECK_FALSE(k.key_is_signed);
  CHECK(k.alternatives_offset == 8);
  REQUIRE(k.alternatives.size() == 5);
  CHECK(k.alternatives[1].name == "copy");
  CHECK(k.alternatives[1].key == 2);
  REQUIRE(k.alternatives[1].fields.size() == 4);
  CHECK(k.alternatives[1].fields[2].name == "spans");
  CHECK(k.alternatives[1].fields[2].offset == offsetof(ControlMirror, copy) + offsetof(CopyMirror, spans));
  CHECK(k.alternatives[1].fields[2].type->shape[0] == 4);
  CHECK(k.alternatives[1].fields[2].type->members.size() == 2);  // Span is described
  CHECK(k.alternatives[2].fields[1].type->members[1].name == "free_bytes");
  CHECK(k.alternatives[4].group == "user");
  CHECK(k.alternatives[0].group.empty());
  REQUIRE(k.groups.size() == 1);
  CHECK(k.groups[0].first == 1000);
  CHECK(k.groups[0].last == 1999);

  const mailbox::keyed_description& s = *mailbox::description_of<SignedKeys>.keyed;
  CHECK(s.key_is_signed);
  CHECK(static_cast<std::int64_t>(s.alternatives[0].key) == -300);
  CHECK(sizeof(IntegerKeys) == 64);
  CHECK(mailbox::description_of<IntegerKeys>.keyed->alternatives[1].key == std::uint64_t{1} << 40);
}

namespace {

template <class C>
using WithCommand = mailbox::layout<mailbox::state<"s", S>, mailbox::field<"command", C>>;
using Renamed = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::ping, "pong">>;
using Rekeyed = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::copy, "ping">>;
using Original = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::ping, "ping">>;

}  // namespace

TEST_CASE("keyed: the fingerprint covers names and keys of the alternatives", "[keyed][fingerprint]") {
  CHECK(mailbox::fingerprint<WithCommand<Original>> != mailbox::fingerprint<WithCommand<Renamed>>);
  CHECK(mailbox::fingerprint<WithCommand<Original>> != mailbox::fingerprint<WithCommand<Rekeyed>>);
  CHECK(mailbox::fingerprint<WithCommand<Original>> == mailbox::fingerprint<WithCommand<Original>>);
}
