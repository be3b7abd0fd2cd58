// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The region header (format 2), the array forms of initialize/attach with a
// header, mailbox::region, and what a process does with a region that
// another version of the library made.
#include <mailbox/mailbox.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

namespace {

enum class Step : std::int32_t { idle, busy, done };
using Cell = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"value", std::uint64_t>,
                             mailbox::field<"note", char[100]>>;
using OtherCell = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"value", std::int64_t>,
                                  mailbox::field<"note", char[100]>>;
constexpr std::uint64_t some_protocol = 0x1234'5678'9abc'def0ull;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The header_error an attach throws, or a failure.
template <class Attach>
mailbox::header_error refusal_of(Attach attach) {
  try {
    attach();
  } catch (const mailbox::header_error& e) {
    return e;
  }
  FAIL("the region was attached");
  return mailbox::header_error(mailbox::header_error::kind::region, "unreachable");
}

mailbox::region_header header_of(std::span<const std::byte> region) {
  mailbox::region_header header{};
  std::memcpy(&header, region.data(), sizeof header);
  return header;
}

std::string unique_name(const char* what) {
  return "/mailbox-test-header-" + std::string(what) + "-" + std::to_string(::getpid());
}

}  // namespace

TEST_CASE("version.hpp agrees with the CMake project version", "[header][version]") {
  CHECK(mailbox::library_version.to_string() == MAILBOX_TEST_PROJECT_VERSION);
  CHECK(MAILBOX_VERSION ==
        MAILBOX_VERSION_MAJOR * 10000 + MAILBOX_VERSION_MINOR * 100 + MAILBOX_VERSION_PATCH);
  CHECK(mailbox::version_number::unpacked(mailbox::library_version.packed()) == mailbox::library_version);
}

TEST_CASE("a format 2 header holds what docs/regions.md says, at fixed offsets", "[header]") {
  STATIC_REQUIRE(sizeof(mailbox::region_header) == 64);
  STATIC_REQUIRE(offsetof(mailbox::region_header, protocol_fingerprint) == 16);
  STATIC_REQUIRE(offsetof(mailbox::region_header, count) == 40);
  STATIC_REQUIRE(offsetof(mailbox::region_header, format) == 48);
  STATIC_REQUIRE(offsetof(mailbox::region_header, library_version) == 52);
  auto segment = mailbox::shared_segment::anonymous(mailbox::region_size<Cell>(3));
  (void)mailbox::initialize_array_with_header<Cell, 7>(segment.bytes(), 3, Step::idle, some_protocol);
  const mailbox::region_header header = header_of(segment.bytes());
  CHECK(std::memcmp(segment.bytes().data(), "MBOXHDR2", 8) == 0);
  CHECK(header.magic == mailbox::header_magic);
  CHECK(header.fingerprint == mailbox::fingerprint<Cell, 7>);
  CHECK(header.protocol_fingerprint == some_protocol);
  CHECK(header.layout_size == Cell::size);
  CHECK(header.user_version == 7);
  CHECK(header.header_size == mailbox::header_size<Cell>);
  CHECK(header.count == 3);
  CHECK(header.stride == mailbox::mailbox_array<Cell>::stride);
  CHECK(header.format == 2);
  CHECK(header.library_version ==
        (MAILBOX_VERSION_MAJOR << 16 | MAILBOX_VERSION_MINOR << 8 | MAILBOX_VERSION_PATCH));
  CHECK(header.reserved == 0);
}

TEST_CASE("a region made by mailbox 0.1 (header format 1) is refused, naming both versions",
          "[header][version]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Cell>);
  // What mailbox 0.1's initialize_with_header wrote: "MOBXHDR1", the 0.1
  // fingerprint, layout size, user version, header size, pointer bits and
  // byte order; then the mailbox.
  struct format_1_header {
    std::uint64_t magic, fingerprint, layout_size;
    std::uint32_t user_version, header_size, pointer_bits, little_endian;
  } old{0x3152444858424f4dull, 0x57e849891c1fa9c5ull, Cell::size, 0, 64, 64, 1};
  std::memcpy(segment.bytes().data(), &old, sizeof old);
  const auto e = refusal_of([&] { (void)mailbox::attach_with_header<Cell>(segment.bytes()); });
  INFO(e.what());
  CHECK(e.what_kind() == mailbox::header_error::kind::other_format);
  CHECK(contains(e.what(), "made by mailbox 0.1 (header format 1)"));
  CHECK(contains(e.what(),
                 "this program uses mailbox " + mailbox::library_version.to_string() + ", header format 2"));
  CHECK(e.found() == 1);
  CHECK(e.expected() == 2);
}

TEST_CASE("a region of a later header format is refused, naming the writer's version", "[header][version]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Cell>);
  (void)mailbox::initialize_with_header<Cell>(segment.bytes(), Step::idle);
  // A future mailbox 0.3.1 writing format 3 keeps magic, format and version
  // where format 2 has them.
  std::memcpy(segment.bytes().data() + 7, "3", 1);
  const std::uint32_t format = 3;
  const std::uint32_t version = mailbox::version_number{0, 3, 1}.packed();
  std::memcpy(segment.bytes().data() + offsetof(mailbox::region_header, format), &format, 4);
  std::memcpy(segment.bytes().data() + offsetof(mailbox::region_header, library_version), &version, 4);
  const auto e = refusal_of([&] { (void)mailbox::attach_with_header<Cell>(segment.bytes()); });
  INFO(e.what());
  CHECK(e.what_kind() == mailbox::header_error::kind::other_format);
  CHECK(contains(e.what(), "made by mailbox 0.3.1, header format 3"));
  CHECK(contains(e.what(), "this program uses mailbox " + mailbox::library_version.to_string()));
}

TEST_CASE("a header of the other byte order is named as such", "[header]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Cell>);
  (void)mailbox::initialize_with_header<Cell>(segment.bytes(), Step::idle);
  std::byte* magic = segment.bytes().data();
  for (int i = 0; i < 4; ++i) std::swap(magic[i], magic[7 - i]);
  const auto e = refusal_of([&] { (void)mailbox::attach_with_header<Cell>(segment.bytes()); });
  CHECK(e.what_kind() == mailbox::header_error::kind::bad_magic);
  CHECK(contains(e.what(), "the other byte order"));
}

TEST_CASE("a header records the protocol, and attaching with one checks it", "[header][protocol]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Cell>);
  (void)mailbox::initialize_with_header<Cell>(segment.bytes(), Step::idle, some_protocol);
  CHECK_NOTHROW((void)mailbox::attach_with_header<Cell>(segment.bytes(), {}, some_protocol));
  CHECK_NOTHROW((void)mailbox::attach_with_header<Cell>(segment.bytes()));  // 0: not checked
  const auto e = refusal_of([&] { (void)mailbox::attach_with_header<Cell>(segment.bytes(), {}, 42); });
  INFO(e.what());
  CHECK(e.what_kind() == mailbox::header_error::kind::fingerprint_mismatch);
  CHECK(contains(e.what(), "protocol fingerprint mismatch"));
  CHECK(contains(e.what(), mailbox::detail::hex(some_protocol)));
  CHECK(e.expected() == 42);
  CHECK(e.found() == some_protocol);

  (void)mailbox::initialize_with_header<Cell>(segment.bytes(), Step::idle);
  CHECK(contains(
      refusal_of([&] { (void)mailbox::attach_with_header<Cell>(segment.bytes(), {}, some_protocol); }).what(),
      "the region records no protocol"));
}

TEST_CASE("a layout mismatch names both sides' versions", "[header]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Cell>);
  (void)mailbox::initialize_with_header<Cell, 4>(segment.bytes(), Step::idle);
  const auto e = refusal_of([&] { (void)mailbox::attach_with_header<OtherCell, 5>(segment.bytes()); });
  INFO(e.what());
  CHECK(e.what_kind() == mailbox::header_error::kind::fingerprint_mismatch);
  CHECK(contains(e.what(), "user version 5"));
  CHECK(contains(e.what(), "user version 4"));
  CHECK(contains(e.what(), "mailbox " + mailbox::library_version.to_string()));
}

