// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The mailboxes of the Python benchmark: Echo, bounced between a client
// (Python through the binding, Python through struct + ctypes, or C++) and a
// C++ echo process, four fields, one of them an array, every word answered;
// and Page, a 64 KiB field for the cost of reaching one byte of it.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

namespace bench_python {

enum class Turn : std::uint32_t { ping, pong, quit };

inline constexpr std::size_t word_count = 8;

using Echo = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"sequence", std::uint64_t>,
                             mailbox::field<"code", std::int32_t>, mailbox::field<"weight", double>,
                             mailbox::field<"words", std::uint64_t[word_count]>,
                             mailbox::valid_states<Turn::ping, Turn::pong, Turn::quit>>;

using Page = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"number", std::uint64_t>,
                             mailbox::field<"page", std::byte[65536]>,
                             mailbox::valid_states<Turn::ping, Turn::pong, Turn::quit>>;

// What the client sends with ping n, and what the echo answers.
constexpr std::uint64_t word(std::uint64_t n, std::size_t i) { return n * word_count + i; }
constexpr std::uint64_t answer(std::uint64_t w) { return ~w; }

}  // namespace bench_python
