// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Test helpers: run a piece of a test in a fork()ed child with its stderr
// captured, for checks that the library aborts with a message (an abort in
// the test process itself would stop the whole run).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <string>

#include "catch.hpp"
#include "shared_region.hpp"

namespace test_support {

// How a child process ended: its wait status (wait_for: the exit code, or
// minus the signal) and what it wrote to stderr.
struct child_outcome {
  int status;
  std::string written;
};

// Runs `body` in a child process with its stderr captured; the child exits 0
// when the body returns.
template <class Body>
child_outcome run_in_child(Body body) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::signal(SIGABRT, SIG_DFL);  // Catch's handler would report the abort as this test's failure
    body();
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string written;
  char buffer[512];
  for (ssize_t got; (got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    written.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_fds[0]);
  return {wait_for(child), written};
}

// Runs `misuse` in a child process. Returns what the child wrote if it died
// of SIGABRT, and otherwise says how it ended, so a CHECK on the message
// shows both.
template <class Misuse>
std::string abort_message_of(Misuse misuse) {
  const child_outcome outcome = run_in_child(misuse);
  if (outcome.status != -SIGABRT) {
    return "<the child did not abort: status " + std::to_string(outcome.status) +
           "; stderr: " + outcome.written + ">";
  }
  return outcome.written;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace test_support