TEST_CASE("arrays behind a header: count and stride are checked", "[header][array]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::region_size<Cell>(3));
  auto written = mailbox::initialize_array_with_header<Cell>(segment.bytes(), 3, Step::idle);
  REQUIRE(written.size() == 3);
  auto t = written[2].acquire(Step::idle);
  t.set<"value">(std::uint64_t{77});
  std::move(t).publish(Step::busy);

  auto any = mailbox::attach_array_with_header<Cell>(segment.bytes());  // count 0: as the header says
  CHECK(any.size() == 3);
  auto r = any[2].try_acquire(Step::busy);
  REQUIRE(r);
  CHECK(r->get<"value">() == 77);
  std::move(*r).publish(Step::done);
  CHECK(mailbox::attach_array_with_header<Cell>(segment.bytes(), 3).size() == 3);

  const auto e = refusal_of([&] { (void)mailbox::attach_array_with_header<Cell>(segment.bytes(), 2); });
  CHECK(e.what_kind() == mailbox::header_error::kind::shape_mismatch);
  CHECK(contains(e.what(), "holds 3 mailboxes"));
  CHECK(contains(e.what(), "expects 2 mailboxes"));
  // The single-mailbox form expects exactly one.
  CHECK(refusal_of([&] { (void)mailbox::attach_with_header<Cell>(segment.bytes()); }).what_kind() ==
        mailbox::header_error::kind::shape_mismatch);
}

TEST_CASE("a header announcing more mailboxes than the region holds is refused", "[header][hostile]") {
  auto segment = mailbox::shared_segment::anonymous(mailbox::region_size<Cell>(2));
  (void)mailbox::initialize_array_with_header<Cell>(segment.bytes(), 2, Step::idle);
  for (const std::uint32_t lie : {3u, 0xffffffffu}) {
    std::memcpy(segment.bytes().data() + offsetof(mailbox::region_header, count), &lie, 4);
    const auto e = refusal_of([&] { (void)mailbox::attach_array_with_header<Cell>(segment.bytes()); });
    INFO(e.what());
    CHECK(e.what_kind() == mailbox::header_error::kind::region);
    CHECK(contains(e.what(), "mailboxes its header announces"));
  }
  const std::uint32_t none = 0;
  std::memcpy(segment.bytes().data() + offsetof(mailbox::region_header, count), &none, 4);
  CHECK(refusal_of([&] { (void)mailbox::attach_array_with_header<Cell>(segment.bytes()); }).what_kind() ==
        mailbox::header_error::kind::shape_mismatch);
}

TEST_CASE("a region is created and opened by name, also by a process that comes first", "[header][region]") {
  using Region = mailbox::region<Cell, 2>;
  const std::string name = unique_name("meet");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Opens before the parent creates: waits for the name, its size and
    // the header; then answers on mailbox 1.
    int code = 0;
    try {
      Region frames = Region::open(name, 3, std::chrono::seconds(20));
      code = frames.size() == 3 ? 0 : 1;
      auto t = frames[1].acquire(Step::busy);
      t.set<"value">(t.get<"value">() + 1);
      std::move(t).publish(Step::done);
    } catch (...) {
      code = 2;
    }
    ::_exit(code);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    Region frames = Region::create(name, 3, Step::idle);
    CHECK(frames.name() == name);
    auto t = frames[1].acquire(Step::idle);
    t.set<"value">(std::uint64_t{41});
    std::move(t).publish(Step::busy);
    auto back = frames[1].acquire(Step::done);
    CHECK(back.get<"value">() == 42);
    std::move(back).abandon();
    CHECK(test_support::wait_for(child) == 0);
    // Another process built with another layout, or expecting another count,
    // is refused by name too.
    using OtherRegion = mailbox::region<OtherCell, 2>;
    CHECK_THROWS_AS((void)OtherRegion::open(name, 3), mailbox::header_error);
    CHECK_THROWS_AS((void)Region::open(name, 4), mailbox::segment_error);  // too small for 4
    frames.close();
    CHECK_FALSE(frames.is_open());
    CHECK_THROWS_AS((void)frames[0], mailbox::region_closed);
  }
  // The creator's close removed the name.
  try {
    (void)Region::open(name, 3);
    FAIL("opened a removed name");
  } catch (const mailbox::segment_error& e) {
    CHECK(e.code().value() == ENOENT);
  }
}

TEST_CASE("an anonymous region is shared with a fork()ed child", "[header][region]") {
  auto frames = mailbox::region<Cell>::anonymous(2, Step::idle, {.protocol_fingerprint = some_protocol});
  CHECK(frames.name().empty());
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto t = frames[0].acquire(Step::busy);
    t.set_text<"note">("from the child");
    std::move(t).publish(Step::done);
    ::_exit(0);
  }
  auto t = frames[0].acquire(Step::idle);
  std::move(t).publish(Step::busy);
  auto back = frames[0].acquire(Step::done);
  CHECK(std::string(back.text<"note">().view()) == "from the child");
  std::move(back).publish(Step::idle);
  CHECK(test_support::wait_for(child) == 0);
}
