// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The example's frame (examples/worker_protocol.hpp) as a peer in another
// language sees it: the keyed sub-commands and the teardown record at the
// offsets C's rules give, found through the run-time descriptions a binding
// walks (no template per type); the record written through the Mailbox and
// read back as raw bytes, and the other way round, leaving its neighbours
// (the last args byte, the shutdown flag) alone. The example itself
// (example.worker_frames) runs the protocol between two processes.
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <span>
#include <string_view>

#include "../examples/worker_protocol.hpp"
#include "support/catch.hpp"
#include "support/is_set.hpp"
namespace {

using namespace worker;

// C's struct { uint64_t sub_command; union { struct {...} boot; ... }; }.
struct BootMirror {
  std::uint64_t magic;
  std::uint32_t frames;
  std::uint32_t generation;
};
struct PingMirror {
  std::uint64_t nonce;
  std::uint64_t echo;
};
struct MemoryInfoMirror {
  std::uint32_t device;
  MemoryInfo info;
};
struct CopyMirror {
  std::uint32_t count;
  std::int32_t status;
  std::uint64_t copied_bytes;
  CopySpan spans[max_copy_spans];
};
struct ChecksumMirror {
  std::uint64_t seed;
  std::uint32_t words;
  std::uint64_t value;
};
struct CommandsMirror {
  std::uint64_t sub_command;
  union {
    BootMirror boot;
    PingMirror ping;
    MemoryInfoMirror memory_info;
    CopyMirror copy;
    WorkerStats stats;
    ChecksumMirror checksum;
  };
};
static_assert(ControlCommands::alternatives_offset == offsetof(CommandsMirror, boot));
static_assert(sizeof(CommandsMirror) <= command_bytes && alignof(ControlCommands) == alignof(CommandsMirror));

const mailbox::field_info& field_named(std::string_view name) {
  for (const mailbox::field_info& f : Frame::fields) {
    if (f.name == name) return f;
  }
  FAIL("no field " << name);
  throw;  // not reached
}

const mailbox::alternative_info& alternative_named(const mailbox::keyed_description& keyed,
                                                   std::string_view name) {
  for (const mailbox::alternative_info& a : keyed.alternatives) {
    if (a.name == name) return a;
  }
  FAIL("no alternative " << name);
  throw;
}

// Where a field of an alternative lies, from the start of the frame.
std::size_t offset_in_frame(std::string_view alternative, std::string_view field) {
  const mailbox::field_info& command = field_named("command");
  const mailbox::alternative_info& a = alternative_named(*command.type->keyed, alternative);
  for (const mailbox::member_info& m : a.fields) {
    if (m.name == field) return command.offset + m.offset;
  }
  FAIL("no field " << field << " in " << alternative);
  throw;
}

constexpr std::size_t command_at = 8;
// Where C puts a member of an alternative's struct, from the frame's start.
constexpr std::size_t at(std::size_t alternative, std::size_t member) {
  return command_at + alternative + member;
}

struct region {
  alignas(64) std::byte bytes[Frame::size]{};
};

Teardown report_of(std::uint64_t n) {
  Teardown t{};
  t.tasks_done = n;
  t.tasks_cancelled = n * 3;
  t.control_commands = ~n;
  t.exit_code = -static_cast<std::int32_t>(n);
  t.worker_pid = 4242;
  std::memcpy(t.reason, "shutdown", 8);
  return t;
}

bool same(const Teardown& a, const Teardown& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("worker frame: each sub-command's fields lie where C's struct and union put them",
          "[worker_frame]") {
  const mailbox::field_info& command = field_named("command");
  CHECK(command.offset == command_at);
  CHECK(command.overlay == "control");
  CHECK(command.size == command_bytes);
  REQUIRE(is_set(command.type->keyed));
  const mailbox::keyed_description& keyed = *command.type->keyed;
  CHECK(keyed.key.name == "sub_command");
  CHECK(keyed.key.offset == 0);
  CHECK(keyed.alternatives_offset == offsetof(CommandsMirror, boot));

  struct expected_offset {
    std::string_view alternative;
    std::string_view field;
    std::size_t offset;
  };
  const expected_offset expected[] = {
      {"boot", "magic", at(offsetof(CommandsMirror, boot), offsetof(BootMirror, magic))},
      {"boot", "frames", at(offsetof(CommandsMirror, boot), offsetof(BootMirror, frames))},
      {"boot", "generation", at(offsetof(CommandsMirror, boot), offsetof(BootMirror, generation))},
      {"ping", "nonce", at(offsetof(CommandsMirror, ping), offsetof(PingMirror, nonce))},
      {"ping", "echo", at(offsetof(CommandsMirror, ping), offsetof(PingMirror, echo))},
      {"memory_info", "device",
       at(offsetof(CommandsMirror, memory_info), offsetof(MemoryInfoMirror, device))},
      {"memory_info", "info", at(offsetof(CommandsMirror, memory_info), offsetof(MemoryInfoMirror, info))},
      {"copy", "count", at(offsetof(CommandsMirror, copy), offsetof(CopyMirror, count))},
      {"copy", "status", at(offsetof(CommandsMirror, copy), offsetof(CopyMirror, status))},
      {"copy", "copied_bytes", at(offsetof(CommandsMirror, copy), offsetof(CopyMirror, copied_bytes))},
      {"copy", "spans", at(offsetof(CommandsMirror, copy), offsetof(CopyMirror, spans))},
      {"stats", "stats", command_at + offsetof(CommandsMirror, stats)},
      {"checksum", "seed", at(offsetof(CommandsMirror, checksum), offsetof(ChecksumMirror, seed))},
      {"checksum", "words", at(offsetof(CommandsMirror, checksum), offsetof(ChecksumMirror, words))},
      {"checksum", "value", at(offsetof(CommandsMirror, checksum), offsetof(ChecksumMirror, value))},
  };
  for (const expected_offset& e : expected) {
    INFO(e.alternative << "." << e.field);
    CHECK(offset_in_frame(e.alternative, e.field) == e.offset);
  }
  // And no field of the declaration is missing from the mirror.
  std::size_t fields = 0;
  for (const mailbox::alternative_info& a : keyed.alternatives) fields += a.fields.size();
  CHECK(keyed.alternatives.size() == 6);
  CHECK(fields == std::size(expected));

  // The keys, and the groups a peer checks its own commands against.
  CHECK(alternative_named(keyed, "copy").key == 4);
  CHECK(alternative_named(keyed, "copy").group == "runtime");
  CHECK(alternative_named(keyed, "checksum").key == checksum_command);
  CHECK(alternative_named(keyed, "checksum").group == "example_project");
  REQUIRE(keyed.groups.size() == 2);
  CHECK((keyed.groups[0].group == "runtime" && keyed.groups[0].first == 1 && keyed.groups[0].last == 999));
  CHECK((keyed.groups[1].group == "example_project" && keyed.groups[1].first == 1000 &&
         keyed.groups[1].last == 1999));
}

TEST_CASE("worker frame: the teardown record fills its 64 bytes up to the shutdown flag; its body's members",
          "[worker_frame]") {
  const mailbox::field_info& teardown = field_named("teardown");
  CHECK(teardown.is_record);
  CHECK(teardown.overlay.empty());
  CHECK(teardown.offset == teardown_record_offset);
  CHECK(teardown.size == teardown_record_bytes);
  CHECK(teardown.offset + teardown.size == field_named("shutdown").offset);
  REQUIRE(is_set(teardown.type->record));
  const mailbox::record_description& record = *teardown.type->record;
  // Its own parts are the library's (test_record); the body is the frame's.
  CHECK(record.body_offset + 8 * record.body_words == teardown_record_bytes);
  const auto members = record.body->members;
  REQUIRE(members.size() == 6);
  CHECK((members[0].name == "tasks_done" && members[0].offset == offsetof(Teardown, tasks_done)));
  CHECK((members[3].name == "exit_code" && members[3].offset == offsetof(Teardown, exit_code)));
  CHECK((members[5].name == "reason" && members[5].offset == offsetof(Teardown, reason)));
}

TEST_CASE("worker frame: the teardown record round-trips, through the Mailbox and as raw bytes",
          "[worker_frame]") {
  region r;
  const auto box = mailbox::Mailbox<Frame>::initialize(r.bytes, S::task_launched);
  const mailbox::record_description& record = *field_named("teardown").type->record;
  std::byte* const at = r.bytes + teardown_record_offset;
  // The neighbours: the last byte of the args and the shutdown flag.
  r.bytes[teardown_record_offset - 1] = std::byte{0xab};
  r.bytes[teardown_record_offset + teardown_record_bytes] = std::byte{0xcd};

  CHECK(box.read_record<"teardown">(1).status() == mailbox::record_status::empty);

  // The worker writes through the Mailbox; a peer reads the raw bytes.
  box.write_record<"teardown">(1, report_of(5));
  Teardown raw{};
  CHECK(mailbox::read_record_bytes(at, record.schema, 1, std::as_writable_bytes(std::span(&raw, 1))) ==
        mailbox::record_status::valid);
  CHECK(same(raw, report_of(5)));
  auto r1 = box.read_record<"teardown">(1);
  REQUIRE(r1);
  CHECK(same(*r1, report_of(5)));
  // The report of launch 1 is not launch 2's.
  CHECK(box.read_record<"teardown">(2).status() == mailbox::record_status::other_generation);

  // A peer writes raw bytes; the Mailbox reads them.
  const Teardown from_peer = report_of(9);
  mailbox::write_record_bytes(at, record.schema, 2, std::as_bytes(std::span(&from_peer, 1)));
  auto r2 = box.read_record<"teardown">(2);
  REQUIRE(r2);
  CHECK(same(*r2, from_peer));
  // With another schema (another build's Teardown) it is not read.
  mailbox::write_record_bytes(at, record.schema ^ 1, 3, std::as_bytes(std::span(&from_peer, 1)));
  CHECK(box.read_record<"teardown">(3).status() == mailbox::record_status::other_schema);

  box.clear_record<"teardown">();
  CHECK(box.read_record<"teardown">(2).status() == mailbox::record_status::empty);
  CHECK(r.bytes[teardown_record_offset - 1] == std::byte{0xab});
  CHECK(r.bytes[teardown_record_offset + teardown_record_bytes] == std::byte{0xcd});
  CHECK(box.state() == S::task_launched);
}
