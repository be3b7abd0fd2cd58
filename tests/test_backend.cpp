// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The backend a build compiled, checked against the one its preset says the
// build must take (MAILBOX_EXPECTED_BACKEND): an AArch64 build without RCpc
// takes LDAR, -march=armv8.3-a takes LDAPR, riscv64 and every ThreadSanitizer
// build take the generic std::atomic_ref path. A silent fall-back to another
// path would otherwise pass every functional test.
#include <mailbox/mailbox.hpp>

#include "support/catch.hpp"

#ifndef MAILBOX_EXPECTED_BACKEND
#error "build with -DMAILBOX_EXPECTED_BACKEND=<x86_64|aarch64|aarch64_rcpc|generic>"
#endif

TEST_CASE("the build compiled the backend its preset expects", "[state][backend]") {
  INFO("compiled: " << mailbox::backend_name);
  CHECK(mailbox::compiled_backend == mailbox::backend::MAILBOX_EXPECTED_BACKEND);
}
