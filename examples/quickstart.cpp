// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A worker thread runs tasks that the main thread hands it through a mailbox.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <cstdio>
#include <thread>

enum class Worker : std::int32_t { idle, task_ready, task_done, quit };

using Task = mailbox::layout<mailbox::state<"state", Worker>,        // exactly one state word
                             mailbox::field<"error", std::int32_t>,  // offsets computed...
                             mailbox::field<"operand", std::uint64_t>,
                             mailbox::field<"args", std::uint64_t[16], 64>,  // ...or pinned
                             mailbox::field<"error_msg", char[256]>, mailbox::total_size<4096>>;

static_assert(Task::offset_of<"operand"> == 8 && Task::size == 4096);

int main() {
  alignas(Task::alignment) static std::byte memory[Task::size];
  auto box = mailbox::Mailbox<Task>::initialize(memory, Worker::idle);

  std::thread worker([box] {
    while (box.state() != Worker::quit) {
      auto task = box.try_acquire(Worker::task_ready);  // a token only in that state
      if (!task) {
        std::this_thread::yield();
        continue;
      }
      std::uint64_t sum = 0;
      for (std::uint64_t a : task->span<"args">()) sum += a;  // arrays are spans
      task->set<"operand">(sum * task->get<"operand">());
      task->set<"error">(0);
      std::move(*task).publish(Worker::task_done);  // hands the payload back
    }
  });

  for (std::uint64_t round = 1; round <= 3; ++round) {
    auto task = box.acquire(Worker::idle);
    task.set<"operand">(round);
    for (std::uint64_t& a : task.span<"args">()) a = round;
    std::move(task).publish(Worker::task_ready);  // payload first, then the state

    auto done = box.acquire(Worker::task_done);
    std::printf("round %llu: result %llu, error %d\n", static_cast<unsigned long long>(round),
                static_cast<unsigned long long>(done.get<"operand">()), done.get<"error">());
    std::move(done).publish(round == 3 ? Worker::quit : Worker::idle);
  }
  worker.join();
}
