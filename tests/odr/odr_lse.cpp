// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Built with -march=armv8.2-a: the wait's compare-and-swap is CASA (LSE).
#include "odr_lse.hpp"

bool wait_with_lse_tu(std::span<std::byte> region) { return wait_in_vain(region); }
