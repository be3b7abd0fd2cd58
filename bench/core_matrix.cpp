// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The core-to-core map: the round trip of one mailbox (8-byte payload, one
// cache line) between every ordered pair of CPUs this process may use, two
// threads pinned, the row's CPU the pinger and the column's the ponger. The
// way to see what ordering and cache-line transfers cost between the cores
// of one's own machine (same core's hyperthreads, same cluster, across
// sockets).
//
//   core_matrix --out DIR [--cpus 0-7,16] [--seq-cst] [--ldapr]
//               [--round-trips N] [--rounds N]
//
// writes DIR/core_matrix.csv (and core_matrix_seq_cst.csv, core_matrix_ldar.csv,
// core_matrix_ldapr.csv): a comment line naming the CPUs, then n lines of n
// comma-separated round trips in ns, "nan" on the diagonal. To scale to many
// CPUs each pair gets few round trips, in `rounds` blocks of `round-trips`,
// and the pairs (and variants) take turns in a pseudo-random order per round,
// so a slow spell of the machine spreads over all of them instead of
// darkening a few cells. A pair's figure is the median of its blocks, each
// block's the mean of its fastest 90 % (which drops preemptions). The cost
// per pair, measured, and the cost for 64 CPUs are printed at the end.
//
// One thread per CPU, pinned for the whole run, takes the pinger's or the
// ponger's side of the blocks it is given; every payload byte is written and
// checked, and a wrong one fails the run.
#include <sched.h>
#include <sys/mman.h>
#if defined(__aarch64__)
#include <sys/auxv.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/channels.hpp"
#include "support/environment.hpp"
#include "support/interleaved.hpp"
#include "support/latency.hpp"

