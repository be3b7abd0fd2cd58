// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layout the fuzz target receives, shared with the corpus generator.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstdint>

namespace fuzz {

enum class Worker : std::int32_t { idle, task_ready, task_done, quit };

using Task =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"operand", std::uint64_t>, mailbox::field<"args", std::uint64_t[4]>,
                    mailbox::field<"ratio", double>, mailbox::field<"error_msg", char[24]>,
                    mailbox::valid_states<Worker::idle, Worker::task_ready, Worker::task_done, Worker::quit>,
                    mailbox::blocking_waiters>;

// Header and layout: what the receiving side maps.
inline constexpr std::size_t region_size = mailbox::size_with_header<Task>;

}  // namespace fuzz
