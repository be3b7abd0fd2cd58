// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: where __linux__ is not defined (macOS, the BSDs), the
// umbrella header takes the portable wait backend, which must compile with
// no Linux header and no system-call numbers, and keep the umbrella's
// promise of no <signal.h> or <sys/wait.h>. The twin compiles it so (this
// file undefines __linux__ before any include), with the struct whose
// members <signal.h>'s macros would break; the mistake calls the futex
// layer, which must not be there.
// expect: futex_wait
// libc++ chooses its thread API from __linux__ in <__config>: let it do so
// first (the standard library is the system's, here as on macOS).
#include <version>

#undef __linux__
#undef __linux
#undef __gnu_linux__
#undef linux

#include <mailbox/mailbox.hpp>

#include <chrono>
#include <cstdint>

static_assert(mailbox::compiled_wait_backend == mailbox::wait_backend::portable);

// Names glibc's <signal.h> and <sys/wait.h> define as macros.
struct ProcessInfo {
  int si_pid;
  int sa_handler;
};

int main() {
#if defined(MAILBOX_COMPILE_FAIL)
  std::uint32_t word = 0;
  (void)mailbox::detail::futex_wait(&word, 0, std::chrono::nanoseconds(1));
#endif
  ProcessInfo info{1, 2};
  return info.si_pid + info.sa_handler == 3 ? 0 : 1;
}
