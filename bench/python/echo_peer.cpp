// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The C++ side of the Python round-trip benchmark.
//
//   echo_peer echo SEGMENT [CPU]
//     Answers every ping in SEGMENT's Echo mailbox (checking every word,
//     answering every word) until the state is quit.
//   echo_peer client SEGMENT COUNT [CPU]
//     The C++ baseline: makes COUNT round trips against the echo, doing what
//     the Python clients do (write four fields, publish, acquire, check
//     every word), and prints the median, the mean and the 99th percentile trip in ns.
// SEGMENT is a named POSIX segment holding Echo at offset 0.
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "echo.hpp"

namespace {

using namespace bench_python;

void pin(const char* cpu) {
  if (cpu == nullptr) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(std::atoi(cpu), &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0) std::perror("echo_peer: sched_setaffinity");
}

int echo(mailbox::Mailbox<Echo> box) {
  const mailbox::parent_alive parent;
  for (;;) {
    auto r = box.acquire_any({Turn::ping, Turn::quit}, mailbox::spin{}, mailbox::no_deadline, parent);
    if (!r) {
      std::fprintf(stderr, "echo_peer: %s\n", std::string(mailbox::to_string(r.error())).c_str());
      return 1;
    }
    if (r.state() == Turn::quit) return 0;
    auto t = std::move(r).value();
    const std::uint64_t n = t.get<"sequence">();
    auto words = t.span<"words">();
    for (std::size_t i = 0; i < word_count; ++i) {
      if (words[i] != word(n, i)) {
        std::fprintf(stderr, "echo_peer: ping %llu: word %zu is %llu\n", static_cast<unsigned long long>(n),
                     i, static_cast<unsigned long long>(words[i]));
        return 1;
      }
      words[i] = answer(words[i]);
    }
    t.set<"code">(-t.get<"code">());
    t.set<"weight">(t.get<"weight">() * 2);
    std::move(t).publish(Turn::pong);
  }
}

int client(mailbox::Mailbox<Echo> box, std::uint64_t count) {
  auto t = box.acquire(Turn::pong);
  const std::uint64_t first = t.get<"sequence">() + 1;
  std::vector<double> trips;
  trips.reserve(count);
  for (std::uint64_t n = first; n < first + count; ++n) {
    const auto start = std::chrono::steady_clock::now();
    t.set<"sequence">(n);
    t.set<"code">(static_cast<std::int32_t>(n & 0xffff));
    t.set<"weight">(static_cast<double>(n) * 0.5);
    auto words = t.span<"words">();
    for (std::size_t i = 0; i < word_count; ++i) words[i] = word(n, i);
    std::move(t).publish(Turn::ping);
    t = box.acquire(Turn::pong);
    bool ok = t.get<"sequence">() == n && t.get<"code">() == -static_cast<std::int32_t>(n & 0xffff) &&
              t.get<"weight">() == static_cast<double>(n);
    for (std::size_t i = 0; i < word_count; ++i) ok = ok && t.span<"words">()[i] == answer(word(n, i));
    if (!ok) {
      std::fprintf(stderr, "echo_peer client: reply %llu is wrong\n", static_cast<unsigned long long>(n));
      return 1;
    }
    trips.push_back(
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
  }
  // Hand the mailbox back as it was given: pong, for the next client.
  std::move(t).publish(Turn::pong);
    const double mean = std::accumulate(trips.begin(), trips.end(), 0.0) / static_cast<double>(count);
  std::sort(trips.begin(), trips.end());
  std::printf("%.1f %.1f %.1f\n", trips[count / 2], mean, trips[std::min(count - 1, count * 99 / 100)]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 3 && std::strcmp(argv[1], "echo") == 0) {
      pin(argc > 3 ? argv[3] : nullptr);
      auto segment = mailbox::shared_segment::open(argv[2], Echo::size);
      return echo(mailbox::Mailbox<Echo>(segment.bytes()));
    }
    if (argc >= 4 && std::strcmp(argv[1], "client") == 0) {
      pin(argc > 4 ? argv[4] : nullptr);
      auto segment = mailbox::shared_segment::open(argv[2], Echo::size);
      return client(mailbox::Mailbox<Echo>(segment.bytes()), std::strtoull(argv[3], nullptr, 10));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_peer: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: echo_peer echo SEGMENT [CPU] | echo_peer client SEGMENT COUNT [CPU]\n");
  return 2;
}
