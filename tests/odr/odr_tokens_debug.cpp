// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Built with MAILBOX_DEBUG_TOKENS=1: dropping a live token aborts.
#include "odr_tokens.hpp"

void drop_with_debug_tu(std::span<std::byte> region) { drop_by_assignment(region); }
