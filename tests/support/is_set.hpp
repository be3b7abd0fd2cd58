// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Whether a description pointer is set, asked at run time: g++ 11 warns
// (-Waddress, "will never be NULL") when a constant one is compared with
// nullptr directly.
#pragma once

[[gnu::noinline]] inline bool is_set(const void* p) { return p != nullptr; }
