// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The quick start's mailbox, declared once for C++ and Python.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, request, reply, done };

using Square = mailbox::layout<mailbox::state<"step", Step>, mailbox::field<"x", std::int64_t>,
                               mailbox::valid_states<Step::idle, Step::request, Step::reply, Step::done>>;