namespace {

using bench::turn;

#if defined(__aarch64__)
// The two acquire loads AArch64 offers, hand-written so that one executable
// compares them whatever -march the library was built for: LDAR (RCsc, also
// ordered after an earlier STLR) and LDAPR (RCpc, FEAT_LRCPC, Armv8.3). The
// store is STLR in both.
enum class arm_load { ldar, ldapr };

template <arm_load Load>
[[gnu::always_inline]] inline turn load_acquire(const turn& word) noexcept {
  std::uint32_t value;
  if constexpr (Load == arm_load::ldar) {
    __asm__ __volatile__("ldar %w[value], %[word]" : [value] "=r"(value) : [word] "Q"(word) : "memory");
  } else {
    __asm__ __volatile__(".arch_extension rcpc\n\tldapr %w[value], %[word]"
                         : [value] "=r"(value)
                         : [word] "Q"(word)
                         : "memory");
  }
  return static_cast<turn>(value);
}

[[gnu::always_inline]] inline void store_release(turn& word, turn next) noexcept {
  __asm__ __volatile__("stlr %w[value], %[word]"
                       : [word] "=Q"(word)
                       : [value] "r"(static_cast<std::uint32_t>(next))
                       : "memory");
}

template <arm_load Load>
struct arm_waiting {
  static constexpr std::string_view name = Load == arm_load::ldar ? "ldar" : "ldapr";
  static constexpr bool spins = true;
  [[gnu::always_inline]] static void wait_for(turn& word, turn mine) noexcept {
    while (load_acquire<Load>(word) != mine) bench::spin_pause();
  }
  [[gnu::always_inline]] static void give(turn& word, turn next) noexcept { store_release(word, next); }
};

template <std::size_t Bytes, arm_load Load>
using arm_channel = bench::turn_word_channel<Bytes, arm_waiting<Load>>;

bool has_ldapr() { return (::getauxval(AT_HWCAP) & HWCAP_LRCPC) != 0; }
#endif

struct options {
  std::string out = ".";
  std::string cpus;
  bool seq_cst = false;
  bool ldapr = false;
  std::uint64_t round_trips = 1000;
  std::uint64_t rounds = 5;
};

// "0-7,16,18-19" into CPU numbers.
std::vector<int> parse_cpu_list(const std::string& list) {
  std::vector<int> cpus;
  std::size_t at = 0;
  while (at < list.size()) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    const std::string item = list.substr(at, comma - at);
    const std::size_t dash = item.find('-');
    try {
      const int first = std::stoi(item.substr(0, dash));
      const int last = dash == std::string::npos ? first : std::stoi(item.substr(dash + 1));
      if (first < 0 || last < first) throw std::invalid_argument(item);
      for (int cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
    } catch (const std::exception&) {
      throw std::runtime_error("--cpus: cannot read \"" + item + "\" (write e.g. 0-7,16)");
    }
    at = comma + 1;
  }
  return cpus;
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) throw std::runtime_error("sched_getaffinity failed");
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// One side of one block, run by the worker pinned to that side's CPU, over
// the pinger's page (mapped and first-touched by the pinger's worker, so the
// line's home is local to the pinger, as a real producer's would be). Every
// variant of a pair uses the same page: which cache lines carry a hand-over
// changes its cost (bench/README.md), so variants compared on different
// lines would differ by where their lines lie. Every block ends with the turn
// at the pinger, so the next block over the same page starts from a clean
// state.
struct variant {
  std::string name;
  void (*initialize)(std::span<std::byte>);
  // Returns the block's figure in ticks (the mean of its fastest 90 %).
  double (*pinger)(std::span<std::byte>, std::uint64_t round_trips, std::uint64_t& wrong);
  void (*ponger)(std::span<std::byte>, std::uint64_t round_trips, std::uint64_t& wrong);
};

constexpr std::uint64_t warmup_round_trips = 50;

// What the round trips of all blocks would take undisturbed (each block's
// figure times its round trips, warm-up included): the run's cost on a quiet
// machine, less the wake-ups.
std::atomic<std::uint64_t> round_trip_ticks{0};

template <class Channel>
double run_pinger(std::span<std::byte> region, std::uint64_t round_trips, std::uint64_t& wrong) {
  Channel channel(region, bench::side::pinger);
  static thread_local std::vector<std::uint64_t> samples;
  samples.resize(round_trips);
  static thread_local bench::latency_histogram unused;
  bench::round_trip_clock clock;
  const std::uint64_t total = warmup_round_trips + round_trips;
  for (std::uint64_t n = 0; n < total; ++n) {
    if (n == warmup_round_trips) clock.start();
    channel.request([&](auto payload) { bench::fill(payload, n); },
                    [&](auto payload) { wrong += bench::differs(payload, bench::reply_to(n)); });
    if (n >= warmup_round_trips) samples[n - warmup_round_trips] = clock.lap(unused);
  }
  const double figure = bench::fastest_mean(samples, samples.size(), 0.9);
  round_trip_ticks.fetch_add(static_cast<std::uint64_t>(figure * static_cast<double>(total)),
                             std::memory_order_relaxed);
  return figure;
}

template <class Channel>
void run_ponger(std::span<std::byte> region, std::uint64_t round_trips, std::uint64_t& wrong) {
  Channel channel(region, bench::side::ponger);
  const std::uint64_t flip = bench::corrupt_replies() ? 1 : 0;
  const std::uint64_t total = warmup_round_trips + round_trips;
  for (std::uint64_t n = 0; n < total; ++n) {
    channel.serve([&](auto payload) {
      wrong += bench::differs(payload, n);
      bench::fill(payload, bench::reply_to(n) ^ flip);
    });
  }
}

template <class Channel>
variant make_variant() {
  static_assert(Channel::size <= 4096);
  static_assert(bench::shares_buffers<Channel>, "the variants take turns over one page");
  return {std::string(Channel::name), &Channel::initialize, &run_pinger<Channel>, &run_ponger<Channel>};
}

// A thread pinned to one CPU for the whole run, sleeping (futex) between the
// blocks it is given: starting two threads per block cost milliseconds on a
// loaded machine, a wake-up costs microseconds.
class worker {
 public:
  worker(int cpu, const std::vector<variant>& variants) : variants_(variants) {
    thread_ = std::thread([this, cpu] { main(cpu); });
    wait_done(0);
  }
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  ~worker() {
    give({.stop = true});
    thread_.join();
  }

  struct job {
    bool stop = false;
    bool pinger = false;
    std::size_t variant = 0;
    std::span<std::byte> region = {};
    std::uint64_t round_trips = 0;
  };

  // This worker's page (the pinger's side of its blocks).
  std::span<std::byte> page() const { return page_; }

