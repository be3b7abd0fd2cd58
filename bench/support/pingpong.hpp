// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The ping-pong drivers shared by the thread and process benchmarks: they
// make the memory, start the other side, and run a Protocol (see
// interleaved.hpp) over it:
//   static constexpr std::size_t size;
//   static void initialize(std::span<std::byte>), destroy(std::span<std::byte>);
//   static std::uint64_t ponger(std::span<std::byte>, std::uint64_t iterations);
//   std::uint64_t pinger(benchmark::State&, std::span<std::byte>);
//   void report(benchmark::State&) const;
// where ponger and pinger return the number of wrong payloads they saw.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string>
#include <thread>

#include "channels.hpp"
#include "environment.hpp"
#include "interleaved.hpp"
#include "latency.hpp"

namespace bench {

// Memory for a channel between two threads: a page-aligned block (so that
// its buffers' pairs of cache lines are pairs, as between processes) that
// this thread first-touches (initialize zeroes it).
class local_region {
 public:
  explicit local_region(std::size_t size)
      : size_((size + page - 1) / page * page),
        data_(static_cast<std::byte*>(::operator new (size_, std::align_val_t{page}))) {}
  local_region(const local_region&) = delete;
  local_region& operator=(const local_region&) = delete;
  ~local_region() { ::operator delete (data_, std::align_val_t{page}); }
  [[nodiscard]] std::span<std::byte> span() const noexcept { return {data_, size_}; }

 private:
  static constexpr std::size_t page = 4096;
  std::size_t size_;
  std::byte* data_;
};

// Memory for a channel between two processes: an anonymous MAP_SHARED mapping
// created, pre-faulted (MAP_POPULATE) and first-touched by the parent before
// it forks, so neither side takes a page fault while timed.
class shared_region {
 public:
  explicit shared_region(std::size_t size)
      : size_((size + page_size() - 1) / page_size() * page_size()),
        data_(::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1,
                     0)) {
    if (data_ == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
    std::memset(data_, 0, size_);
  }
  shared_region(const shared_region&) = delete;
  shared_region& operator=(const shared_region&) = delete;
  ~shared_region() { ::munmap(data_, size_); }
  [[nodiscard]] std::span<std::byte> span() const noexcept { return {static_cast<std::byte*>(data_), size_}; }

 private:
  static std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
  std::size_t size_;
  void* data_;
};

inline void set_common_counters(benchmark::State& state, std::size_t payload_bytes) {
  state.counters["payload_bytes"] = static_cast<double>(payload_bytes);
  state.counters["pinned"] = cpus().pinger >= 0 ? 1 : 0;
}

// Two threads of this process, pinned to different CPUs where allowed.
template <class Protocol, std::size_t Bytes>
void thread_pingpong(benchmark::State& state) {
  local_region region(Protocol::size);
  Protocol::initialize(region.span());
  Protocol protocol;
  const auto count = static_cast<std::uint64_t>(state.max_iterations);
  std::uint64_t ponger_wrong = 0;
  std::thread ponger([&] {
    pin_current_thread(cpus().ponger);
    ponger_wrong = Protocol::ponger(region.span(), count);
  });
  const std::uint64_t pinger_wrong = protocol.pinger(state, region.span());
  ponger.join();
  Protocol::destroy(region.span());
  protocol.report(state);
  set_common_counters(state, Bytes);
  if (pinger_wrong + ponger_wrong != 0) {
    fail(state, "wrong payloads: " + std::to_string(pinger_wrong) + " at the pinger, " +
                    std::to_string(ponger_wrong) + " at the ponger");
  }
}

// Two processes: the parent (pinger) maps, first-touches and initializes the
// region, then forks the ponger, which pins itself to the other CPU.
template <class Protocol, std::size_t Bytes>
void process_pingpong(benchmark::State& state) {
  shared_region region(Protocol::size);
  Protocol::initialize(region.span());
  Protocol protocol;
  const auto count = static_cast<std::uint64_t>(state.max_iterations);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    fail(state, std::string("fork: ") + std::strerror(errno));
    for (auto _ : state) {
    }
    return;
  }
  if (child == 0) {
    // A ponger whose parent died would spin forever on a CPU: die with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    pin_current_thread(cpus().ponger);
    const std::uint64_t wrong = Protocol::ponger(region.span(), count);
    ::_exit(wrong == 0 ? 0 : 1);
  }
  const std::uint64_t pinger_wrong = protocol.pinger(state, region.span());
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  Protocol::destroy(region.span());
  protocol.report(state);
  set_common_counters(state, Bytes);
  const bool child_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (pinger_wrong != 0 || !child_ok) {
    fail(state, "wrong payloads: " + std::to_string(pinger_wrong) + " at the pinger; ponger process " +
                    (child_ok ? "saw none" : "saw some or died"));
  }
}

}  // namespace bench
