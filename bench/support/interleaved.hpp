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
// region (its own cache lines) and its own histogram; each block's figure is
// kept too, so the report can give every ratio a spread (from the per-round
// ratios) and tell when blocks of one variant disagree (an unstable run).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
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

// A pseudo-random permutation of 0..N-1 for round `round` (Fisher-Yates
// driven by splitmix64): the same on both sides, different from round to
// round.
template <std::size_t N>
std::array<std::uint8_t, N> round_order(std::uint64_t round) noexcept {
  std::array<std::uint8_t, N> order{};
  for (std::size_t i = 0; i < N; ++i) order[i] = static_cast<std::uint8_t>(i);
  std::uint64_t x = round * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  for (std::size_t i = N; i > 1; --i) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::swap(order[i - 1], order[z % i]);
  }
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

// Where a channel lives and which side it is: each slot of the channels'
// tuple is built in place from one, so channels need not be movable.
struct channel_place {
  std::span<std::byte> region;
  side which;
};
template <class Channel>
struct channel_slot {
  explicit channel_slot(channel_place place) : channel(place.region, place.which) {}
  Channel channel;
};

template <class... Channels>
class interleaved_protocol {
  using channel_tuple = std::tuple<channel_slot<Channels>...>;

  static constexpr std::size_t count = sizeof...(Channels);
  static_assert(count >= 2 && count < 256);

  // Each channel's region starts on its own pair of cache lines, so that
  // the adjacent-line prefetcher does not couple neighbours.
  static constexpr std::size_t spacing = 2 * cache_line;
  static constexpr std::array<std::size_t, count> sizes{
      ((Channels::size + spacing - 1) / spacing * spacing)...};
  static constexpr std::array<std::size_t, count> offsets = [] {
    std::array<std::size_t, count> result{};
    std::size_t at = 0;
    for (std::size_t i = 0; i < count; ++i) {
      result[i] = at;
      at += sizes[i];
    }
    return result;
  }();
  static constexpr std::array<std::string_view, count> names{Channels::name...};

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
  // Distinct names also mean distinct types, which part_of() relies on.
  static_assert(names_distinct, "two interleaved channels report under the same variant name");
  static constexpr std::size_t floor_index = index_of("floor");
  static constexpr std::size_t mailbox_index = index_of("mailbox");
  static_assert(floor_index < count && mailbox_index < count, "the ratios need a floor and a mailbox");

 public:
  // Round trips per block: long enough to amortise the switch, short
  // enough that a slow spell spans many blocks of every variant. Channels
  // that sleep in the kernel take ~100x longer per round trip, so fewer.
  static constexpr std::uint64_t spin_block = 1024;
  static constexpr std::uint64_t blocking_block = 32;
  static_assert(blocking_block <= spin_block, "the pinger's block buffer holds spin_block samples");
  static constexpr std::array<std::uint64_t, count> block_lengths{
      (Channels::spins ? spin_block : blocking_block)...};
  // Untimed rounds first: every channel connected, every line in place.
  static constexpr std::uint64_t warmup_rounds = 2;

  static constexpr std::size_t size = offsets[count - 1] + sizes[count - 1];

  static void initialize(std::span<std::byte> region) {
    each([&]<std::size_t I, class C>() { C::initialize(part<I>(region)); });
  }
  static void destroy(std::span<std::byte> region) {
    each([&]<std::size_t I, class C>() { C::destroy(part<I>(region)); });
  }

