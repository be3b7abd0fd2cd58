// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layout and protocol the protocol_*.cpp compile-fail cases share: a
// worker frame with a control and a task overlay, three flags (two with flag
// rules, one free), a shared state left by per-owner edges and a terminal
// state its owner reads. Cases that need a protocol with a mistake in it
// write that one themselves, over the same Step and Frame.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class Step : std::int32_t { idle, request, reply, ready, staged, running, done, off, report, unused };

using Frame =
    mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                    mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>,
                                     mailbox::field<"result", std::uint64_t>>,
                    mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>>,
                    mailbox::flag<"shutdown", std::int32_t>, mailbox::flag<"accepted", std::int32_t>,
                    mailbox::flag<"progress", std::int32_t>>;

using Worker = mailbox::protocol<
    Frame,
    mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
                      mailbox::next<Step::request, Step::ready, Step::off>>,
    mailbox::in_state<Step::request, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<Step::reply>>,
    mailbox::in_state<Step::reply, mailbox::owner<"parent">, mailbox::views<"control">,
                      mailbox::next<Step::idle>>,
    mailbox::in_state<Step::ready, mailbox::owner<"child">, mailbox::next<Step::staged, Step::done>>,
    // Two owners: no token; each owner leaves it by its own edge.
    mailbox::in_state<Step::staged, mailbox::owner<"parent", "child">,
                      mailbox::next<mailbox::by<"parent", Step::running>, mailbox::by<"child", Step::done>>>,
    mailbox::in_state<Step::running, mailbox::owner<"child">, mailbox::next<Step::done>>,
    mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::views<"task">,
                      mailbox::next<Step::idle, Step::report>>,
    mailbox::in_state<Step::report, mailbox::owner<"parent">, mailbox::views<"task">>,  // terminal, read by
                                                                                        // its owner
    mailbox::in_state<Step::off>,                                                       // terminal, nobody's
    mailbox::flag_rule<"shutdown", mailbox::raised_by<"parent">, mailbox::cleared_by<"parent">>,
    mailbox::flag_rule<"accepted", mailbox::raised_by<"child">, mailbox::cleared_by<"parent">>>;

using Parent = mailbox::endpoint<Worker, "parent">;
using Child = mailbox::endpoint<Worker, "child">;

// A region for one frame, initialised to `first`.
struct frame_memory {
  alignas(Frame::alignment) std::byte bytes[Frame::size];
  mailbox::Mailbox<Frame> init(Step first) { return mailbox::Mailbox<Frame>::initialize(bytes, first); }
};
