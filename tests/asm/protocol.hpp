// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The protocol the instruction checks disassemble: one writer step and two
// reader steps over a layout whose state word sits alone at offset 64, so that
// on x86-64 (where the state access is a plain MOV) the checker can tell it
// from payload accesses by its displacement.
#pragma once

#include <cstdint>

namespace asm_check {

// taken: only tests/asm/transition.cpp's protocol uses it.
enum class Turn : std::uint32_t { empty, full, taken };

inline constexpr unsigned payload_words = 4;
inline constexpr unsigned state_offset = 64;

}  // namespace asm_check
