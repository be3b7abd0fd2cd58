// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A parent process and two worker processes, one mailbox each, in a named
// shared-memory segment. Tasks go out, results or error text come back; a
// worker killed on purpose in the middle of a task is reported as an error
// instead of hanging the parent; the other worker is shut down cleanly.
#include <mailbox/mailbox.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <future>
#include <string>

namespace {

enum class Worker : std::int32_t { starting, idle, task_ready, task_done, task_failed, quit };
enum class Op : std::int32_t { divide, hang };

using Task = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"op", Op>,
                             mailbox::field<"a", std::int64_t>, mailbox::field<"b", std::int64_t>,
                             mailbox::field<"result", std::int64_t>, mailbox::field<"error_msg", char[96]>,
                             mailbox::valid_states<Worker::starting, Worker::idle, Worker::task_ready,
                                                   Worker::task_done, Worker::task_failed, Worker::quit>,
                             mailbox::blocking_waiters>;

// Bump when the meaning of Task changes but not its shape.
constexpr std::uint32_t protocol_version = 1;

// Each worker's mailbox, header first, on its own cache lines.
constexpr std::size_t slot = (mailbox::size_with_header<Task> + 63) / 64 * 64;
constexpr int worker_count = 2;

std::span<std::byte> slot_of(std::span<std::byte> segment, int worker) {
  return segment.subspan(static_cast<std::size_t>(worker) * slot, slot);
}

// A worker opens the segment by name, as a separately started program would,
// and ends when told to quit or when the parent dies. `parent` is the
// parent's pid, taken before fork(): correct even if the parent is dead by
// the time this runs (parent_alive{} made here would watch the new parent).
[[noreturn]] void run_worker(const std::string& name, int index, pid_t parent_pid) {
  try {
    const mailbox::parent_alive parent(parent_pid);
    auto segment = mailbox::shared_segment::open(name, worker_count * slot);
    auto box = mailbox::attach_with_header<Task, protocol_version>(slot_of(segment.bytes(), index));
    std::move(*box.try_acquire(Worker::starting)).publish(Worker::idle);
    for (;;) {
      auto r = box.acquire_any({Worker::task_ready, Worker::quit}, mailbox::spin_then_block{},
                               mailbox::no_deadline, parent);
      if (!r) {
        std::fprintf(stderr, "worker %d: %s\n", index, std::string(to_string(r.error())).c_str());
        ::_exit(3);
      }
      if (r.state() == Worker::quit) ::_exit(0);
      auto task = std::move(r).value();
      if (task.get<"op">() == Op::hang) {
        for (;;) ::pause();  // stuck in the middle of a task, token in hand
      }
      if (task.get<"b">() == 0) {
        task.set_text<"error_msg">("division by zero: " + std::to_string(task.get<"a">()) + " / 0");
        std::move(task).publish(Worker::task_failed);
      } else {
        task.set<"result">(task.get<"a">() / task.get<"b">());
        std::move(task).publish(Worker::task_done);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "worker %d: %s\n", index, e.what());
    ::_exit(2);
  }
}

mailbox::deadline in_seconds(int s) { return mailbox::wait_clock::now() + std::chrono::seconds(s); }

// Sends one task and waits for its outcome. Returns false if the worker died.
bool run_task(mailbox::Mailbox<Task> box, pid_t worker, int index, Op op, std::int64_t a, std::int64_t b) {
  const mailbox::child_alive alive(worker);
  auto ready = box.acquire(Worker::idle, mailbox::spin_then_block{}, in_seconds(10), alive);
  if (!ready) {
    std::printf("worker %d: not ready: %s\n", index, std::string(to_string(ready.error())).c_str());
    return false;
  }
  ready->set<"op">(op);
  ready->set<"a">(a);
  ready->set<"b">(b);
  std::move(*ready).publish(Worker::task_ready);

  const auto sent = mailbox::wait_clock::now();
  auto done = box.acquire_any({Worker::task_done, Worker::task_failed}, mailbox::spin_then_block{},
                              in_seconds(10), alive);
  if (!done) {
    const double ms = std::chrono::duration<double, std::milli>(mailbox::wait_clock::now() - sent).count();
    std::printf("worker %d: task %lld ? %lld lost: %s (noticed after %.0f ms)\n", index,
                static_cast<long long>(a), static_cast<long long>(b),
                std::string(to_string(done.error())).c_str(), ms);
    return false;
  }
  if (done.state() == Worker::task_done) {
    std::printf("worker %d: %lld / %lld = %lld\n", index, static_cast<long long>(a),
                static_cast<long long>(b), static_cast<long long>(done->get<"result">()));
  } else {
    const auto text = done->text<"error_msg">();  // a bounded copy, whatever the worker wrote
    std::printf("worker %d: error: %.*s\n", index, static_cast<int>(text.size()), text.data());
  }
  std::move(*done).publish(Worker::idle);
  return true;
}

int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

}  // namespace

int main() {
  const std::string name = "/mailbox-example-workers-" + std::to_string(::getpid());
  auto segment = mailbox::shared_segment::create(name, worker_count * slot, {.prefault = true});
  const mailbox::Mailbox<Task> boxes[worker_count] = {
      mailbox::initialize_with_header<Task, protocol_version>(slot_of(segment.bytes(), 0), Worker::starting),
      mailbox::initialize_with_header<Task, protocol_version>(slot_of(segment.bytes(), 1), Worker::starting)};

  const pid_t parent = ::getpid();
  pid_t workers[worker_count];
  for (int i = 0; i < worker_count; ++i) {
    workers[i] = ::fork();
    if (workers[i] < 0) return 1;
    if (workers[i] == 0) run_worker(name, i, parent);
  }

  bool ok = true;
  ok &= run_task(boxes[0], workers[0], 0, Op::divide, 84, 2);
  ok &= run_task(boxes[1], workers[1], 1, Op::divide, 10, 0);
  ok &= run_task(boxes[1], workers[1], 1, Op::divide, -9, 3);

  // Worker 1 gets a task it never finishes; we kill it in the middle.
  auto hang = std::move(boxes[1].acquire(Worker::idle, mailbox::spin_then_block{}, in_seconds(10))).value();
  hang.set<"op">(Op::hang);
  std::move(hang).publish(Worker::task_ready);
  // Taking a task leaves the state as it is (the token is the worker's), so
  // give the worker a moment to be inside it; dead before or after, the
  // parent must notice either way.
  ::usleep(50'000);
  // Reaped as it dies: where child_alive cannot see an unreaped child's exit
  // (the portable wait backend, docs/waiting.md), the reaping is what it sees.
  auto reaped = std::async(std::launch::async, wait_status, workers[1]);
  ::kill(workers[1], SIGKILL);
  const auto killed = mailbox::wait_clock::now();
  auto outcome = boxes[1].acquire_any({Worker::task_done, Worker::task_failed}, mailbox::spin_then_block{},
                                      in_seconds(10), mailbox::child_alive(workers[1]));
  const bool lost = !outcome && outcome.error() == mailbox::wait_error::peer_gone;
  std::printf("worker 1: killed in the middle of a task: %s, noticed after %.1f ms\n",
              outcome ? "finished anyway?" : std::string(to_string(outcome.error())).c_str(),
              std::chrono::duration<double, std::milli>(mailbox::wait_clock::now() - killed).count());

  ok &= run_task(boxes[0], workers[0], 0, Op::divide, 1000, 7);

  // Shutdown: worker 0 takes quit from idle.
  auto quit = boxes[0].acquire(Worker::idle, mailbox::spin_then_block{}, in_seconds(10),
                               mailbox::child_alive(workers[0]));
  if (quit) std::move(*quit).publish(Worker::quit);
  const int status0 = wait_status(workers[0]);
  const int status1 = reaped.get();
  std::printf("worker 0 exited with %d; worker 1 ended by signal %d\n", status0, -status1);

  ok = ok && lost && quit && status0 == 0 && status1 == -SIGKILL;
  std::printf("%s\n", ok ? "example finished: results, error text, dead worker detected, clean shutdown"
                         : "example FAILED");
  return ok ? 0 : 1;
}
