// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Every variant of one transport and payload measured in one run, taking
// turns in short blocks: a slow spell of the machine (a neighbour's load, the
// hypervisor moving a vCPU), which lasts far longer than a block, slows them
// all alike, so their ratios are paired comparisons. Separate runs of each
// variant, on a shared 2-vCPU guest, differed by up to 7x (issue 10).
//
// One benchmark iteration is one round: every channel's block once, in a
// fixed pseudo-random order of the round's number, so that no channel always
// runs first or after the same neighbour. Both sides compute the same
// schedule, so no extra message marks a switch. Each channel has its own
// histogram; each block's figure is kept too, so the report can give every
// ratio a spread (from the per-round ratios) and tell when blocks of one
// variant disagree (an unstable run).
//
// Where the memory lies matters as much as the code: which cache lines carry
// a hand-over changes the round trip by up to 30 % on a mesh of cores (the
// lines' home on the interconnect; bench/README.md, "Why the control
// strayed"), so two identical channels on different lines differ that much,
// run after run. The channels that hold nothing but a turn word and a
// payload (shares_buffers) therefore run over one pool of buffers: in round r
// every one of them uses buffer r mod pool_buffers, so within a round they
// move the same lines, and over the rounds they all see the same buffers.
// Other spinning channels get pool_buffers copies of their own, taken in
// turn, so their figure is an average over as many placements.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "channels.hpp"
#include "environment.hpp"
#include "latency.hpp"

namespace bench {

// Every word of request n carries n, every word of its reply ~n: a payload
// read that overtook the hand-over, or a torn copy, shows up as a wrong word.
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

// Shuffles `items` pseudo-randomly for round `round` (Fisher-Yates driven by
// splitmix64): the same on both sides of a run, different from round to
// round.
template <class T>
void shuffle_for_round(std::span<T> items, std::uint64_t round) noexcept {
  std::uint64_t x = round * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  for (std::size_t i = items.size(); i > 1; --i) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::swap(items[i - 1], items[z % i]);
  }
}

// A pseudo-random permutation of 0..N-1 for round `round`.
template <std::size_t N>
std::array<std::uint8_t, N> round_order(std::uint64_t round) noexcept {
  std::array<std::uint8_t, N> order{};
  for (std::size_t i = 0; i < N; ++i) order[i] = static_cast<std::uint8_t>(i);
  shuffle_for_round(std::span<std::uint8_t>(order), round);
  return order;
}

// The mean of the fastest `fraction` of `samples` (reorders them).
inline double fastest_mean(std::vector<std::uint64_t>& samples, std::size_t count, double fraction) {
  if (count == 0) return 0.0;
  const auto keep = std::max<std::size_t>(1, static_cast<std::size_t>(fraction * static_cast<double>(count)));
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(keep - 1),
                   samples.begin() + static_cast<std::ptrdiff_t>(count));
  double sum = 0.0;
  for (std::size_t i = 0; i < keep; ++i) sum += static_cast<double>(samples[i]);
  return sum / static_cast<double>(keep);
}

// The value below which `fraction` of `values` lie (sorts a copy).
inline double quantile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double position = fraction * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

// A channel that declares `static constexpr bool shares_buffers = true`
// holds nothing in its memory but the turn word at offset 0 (turn::pinger, 0,
// between round trips) and its payload: any buffer another such channel left
// between round trips is one it can start from, and viewing one costs
// nothing (a pointer; trivially destructible).
template <class Channel>
inline constexpr bool shares_buffers = requires {
  requires Channel::shares_buffers;
};

// How the interleaved run places and orders the channels. The default is the
// method; the alternatives exist to repeat the experiments that chose it
// (bench/README.md), through the environment, read once by both sides:
//   MAILBOX_BENCH_PLACEMENT=own_buffers  each channel keeps one buffer of its
//                                        own for the whole run (the old method)
//   MAILBOX_BENCH_WARMUP=N               N untimed round trips open every
//                                        block (default 0)
//   MAILBOX_BENCH_SLEEPING_PERIOD=N      the channels that sleep in the kernel
//                                        take part in every N-th round
//                                        (default 4; 1: every round)
struct interleaving_method {
  bool shared_pool = true;
  std::uint64_t block_warmup = 0;
  std::uint64_t sleeping_period = 4;

