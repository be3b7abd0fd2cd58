// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Host <-> device round trips (issue 18), GPU only: a host thread sends a
// request and waits for the device's reply, four ways.
//
//   mailbox               the library: a persistent kernel and the host meet
//                         on a mailbox in mapped pinned memory (system scope)
//   volatile_threadfence  the same by hand as users write it: a volatile
//                         state word and __threadfence_system() on the device
//                         (the host side is the same acquire/release code)
//   kernel_launch         one kernel launch per task, then
//                         cudaStreamSynchronize; payload in mapped memory
//   memcpy_event          cudaMemcpyAsync there and back, cudaEventRecord and
//                         cudaEventSynchronize: the copy engines' round trip,
//                         with no device code at all (a lower bound for that way)
//
// Every word of request n carries n and its reply ~n: a wrong word fails the
// benchmark. Without a device the program says "no CUDA device" and exits 0.
// bench/cuda/summary.py turns its JSON into summary.json's rows.
#include <benchmark/benchmark.h>
#include <mailbox/cuda.hpp>
#include <mailbox/mailbox.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernels.hpp"

namespace {

using bench_cuda::Message;
using bench_cuda::raw_message;
using bench_cuda::Turn;
using clock_type = std::chrono::steady_clock;

constexpr auto patience = std::chrono::seconds(10);

// Round-trip times of one run, reported as counters.
class latencies {
 public:
  void add(clock_type::duration d) { ns_.push_back(std::chrono::duration<double, std::nano>(d).count()); }
  void report(benchmark::State& state, std::uint64_t wrong) {
    if (ns_.empty()) return;
    const double mean = std::accumulate(ns_.begin(), ns_.end(), 0.0) / static_cast<double>(ns_.size());
    std::sort(ns_.begin(), ns_.end());
    const auto at = [&](double q) {
      return ns_[static_cast<std::size_t>(q * static_cast<double>(ns_.size() - 1))];
    };
    state.counters["round_trip_ns"] = mean;
    state.counters["p50_ns"] = at(0.50);
    state.counters["p99_ns"] = at(0.99);
    state.counters["wrong"] = static_cast<double>(wrong);
    if (wrong != 0) state.SkipWithError("a reply carried a wrong word");
  }

