// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The cost of one ordered access when nobody else touches the line: the
// library's state() and publish() against the same access hand-written with
// std::atomic_ref and with fences. Names: uncontended/<access>/<variant>.
// On x86-64 acquire and release are plain MOVs; seq_cst stores are XCHG and
// seq_cst fences MFENCE, which is what these show.
#include <benchmark/benchmark.h>
#include <mailbox/mailbox.hpp>

#include <atomic>
#include <cstdint>
#include <string>

#include "support/channels.hpp"
#include "support/environment.hpp"

namespace {

using bench::turn;
using layout = mailbox::layout<mailbox::state<"turn", turn>, mailbox::field<"payload", std::uint64_t>>;

// One cache line nobody else uses, first-touched by this thread.
struct alignas(bench::cache_line) line {
  std::byte bytes[bench::cache_line]{};
};

// --- loads ---------------------------------------------------------------

void mailbox_state(benchmark::State& state) {
  line memory;
  const auto box = mailbox::Mailbox<layout>::initialize(memory.bytes, turn::pinger);
  for (auto _ : state) benchmark::DoNotOptimize(box.state());
}

template <std::memory_order Order>
void atomic_ref_load(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) benchmark::DoNotOptimize(ref.load(Order));
}

void relaxed_load_then_acquire_fence(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.load(std::memory_order_relaxed));
    std::atomic_thread_fence(std::memory_order_acquire);
  }
}

void relaxed_load_then_seq_cst_fence(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.load(std::memory_order_relaxed));
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
}

// --- stores ----------------------------------------------------------------

template <std::memory_order Order>
void atomic_ref_store(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) ref.store(turn::pinger, Order);
  benchmark::DoNotOptimize(word);
}

void release_fence_then_relaxed_store(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) {
    std::atomic_thread_fence(std::memory_order_release);
    ref.store(turn::pinger, std::memory_order_relaxed);
  }
  benchmark::DoNotOptimize(word);
}

void relaxed_store_then_seq_cst_fence(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) {
    ref.store(turn::pinger, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  benchmark::DoNotOptimize(word);
}

// --- a whole turn: acquire, then publish ------------------------------------------

// A token comes only from an acquire, so publish() is measured with the
// acquire that produced its token; the hand-written twins do the same load,
// compare and store.
void mailbox_acquire_publish(benchmark::State& state) {
  line memory;
  const auto box = mailbox::Mailbox<layout>::initialize(memory.bytes, turn::pinger);
  for (auto _ : state) {
    auto token = box.acquire(turn::pinger);
    std::move(token).publish(turn::pinger);
  }
}

template <std::memory_order Load, std::memory_order Store>
void atomic_ref_acquire_publish(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) {
    while (ref.load(Load) != turn::pinger) bench::spin_pause();
    ref.store(turn::pinger, Store);
  }
  benchmark::DoNotOptimize(word);
}

// --- compare-and-transition: one CAS instead of a load and a store -------------------

// try_transition from the state the word holds to the same state: the CAS
// succeeds every time, as the winning side's does. Against
// turn/mailbox_acquire_publish, this is the price of leaving a state by
// compare-and-swap (a LOCK CMPXCHG, a full barrier on x86-64) rather than
// by acquire-load and release-store.
void mailbox_try_transition(benchmark::State& state) {
  line memory;
  const auto box = mailbox::Mailbox<layout>::initialize(memory.bytes, turn::pinger);
  for (auto _ : state) benchmark::DoNotOptimize(box.try_transition(turn::pinger, turn::pinger));
}

// The losing side: the CAS finds another state and stores nothing.
void mailbox_try_transition_fails(benchmark::State& state) {
  line memory;
  const auto box = mailbox::Mailbox<layout>::initialize(memory.bytes, turn::pinger);
  for (auto _ : state) benchmark::DoNotOptimize(box.try_transition(turn::ponger, turn::pinger));
}

template <std::memory_order Success, std::memory_order Failure>
void atomic_ref_compare_exchange(benchmark::State& state) {
  alignas(bench::cache_line) turn word = turn::pinger;
  const std::atomic_ref<turn> ref(word);
  for (auto _ : state) {
    turn expected = turn::pinger;
    benchmark::DoNotOptimize(ref.compare_exchange_strong(expected, turn::pinger, Success, Failure));
  }
  benchmark::DoNotOptimize(word);
}

void add(const std::string& name, void (*function)(benchmark::State&)) {
  bench::with_statistics(benchmark::RegisterBenchmark(("uncontended/" + name).c_str(), function))
      ->Unit(benchmark::kNanosecond);
}

}  // namespace

int main(int argc, char** argv) {
  constexpr auto relaxed = std::memory_order_relaxed;
  constexpr auto acquire = std::memory_order_acquire;
  constexpr auto release = std::memory_order_release;
  constexpr auto seq_cst = std::memory_order_seq_cst;
  add("load/mailbox_state", mailbox_state);
  add("load/atomic_ref_acquire", atomic_ref_load<acquire>);
  add("load/atomic_ref_relaxed", atomic_ref_load<relaxed>);
  add("load/atomic_ref_seq_cst", atomic_ref_load<seq_cst>);
  add("load/relaxed_then_acquire_fence", relaxed_load_then_acquire_fence);
  add("load/relaxed_then_seq_cst_fence", relaxed_load_then_seq_cst_fence);
  add("store/atomic_ref_release", atomic_ref_store<release>);
  add("store/atomic_ref_relaxed", atomic_ref_store<relaxed>);
  add("store/atomic_ref_seq_cst", atomic_ref_store<seq_cst>);
  add("store/release_fence_then_relaxed", release_fence_then_relaxed_store);
  add("store/relaxed_then_seq_cst_fence", relaxed_store_then_seq_cst_fence);
  add("turn/mailbox_acquire_publish", mailbox_acquire_publish);
  add("turn/atomic_ref_acquire_release", atomic_ref_acquire_publish<acquire, release>);
  add("turn/atomic_ref_seq_cst", atomic_ref_acquire_publish<seq_cst, seq_cst>);
  add("transition/mailbox_try_transition", mailbox_try_transition);
  add("transition/mailbox_try_transition_fails", mailbox_try_transition_fails);
  add("transition/atomic_ref_cas_acq_rel", atomic_ref_compare_exchange<std::memory_order_acq_rel, acquire>);
  return bench::run_main(argc, argv);
}
