// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The C++ side of the cross-language handoff tests.
//
//   handoff_peer serve COUNT COMMAND [ARG...]
//     Creates a named region of one Handoff mailbox (mailbox::region: the
//     header, then the mailbox), starts COMMAND ARG... NAME COUNT (a Python
//     or C worker) and hands it COUNT messages, checking every word of every
//     reply, then publishes shutdown and checks the worker's exit status.
//
//   handoff_peer work NAME
//     The worker for a Python parent: opens the region NAME, answers every
//     task_ready, checking every word of every request, until shutdown.
//
// Exit status 0 only when every message arrived intact in both directions.
#include <mailbox/mailbox.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "handoff_layout.hpp"

extern char** environ;

namespace {

using namespace python_test;
using Box = mailbox::Mailbox<Handoff>;
using Region = mailbox::region<Handoff>;

// Generous: a 2-core machine shared with compilers can stall a peer for long.
constexpr auto patience = std::chrono::seconds(60);

int serve(std::uint64_t count, std::vector<std::string> command) {
  const std::string name = "/mailbox-handoff-" + std::to_string(::getpid());
  const Region region = Region::create(name, 1, Step::idle);
  const Box box = region[0];

  command.push_back(name);
  command.push_back(std::to_string(count));
  std::vector<char*> argv;
  for (auto& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  if (const int error = ::posix_spawnp(&child, argv[0], nullptr, nullptr, argv.data(), environ); error != 0) {
    std::fprintf(stderr, "handoff_peer: cannot start %s: %s\n", argv[0], std::strerror(error));
    return 1;
  }
  const auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "handoff_peer serve: %s\n", why.c_str());
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return 1;
  };

  auto t = box.acquire(Step::idle);  // ours from the start
  for (std::uint64_t n = 1; n <= count; ++n) {
    write(t, request(n));
    std::move(t).publish(Step::task_ready);
    auto done = box.acquire(Step::task_done, mailbox::spin_then_yield{},
                            mailbox::wait_clock::now() + patience, mailbox::child_alive(child));
    if (!done) {
      return fail("no reply to message " + std::to_string(n) + ": " +
                  std::string(mailbox::to_string(done.error())));
    }
    t = std::move(done).value();
    if (const std::string field = first_difference(t, reply(n)); !field.empty()) {
      return fail("reply " + std::to_string(n) + ": field " + field + " differs");
    }
  }
  std::move(t).publish(Step::shutdown);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail("the worker failed, status " + std::to_string(status));
  std::printf("handed %llu messages to %s and back, every word checked (backend %s)\n",
              static_cast<unsigned long long>(count), command.front().c_str(),
              std::string(mailbox::backend_name).c_str());
  return 0;
}

int work(const std::string& name) {
  const Region region = Region::open(name, 1, patience);
  const Box box = region[0];
  const mailbox::parent_alive parent;
  for (std::uint64_t n = 1;; ++n) {
    auto got = box.acquire_any({Step::task_ready, Step::shutdown}, mailbox::spin_then_yield{},
                               mailbox::wait_clock::now() + patience, parent);
    if (!got) {
      std::fprintf(stderr, "handoff_peer work: waiting for message %llu: %s\n",
                   static_cast<unsigned long long>(n), std::string(mailbox::to_string(got.error())).c_str());
      return 1;
    }
    if (got.state() == Step::shutdown) {
      std::printf("answered %llu messages, every word checked\n", static_cast<unsigned long long>(n - 1));
      return 0;
    }
    auto t = std::move(got).value();
    if (const std::string field = first_difference(t, request(n)); !field.empty()) {
      std::fprintf(stderr, "handoff_peer work: request %llu: field %s differs\n",
                   static_cast<unsigned long long>(n), field.c_str());
      return 1;
    }
    write(t, reply(n));
    std::move(t).publish(Step::task_done);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 4 && std::strcmp(argv[1], "serve") == 0) {
      return serve(std::strtoull(argv[2], nullptr, 10), std::vector<std::string>(argv + 3, argv + argc));
    }
    if (argc == 3 && std::strcmp(argv[1], "work") == 0) return work(argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "handoff_peer: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: handoff_peer serve COUNT COMMAND [ARG...] | handoff_peer work NAME\n");
  return 2;
}
