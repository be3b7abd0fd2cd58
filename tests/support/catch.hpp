// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Catch2 v2 (Debian's package) and v3 name their headers differently.
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>
#else
#include <catch2/catch.hpp>
#endif
