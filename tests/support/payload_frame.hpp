// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A frame with every payload structure: a packed config described by
// member, a control overlay holding a keyed union of commands (one with a
// result struct, one group reserved for a downstream project's commands),
// and a committed teardown record. Shared by the payload tests and the C
// export check (tests/payload_c).
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

namespace payload_test {

enum class S : std::int32_t { idle, request, reply, task, done, off };

// The client's kind of config: packed, so members sit at unaligned offsets.
#pragma pack(push, 1)
struct Config {
  std::uint32_t call_id;
  std::uint8_t lease_kind;
  std::uint64_t timeout_ms;  // at offset 5
  char function[16];
  std::uint64_t seeds[4];  // at offset 29: no span of it, only get/set of the whole array
  std::int16_t priority;
};
#pragma pack(pop)
MAILBOX_DESCRIBE(Config, call_id, lease_kind, timeout_ms, function, seeds, priority);

struct Limits {
  std::uint32_t cpu;
  std::uint32_t memory_mb;
};
MAILBOX_DESCRIBE(Limits, cpu, memory_mb);

// Members of members, and an aligned array a span may cover.
struct Placement {
  Limits limits;
  std::uint64_t cores[3];
  std::int32_t node;
};
MAILBOX_DESCRIBE(Placement, limits, cores, node);

// A command's result struct.
struct MemoryInfo {
  std::uint64_t total_bytes;
  std::uint64_t free_bytes;
  std::uint32_t devices;
};
MAILBOX_DESCRIBE(MemoryInfo, total_bytes, free_bytes, devices);

struct Span {
  std::uint64_t offset;
  std::uint64_t bytes;
};
MAILBOX_DESCRIBE(Span, offset, bytes);

enum class Command : std::uint32_t { ping = 1, copy = 2, memory_info = 3, shutdown = 4 };

// The commands the downstream project adds: keys 1000..1999 are its own.
using UserCommands = mailbox::alternative_group<
    "user", mailbox::key_range<Command{1000}, Command{1999}>,
    mailbox::alternative<Command{1000}, "resize", mailbox::field<"rows", std::int32_t>,
                         mailbox::field<"columns", std::int32_t>>>;

using Control = mailbox::keyed<
    "sub_command", Command, mailbox::alternative<Command::ping, "ping">,
    mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>,
                         mailbox::field<"dst", std::uint64_t>, mailbox::field<"spans", Span[4]>,
                         mailbox::field<"count", std::uint32_t>>,
    mailbox::alternative<Command::memory_info, "memory_info", mailbox::field<"device", std::uint32_t>,
                         mailbox::field<"info", MemoryInfo>, mailbox::field<"note", char[24]>>,
    mailbox::alternative<Command::shutdown, "shutdown", mailbox::field<"code", std::int32_t>>, UserCommands>;

struct Teardown {
  std::int32_t exit_code;
  std::uint32_t signal;
  std::uint64_t tasks_done;
  char reason[40];
};
MAILBOX_DESCRIBE(Teardown, exit_code, signal, tasks_done, reason);

using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"command", Control, 8>>,
    mailbox::overlay<"task", mailbox::field<"config", Config, 8>, mailbox::field<"placement", Placement>>,
    mailbox::record<"teardown", Teardown, 256>, mailbox::field<"note", char[32]>, mailbox::total_size<512>>;

using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"control", "task">,
                      mailbox::next<S::request, S::task, S::off>>,
    mailbox::in_state<S::request, mailbox::owner<"child">, mailbox::views<"control">,
                      mailbox::next<S::reply>>,
    mailbox::in_state<S::reply, mailbox::owner<"parent">, mailbox::views<"control">, mailbox::next<S::idle>>,
    mailbox::in_state<S::task, mailbox::owner<"child">, mailbox::views<"task">, mailbox::next<S::done>>,
    mailbox::in_state<S::done, mailbox::owner<"parent">, mailbox::views<"task">, mailbox::next<S::idle>>,
    mailbox::in_state<S::off>>;

}  // namespace payload_test
