// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The one declaration of the example's mailbox, shared by the C++ parent and
// the Python extension module: nobody writes an offset by hand.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstdint>

namespace jobs {

enum class State : std::int32_t { starting, idle, task_ready, task_done, task_failed, quit };
enum class Op : std::int32_t { sum, mean, fail };

using Job = mailbox::layout<mailbox::state<"state", State>, mailbox::field<"op", Op>,
                            mailbox::field<"count", std::uint32_t>, mailbox::field<"values", double[32]>,
                            mailbox::field<"result", double>, mailbox::field<"error_msg", char[128]>,
                            mailbox::valid_states<State::starting, State::idle, State::task_ready,
                                                  State::task_done, State::task_failed, State::quit>,
                            mailbox::blocking_waiters>;

// Bump when the meaning of Job changes but not its shape: both sides then
// refuse each other's regions (FingerprintMismatch in Python).
inline constexpr std::uint32_t version = 1;

}  // namespace jobs
