// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Cross-process wake-up latency and idle CPU cost of each wait policy.
//
//   BM_wakeup/<policy>     a parent and a fork()ed child ping-pong through one
//                          mailbox, each waiting with <policy>; one_way_us is
//                          half a round trip, the time from a publish to the
//                          other process returning with the token.
//   BM_idle_cpu/<policy>   the child waits with <policy> for a state the parent
//                          publishes 10 ms later; cpu_ms is the CPU time the
//                          child burnt meanwhile (CLOCK_PROCESS_CPUTIME_ID),
//                          cpu_percent the same as a share of the wait.
//
// The two processes are pinned to the shared plan's two CPUs when there are
// two (support/environment.hpp); each benchmark reports whether it was. Real time. Run: bench_wakeup
// --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <mailbox/mailbox.hpp>

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "support/environment.hpp"

namespace {

enum class Turn : std::uint32_t { ping, pong, quit };

template <bool Blocking>
struct layouts;
template <>
struct layouts<false> {
  using type = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"sequence", std::uint64_t>,
                               mailbox::field<"cpu_ns", std::int64_t>>;
};
template <>
struct layouts<true> {
  using type = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"sequence", std::uint64_t>,
                               mailbox::field<"cpu_ns", std::int64_t>, mailbox::blocking_waiters>;
};

// spin_then_block needs a blocking layout; the others measure the default
// one, whose publish is a plain release store.
template <class Policy>
using layout_for = typename layouts<std::is_same_v<Policy, mailbox::spin_then_block>>::type;

// The waiting side runs on the ponger's CPU of the shared plan (see
// support/environment.hpp); the parent stays on the pinger's.
bool pin_child() { return bench::cpus().ponger < 0 || bench::pin_current_thread(bench::cpus().ponger) == 0; }

std::int64_t process_cpu_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

// A child process that runs `body` against the mailbox, dies with its parent,
// and is reaped when this object goes.
class child_process {
 public:
  template <class Body>
  explicit child_process(Body body) {
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);
      body();
      ::_exit(0);
    }
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    int status = 0;
    if (pid_ > 0) ::waitpid(pid_, &status, 0);
  }
  [[nodiscard]] bool started() const { return pid_ > 0; }

 private:
  pid_t pid_;
};

// Waits with the policy; a wait that fails stops the benchmark run.
template <class Box, class Policy>
auto wait_for(Box box, Turn turn, Policy policy) {
  return box.acquire(turn, policy, mailbox::wait_clock::now() + std::chrono::seconds(10));
}

template <class Policy>
void BM_wakeup(benchmark::State& state, Policy policy) {
  using Layout = layout_for<Policy>;
  auto segment = mailbox::shared_segment::anonymous(Layout::size, {.prefault = true});
  auto box = mailbox::Mailbox<Layout>::initialize(segment.bytes(), Turn::ping);
  const bool pinned = bench::cpus().ponger >= 0;
  child_process ponger([&] {
    if (!pin_child()) return;
    for (;;) {
      auto t = box.acquire_any({Turn::pong, Turn::quit}, policy,
                               mailbox::wait_clock::now() + std::chrono::seconds(10));
      if (!t || t.state() == Turn::quit) return;
      mailbox::set<"sequence">(*t, mailbox::get<"sequence">(*t) + 1);
      std::move(*t).publish(Turn::ping);
    }
  });
  if (!ponger.started()) {
    bench::fail(state, "fork failed");
    return;
  }
  std::uint64_t sequence = 0;
  const auto started = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto t = wait_for(box, Turn::ping, policy);
    if (!t) {
      bench::fail(state, "the ponger stopped answering");
      break;
    }
    if (mailbox::get<"sequence">(*t) != sequence) {
      bench::fail(state, "wrong reply");
      break;
    }
    mailbox::set<"sequence">(*t, sequence + 1);  // the ponger answers with sequence + 2
    sequence += 2;
    std::move(*t).publish(Turn::pong);
  }
  const double elapsed_ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - started).count();
  if (auto t = wait_for(box, Turn::ping, policy)) std::move(*t).publish(Turn::quit);
  // Round trips: the loop's waits were each preceded by the child's reply.
  state.counters["one_way_us"] = elapsed_ns / 1000.0 / (2.0 * static_cast<double>(state.iterations()));
  state.counters["pinned"] = pinned ? 1 : 0;
  state.SetLabel(std::string(mailbox::backend_name));
}

