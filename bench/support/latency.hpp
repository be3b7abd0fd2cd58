// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A round-trip latency histogram: one clock reading per round trip, the
// difference from the previous one counted in a log-linear bucket of clock
// ticks: exact below 512 ticks and within 0.4 % above, in a fixed 120 KiB
// table allocated (and touched) before the timed loop, so recording never
// allocates or faults a page.
//
// The clock is the TSC on x86-64 when the kernel says it is invariant
// (constant_tsc and nonstop_tsc): steady_clock under a hypervisor may tick in
// 10 ns steps, a sixth of a round trip. Elsewhere, steady_clock.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace bench {

class latency_histogram {
 public:
  latency_histogram() : counts_(bucket_count, 0) {}

  void record(std::uint64_t ticks) noexcept {
    ++counts_[bucket_of(ticks)];
    ++total_;
  }

  // The bucket (in ticks) below which `fraction` of the samples lie.
  [[nodiscard]] double percentile(double fraction) const noexcept {
    if (total_ == 0) return 0.0;
    const auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(total_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < counts_.size(); ++b) {
      seen += counts_[b];
      if (seen >= rank) return value_of(b);
    }
    return value_of(counts_.size() - 1);
  }

  // The mean of the fastest `fraction` of the samples, in ticks. Robust to the
  // few round trips a preemption stretches a thousandfold, and finer than
  // the clock's step: where the clock ticks in 10 ns steps (AMD Zen's TSC),
  // a round trip of 73 ns reads 70 or 80, and the mean recovers the 73.
  [[nodiscard]] double trimmed_mean(double fraction) const noexcept {
    const auto keep = static_cast<std::uint64_t>(fraction * static_cast<double>(total_));
    if (keep == 0) return 0.0;
    std::uint64_t taken = 0;
    double sum = 0.0;
    for (std::size_t b = 0; b < counts_.size() && taken < keep; ++b) {
      const std::uint64_t n = std::min(counts_[b], keep - taken);
      sum += value_of(b) * static_cast<double>(n);
      taken += n;
    }
    return sum / static_cast<double>(taken);
  }

  [[nodiscard]] std::uint64_t samples() const noexcept { return total_; }

  // median_ns, p99_ns and trimmed_mean_ns (the fastest 99 %) as counters.
  void report(benchmark::State& state, double ns_per_tick) const {
    state.counters["median_ns"] = percentile(0.50) * ns_per_tick;
    state.counters["p99_ns"] = percentile(0.99) * ns_per_tick;
    state.counters["trimmed_mean_ns"] = trimmed_mean(0.99) * ns_per_tick;
  }

 private:
  // Values below 2^sub_bits are their own bucket; above, each power of two is
  // split into 2^(sub_bits-1) buckets.
  static constexpr unsigned sub_bits = 9;
  static constexpr std::size_t half = std::size_t{1} << (sub_bits - 1);
  static constexpr std::size_t bucket_count = (64 - sub_bits + 1) * half + half;

  static std::size_t bucket_of(std::uint64_t v) noexcept {
    const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(v | 1));
    const unsigned shift = msb < sub_bits - 1 ? 0u : msb - (sub_bits - 1);
    return shift * half + static_cast<std::size_t>(v >> shift);
  }

  // The middle of the bucket's range.
  static double value_of(std::size_t bucket) noexcept {
    if (bucket < 2 * half) return static_cast<double>(bucket);
    const std::size_t shift = bucket / half - 1;
    const std::uint64_t low = static_cast<std::uint64_t>(bucket - shift * half) << shift;
    return static_cast<double>(low) + static_cast<double>((std::uint64_t{1} << shift) - 1) / 2.0;
  }

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
};

class tick_clock {
 public:
  [[gnu::always_inline]] static std::uint64_t now() noexcept {
#if defined(__x86_64__)
    if (source().uses_tsc) return __rdtsc();
#endif
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }

  static double nanoseconds_per_tick() noexcept { return source().ns_per_tick; }
  static const std::string& description() noexcept { return source().description; }

 private:
  struct calibrated {
    bool uses_tsc = false;
    double ns_per_tick = 1.0;
    std::string description = "std::chrono::steady_clock";
  };

  static bool tsc_is_invariant() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
      if (line.rfind("flags", 0) == 0) {
        return line.find(" constant_tsc") != std::string::npos &&
               line.find(" nonstop_tsc") != std::string::npos;
      }
    }
    return false;
  }

  static calibrated calibrate() {
    calibrated result;
#if defined(__x86_64__)
    if (!tsc_is_invariant()) {
      result.description += " (the TSC is not invariant here)";
      return result;
    }
    // 50 ms of steady_clock against the TSC: a ratio good to well under 0.1 %.
    const auto start_time = std::chrono::steady_clock::now();
    const std::uint64_t start_ticks = __rdtsc();
    auto now = start_time;
    while (now - start_time < std::chrono::milliseconds(50)) now = std::chrono::steady_clock::now();
    const std::uint64_t ticks = __rdtsc() - start_ticks;
    const double ns = std::chrono::duration<double, std::nano>(now - start_time).count();
    result.uses_tsc = true;
    result.ns_per_tick = ns / static_cast<double>(ticks);
    result.description = "rdtsc, " + std::to_string(1.0 / result.ns_per_tick) +
                         " ticks per ns (calibrated against steady_clock)";
#endif
    return result;
  }

  static const calibrated& source() noexcept {
    static const calibrated value = calibrate();
    return value;
  }
};

// Timestamps the end of each round trip; the gap to the previous one is the
// round trip's latency.
class round_trip_clock {
 public:
  void start() noexcept { last_ = tick_clock::now(); }

  // Records the time since the previous lap (or start) and returns it.
  [[gnu::always_inline]] std::uint64_t lap(latency_histogram& histogram) noexcept {
    const std::uint64_t now = tick_clock::now();
    const std::uint64_t ticks = now - last_;
    histogram.record(ticks);
    last_ = now;
    return ticks;
  }

 private:
  std::uint64_t last_ = 0;
};

}  // namespace bench
