// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The motivating client's frame and protocols (examples/worker_frames.cpp;
// tests/compile_fail/protocol_promotion_race.cpp shows the bug they rule
// out): three 64 KiB frames in one segment, frame 0 under the control
// protocol and frames 1 and 2 under the task protocol.
//
// The frame, at the client's offsets (its current frame: the identity
// trailer grew from 5 to 8 words, so what follows the args is re-pinned):
//
//   0      state (4)          4      error (4)
//   control overlay:   8 command (1168): the sub-command as a keyed union,
//                        8 its key sub_command (8), 16.. each command's fields
//   task overlay:      16 config (1144), 1160 lease (16),
//                      1208 args (63928, was 64016),
//                      65208 trailer (8 words, was 5 words at 65232),
//                      65276 disposition (4)
//   65136  teardown record (64: 16 of sequence, schema and generation, a
//          48-byte Teardown), outside both overlays
//   65200  shutdown flag (was 65224)
//   65272  accepted flag
//   65280  error_msg (256)
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

namespace worker {

enum class S : std::int32_t {
  idle,
  task_ready,
  task_done,
  shutdown,
  control_request,
  control_done,
  init_ready,
  init_failed,
  frame_staged,
  task_launched,
  task_failed,
  activate,
  prepare_ready
};

// The client's call description: packed, so its 1144 bytes have no padding
// and the same offsets in every language that reads them.
#pragma pack(push, 1)
struct CallConfig {
  std::uint32_t call_id;
  std::uint8_t lease_kind;
  std::uint64_t args_words;  // unaligned in the packed struct: read it by memcpy only
  char function[128];
  std::uint64_t seeds[125];
  std::uint8_t reserved[3];
};
#pragma pack(pop)
static_assert(sizeof(CallConfig) == 1144 && alignof(CallConfig) == 1);

struct Lease {
  std::uint64_t id;
  std::int64_t deadline_ns;  // steady_clock; the worker gives up a staged frame past it
};
static_assert(sizeof(Lease) == 16);

inline constexpr std::size_t args_bytes = 63928;
inline constexpr std::size_t args_words = args_bytes / 8;
inline constexpr std::size_t trailer_words = 8;

// --- control sub-commands ----------------------------------------------------
//
// Frame 0's payload depends on the sub-command: each has its own fields over
// the same bytes, reached only through the key (emplace by the writer,
// alternative or visit by the reader after checking it).

// The runtime's commands take keys 1..999; keys from 1000 on are for the
// projects that use it (below).
enum class Command : std::uint64_t {
  boot = 1,         // the worker's boot reply, in task_launched
  ping = 2,         // echo a nonce
  memory_info = 3,  // a device's memory: a result struct
  copy = 4,         // copy spans (offset, length pairs) of a device buffer
  stats = 5,        // the worker's counters: a result struct
};

struct MemoryInfo {
  std::uint64_t total_bytes;
  std::uint64_t free_bytes;
  std::uint32_t device;
  std::uint32_t devices;
};
MAILBOX_DESCRIBE(MemoryInfo, total_bytes, free_bytes, device, devices);

struct CopySpan {
  std::uint64_t offset;
  std::uint64_t length;
};
MAILBOX_DESCRIBE(CopySpan, offset, length);

struct WorkerStats {
  std::uint64_t tasks_done;
  std::uint64_t tasks_cancelled;
  std::uint64_t control_commands;  // answered so far, this one included
};
MAILBOX_DESCRIBE(WorkerStats, tasks_done, tasks_cancelled, control_commands);

inline constexpr std::size_t max_copy_spans = 16;
// The keyed union's size, key included, pinned: it ends where the task
// overlay's lease does, so a command added later that does not fit is a
// compile error instead of a silent move of what follows.
inline constexpr std::size_t command_bytes = 1168;

// The runtime's control union, with room for its users' command groups: a
// project passes its own mailbox::alternative_group, whose key_range the
// compiler checks against the runtime's range and every other group's (an
// overlap, or a key outside its group's range, is a compile error naming the
// key and the group).
template <class... ProjectGroups>
using Commands = mailbox::keyed<
    "sub_command", Command,
    mailbox::alternative_group<
        "runtime", mailbox::key_range<Command{1}, Command{999}>,
        mailbox::alternative<Command::boot, "boot", mailbox::field<"magic", std::uint64_t>,
                             mailbox::field<"frames", std::uint32_t>,
                             mailbox::field<"generation", std::uint32_t>>,
        mailbox::alternative<Command::ping, "ping", mailbox::field<"nonce", std::uint64_t>,
                             mailbox::field<"echo", std::uint64_t>>,
        mailbox::alternative<Command::memory_info, "memory_info", mailbox::field<"device", std::uint32_t>,
                             mailbox::field<"info", MemoryInfo>>,
        mailbox::alternative<Command::copy, "copy", mailbox::field<"count", std::uint32_t>,
                             mailbox::field<"status", std::int32_t>,
                             mailbox::field<"copied_bytes", std::uint64_t>,
                             mailbox::field<"spans", CopySpan[max_copy_spans]>>,
        mailbox::alternative<Command::stats, "stats", mailbox::field<"stats", WorkerStats>>>,
    ProjectGroups..., mailbox::total_size<command_bytes>>;

// A downstream project's own commands, in keys it reserved (1000..1999):
// it adds them without touching the runtime's list, and cannot collide with
// the runtime's keys or another project's range.
enum : std::uint64_t { checksum_command = 1000 };
using ProjectCommands = mailbox::alternative_group<
    "example_project", mailbox::key_range<Command{1000}, Command{1999}>,
    mailbox::alternative<Command{checksum_command}, "checksum", mailbox::field<"seed", std::uint64_t>,
                         mailbox::field<"words", std::uint32_t>, mailbox::field<"value", std::uint64_t>>>;

using ControlCommands = Commands<ProjectCommands>;
static_assert(sizeof(ControlCommands) == command_bytes);

// --- the teardown record -----------------------------------------------------
//
// Written by the worker as the last thing it does when it shuts down, read
// by the parent after the worker is gone: a whole report of the launch it
// asks for (the generation: a launch counter) or "unknown", never a torn
// one, even if the worker was killed in the middle of writing it.
struct Teardown {
  std::uint64_t tasks_done;
  std::uint64_t tasks_cancelled;
  std::uint64_t control_commands;
  std::int32_t exit_code;
  std::int32_t worker_pid;
  char reason[16];
};
MAILBOX_DESCRIBE(Teardown, tasks_done, tasks_cancelled, control_commands, exit_code, worker_pid, reason);

inline constexpr std::size_t teardown_record_offset = 65136;
// The record's own 16 bytes (sequence, schema, generation), then the body.
inline constexpr std::size_t teardown_record_bytes = 16 + sizeof(Teardown);
static_assert(teardown_record_bytes == 64);

using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"command", ControlCommands, 8>>,
    mailbox::overlay<"task", mailbox::field<"config", CallConfig, 16>, mailbox::field<"lease", Lease, 1160>,
                     mailbox::field<"args", std::byte[args_bytes], 1208>,
                     mailbox::field<"trailer", std::uint64_t[trailer_words], 65208>,
                     mailbox::field<"disposition", std::int32_t, 65276>>,
    mailbox::record<"teardown", Teardown, teardown_record_offset>,
    mailbox::flag<"shutdown", std::int32_t, 65200>, mailbox::flag<"accepted", std::int32_t, 65272>,
    mailbox::field<"error_msg", char[256], 65280>, mailbox::total_size<65536>>;
static_assert(Frame::size == 65536);
static_assert(Frame::offset_of<"error"> == 4 && Frame::offset_of<"args"> == 1208);
static_assert(Frame::offset_of<"command"> + command_bytes == Frame::offset_of<"lease"> + sizeof(Lease));
static_assert(Frame::offset_of<"args"> + args_bytes == Frame::offset_of<"teardown">);
static_assert(Frame::offset_of<"teardown"> + teardown_record_bytes == Frame::offset_of<"shutdown">);

// Both roles' flag rules, the same in either protocol: the parent asks for
// shutdown (and may take it back), the child acknowledges a task it
// accepted, and the parent clears that when it collects the task.
using ShutdownRule =
    mailbox::flag_rule<"shutdown", mailbox::raised_by<"parent">, mailbox::cleared_by<"parent">>;
using AcceptedRule =
    mailbox::flag_rule<"accepted", mailbox::raised_by<"child">, mailbox::cleared_by<"parent">>;

// Frame 0: the boot handshake, then control requests, then shutdown.
using Control =
    mailbox::protocol<Frame, mailbox::initial<S::task_launched>,
                      // The worker was launched and boots.
                      mailbox::in_state<S::task_launched, mailbox::owner<"child">, mailbox::views<"control">,
                                        mailbox::next<S::init_ready, S::init_failed>>,
                      mailbox::in_state<S::init_ready, mailbox::owner<"parent">, mailbox::views<"control">,
                                        mailbox::next<S::idle>>,
                      mailbox::in_state<S::init_failed, mailbox::owner<"parent">, mailbox::next<S::shutdown>>,
                      mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"control">,
                                        mailbox::next<S::control_request, S::shutdown>>,
                      mailbox::in_state<S::control_request, mailbox::owner<"child">,
                                        mailbox::views<"control">, mailbox::next<S::control_done>>,
                      mailbox::in_state<S::control_done, mailbox::owner<"parent">, mailbox::views<"control">,
                                        mailbox::next<S::idle>>,
                      mailbox::in_state<S::shutdown>,  // no owner, no next: terminal
                      ShutdownRule, AcceptedRule>;

// Frames 1 and 2: tasks, run at once or staged and activated.
using Task = mailbox::protocol<
    Frame, mailbox::initial<S::idle>,
    mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"task">,
                      mailbox::next<S::task_ready, S::prepare_ready>>,
    // Run at once (not used by the pipeline in worker_frames.cpp, which stages every task).
    mailbox::in_state<S::task_ready, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::frame_staged, S::task_done, S::task_failed>>,
    // Prepare, then wait staged for activation.
    mailbox::in_state<S::prepare_ready, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::frame_staged, S::task_failed>>,
    // Two owners, each with its own way out: only the parent activates a
    // staged frame, only the child gives it up. Entered only by publishing
    // from the child's token, so everything the winner's successor reads is
    // written first.
    mailbox::in_state<
        S::frame_staged, mailbox::owner<"parent", "child">,
        mailbox::next<mailbox::by<"parent", S::activate>, mailbox::by<"child", S::task_failed>>>,
    mailbox::in_state<S::activate, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::task_done, S::task_failed>>,
    mailbox::in_state<S::task_done, mailbox::owner<"parent">, mailbox::views<"task">, mailbox::next<S::idle>>,
    mailbox::in_state<S::task_failed, mailbox::owner<"parent">, mailbox::views<"task">,
                      mailbox::next<S::idle>>,
    ShutdownRule, AcceptedRule>;

using Frames = mailbox::frame_set<mailbox::frames<Control, 1>, mailbox::frames<Task, 2>>;

// The version both sides build in, checked through the region header.
inline constexpr std::uint32_t frame_version = 4;

}  // namespace worker
