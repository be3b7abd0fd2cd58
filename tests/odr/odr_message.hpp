// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layout both translation units of the ODR test use: the same type, so
// both instantiate the same Mailbox<Message> members and wait loops.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

enum class Flag : std::uint32_t { empty, full };
using Message = mailbox::layout<mailbox::state<"flag", Flag>, mailbox::field<"value", std::uint64_t>>;

// Defined in odr_rcpc.cpp, built with -march=armv8.3-a (the LDAPR backend).
std::uint64_t read_with_rcpc_tu(std::span<std::byte> region);
// Defined in odr_baseline.cpp, built for baseline armv8-a (the LDAR backend).
std::uint64_t read_with_baseline_tu(std::span<std::byte> region);
