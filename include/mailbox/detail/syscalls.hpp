// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The few Linux system calls the waiting code makes (futex, waitid, kill,
// pidfd_open, ppoll, fcntl), made through syscall() from <unistd.h> with the
// ABI's numbers and constants defined here.
//
// Why not the system headers: <signal.h> and <sys/wait.h> define macros such
// as si_pid and sa_handler, and a public header that includes them breaks
// ordinary names in every file that includes it (struct ProcessInfo { int
// si_pid; } no longer compiles); <linux/futex.h> and <sys/syscall.h> add
// more. The numbers and flags below are the kernel's stable ABI;
// architectures not listed take the numbers from <sys/syscall.h> instead.
// (libstdc++'s C++20 <atomic> includes <sys/syscall.h> itself, for its own
// futex; that one is the standard library's doing.)
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>

#include <unistd.h>

#if !defined(__x86_64__) && !defined(__aarch64__) && !(defined(__riscv) && __riscv_xlen == 64)
#include <sys/syscall.h>
#endif

#include "../abi.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail::linux_abi {

#if defined(__x86_64__)
inline constexpr long nr_futex = 202;
inline constexpr long nr_kill = 62;
inline constexpr long nr_waitid = 247;
inline constexpr long nr_ppoll = 271;
inline constexpr long nr_fcntl = 72;
inline constexpr long nr_pidfd_open = 434;
#elif defined(__aarch64__) || (defined(__riscv) && __riscv_xlen == 64)
// asm-generic/unistd.h
inline constexpr long nr_futex = 98;
inline constexpr long nr_kill = 129;
inline constexpr long nr_waitid = 95;
inline constexpr long nr_ppoll = 73;
inline constexpr long nr_fcntl = 25;
inline constexpr long nr_pidfd_open = 434;
#else
inline constexpr long nr_futex = SYS_futex;
inline constexpr long nr_kill = SYS_kill;
inline constexpr long nr_waitid = SYS_waitid;
inline constexpr long nr_ppoll = SYS_ppoll;
inline constexpr long nr_fcntl = SYS_fcntl;
#if defined(SYS_pidfd_open)
inline constexpr long nr_pidfd_open = SYS_pidfd_open;
#else
inline constexpr long nr_pidfd_open = -1;  // not known here: process_alive uses kill(pid, 0)
#endif
#endif

// linux/futex.h
inline constexpr int futex_wait_op = 0;  // FUTEX_WAIT (shared: no FUTEX_PRIVATE_FLAG)
inline constexpr int futex_wake_op = 1;  // FUTEX_WAKE
// linux/wait.h
inline constexpr int p_pid = 1;                   // P_PID
inline constexpr int wnohang = 0x00000001;        // WNOHANG
inline constexpr int wexited = 0x00000004;        // WEXITED
inline constexpr int wnowait = 0x01000000;        // WNOWAIT
inline constexpr std::size_t siginfo_size = 128;  // sizeof(siginfo_t) on every Linux ABI
// poll.h, fcntl.h
inline constexpr short pollin = 0x001;
inline constexpr short pollhup = 0x010;
inline constexpr int f_dupfd_cloexec = 1030;

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail::linux_abi

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail {

// Sleeps while *word == expected, for at most `timeout`. Returns 0 when the
// caller should look at the word again (woken, the word differed, a signal),
// ETIMEDOUT when the timeout ended the sleep, or the errno of a call the
// kernel refused (ENOSYS, EPERM from a seccomp filter, EINVAL, EFAULT):
// looking again would only make the same call again, a busy loop.
inline int futex_wait(std::uint32_t* word, std::uint32_t expected,
                      std::chrono::nanoseconds timeout) noexcept {
  if (timeout.count() <= 0) return ETIMEDOUT;
  // On the 64-bit ABIs above, the kernel's __kernel_timespec is timespec.
  std::timespec relative{};
  relative.tv_sec = static_cast<std::time_t>(timeout.count() / 1'000'000'000);
  relative.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  if (::syscall(linux_abi::nr_futex, word, linux_abi::futex_wait_op, expected, &relative, nullptr, 0) == 0) {
    return 0;
  }
  const int error = errno;
  return error == EAGAIN || error == EINTR ? 0 : error;
}

inline void futex_wake_all(std::uint32_t* word) noexcept {
  (void)::syscall(linux_abi::nr_futex, word, linux_abi::futex_wake_op, 0x7fffffff, nullptr, nullptr, 0);
}

// Whether our child `child` has exited or been killed, reaped or not
// (WNOWAIT leaves the zombie to the caller's waitpid). ECHILD: reaped
// already, so gone; any other failure: not known to be gone.
inline bool child_has_ended(pid_t child) noexcept {
  // The kernel fills a siginfo_t; its first member, si_signo, is SIGCHLD
  // when a child changed state and 0 when WNOHANG found none.
  alignas(8) unsigned char info[linux_abi::siginfo_size] = {};
  if (::syscall(linux_abi::nr_waitid, linux_abi::p_pid, child, info,
                linux_abi::wexited | linux_abi::wnohang | linux_abi::wnowait, nullptr) != 0) {
    return errno == ECHILD;
  }
  int signal_number = 0;
  std::memcpy(&signal_number, info, sizeof signal_number);
  return signal_number != 0;
}

// kill(pid, 0): false once no process has that number (ESRCH).
inline bool pid_exists(pid_t pid) noexcept {
  return ::syscall(linux_abi::nr_kill, pid, 0) == 0 || errno != ESRCH;
}

// A pidfd for `pid` (Linux 5.3), or -errno: ESRCH when no such process,
// ENOSYS on older kernels, EPERM/ENOSYS under a seccomp filter.
inline int pidfd_open(pid_t pid) noexcept {
  if (linux_abi::nr_pidfd_open < 0) return -ENOSYS;
  const long fd = ::syscall(linux_abi::nr_pidfd_open, pid, 0u);
  return fd >= 0 ? static_cast<int>(fd) : -errno;
}

// Whether the process behind a pidfd has exited (its pidfd polls readable
// from its exit on, zombie or reaped). Fails towards "not exited".
inline bool pidfd_has_exited(int pidfd) noexcept {
  struct {
    int fd;
    short events;
    short revents;
  } entry{pidfd, linux_abi::pollin, 0};  // struct pollfd
  std::timespec no_wait{};
  const long ready = ::syscall(linux_abi::nr_ppoll, &entry, 1ul, &no_wait, nullptr, 0ul);
  return ready > 0 && (entry.revents & (linux_abi::pollin | linux_abi::pollhup)) != 0;
}

// fcntl(fd, F_DUPFD_CLOEXEC, 0), or -1.
inline int duplicate_fd(int fd) noexcept {
  return static_cast<int>(::syscall(linux_abi::nr_fcntl, fd, linux_abi::f_dupfd_cloexec, 0));
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail
