// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A C++ parent hands numbers to a Python worker, which squares them:
//   quickstart_parent python3 quickstart_worker.py
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "quickstart.hpp"

extern char** environ;

int main(int, char** argv) try {
  std::string name = "/quickstart-" + std::to_string(getpid());
  auto region = mailbox::region<Square>::create(name, 1, Step::idle);  // the name goes with `region`
  char* worker_argv[] = {argv[1], argv[2], name.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[1], nullptr, nullptr, worker_argv, environ) != 0) return 1;
  const auto take = [&](Step s) {  // waits up to 10 s while the worker lives, else throws
    const auto until = mailbox::wait_clock::now() + std::chrono::seconds(10);
    return region[0].acquire(s, mailbox::spin_then_yield{}, until, mailbox::child_alive(pid)).value();
  };
  for (std::int64_t x = 1; x <= 3; ++x) {
    auto t = take(Step::idle);
    t.set<"x">(x);
    std::move(t).publish(Step::request);  // release: the worker sees x
    auto r = take(Step::reply);
    std::printf("%lld squared is %lld\n", static_cast<long long>(x), static_cast<long long>(r.get<"x">()));
    std::move(r).publish(Step::idle);
  }
  take(Step::idle).publish(Step::done);
  int status = 0;
  waitpid(pid, &status, 0);
  return status == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "quickstart_parent: %s\n", e.what());
  return 1;
}