  // The ponger's side: answers every round trip of warm-up and `rounds`
  // rounds, then returns the number of wrong requests it received.
  static std::uint64_t ponger(std::span<std::byte> region, std::uint64_t rounds) {
    channel_tuple channels{channel_place{part_of<Channels>(region), side::ponger}...};
    const std::uint64_t flip = corrupt_replies() ? 1 : 0;
    std::uint64_t wrong = 0;
    std::uint64_t n = 0;
    for (std::uint64_t round = 0; round < warmup_rounds + rounds; ++round) {
      for (const std::uint8_t index : round_order<count>(round)) {
        visit(channels, index, [&](auto& channel) {
          for (std::uint64_t k = 0; k < block_lengths[index]; ++k, ++n) {
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
    channel_tuple channels{channel_place{part_of<Channels>(region), side::pinger}...};
    const auto rounds = static_cast<std::uint64_t>(state.max_iterations);
    for (auto& figures : block_figures_) figures.reserve(rounds);
    std::vector<std::uint64_t> block_samples(spin_block);
    std::uint64_t wrong = 0;
    std::uint64_t n = 0;
    const auto run_round = [&](std::uint64_t round, bool timed) {
      for (const std::uint8_t index : round_order<count>(round)) {
        visit(channels, index, [&](auto& channel) {
          latency_histogram& histogram = histograms_[index];
          const std::uint64_t length = block_lengths[index];
          round_trip_clock clock;
          clock.start();
          for (std::uint64_t k = 0; k < length; ++k, ++n) {
            channel.request([&](auto payload) { fill(payload, n); },
                            [&](auto payload) { wrong += differs(payload, reply_to(n)); });
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
  // spread).
  void report(benchmark::State& state) const {
    const double ns_per_tick = tick_clock::nanoseconds_per_tick();
    for (std::size_t v = 0; v < count; ++v) {
      const std::string prefix = std::string(names[v]) + ".";
      const latency_histogram& h = histograms_[v];
      state.counters[prefix + "round_trip_ns"] = h.trimmed_mean(0.99) * ns_per_tick;
      state.counters[prefix + "median_ns"] = h.percentile(0.50) * ns_per_tick;
      state.counters[prefix + "p99_ns"] = h.percentile(0.99) * ns_per_tick;
      state.counters[prefix + "samples"] = static_cast<double>(h.samples());
      state.counters[prefix + "block_p10_ns"] = quantile(block_figures_[v], 0.10) * ns_per_tick;
      state.counters[prefix + "block_p90_ns"] = quantile(block_figures_[v], 0.90) * ns_per_tick;
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
  }

 private:
  template <class F, std::size_t... I>
  static void each_impl(F&& f, std::index_sequence<I...>) {
    (f.template operator()<I, std::tuple_element_t<I, std::tuple<Channels...>>>(), ...);
  }
  template <class F>
  static void each(F&& f) {
    each_impl(f, std::index_sequence_for<Channels...>{});
  }

  // Calls f(std::get<index>(channels)) with the index known only at run time.
  template <class F, std::size_t... I>
  static void visit_impl(channel_tuple& channels, std::size_t index, F&& f, std::index_sequence<I...>) {
    ((index == I ? (f(std::get<I>(channels).channel), 0) : 0), ...);
  }
  template <class F>
  static void visit(channel_tuple& channels, std::size_t index, F&& f) {
    visit_impl(channels, index, f, std::index_sequence_for<Channels...>{});
  }

  template <std::size_t I>
  static std::span<std::byte> part(std::span<std::byte> region) {
    return region.subspan(offsets[I], sizes[I]);
  }
  template <class C>
  static std::span<std::byte> part_of(std::span<std::byte> region) {
    constexpr std::size_t index = [] {
      constexpr std::array<bool, count> same{std::is_same_v<C, Channels>...};
      for (std::size_t i = 0; i < count; ++i) {
        if (same[i]) return i;
      }
      return count;
    }();
    return part<index>(region);
  }

  std::vector<double> round_ratios(std::size_t v, std::size_t reference) const {
    const auto& mine = block_figures_[v];
    const auto& theirs = block_figures_[reference];
    std::vector<double> ratios;
    for (std::size_t r = 0; r < std::min(mine.size(), theirs.size()); ++r) {
      if (theirs[r] > 0) ratios.push_back(mine[r] / theirs[r]);
    }
    return ratios;
  }

  std::array<latency_histogram, count> histograms_{};
  std::array<std::vector<double>, count> block_figures_{};
};

}  // namespace bench
