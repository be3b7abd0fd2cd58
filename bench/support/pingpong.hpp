// The ping-pong driver shared by the thread and process benchmarks: one
// benchmark iteration is one round trip, timed end to end; every message
// writes and reads every payload byte, so data movement is part of the cost.
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
#include "latency.hpp"

namespace bench {

// Every word of ping n carries n, every word of its pong ~n: a payload read
// that overtook the state word, or a torn copy, shows up as a wrong word.
constexpr std::uint64_t reply_to(std::uint64_t n) noexcept { return ~n; }

template <std::size_t Words>
[[gnu::always_inline]] inline void fill(std::span<std::uint64_t, Words> payload,
                                        std::uint64_t value) noexcept {
  for (std::uint64_t& word : payload) word = value;
}

// Reads every word; true if one differs from `expected`.
template <std::size_t Words>
[[gnu::always_inline]] inline bool differs(std::span<std::uint64_t, Words> payload,
                                           std::uint64_t expected) noexcept {
  std::uint64_t difference = 0;
  for (const std::uint64_t word : payload) difference |= word ^ expected;
  return difference != 0;
}

// The ponger's side: `count` round trips, then done. Returns the number of
// wrong payloads it received.
template <class Channel>
std::uint64_t run_ponger(std::span<std::byte> region, std::uint64_t count) {
  Channel channel(region);
  const std::uint64_t flip = corrupt_replies() ? 1 : 0;
  std::uint64_t wrong = 0;
  for (std::uint64_t n = 0; n < count; ++n) {
    channel.handoff(turn::ponger, turn::pinger, [&](auto payload) {
      wrong += differs(payload, n);
      fill(payload, reply_to(n) ^ flip);
    });
  }
  return wrong;
}

// Round trips made before the timed loop, so that the ponger is running, on
// its CPU, with the line in its cache, when timing starts.
inline constexpr std::uint64_t warmup_round_trips = 100;

// The pinger's side, in the benchmark's timed loop: each iteration waits for
// pong n, reads it, sends ping n + 1, and takes a timestamp. The ponger
// knows the count in advance (warm-up plus state.max_iterations), so no extra
// "stop" message perturbs the measured protocol.
template <class Channel>
std::uint64_t run_pinger(benchmark::State& state, std::span<std::byte> region, latency_histogram& histogram) {
  Channel channel(region);
  const std::uint64_t last = warmup_round_trips + static_cast<std::uint64_t>(state.max_iterations) - 1;
  std::uint64_t wrong = 0;
  std::uint64_t n = 0;
  const auto round_trip = [&] {
    // After the last pong the turn stays here: the ponger has stopped.
    channel.handoff(turn::pinger, n == last ? turn::pinger : turn::ponger, [&](auto payload) {
      wrong += differs(payload, reply_to(n));
      if (n != last) fill(payload, n + 1);
    });
    ++n;
  };
  channel.handoff(turn::pinger, turn::ponger, [&](auto payload) { fill(payload, n); });
  while (n < warmup_round_trips) round_trip();
  round_trip_clock clock;
  clock.start();
  for (auto _ : state) {
    round_trip();
    clock.lap(histogram);
  }
  return wrong;
}

// Memory for a channel between two threads: a cache-line-aligned block that
// this thread first-touches (initialize zeroes it).
class local_region {
 public:
  explicit local_region(std::size_t size)
      : size_((size + cache_line - 1) / cache_line * cache_line),
        data_(static_cast<std::byte*>(::operator new (size_, std::align_val_t{cache_line}))) {}
  local_region(const local_region&) = delete;
  local_region& operator=(const local_region&) = delete;
  ~local_region() { ::operator delete (data_, std::align_val_t{cache_line}); }
  [[nodiscard]] std::span<std::byte> span() const noexcept { return {data_, size_}; }

 private:
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

// One channel's ping-pong: a histogram of its round trips.
template <class Channel>
class single_protocol {
 public:
  static constexpr std::size_t size = Channel::size;
  static void initialize(std::span<std::byte> region) { Channel::initialize(region); }
  static void destroy(std::span<std::byte> region) { Channel::destroy(region); }

  static std::uint64_t ponger(std::span<std::byte> region, std::uint64_t count) {
    return run_ponger<Channel>(region, count);
  }
  std::uint64_t pinger(benchmark::State& state, std::span<std::byte> region) {
    return run_pinger<Channel>(state, region, histogram_);
  }
  void report(benchmark::State& state) const { histogram_.report(state, tick_clock::nanoseconds_per_tick()); }

