// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layouts of the Python binding's tests besides the handoff's: a frame
// with overlays, flags and a protocol; a field too large for any stack; a
// field of every shape; an integer state word.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

namespace python_test {

// Overlays, flags and a protocol (the shape of a worker's frame), for the
// flag, transition and endpoint bindings: per-owner edges, flag rules and an
// owned terminal state among its rules. No valid_states: the protocol's
// states name them.
enum class F : std::int32_t { idle, request, reply, staged, running, done, failed, off };

using Frame = mailbox::layout<
    mailbox::state<"state", F>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"command", std::uint64_t>,
                     mailbox::field<"result", std::uint64_t>>,
    mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>, mailbox::field<"sum", std::uint64_t>>,
    mailbox::flag<"stop", std::int32_t>, mailbox::flag<"seen", std::uint64_t>,
    mailbox::field<"note", char[32]>>;

using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<F::idle, mailbox::owner<"parent">, mailbox::views<"control", "task">,
                      mailbox::next<F::request, F::staged, F::off>>,
    mailbox::in_state<F::request, mailbox::owner<"child">, mailbox::views<"control">,
                      mailbox::next<F::reply>>,
    mailbox::in_state<F::reply, mailbox::owner<"parent">, mailbox::views<"control">, mailbox::next<F::idle>>,
    // Shared, with an edge for each owner: only the child starts the task,
    // only the parent calls it off.
    mailbox::in_state<F::staged, mailbox::owner<"parent", "child">,
                      mailbox::next<mailbox::by<"child", F::running>, mailbox::by<"parent", F::failed>>>,
    mailbox::in_state<F::running, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<F::done, F::failed>>,
    mailbox::in_state<F::done, mailbox::owner<"parent">, mailbox::views<"task">, mailbox::next<F::idle>>,
    mailbox::in_state<F::failed, mailbox::owner<"parent">, mailbox::next<F::idle>>,
    // Terminal and owned: the child reads the last state, and its token has
    // no publish.
    mailbox::in_state<F::off, mailbox::owner<"child">, mailbox::views<"control">>,
    mailbox::flag_rule<"stop", mailbox::raised_by<"parent">, mailbox::cleared_by<"parent">>,
    mailbox::flag_rule<"seen", mailbox::raised_by<"child">>>;

enum class L : std::uint32_t { empty, full };

// 16 MiB of floats: converting a list for it on the C stack overflows it.
inline constexpr std::size_t large_count = std::size_t{1} << 22;
using Large =
    mailbox::layout<mailbox::state<"state", L>, mailbox::field<"samples", float[large_count]>,
                    mailbox::field<"page", std::byte[65536]>, mailbox::field<"count", std::uint64_t>,
                    mailbox::valid_states<L::empty, L::full>>;

struct Point {
  std::int16_t x;
  std::int16_t y;
};

// One field of every shape a memoryview shows.
using Shapes = mailbox::layout<mailbox::state<"state", L>, mailbox::field<"grid", double[3][4]>,
                               mailbox::field<"points", Point[3]>, mailbox::field<"scalar", std::int64_t>,
                               mailbox::field<"text", char[8]>, mailbox::field<"small", std::int8_t[5]>,
                               mailbox::field<"halves", std::uint16_t[2]>, mailbox::field<"ratio", float>,
                               mailbox::field<"deep", std::uint8_t[2][2][2][2][2]>,
                               mailbox::valid_states<L::empty, L::full>>;

// An integer state word: no names, states are ints.
using Counter =
    mailbox::layout<mailbox::state<"count", std::uint64_t>, mailbox::field<"value", std::int64_t>>;

// Struct fields by member (MAILBOX_DESCRIBE): a packed struct with a
// nested described struct, an enum and arrays, in an overlay; a struct
// without a description beside it; two committed records.
enum class Mode : std::uint8_t { off, on };

struct Limits {
  std::uint32_t soft;
  std::uint32_t hard;
};
MAILBOX_DESCRIBE(Limits, soft, hard);

#pragma pack(push, 1)
struct CallConfig {
  std::uint32_t call_id;
  std::uint8_t lease_kind;
  std::uint64_t timeout_ms;  // at 5: misaligned on purpose
  char function[16];
  std::int16_t seeds[3];
  double weight;
  Limits limits;
  Mode mode;
};
#pragma pack(pop)
MAILBOX_DESCRIBE(CallConfig, call_id, lease_kind, timeout_ms, function, seeds, weight, limits, mode);

struct Opaque {
  std::uint32_t a;
  std::uint32_t b;
};

// Committed records: a described body (a dict in Python) and one that is
// only bytes.
struct Teardown {
  std::int32_t exit_code;
  std::uint32_t signal;
  char reason[24];
  Limits limits;
};
MAILBOX_DESCRIBE(Teardown, exit_code, signal, reason, limits);

// A keyed union: an alternative without fields, one of numbers and text,
// one holding a described struct; a 2-byte signed key.
enum class Command : std::int16_t { ping = 1, copy = 2, info = -3 };
using Control =
    mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::ping, "ping">,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>,
                                        mailbox::field<"dst", std::uint64_t>, mailbox::field<"tag", char[8]>>,
                   mailbox::alternative<Command::info, "info", mailbox::field<"limits", Limits>>>;

using Described =
    mailbox::layout<mailbox::state<"state", L>,
                    mailbox::overlay<"task", mailbox::field<"config", CallConfig>>,
                    mailbox::field<"opaque", Opaque>, mailbox::field<"count", std::uint32_t>,
                    mailbox::record<"teardown", Teardown>, mailbox::record<"raw", Opaque>,
                    mailbox::field<"command", Control>, mailbox::valid_states<L::empty, L::full>>;

}  // namespace python_test
