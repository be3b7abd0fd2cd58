// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The C++ parent of the Python worker example: parent PYTHON WORKER_PY.
// Creates a region by name, starts the Python worker, which opens it by that
// name, sends it three jobs (the last one fails on purpose) and prints what
// came back.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "jobs.hpp"

extern char** environ;

int main(int argc, char** argv) {
  using jobs::Job;
  using jobs::Op;
  using jobs::State;
  if (argc != 3) {
    std::fprintf(stderr, "usage: parent PYTHON WORKER_PY\n");
    return 2;
  }
  try {
    const std::string name = "/mailbox-jobs-" + std::to_string(::getpid());
    // One Job mailbox behind a header; removed when `region` goes.
    const auto region = mailbox::region<Job, jobs::version>::create(name, 1, State::starting);
    const auto box = region[0];

    std::string segment_name = name;
    char* child_argv[] = {argv[1], argv[2], segment_name.data(), nullptr};
    pid_t child = 0;
    if (::posix_spawnp(&child, argv[1], nullptr, nullptr, child_argv, environ) != 0) {
      std::perror("posix_spawnp");
      return 1;
    }
    const mailbox::child_alive worker(child);
    const auto until = [] { return mailbox::wait_clock::now() + std::chrono::seconds(30); };

    const struct {
      Op op;
      std::uint32_t count;
    } work[] = {{Op::sum, 10}, {Op::mean, 4}, {Op::fail, 0}};
    int answered = 0;
    for (const auto& job : work) {
      auto idle = box.acquire(State::idle, mailbox::spin_then_block{}, until(), worker);
      if (!idle) throw mailbox::wait_failed(idle.error());
      auto t = std::move(idle).value();
      t.set<"op">(job.op);
      t.set<"count">(job.count);
      for (std::uint32_t i = 0; i < 32; ++i) t.span<"values">()[i] = i + 1;
      std::move(t).publish(State::task_ready);

      auto r = box.acquire_any({State::task_done, State::task_failed}, mailbox::spin_then_block{}, until(),
                               worker);
      if (!r) throw mailbox::wait_failed(r.error());
      const State how = r.state();
      auto answer = std::move(r).value();
      if (how == State::task_done) {
        std::printf("job %d: result %g\n", answered, answer.get<"result">());
      } else {
        std::printf("job %d: failed: %s\n", answered, std::string(answer.text<"error_msg">()).c_str());
      }
      ++answered;
      std::move(answer).publish(State::idle);
    }
    auto last = box.acquire(State::idle, mailbox::spin_then_block{}, until(), worker);
    if (!last) throw mailbox::wait_failed(last.error());
    std::move(last).value().publish(State::quit);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "the Python worker failed (status %d)\n", status);
      return 1;
    }
    std::printf("example finished: %d jobs answered by the Python worker\n", answered);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parent: %s\n", e.what());
    return 1;
  }
}
