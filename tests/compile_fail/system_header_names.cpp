// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: the mailbox headers must not pull <signal.h> or
// <sys/wait.h> into a user's file, whose macros (si_pid, sa_handler, ...)
// break ordinary member names. The twin, which includes only the umbrella
// header, must compile; the mistake includes <signal.h>, which the struct
// below does not survive: proof that the twin would fail if the mailbox
// headers included it.
// expect: si_pid
#include <mailbox/mailbox.hpp>
#if defined(MAILBOX_COMPILE_FAIL)
#include <signal.h>
#endif

// Names glibc's <signal.h> and <sys/wait.h> define as macros.
struct ProcessInfo {
  int si_pid;
  int sa_handler;
};

int main() {
  ProcessInfo info{1, 2};
  return info.si_pid + info.sa_handler == 3 ? 0 : 1;
}