  static const interleaving_method& from_environment() {
    static const interleaving_method method = [] {
      interleaving_method m;
      if (const char* p = std::getenv("MAILBOX_BENCH_PLACEMENT"))
        m.shared_pool = std::string_view(p) != "own_buffers";
      if (const char* w = std::getenv("MAILBOX_BENCH_WARMUP")) m.block_warmup = std::strtoull(w, nullptr, 10);
      if (const char* p = std::getenv("MAILBOX_BENCH_SLEEPING_PERIOD")) {
        m.sleeping_period = std::max<std::uint64_t>(1, std::strtoull(p, nullptr, 10));
      }
      return m;
    }();
    return method;
  }
};

template <class... Channels>
class interleaved_protocol {
  static constexpr std::size_t count = sizeof...(Channels);
  static_assert(count >= 2 && count < 256);

  using channel_list = std::tuple<Channels...>;
  template <std::size_t I>
  using channel_at = std::tuple_element_t<I, channel_list>;

  // Every buffer starts on its own pair of cache lines, so that the
  // adjacent-line prefetcher does not couple neighbours.
  static constexpr std::size_t spacing = 2 * cache_line;
  static constexpr std::size_t rounded(std::size_t bytes) {
    return (bytes + spacing - 1) / spacing * spacing;
  }

  static constexpr std::array<bool, count> sharing{shares_buffers<Channels>...};
  static constexpr std::array<bool, count> spinning{Channels::spins...};
  static constexpr std::array<std::size_t, count> sizes{rounded(Channels::size)...};
  static constexpr std::array<std::string_view, count> names{Channels::name...};

 public:
  // Buffers in the shared pool, and copies of every other spinning channel.
  static constexpr std::size_t pool_buffers = 8;

 private:
  static constexpr std::size_t sharing_count = [] {
    std::size_t n = 0;
    for (const bool s : sharing) n += s ? 1 : 0;
    return n;
  }();
  static_assert(sharing_count <= pool_buffers, "own_buffers gives each sharing channel one pool buffer");
  // One pool buffer fits the largest sharing channel.
  static constexpr std::size_t buffer_size = [] {
    std::size_t largest = 0;
    for (std::size_t i = 0; i < count; ++i) largest = sharing[i] ? std::max(largest, sizes[i]) : largest;
    return largest;
  }();
  static constexpr std::size_t pool_size = sharing_count == 0 ? 0 : pool_buffers * buffer_size;
  // How many copies of its memory a channel has: none for sharing channels
  // (they use the pool), pool_buffers for other spinning ones, else one.
  static constexpr std::array<std::size_t, count> copies = [] {
    std::array<std::size_t, count> result{};
    for (std::size_t i = 0; i < count; ++i) result[i] = sharing[i] ? 0 : spinning[i] ? pool_buffers : 1;
    return result;
  }();
  // A channel whose memory changes from round to round is viewed afresh for
  // each block; the others are made once per side.
  static constexpr std::array<bool, count> rotates = [] {
    std::array<bool, count> result{};
    for (std::size_t i = 0; i < count; ++i) result[i] = copies[i] != 1;
    return result;
  }();
  static constexpr std::array<std::size_t, count> offsets = [] {
    std::array<std::size_t, count> result{};
    std::size_t at = pool_size;
    for (std::size_t i = 0; i < count; ++i) {
      result[i] = at;
      at += copies[i] * sizes[i];
    }
    return result;
  }();
  // Under own_buffers, the pool buffer a sharing channel keeps.
  static constexpr std::array<std::size_t, count> sharing_rank = [] {
    std::array<std::size_t, count> result{};
    std::size_t next = 0;
    for (std::size_t i = 0; i < count; ++i) result[i] = sharing[i] ? next++ : 0;
    return result;
  }();

