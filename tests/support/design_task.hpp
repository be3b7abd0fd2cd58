// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The task layout the library was designed around, with its pinned offset and pinned
// size, shared by the tests that exercise that exact shape.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstdint>

namespace test_support {

enum class Worker : std::int32_t { idle, task_ready, task_done };

using Task =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"callable", std::uint64_t>, mailbox::field<"args", std::uint64_t[16], 64>,
                    mailbox::field<"error_msg", char[256]>, mailbox::total_size<4096>>;

}  // namespace test_support
