// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The wait backend a build compiled, checked against the one its preset
// says it must take (MAILBOX_EXPECTED_WAIT_BACKEND): the no-futex preset
// defines MAILBOX_FORCE_PORTABLE_WAIT, and if that stopped choosing the
// portable backend, every other test would pass on the futex one.
#include <mailbox/mailbox.hpp>

#include "support/catch.hpp"

#ifndef MAILBOX_EXPECTED_WAIT_BACKEND
#error "build with -DMAILBOX_EXPECTED_WAIT_BACKEND=<futex|portable>"
#endif

TEST_CASE("the build compiled the wait backend its preset expects", "[wait][backend]") {
  INFO("compiled: " << mailbox::wait_backend_name);
  CHECK(mailbox::compiled_wait_backend == mailbox::wait_backend::MAILBOX_EXPECTED_WAIT_BACKEND);
  CHECK(mailbox::detail::has_futex == (mailbox::compiled_wait_backend == mailbox::wait_backend::futex));
}