  static constexpr std::size_t index_of(std::string_view name) {
    for (std::size_t i = 0; i < count; ++i) {
      if (names[i] == name) return i;
    }
    return count;
  }
  static constexpr bool names_distinct = [] {
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t j = i + 1; j < count; ++j) {
        if (names[i] == names[j]) return false;
      }
    }
    return true;
  }();
  static_assert(names_distinct, "two interleaved channels report under the same variant name");
  static constexpr std::size_t floor_index = index_of("floor");
  static constexpr std::size_t mailbox_index = index_of("mailbox");
  static_assert(floor_index < count && mailbox_index < count, "the ratios need a floor and a mailbox");

  // Channels made once per side; a rotating channel's slot stays empty.
  // (Built in place from a channel_place, so channels need not be movable.)
  struct channel_place {
    std::span<std::byte> region;
    side which;
  };
  template <class Channel, bool Rotates>
  struct lasting {
    explicit lasting(channel_place) {}
  };
  template <class Channel>
  struct lasting<Channel, false> {
    explicit lasting(channel_place place) : channel(place.region, place.which) {}
    Channel channel;
  };
  template <class Indices>
  struct lasting_tuple_of;
  template <std::size_t... I>
  struct lasting_tuple_of<std::index_sequence<I...>> {
    using type = std::tuple<lasting<channel_at<I>, rotates[I]>...>;
  };
  using lasting_tuple = typename lasting_tuple_of<std::index_sequence_for<Channels...>>::type;

 public:
  // Round trips per block: long enough to amortise the switch, short
  // enough that a slow spell spans many blocks of every variant. Channels
  // that sleep in the kernel take ~100x longer per round trip, so fewer.
  static constexpr std::uint64_t spin_block = 1024;
  static constexpr std::uint64_t blocking_block = 32;
  static_assert(blocking_block <= spin_block, "the pinger's block buffer holds spin_block samples");
  static constexpr std::array<std::uint64_t, count> block_lengths{
      (Channels::spins ? spin_block : blocking_block)...};
  // Untimed rounds first: every channel connected, every buffer used once.
  static constexpr std::uint64_t warmup_rounds = pool_buffers;

  static constexpr std::size_t size = [] {
    std::size_t end = pool_size;
    for (std::size_t i = 0; i < count; ++i) end = std::max(end, offsets[i] + copies[i] * sizes[i]);
    return end;
  }();

  static void initialize(std::span<std::byte> region) {
    each([&]<std::size_t I, class C>() {
      if constexpr (sharing[I]) {
        // Every pool buffer as the first sharing channel leaves it.
        if (I == first_sharing()) {
          for (std::size_t b = 0; b < pool_buffers; ++b) C::initialize(pool_buffer(region, b));
        }
      } else {
        for (std::size_t c = 0; c < copies[I]; ++c) C::initialize(copy_of<I>(region, c));
      }
    });
  }
  static void destroy(std::span<std::byte> region) {
    each([&]<std::size_t I, class C>() {
      if constexpr (!sharing[I]) {
        for (std::size_t c = 0; c < copies[I]; ++c) C::destroy(copy_of<I>(region, c));
      }
    });
  }

  // The ponger's side: answers every round trip of warm-up and `rounds`
  // rounds, then returns the number of wrong requests it received.
  static std::uint64_t ponger(std::span<std::byte> region, std::uint64_t rounds) {
    lasting_tuple lasting_channels = make_lasting(region, side::ponger);
    const std::uint64_t flip = corrupt_replies() ? 1 : 0;
    const std::uint64_t warmup = interleaving_method::from_environment().block_warmup;
    std::uint64_t wrong = 0;
    std::uint64_t n = 0;
    for (std::uint64_t round = 0; round < warmup_rounds + rounds; ++round) {
      for (const std::uint8_t index : round_order<count>(round)) {
        if (!takes_part(index, round)) continue;
        with_channel(lasting_channels, region, index, round, side::ponger, [&](auto& channel) {
          const std::uint64_t end = n + warmup + block_lengths[index];
          for (; n < end; ++n) {
            channel.serve([&](auto payload) {
              wrong += differs(payload, n);
              fill(payload, reply_to(n) ^ flip);
            });
          }
        });
      }
    }
    return wrong;
  }

  // The pinger's side, in the benchmark's timed loop (one iteration, one
  // round); returns the number of wrong replies.
  std::uint64_t pinger(benchmark::State& state, std::span<std::byte> region) {
    lasting_tuple lasting_channels = make_lasting(region, side::pinger);
    const auto rounds = static_cast<std::uint64_t>(state.max_iterations);
    for (auto& figures : block_figures_) figures.reserve(rounds);
    const std::uint64_t warmup = interleaving_method::from_environment().block_warmup;
    std::vector<std::uint64_t> block_samples(spin_block);
    std::uint64_t wrong = 0;
    std::uint64_t n = 0;
    const auto run_round = [&](std::uint64_t round, bool timed) {
      for (const std::uint8_t index : round_order<count>(round)) {
        if (!takes_part(index, round)) {
          if (timed) block_figures_[index].push_back(0.0);  // no block this round
          continue;
        }
        with_channel(lasting_channels, region, index, round, side::pinger, [&](auto& channel) {
          const auto request = [&] {
            channel.request([&](auto payload) { fill(payload, n); },
                            [&](auto payload) { wrong += differs(payload, reply_to(n)); });
            ++n;
          };
          for (std::uint64_t k = 0; k < warmup; ++k) request();
          latency_histogram& histogram = histograms_[index];
          const std::uint64_t length = block_lengths[index];
          round_trip_clock clock;
          clock.start();
          for (std::uint64_t k = 0; k < length; ++k) {
            request();
            if (timed) block_samples[k] = clock.lap(histogram);
          }
          if (timed) block_figures_[index].push_back(fastest_mean(block_samples, length, 0.9));
        });
      }
    };
    for (std::uint64_t round = 0; round < warmup_rounds; ++round) run_round(round, false);
    std::uint64_t round = warmup_rounds;
    for (auto _ : state) run_round(round++, true);
    return wrong;
  }

  // Per variant v, as counters "v.<figure>": round_trip_ns (the mean of the
  // fastest 99 % of its round trips), median_ns, p99_ns, samples;
  // vs_floor and vs_mailbox (the median over rounds of the round's block
  // ratio) with their quartiles (_p25, _p75); block_p10_ns and block_p90_ns
  // (how far its blocks' figures, each the mean of a block's fastest 90 %,
  // spread once each buffer's own level is taken out: a change of the
  // machine's speed, not of placement).
  void report(benchmark::State& state) const {
    const double ns_per_tick = tick_clock::nanoseconds_per_tick();
    for (std::size_t v = 0; v < count; ++v) {
      const std::string prefix = std::string(names[v]) + ".";
      const latency_histogram& h = histograms_[v];
      state.counters[prefix + "round_trip_ns"] = h.trimmed_mean(0.99) * ns_per_tick;
      state.counters[prefix + "median_ns"] = h.percentile(0.50) * ns_per_tick;
      state.counters[prefix + "p99_ns"] = h.percentile(0.99) * ns_per_tick;
      state.counters[prefix + "samples"] = static_cast<double>(h.samples());
      const std::vector<double> spread = block_spread(v);
      const double typical = quantile(figures_of(v), 0.50) * ns_per_tick;
      state.counters[prefix + "block_p10_ns"] = quantile(spread, 0.10) * typical;
      state.counters[prefix + "block_p90_ns"] = quantile(spread, 0.90) * typical;
      for (const auto& [reference, label] :
           {std::pair{floor_index, "vs_floor"}, std::pair{mailbox_index, "vs_mailbox"}}) {
        const std::vector<double> ratios = round_ratios(v, reference);
        state.counters[prefix + label] = quantile(ratios, 0.50);
        state.counters[prefix + label + "_p25"] = quantile(ratios, 0.25);
        state.counters[prefix + label + "_p75"] = quantile(ratios, 0.75);
      }
    }
    state.counters["rounds"] = static_cast<double>(block_figures_[floor_index].size());
    state.counters["spin_block"] = static_cast<double>(spin_block);
    state.counters["blocking_block"] = static_cast<double>(blocking_block);
    state.counters["pool_buffers"] =
        static_cast<double>(interleaving_method::from_environment().shared_pool ? pool_buffers : 0);
    state.counters["block_warmup"] =
        static_cast<double>(interleaving_method::from_environment().block_warmup);
    state.counters["sleeping_round_period"] =
        static_cast<double>(interleaving_method::from_environment().sleeping_period);
  }

 private:
  template <class F, std::size_t... I>
  static void each_impl(F&& f, std::index_sequence<I...>) {
    (f.template operator()<I, channel_at<I>>(), ...);
  }
  template <class F>
  static void each(F&& f) {
    each_impl(f, std::index_sequence_for<Channels...>{});
  }

  static constexpr std::size_t first_sharing() {
    for (std::size_t i = 0; i < count; ++i) {
      if (sharing[i]) return i;
    }
    return count;
  }
  static std::span<std::byte> pool_buffer(std::span<std::byte> region, std::size_t b) {
    return region.subspan(b * buffer_size, buffer_size);
  }
  template <std::size_t I>
  static std::span<std::byte> copy_of(std::span<std::byte> region, std::size_t c) {
    return region.subspan(offsets[I] + c * sizes[I], sizes[I]);
  }
  // Channel I's memory in `round`.
  template <std::size_t I>
  static std::span<std::byte> memory_of(std::span<std::byte> region, std::uint64_t round) {
    if constexpr (sharing[I]) {
      return pool_buffer(region, interleaving_method::from_environment().shared_pool ? round % pool_buffers
                                                                                     : sharing_rank[I]);
    } else {
      return copy_of<I>(region, copies[I] == 1 ? 0 : round % copies[I]);
    }
  }

  static lasting_tuple make_lasting(std::span<std::byte> region, side which) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return lasting_tuple{channel_place{memory_of<I>(region, 0), which}...};
    }
    (std::index_sequence_for<Channels...>{});
  }

  // Calls f(channel) for channel `index` in `round`, the index known only at
  // run time: the lasting one, or a fresh view of this round's memory.
  template <class F, std::size_t... I>
  static void with_channel_impl(lasting_tuple& lasting_channels, std::span<std::byte> region,
                                std::size_t index, std::uint64_t round, side which, F& f,
                                std::index_sequence<I...>) {
    const auto one = [&]<std::size_t J>() {
      if constexpr (rotates[J]) {
        static_assert(std::is_trivially_destructible_v<channel_at<J>>,
                      "a channel viewed afresh for each block must hold nothing to release");
        channel_at<J> channel(memory_of<J>(region, round), which);
        f(channel);
      } else {
        f(std::get<J>(lasting_channels).channel);
      }
    };
    ((index == I ? (one.template operator()<I>(), 0) : 0), ...);
  }
  template <class F>
  static void with_channel(lasting_tuple& lasting_channels, std::span<std::byte> region, std::size_t index,
                           std::uint64_t round, side which, F&& f) {
    with_channel_impl(lasting_channels, region, index, round, which, f,
                      std::index_sequence_for<Channels...>{});
  }

  // The spinning channels take part in every round; those that sleep in the
  // kernel, whose round trips are ~100x longer and whose ratios need no
  // percent, in every sleeping_period-th: so a loaded machine, where their
  // wake-ups take milliseconds, still gives the spinning ones many rounds,
  // and their wake-ups disturb fewer of the spinning blocks.
  static bool takes_part(std::size_t index, std::uint64_t round) noexcept {
    return spinning[index] || round % interleaving_method::from_environment().sleeping_period == 0;
  }

  // The figures of the blocks variant v ran (0 marks a round it sat out).
  std::vector<double> figures_of(std::size_t v) const {
    std::vector<double> ran;
    for (const double f : block_figures_[v]) {
      if (f > 0) ran.push_back(f);
    }
    return ran;
  }

  std::vector<double> round_ratios(std::size_t v, std::size_t reference) const {
    const auto& mine = block_figures_[v];
    const auto& theirs = block_figures_[reference];
    std::vector<double> ratios;
    for (std::size_t r = 0; r < std::min(mine.size(), theirs.size()); ++r) {
      if (theirs[r] > 0 && mine[r] > 0) ratios.push_back(mine[r] / theirs[r]);
    }
    return ratios;
  }

  // Each block's figure over the median of the variant's blocks on the same
  // memory (rounds r, r + pool_buffers, ...): what is left is the machine's
  // change of speed.
  std::vector<double> block_spread(std::size_t v) const {
    const auto& figures = block_figures_[v];
    const std::size_t period = (sharing[v] || copies[v] > 1) ? pool_buffers : 1;
    std::vector<double> spread;
    for (std::size_t phase = 0; phase < period; ++phase) {
      std::vector<double> same_memory;
      for (std::size_t r = phase; r < figures.size(); r += period) {
        if (figures[r] > 0) same_memory.push_back(figures[r]);
      }
      const double middle = quantile(same_memory, 0.50);
      if (middle <= 0) continue;
      for (const double f : same_memory) spread.push_back(f / middle);
    }
    return spread;
  }

  std::array<latency_histogram, count> histograms_{};
  std::array<std::vector<double>, count> block_figures_{};
};

}  // namespace bench
