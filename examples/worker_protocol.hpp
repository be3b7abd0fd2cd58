// The motivating client's frame and protocols (examples/worker_frames.cpp;
// tests/compile_fail/protocol_promotion_race.cpp shows the bug they rule
// out): three 64 KiB frames in one segment, frame 0 under the control
// protocol and frames 1 and 2 under the task protocol.
//
// The frame, at the client's offsets (its current frame: the identity
// trailer grew from 5 to 8 words, so what follows the args is re-pinned):
//
//   0      state (4)          4      error (4)
//   control overlay:   8 sub_command, 16 arg0, 40 result
//                      (48..1176 left free for the sub-command alternatives)
//   task overlay:      16 config (1144), 1160 lease (16),
//                      1208 args (63928, was 64016),
//                      65208 trailer (8 words, was 5 words at 65232),
//                      65276 disposition (4)
//   65136..65200       left free, outside both overlays, for the teardown record
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

// Where the records still to come will go (see the table above): no field
// may cover these bytes.
inline constexpr std::size_t teardown_record_offset = 65136;
inline constexpr std::size_t teardown_record_bytes = 64;
inline constexpr std::size_t sub_command_alternatives_begin = 48;
inline constexpr std::size_t sub_command_alternatives_end = 1176;

using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"sub_command", std::uint64_t, 8>,
                     mailbox::field<"arg0", std::uint64_t, 16>, mailbox::field<"result", std::uint64_t, 40>>,
    mailbox::overlay<"task", mailbox::field<"config", CallConfig, 16>, mailbox::field<"lease", Lease, 1160>,
                     mailbox::field<"args", std::byte[args_bytes], 1208>,
                     mailbox::field<"trailer", std::uint64_t[trailer_words], 65208>,
                     mailbox::field<"disposition", std::int32_t, 65276>>,
    mailbox::flag<"shutdown", std::int32_t, 65200>, mailbox::flag<"accepted", std::int32_t, 65272>,
    mailbox::field<"error_msg", char[256], 65280>, mailbox::total_size<65536>>;
static_assert(Frame::size == 65536);
static_assert(Frame::offset_of<"error"> == 4 && Frame::offset_of<"args"> == 1208);
static_assert(Frame::offset_of<"args"> + args_bytes == teardown_record_offset);
static_assert(teardown_record_offset + teardown_record_bytes == Frame::offset_of<"shutdown">);
static_assert(Frame::offset_of<"result"> + 8 == sub_command_alternatives_begin);
static_assert(Frame::offset_of<"lease"> + sizeof(Lease) == sub_command_alternatives_end);

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
inline constexpr std::uint32_t frame_version = 3;

}  // namespace worker