 private:
  std::vector<double> ns_;
};

bool failed(benchmark::State& state, cudaError_t code, const char* what) {
  if (code == cudaSuccess) return false;
  state.SkipWithError((std::string(what) + ": " + cudaGetErrorName(code)).c_str());
  return true;
}

// A raw_message in mapped pinned memory: host() for this thread, device()
// for a kernel; zeroed.
struct mapped_message {
  mapped_message() {
    error = cudaHostAlloc(reinterpret_cast<void**>(&host), sizeof(raw_message), cudaHostAllocMapped);
    if (error != cudaSuccess) return;
    *host = raw_message{};
    error = cudaHostGetDevicePointer(reinterpret_cast<void**>(&device), host, 0);
  }
  ~mapped_message() {
    if (host != nullptr) (void)cudaFreeHost(host);
  }
  mapped_message(const mapped_message&) = delete;
  mapped_message& operator=(const mapped_message&) = delete;
  cudaError_t error = cudaSuccess;
  raw_message* host = nullptr;
  raw_message* device = nullptr;
};

// A persistent kernel that stopped answering keeps spinning, and freeing
// its memory would wait for it (cudaFreeHost synchronises the device): end
// the process, which ends the kernel.
[[noreturn]] void kernel_stuck() {
  std::fputs("bench_cuda: the kernel did not answer within 10 s\n", stderr);
  std::fflush(stdout);
  std::_Exit(1);
}

unsigned words_of(const benchmark::State& state) { return static_cast<unsigned>(state.range(0) / 8); }

// A non-blocking stream, destroyed at the end of the run.
struct stream {
  stream() { (void)cudaStreamCreateWithFlags(&handle, cudaStreamNonBlocking); }
  ~stream() { (void)cudaStreamDestroy(handle); }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  cudaStream_t handle = nullptr;
};

void mailbox_round_trip(benchmark::State& state) {
  const unsigned words = words_of(state);
  auto region = mailbox::cuda::mapped_region<Message>::create(1, Turn::idle);
  const stream s;
  if (failed(state, bench_cuda::start_mailbox_echo(region.device()[0], words, s.handle), "launch")) return;
  const mailbox::Mailbox<Message> box = region[0];
  latencies times;
  std::uint64_t wrong = 0;
  std::uint64_t n = 0;
  auto slot = box.acquire(Turn::idle, mailbox::spin{}, mailbox::wait_clock::now() + patience);
  for (auto _ : state) {
    if (!slot) break;
    slot->set<"sequence">(n);
    auto payload = slot->span<"words">();
    for (unsigned i = 0; i < words; ++i) payload[i] = n;
    const auto started = clock_type::now();
    std::move(*slot).publish(Turn::request);
    slot = box.acquire(Turn::reply, mailbox::spin{}, mailbox::wait_clock::now() + patience);
    times.add(clock_type::now() - started);
    if (!slot) break;
    const auto reply = std::as_const(*slot).span<"words">();
    for (unsigned i = 0; i < words; ++i) wrong += reply[i] != ~n ? 1 : 0;
    ++n;
  }
  if (!slot) kernel_stuck();
  slot->set<"sequence">(bench_cuda::stop);
  std::move(*slot).publish(Turn::request);
  if (failed(state, cudaStreamSynchronize(s.handle), "kernel")) return;
  times.report(state, wrong);
}

void volatile_round_trip(benchmark::State& state) {
  const unsigned words = words_of(state);
  const mapped_message message;
  if (failed(state, message.error, "mapped memory")) return;
  raw_message* const host = message.host;
  const stream s;
  if (failed(state, bench_cuda::start_volatile_echo(message.device, words, s.handle), "launch")) return;
  // The host side: acquire and release, as the library's host side compiles.
  std::atomic_ref<std::uint32_t> word(host->state);
  const auto wait_for = [&](Turn wanted) {
    const auto until = clock_type::now() + patience;
    for (std::uint32_t spins = 0;; ++spins) {
      if (word.load(std::memory_order_acquire) == static_cast<std::uint32_t>(wanted)) return true;
      if ((spins & 1023) == 0 && clock_type::now() > until) return false;
    }
  };
  latencies times;
  std::uint64_t wrong = 0;
  std::uint64_t n = 0;
  bool answered = true;
  for (auto _ : state) {
    host->sequence = n;
    for (unsigned i = 0; i < words; ++i) host->words[i] = n;
    const auto started = clock_type::now();
    word.store(static_cast<std::uint32_t>(Turn::request), std::memory_order_release);
    answered = wait_for(Turn::reply);
    times.add(clock_type::now() - started);
    if (!answered) break;
    for (unsigned i = 0; i < words; ++i) wrong += host->words[i] != ~n ? 1 : 0;
    ++n;
  }
  if (!answered) kernel_stuck();
  host->sequence = bench_cuda::stop;
  word.store(static_cast<std::uint32_t>(Turn::request), std::memory_order_release);
  if (failed(state, cudaStreamSynchronize(s.handle), "kernel")) return;
  times.report(state, wrong);
}

void kernel_launch_round_trip(benchmark::State& state) {
  const unsigned words = words_of(state);
  const mapped_message message;
  if (failed(state, message.error, "mapped memory")) return;
  raw_message* const host = message.host;
  const stream s;
  latencies times;
  std::uint64_t wrong = 0;
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (unsigned i = 0; i < words; ++i) host->words[i] = n;
    const auto started = clock_type::now();
    if (failed(state, bench_cuda::launch_echo_once(message.device, words, s.handle), "launch")) break;
    if (failed(state, cudaStreamSynchronize(s.handle), "cudaStreamSynchronize")) break;
    times.add(clock_type::now() - started);
    for (unsigned i = 0; i < words; ++i) wrong += host->words[i] != ~n ? 1 : 0;
    ++n;
  }
  times.report(state, wrong);
}

