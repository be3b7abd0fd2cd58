// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// What every benchmark executable shares: CPU pinning, the context written
// into the results (backend, CPU model, compiler, pinning), a failure count
// that becomes the exit status, and the main function.
#pragma once

#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <mailbox/mailbox.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "latency.hpp"

namespace bench {

// Benchmarks that find a wrong payload count it here; main() then fails, so a
// smoke run under CTest catches a broken protocol (timings are never checked).
inline std::atomic<int> failures{0};

inline void fail(benchmark::State& state, const std::string& why) {
  failures.fetch_add(1, std::memory_order_relaxed);
  state.SkipWithError(why.c_str());
}

// The two CPUs the two sides of a ping-pong run on: the first two this
// process may use. Pinning keeps the scheduler from putting both sides on one
// CPU (where a spinning side burns its whole time slice) and from migrating
// them mid-run.
struct cpu_plan {
  int pinger = -1;
  int ponger = -1;
  std::string description;  // for the results' context
};

inline int pin_current_thread(int cpu) {
  if (cpu < 0) return EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
}

// Pins the calling (main) thread to the pinger's CPU, and checks that a
// second thread can be pinned to the ponger's. A fork()ed child inherits the
// main thread's mask and re-pins itself.
inline cpu_plan plan_cpus() {
  cpu_plan plan;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    plan.description = std::string("not pinned: sched_getaffinity failed: ") + std::strerror(errno);
    return plan;
  }
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
  }
  if (cpus.size() < 2) {
    plan.description = "not pinned: this process may use " + std::to_string(cpus.size()) +
                       " CPU; both sides share it and round trips include context switches";
    return plan;
  }
  int pinger_error = pin_current_thread(cpus[0]);
  int ponger_error = 0;
  std::thread([&] { ponger_error = pin_current_thread(cpus[1]); }).join();
  if (pinger_error != 0 || ponger_error != 0) {
    plan.description = std::string("not pinned: pthread_setaffinity_np failed: ") +
                       std::strerror(pinger_error != 0 ? pinger_error : ponger_error);
    cpu_set_t restore = allowed;
    ::pthread_setaffinity_np(::pthread_self(), sizeof restore, &restore);
    return plan;
  }
  plan.pinger = cpus[0];
  plan.ponger = cpus[1];
  plan.description = "pinger on CPU " + std::to_string(plan.pinger) + ", ponger on CPU " +
                     std::to_string(plan.ponger) + " (of " + std::to_string(cpus.size()) + " allowed)";
  return plan;
}

inline cpu_plan& cpus() {
  static cpu_plan plan;
  return plan;
}

// The CPU's name as the kernel reports it ("model name" on x86, the
// implementer and part numbers on Arm, where there is no name).
inline std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, implementer, part;
  while (std::getline(cpuinfo, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name") return value;
    if (key == "CPU implementer" && implementer.empty()) implementer = value;
    if (key == "CPU part" && part.empty()) part = value;
  }
  if (!implementer.empty()) return "Arm implementer " + implementer + " part " + part;
  return "unknown";
}

// The architecture this executable was built for. Under qemu-user the CPU
// model above is the host's, so this is how to tell an emulated run.
inline std::string target_architecture() {
#if defined(__x86_64__)
  return "x86-64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "other (generic backend)";
#endif
}

// Set in the environment, the ponger answers with a wrong payload: the
// negative control that shows the smoke tests fail when a payload is wrong.
inline bool corrupt_replies() {
  static const bool corrupt = std::getenv("MAILBOX_BENCH_CORRUPT_REPLIES") != nullptr;
  return corrupt;
}

inline std::string compiler() {
#if defined(__clang__)
  return "clang++ " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

// The fastest repetition, next to Google Benchmark's mean, median, stddev
// and cv: on a shared machine a slow spell can catch any repetition, and the
// least disturbed one is the closest to what the code costs.
inline double fastest(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

inline benchmark::internal::Benchmark* with_statistics(benchmark::internal::Benchmark* b) {
  return b->ComputeStatistics("min", fastest);
}

// Shared main: pins, records the context, runs, and fails if any benchmark
// saw a wrong payload.
inline int run_main(int argc, char** argv) {
  cpus() = plan_cpus();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::AddCustomContext("mailbox_backend", std::string(mailbox::backend_name));
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("target_architecture", target_architecture());
  benchmark::AddCustomContext("compiler", compiler());
  benchmark::AddCustomContext("pinning", cpus().description);
  benchmark::AddCustomContext("latency_clock", tick_clock::description() + ", one reading per round trip");
#if defined(NDEBUG)
  benchmark::AddCustomContext("mailbox_build", "optimised, NDEBUG");
#else
  benchmark::AddCustomContext("mailbox_build", "assertions on (not a Release build)");
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const int failed = failures.load();
  if (failed != 0) std::fprintf(stderr, "%d benchmark(s) saw a wrong payload or failed to run\n", failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace bench