  void give(job j) {
    job_ = j;
    // Pairs with the acquire wait in main(): the job is visible to it.
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_one();
  }
  // Waits until the last job given is done; its figure and wrong payloads.
  std::pair<double, std::uint64_t> result() {
    wait_done(generation_.load(std::memory_order_relaxed));
    return {figure_, wrong_};
  }

 private:
  void wait_done(std::uint64_t generation) {
    // Pairs with the release store in main(): the results are visible here.
    for (std::uint64_t seen; (seen = done_.load(std::memory_order_acquire)) != generation;) done_.wait(seen);
  }

  void main(int cpu) {
    pinned_ = bench::pin_current_thread(cpu) == 0;
    const std::size_t bytes = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    void* page = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) std::abort();
    std::memset(page, 0, bytes);  // first touch, on this CPU
    page_ = {static_cast<std::byte*>(page), bytes};
    variants_.front().initialize(page_);
    std::uint64_t seen = 0;
    done_.store(0, std::memory_order_release);
    done_.notify_one();
    while (true) {
      std::uint64_t now;
      while ((now = generation_.load(std::memory_order_acquire)) == seen) generation_.wait(seen);
      seen = now;
      const job j = job_;
      if (j.stop) break;
      wrong_ = 0;
      figure_ = 0.0;
      if (!pinned_) {
        wrong_ = 1;  // counted as a failure: an unpinned cell would be a lie
      } else if (j.pinger) {
        figure_ = variants_[j.variant].pinger(j.region, j.round_trips, wrong_);
      } else {
        variants_[j.variant].ponger(j.region, j.round_trips, wrong_);
      }
      done_.store(seen, std::memory_order_release);
      done_.notify_one();
    }
    ::munmap(page_.data(), page_.size());
  }

  const std::vector<variant>& variants_;
  std::span<std::byte> page_;
  job job_;
  bool pinned_ = false;
  double figure_ = 0.0;
  std::uint64_t wrong_ = 0;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> done_{~std::uint64_t{0}};
  std::thread thread_;
};