 private:
  latency_histogram histogram_;
};

// Two channels over the same bytes, taking turns every `block` round trips in
// one run, so that a slow spell of the machine (a neighbour's load, the
// hypervisor moving a vCPU), which lasts far longer than a block, slows both
// alike. Their ratio is then a paired comparison, steady where separate runs
// of each can differ by tens of percent.
template <class A, class B>
class paired_protocol {
  static_assert(A::state_offset == B::state_offset && A::payload_offset == B::payload_offset,
                "paired channels must lay out the same bytes");

 public:
  static constexpr std::uint64_t block = 1024;
  static constexpr std::size_t size = std::max(A::size, B::size);
  static void initialize(std::span<std::byte> region) { A::initialize(region); }
  static void destroy(std::span<std::byte> region) { A::destroy(region); }

  // Which channel carries round trip n; both sides count the same way. The
  // blocks follow a fixed pseudo-random order rather than strictly taking
  // turns, so neither channel always runs first after the warm-up or after
  // the other one.
  static bool uses_b(std::uint64_t n) noexcept {
    return (std::popcount((n / block + 1) * 0x9E3779B97F4A7C15ull) & 1) != 0;
  }

  static std::uint64_t ponger(std::span<std::byte> region, std::uint64_t count) {
    A a(region);
    B b(region);
    const std::uint64_t flip = corrupt_replies() ? 1 : 0;
    std::uint64_t wrong = 0;
    for (std::uint64_t n = 0; n < count; ++n) {
      const auto answer = [&](auto payload) {
        wrong += differs(payload, n);
        fill(payload, reply_to(n) ^ flip);
      };
      if (uses_b(n)) {
        b.handoff(turn::ponger, turn::pinger, answer);
      } else {
        a.handoff(turn::ponger, turn::pinger, answer);
      }
    }
    return wrong;
  }

  std::uint64_t pinger(benchmark::State& state, std::span<std::byte> region) {
    A a(region);
    B b(region);
    const std::uint64_t last = warmup_round_trips + static_cast<std::uint64_t>(state.max_iterations) - 1;
    std::uint64_t wrong = 0;
    std::uint64_t n = 0;
    const auto round_trip = [&](auto& channel) {
      channel.handoff(turn::pinger, n == last ? turn::pinger : turn::ponger, [&](auto payload) {
        wrong += differs(payload, reply_to(n));
        if (n != last) fill(payload, n + 1);
      });
      ++n;
    };
    a.handoff(turn::pinger, turn::ponger, [&](auto payload) { fill(payload, n); });
    while (n < warmup_round_trips) uses_b(n) ? round_trip(b) : round_trip(a);
    round_trip_clock clock;
    clock.start();
    for (auto _ : state) {
      if (uses_b(n)) {
        round_trip(b);
        clock.lap(histogram_b_);
      } else {
        round_trip(a);
        clock.lap(histogram_a_);
      }
    }
    return wrong;
  }

  // For the benchmark <group>/<a>_vs_<b>/<bytes>: a_mean_ns and b_mean_ns
  // (means of the fastest 99 % of each one's round trips), their medians, and
  // a_over_b, the ratio of the means.
  void report(benchmark::State& state) const {
    const double ns_per_tick = tick_clock::nanoseconds_per_tick();
    const double a_mean = histogram_a_.trimmed_mean(0.99) * ns_per_tick;
    const double b_mean = histogram_b_.trimmed_mean(0.99) * ns_per_tick;
    state.counters["a_mean_ns"] = a_mean;
    state.counters["b_mean_ns"] = b_mean;
    state.counters["a_median_ns"] = histogram_a_.percentile(0.5) * ns_per_tick;
    state.counters["b_median_ns"] = histogram_b_.percentile(0.5) * ns_per_tick;
    state.counters["a_over_b"] = b_mean > 0 ? a_mean / b_mean : 0.0;
  }

 private:
  latency_histogram histogram_a_;
  latency_histogram histogram_b_;
};

// Two threads of this process, pinned to different CPUs where allowed.
template <class Protocol, std::size_t Bytes>
void thread_pingpong(benchmark::State& state) {
  local_region region(Protocol::size);
  Protocol::initialize(region.span());
  Protocol protocol;
  const auto count = warmup_round_trips + static_cast<std::uint64_t>(state.max_iterations);
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
  const auto count = warmup_round_trips + static_cast<std::uint64_t>(state.max_iterations);
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