template <class Policy>
void BM_idle_cpu(benchmark::State& state, Policy policy) {
  using Layout = layout_for<Policy>;
  constexpr auto idle = std::chrono::milliseconds(10);
  auto segment = mailbox::shared_segment::anonymous(Layout::size, {.prefault = true});
  // ping: the child waits; pong: the parent's "go" after the idle time;
  // the child answers ping with its CPU time for that wait.
  auto box = mailbox::Mailbox<Layout>::initialize(segment.bytes(), Turn::ping);
  const bool pinned = bench::cpus().ponger >= 0;
  child_process waiter([&] {
    if (!pin_child()) return;
    for (;;) {
      const std::int64_t before = process_cpu_ns();
      auto t = box.acquire_any({Turn::pong, Turn::quit}, policy,
                               mailbox::wait_clock::now() + std::chrono::seconds(10));
      const std::int64_t after = process_cpu_ns();
      if (!t || t.state() == Turn::quit) return;
      mailbox::set<"cpu_ns">(*t, after - before);
      std::move(*t).publish(Turn::ping);
    }
  });
  if (!waiter.started()) {
    bench::fail(state, "fork failed");
    return;
  }
  double cpu_ns = 0;
  for (auto _ : state) {
    auto t = wait_for(box, Turn::ping, policy);  // the child's previous answer
    if (!t) {
      bench::fail(state, "the waiter stopped answering");
      break;
    }
    cpu_ns += static_cast<double>(mailbox::get<"cpu_ns">(*t));
    std::this_thread::sleep_for(idle);  // the child waits meanwhile
    std::move(*t).publish(Turn::pong);
  }
  // The answer to the last go carries the last wait's figure; the first
  // answer (the initial state) carried none.
  if (auto t = wait_for(box, Turn::ping, policy)) {
    cpu_ns += static_cast<double>(mailbox::get<"cpu_ns">(*t));
    std::move(*t).publish(Turn::quit);
  }
  const double waits = static_cast<double>(state.iterations());
  state.counters["cpu_ms"] = cpu_ns / 1e6 / waits;
  state.counters["cpu_percent"] = 100.0 * cpu_ns / (waits * 1e6 * static_cast<double>(idle.count()));
  state.counters["pinned"] = pinned ? 1 : 0;
  state.SetLabel(std::string(mailbox::backend_name));
}

BENCHMARK_CAPTURE(BM_wakeup, spin, mailbox::spin{})->UseRealTime();
BENCHMARK_CAPTURE(BM_wakeup, spin_then_yield, mailbox::spin_then_yield{.spins = 0})->UseRealTime();
BENCHMARK_CAPTURE(BM_wakeup, spin_then_block, mailbox::spin_then_block{.spins = 0})->UseRealTime();
BENCHMARK_CAPTURE(BM_wakeup, spin_then_block_1000, mailbox::spin_then_block{.spins = 1000})->UseRealTime();

BENCHMARK_CAPTURE(BM_idle_cpu, spin, mailbox::spin{})->UseRealTime()->Iterations(50);
BENCHMARK_CAPTURE(BM_idle_cpu, spin_then_yield, mailbox::spin_then_yield{})->UseRealTime()->Iterations(50);
BENCHMARK_CAPTURE(BM_idle_cpu, spin_then_block, mailbox::spin_then_block{})->UseRealTime()->Iterations(50);

}  // namespace

int main(int argc, char** argv) { return bench::run_main(argc, argv); }