int run(const options& o) {
  std::vector<int> cpus = allowed_cpus();
  if (!o.cpus.empty()) {
    const std::vector<int> wanted = parse_cpu_list(o.cpus);
    for (const int cpu : wanted) {
      if (std::find(cpus.begin(), cpus.end(), cpu) == cpus.end()) {
        std::fprintf(stderr, "core_matrix: CPU %d is not one this process may use\n", cpu);
        return 2;
      }
    }
    cpus = wanted;
  }
  if (cpus.size() < 2) {
    std::fprintf(stderr, "core_matrix: %zu CPU allowed, a pair needs two\n", cpus.size());
    return 77;
  }
  std::vector<variant> variants{make_variant<bench::mailbox_channel<8>>()};
  if (o.seq_cst) variants.push_back(make_variant<bench::seq_cst_channel<8>>());
  if (o.ldapr) {
#if defined(__aarch64__)
    variants.push_back(make_variant<arm_channel<8, arm_load::ldar>>());
    if (has_ldapr()) {
      variants.push_back(make_variant<arm_channel<8, arm_load::ldapr>>());
    } else {
      std::fprintf(stderr, "core_matrix: this CPU has no LDAPR (FEAT_LRCPC): measuring LDAR only\n");
    }
#else
    std::fprintf(stderr, "core_matrix: --ldapr: LDAR and LDAPR are AArch64 instructions, not %s ones\n",
                 bench::target_architecture().c_str());
    return 2;
#endif
  }

  const std::size_t n = cpus.size();
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i != j) pairs.emplace_back(i, j);
    }
  }
  // figures[variant][pair]: one block figure per round.
  std::vector<std::vector<std::vector<double>>> figures(variants.size(),
                                                        std::vector<std::vector<double>>(pairs.size()));
  std::printf(
      "core_matrix: %zu CPUs, %zu ordered pairs, %zu variant(s), %llu rounds of %llu round trips per pair\n",
      n, pairs.size(), variants.size(), static_cast<unsigned long long>(o.rounds),
      static_cast<unsigned long long>(o.round_trips));
  std::fflush(stdout);
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<worker>> workers;
  for (const int cpu : cpus) workers.push_back(std::make_unique<worker>(cpu, variants));
  std::uint64_t wrong = 0;
  std::vector<std::size_t> order(pairs.size() * variants.size());
  for (std::uint64_t round = 0; round < o.rounds; ++round) {
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    bench::shuffle_for_round(std::span<std::size_t>(order), round);
    for (const std::size_t k : order) {
      const std::size_t v = k % variants.size();
      const std::size_t p = k / variants.size();
      worker& pinger = *workers[pairs[p].first];
      worker& ponger = *workers[pairs[p].second];
      const std::span<std::byte> region = pinger.page();
      ponger.give({.pinger = false, .variant = v, .region = region, .round_trips = o.round_trips});
      pinger.give({.pinger = true, .variant = v, .region = region, .round_trips = o.round_trips});
      const auto [figure, pinger_wrong] = pinger.result();
      const auto [unused, ponger_wrong] = ponger.result();
      figures[v][p].push_back(figure);
      wrong += pinger_wrong + ponger_wrong;
    }
  }
  workers.clear();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (wrong != 0) {
    std::fprintf(stderr, "core_matrix: %llu wrong payloads\n", static_cast<unsigned long long>(wrong));
    return 1;
  }

  const double ns_per_tick = bench::tick_clock::nanoseconds_per_tick();
  for (std::size_t v = 0; v < variants.size(); ++v) {
    std::vector<std::vector<double>> cell(n, std::vector<double>(n, -1.0));
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      cell[pairs[p].first][pairs[p].second] = bench::quantile(figures[v][p], 0.5) * ns_per_tick;
    }
    const std::string path =
        o.out + "/core_matrix" + (variants[v].name == "mailbox" ? "" : "_" + variants[v].name) + ".csv";
    std::ofstream csv(path);
    csv << "# " << variants[v].name
        << " round trip in ns, 8-byte payload; row: the pinger's CPU, column: the "
        << "ponger's; CPUs:";
    for (const int cpu : cpus) csv << ' ' << cpu;
    csv << "; " << bench::cpu_model() << "; " << std::string(mailbox::backend_name) << "\n";
    char number[32];
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j != 0) csv << ',';
        if (i == j) {
          csv << "nan";
        } else {
          std::snprintf(number, sizeof number, "%.1f", cell[i][j]);
          csv << number;
        }
      }
      csv << '\n';
    }
    if (!csv) {
      std::fprintf(stderr, "core_matrix: cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("%s: %s\n", variants[v].name.c_str(), path.c_str());
  }
  const double per_pair = seconds / static_cast<double>(pairs.size() * variants.size());
  const double round_trip_seconds = static_cast<double>(round_trip_ticks.load()) * ns_per_tick * 1e-9;
  std::printf(
      "took %.1f s: %.2f ms per ordered pair and variant (%llu blocks of %llu round trips, each "
      "begun by waking two pinned threads); at that rate 64 CPUs (4032 ordered pairs) take about "
      "%.0f s per variant\n",
      seconds, 1e3 * per_pair, static_cast<unsigned long long>(o.rounds),
      static_cast<unsigned long long>(o.round_trips), per_pair * 64 * 63);
  std::printf(
      "of which %.2f s were round trips at their undisturbed speed (%.3f ms per pair and variant), the rest "
      "waking the threads and waiting for CPUs that other processes held\n",
      round_trip_seconds, 1e3 * round_trip_seconds / static_cast<double>(pairs.size() * variants.size()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string argument = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(argument + " needs a value");
        return argv[++i];
      };
      const auto count = [&]() -> std::uint64_t {
        const std::string text = value();
        const unsigned long long parsed = std::strtoull(text.c_str(), nullptr, 10);
        if (parsed == 0)
          throw std::runtime_error(argument + " needs a positive number, not \"" + text + "\"");
        return parsed;
      };
      if (argument == "--out") {
        o.out = value();
      } else if (argument == "--cpus") {
        o.cpus = value();
      } else if (argument == "--seq-cst") {
        o.seq_cst = true;
      } else if (argument == "--ldapr") {
        o.ldapr = true;
      } else if (argument == "--round-trips") {
        o.round_trips = count();
      } else if (argument == "--rounds") {
        o.rounds = count();
      } else {
        throw std::runtime_error(
            "unknown argument " + argument +
            " (core_matrix --out DIR [--cpus LIST] [--seq-cst] [--ldapr] [--round-trips N] "
            "[--rounds N])");
      }
    }
    return run(o);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "core_matrix: %s\n", error.what());
    return 2;
  }
}
