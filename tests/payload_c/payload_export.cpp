// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The C side of the payload structures: a C peer compiled against the
// header this program generates from payload_frame.hpp checks, at compile
// time, that its own C structs sit at the exported offsets, and at run time
// reads what C++ wrote through member paths and keyed alternatives, answers
// with another alternative and a committed record written in C, which C++
// reads back.
//
//   payload_export c       the C header (mailbox::c_definitions, plus the state values)
//   payload_export json    mailbox::to_json
//   payload_export serve ROUNDS COMMAND [ARG...]
//                          creates a named segment, starts COMMAND ARG... SEGMENT ROUNDS, and
//                          runs ROUNDS exchanges with it, checking every value it gets back
#include <mailbox/mailbox.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "support/payload_frame.hpp"

extern char** environ;

namespace {

using namespace payload_test;
using Box = mailbox::Mailbox<Frame>;
constexpr auto patience = std::chrono::seconds(60);

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "payload_export: %s\n", why.c_str());
  std::exit(1);
}

void expect(bool ok, const std::string& what, std::uint64_t round) {
  if (!ok) fail("round " + std::to_string(round) + ": " + what);
}

template <S State>
Box::token await(const Box& box, pid_t child) {
  auto r = box.acquire(State, mailbox::spin_then_yield{}, mailbox::wait_clock::now() + patience,
                       mailbox::child_alive(child));
  if (!r)
    fail("waiting for state " + std::to_string(static_cast<int>(State)) + ": " +
         std::string(mailbox::to_string(r.error())));
  return std::move(r).value();
}

// What the C peer computes too (payload_c_peer.c), for round n.
std::uint64_t seed(std::uint64_t n, std::uint64_t i) { return n * 31 + i; }

int serve(std::uint64_t rounds, std::vector<std::string> command) {
  const std::string name = "/mailbox-payload-" + std::to_string(::getpid());
  auto segment = mailbox::shared_segment::create(name, Frame::size);
  const Box box = Box::initialize(segment.bytes(), S::idle);
  command.push_back(name);
  command.push_back(std::to_string(rounds));
  std::vector<char*> argv;
  for (auto& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  if (const int error = ::posix_spawnp(&child, argv[0], nullptr, nullptr, argv.data(), environ); error != 0) {
    fail(std::string("cannot start ") + argv[0] + ": " + std::strerror(error));
  }
  for (std::uint64_t n = 1; n <= rounds; ++n) {
    // A task: members of the packed config and of the placement, by path.
    {
      auto t = await<S::idle>(box, child);
      t.set<"config.call_id">(static_cast<std::uint32_t>(n));
      t.set<"config.lease_kind">(static_cast<std::uint8_t>(n % 7));
      t.set<"config.timeout_ms">(n * 1000 + 5);
      (void)t.set_text<"config.function">("fn" + std::to_string(n));
      const std::uint64_t seeds[4] = {seed(n, 0), seed(n, 1), seed(n, 2), seed(n, 3)};
      t.set<"config.seeds">(seeds);
      t.set<"config.priority">(static_cast<std::int16_t>(-static_cast<int>(n % 100)));
      t.set<"placement.limits.cpu">(static_cast<std::uint32_t>(n % 64));
      t.set<"placement.limits.memory_mb">(static_cast<std::uint32_t>(n * 3));
      for (std::uint64_t i = 0; i < 3; ++i) t.span<"placement.cores">()[i] = n + i;
      t.set<"placement.node">(static_cast<std::int32_t>(n % 4));
      std::move(t).publish(S::task);
    }
    {
      auto t = await<S::done>(box, child);
      expect(t.get<"config.call_id">() == n + 1, "config.call_id from C", n);
      expect(t.get<"config.timeout_ms">() == n * 2000, "config.timeout_ms from C", n);
      expect(t.get<"placement.limits.memory_mb">() == n * 3 + 1, "placement.limits.memory_mb from C", n);
      expect(t.get<"error">() == 0, "error", n);
      std::move(t).publish(S::idle);
    }
    // A command: a copy request with its spans; C answers with memory_info
    // and writes the teardown record.
    {
      auto t = await<S::idle>(box, child);
      auto copy = t.emplace<"command", Command::copy>();
      copy.set<"src">(n * 4096);
      copy.set<"dst">(n * 8192);
      for (std::uint64_t i = 0; i < 4; ++i) copy.span<"spans">()[i] = Span{n + i, 64 * i};
      copy.set<"count">(4u);
      std::move(t).publish(S::request);
    }
    {
      auto t = await<S::reply>(box, child);
      auto info = t.alternative<"command", Command::memory_info>();
      expect(info.has_value(), "C did not answer with memory_info", n);
      expect(info->get<"device">() == n % 8, "memory_info.device", n);
      expect(info->get<"info.total_bytes">() == n << 30, "memory_info.info.total_bytes", n);
      expect(info->get<"info.free_bytes">() == n << 20, "memory_info.info.free_bytes", n);
      expect(info->get<"info.devices">() == 2, "memory_info.info.devices", n);
      expect(info->text<"note">() == "from C", "memory_info.note", n);
      const auto report = box.read_record<"teardown">(static_cast<std::uint32_t>(n));
      expect(report.has_value(), "teardown record: " + std::string(mailbox::to_string(report.status())), n);
      expect(report->exit_code == static_cast<std::int32_t>(n % 128), "teardown.exit_code", n);
      expect(report->signal == 9, "teardown.signal", n);
      expect(report->tasks_done == n * 10, "teardown.tasks_done", n);
      expect(std::string(report->reason) == "round " + std::to_string(n), "teardown.reason", n);
      expect(box.read_record<"teardown">(static_cast<std::uint32_t>(n + 1)).status() ==
                 mailbox::record_status::other_generation,
             "teardown of another generation", n);
      std::move(t).publish(S::idle);
    }
  }
  {
    auto t = await<S::idle>(box, child);
    std::move(t).publish(S::off);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("the C peer failed (status " + std::to_string(status) + ")");
  std::printf("payload_export: %llu rounds, every member, alternative and record intact both ways\n",
              static_cast<unsigned long long>(rounds));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "json") == 0) {
    std::printf("%s\n", mailbox::to_json<Frame>().c_str());
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "c") == 0) {
    std::string out = "#pragma once\n" + mailbox::c_definitions<Frame>("PF");
    const auto define = [&](const char* name, long long value) {
      out += "#define PF_" + std::string(name) + " " + std::to_string(value) + "\n";
    };
    define("S_IDLE", static_cast<long long>(S::idle));
    define("S_REQUEST", static_cast<long long>(S::request));
    define("S_REPLY", static_cast<long long>(S::reply));
    define("S_TASK", static_cast<long long>(S::task));
    define("S_DONE", static_cast<long long>(S::done));
    define("S_OFF", static_cast<long long>(S::off));
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  if (argc >= 4 && std::strcmp(argv[1], "serve") == 0) {
    return serve(std::strtoull(argv[2], nullptr, 10), std::vector<std::string>(argv + 3, argv + argc));
  }
  std::fprintf(stderr, "usage: payload_export c|json|serve ROUNDS COMMAND [ARG...]\n");
  return 2;
}