void memcpy_event_round_trip(benchmark::State& state) {
  const unsigned words = words_of(state);
  const std::size_t bytes = words * sizeof(std::uint64_t);
  std::uint64_t* request = nullptr;
  std::uint64_t* reply = nullptr;
  std::uint64_t* device = nullptr;
  if (failed(state, cudaMallocHost(reinterpret_cast<void**>(&request), bytes), "cudaMallocHost") ||
      failed(state, cudaMallocHost(reinterpret_cast<void**>(&reply), bytes), "cudaMallocHost") ||
      failed(state, cudaMalloc(reinterpret_cast<void**>(&device), bytes), "cudaMalloc")) {
    return;
  }
  cudaEvent_t done = nullptr;
  (void)cudaEventCreateWithFlags(&done, cudaEventDisableTiming);
  const stream s;
  latencies times;
  std::uint64_t wrong = 0;
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (unsigned i = 0; i < words; ++i) request[i] = n;
    const auto started = clock_type::now();
    (void)cudaMemcpyAsync(device, request, bytes, cudaMemcpyHostToDevice, s.handle);
    (void)cudaMemcpyAsync(reply, device, bytes, cudaMemcpyDeviceToHost, s.handle);
    (void)cudaEventRecord(done, s.handle);
    if (failed(state, cudaEventSynchronize(done), "cudaEventSynchronize")) break;
    times.add(clock_type::now() - started);
    for (unsigned i = 0; i < words; ++i)
      wrong += reply[i] != n ? 1 : 0;  // no device code: the bytes come back
    ++n;
  }
  (void)cudaEventDestroy(done);
  (void)cudaFree(device);
  (void)cudaFreeHost(reply);
  (void)cudaFreeHost(request);
  times.report(state, wrong);
}

// What names the machine in the results: the GPU, its driver and link.
void describe_device() {
  int device = 0;
  (void)cudaGetDevice(&device);
  cudaDeviceProp properties{};
  (void)cudaGetDeviceProperties(&properties, device);
  int driver = 0;
  int runtime = 0;
  (void)cudaDriverGetVersion(&driver);
  (void)cudaRuntimeGetVersion(&runtime);
  int native_atomics = 0;
  (void)cudaDeviceGetAttribute(&native_atomics, cudaDevAttrHostNativeAtomicSupported, device);
  std::string driver_release = "unknown";
  std::ifstream version("/proc/driver/nvidia/version");
  if (std::string line; std::getline(version, line)) driver_release = line;
  benchmark::AddCustomContext("gpu", properties.name);
  benchmark::AddCustomContext("gpu_compute_capability",
                              std::to_string(properties.major) + "." + std::to_string(properties.minor));
  benchmark::AddCustomContext("gpu_driver", driver_release);
  benchmark::AddCustomContext("cuda_driver_api",
                              std::to_string(driver / 1000) + "." + std::to_string(driver % 1000 / 10));
  benchmark::AddCustomContext("cuda_runtime",
                              std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10));
  benchmark::AddCustomContext("gpu_host_native_atomics", native_atomics != 0 ? "yes" : "no");
  benchmark::AddCustomContext("mailbox_backend", std::string(mailbox::backend_name));
  std::printf("GPU: %s (sm_%d%d), driver: %s, CUDA runtime %d, host-native atomics: %s\n", properties.name,
              properties.major, properties.minor, driver_release.c_str(), runtime,
              native_atomics ? "yes" : "no");
}

}  // namespace

BENCHMARK(mailbox_round_trip)->Name("cuda_round_trip/mailbox")->Arg(8)->Arg(64)->UseRealTime();
BENCHMARK(volatile_round_trip)->Name("cuda_round_trip/volatile_threadfence")->Arg(8)->Arg(64)->UseRealTime();
BENCHMARK(kernel_launch_round_trip)->Name("cuda_round_trip/kernel_launch")->Arg(8)->Arg(64)->UseRealTime();
BENCHMARK(memcpy_event_round_trip)->Name("cuda_round_trip/memcpy_event")->Arg(8)->Arg(64)->UseRealTime();

int main(int argc, char** argv) {
  if (mailbox::cuda::device_count() == 0) {
    std::puts("no CUDA device: skipped (cudaGetDeviceCount found none, or no driver)");
    return 0;
  }
  describe_device();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
