// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The library's motivating client, as a runnable example: a parent drives a
// forked worker through three 64 KiB frames in one shared segment, frame 0
// under the control protocol and frames 1 and 2 under the task protocol
// (worker_protocol.hpp), behind a region header that records which frame
// runs which protocol; the worker attaches with the same frame set, so a
// worker built against other protocols would be refused.
//
//   - boot handshake on frame 0: task_launched -> init_ready (or init_failed),
//     the worker's reply in the "boot" alternative of the keyed sub-command
//   - control commands on frame 0: idle -> control_request -> control_done ->
//     idle, each sub-command a keyed alternative with its own fields (ping,
//     memory_info with a result struct, copy with spans, stats, and a
//     downstream project's checksum in a key range of its own): the parent
//     writes one with emplace<"command", Key>(), the worker reads it only
//     through its key (visit) and answers in the same alternative
//   - a two-frame task pipeline on frames 1 and 2: while one frame's task
//     runs, the next task waits staged in the other frame. A staged frame
//     (frame_staged) has two owners, each with its own edge: only the parent
//     activates it (try_transition<frame_staged, activate>), only the worker
//     gives it up when its lease expires (try_transition<frame_staged,
//     task_failed>); exactly one wins, and both outcomes are handled and
//     counted.
//   - the "accepted" flag: raised by the worker when it takes a task,
//     cleared by the parent when it collects it (the flag rules say who).
//   - shutdown through the sticky "shutdown" flag, which only the parent
//     raises and which survives the state word moving on.
//   - the teardown record: the worker's last act is to write its report
//     (a mailbox::record keyed by the launch's generation); the parent reads
//     it after reaping the worker. Then a few short-lived workers are killed
//     with SIGKILL, mid-run or around their shutdown, and the parent reads a
//     whole report or "unknown" (empty, or writing when the kill hit the
//     write), never a torn one.
//
// Every payload word is checked on every round, by the side that reads it.
// Usage: worker_frames [tasks] [--fail-boot] [--kill-rounds N]
//        worker_frames --dot      (the frame set as a Graphviz digraph)
#include <mailbox/mailbox.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "worker_protocol.hpp"

namespace {

using namespace worker;

using Parent = mailbox::endpoint<Task, "parent">;
using Child = mailbox::endpoint<Task, "child">;
using ParentControl = mailbox::endpoint<Control, "parent">;
using ChildControl = mailbox::endpoint<Control, "child">;

constexpr std::size_t frame_count = Frames::count;
constexpr int cancelled_code = 125;  // ECANCELED on Linux
constexpr std::uint64_t boot_magic = 0x626f6f74;

// Lease kinds, by task number: most tasks' leases never expire (the parent
// always activates them), one in four is expired on arrival (the worker
// always cancels it: the parent waits for that instead of racing), and one
// in four expires a few microseconds after staging (a real race).
enum class LeaseKind : std::uint8_t { forever, expired, racing };
LeaseKind lease_kind_of(std::uint64_t task) {
  switch (task % 4) {
    case 2:
      return LeaseKind::expired;
    case 3:
      return LeaseKind::racing;
    default:
      return LeaseKind::forever;
  }
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(mailbox::wait_clock::now().time_since_epoch())
      .count();
}

// Every payload word carries its task number and position.
std::uint64_t word_of(std::uint64_t task, std::uint64_t index) {
  return (task << 32 ^ index) * 0x9e3779b97f4a7c15ull + 1;
}

std::string cancel_text(std::uint64_t task) {
  return "task " + std::to_string(task) + ": lease expired before activation";
}

// The pretend device the control commands ask about.
constexpr std::uint32_t device_count = 4;
constexpr std::uint64_t device_buffer_bytes = std::uint64_t{1} << 30;
constexpr std::int32_t invalid_argument = 22;  // EINVAL on Linux

MemoryInfo memory_info_of(std::uint32_t device) {
  const std::uint64_t total = std::uint64_t{device + 1} << 32;
  return {total, total - 4096 * (device + 1) - 12345, device, device_count};
}

std::uint64_t checksum_of(std::uint64_t seed, std::uint32_t words) {
  std::uint64_t sum = 0;
  for (std::uint32_t i = 0; i < words; ++i) sum += word_of(seed, i);
  return sum;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "worker_frames: %s\n", what.c_str());
  std::exit(1);
}

void expect(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// The eight identity words of the trailer, which the worker computes from a
// task and the parent recomputes from what it sent.
std::array<std::uint64_t, trailer_words> trailer_of(std::uint64_t task, std::uint64_t args_sum,
                                                    std::uint64_t seeds_xor) {
  return {task, args_sum, seeds_xor, task ^ 0x1ea5e, ~task, args_words, task * 0x9e3779b97f4a7c15ull, 0x1d};
}

std::uint64_t expected_args_sum(std::uint64_t task) {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < args_words; ++i) sum += word_of(task, i);
  return sum;
}

std::uint64_t expected_seeds_xor(std::uint64_t task) {
  std::uint64_t x = 0;
  for (std::uint64_t j = 0; j < 125; ++j) x ^= word_of(task, 100000 + j);
  return x;
}

// --- the worker --------------------------------------------------------------

// Checks every word of a staged task and returns the sum of its args.
template <class Token>
std::uint64_t check_task(const Token& t, std::uint64_t task) {
  const CallConfig config = t.template get<"config">();
  expect(config.call_id == task,
         "worker: config.call_id " + std::to_string(config.call_id) + ", expected " + std::to_string(task));
  expect(config.lease_kind == static_cast<std::uint8_t>(lease_kind_of(task)), "worker: config.lease_kind");
  std::uint64_t words = 0;
  std::memcpy(&words, reinterpret_cast<const std::byte*>(&config) + offsetof(CallConfig, args_words), 8);
  expect(words == args_words, "worker: config.args_words");
  expect(std::string_view(config.function) == "task-" + std::to_string(task), "worker: config.function");
  for (std::uint64_t j = 0; j < 125; ++j) {
    std::uint64_t seed = 0;
    std::memcpy(&seed, reinterpret_cast<const std::byte*>(&config) + offsetof(CallConfig, seeds) + 8 * j, 8);
    expect(seed == word_of(task, 100000 + j), "worker: config.seeds[" + std::to_string(j) + "]");
  }
  const Lease lease = t.template get<"lease">();
  expect(lease.id == task, "worker: lease.id");
  const auto args = t.template span<"args">();
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < args_words; ++i) {
    std::uint64_t w = 0;
    std::memcpy(&w, args.data() + 8 * i, 8);
    expect(w == word_of(task, i),
           "worker: args word " + std::to_string(i) + " of task " + std::to_string(task));
    sum += w;
  }
  return sum;
}

struct staged_frame {
  bool staged = false;
  std::uint64_t task = 0;
  std::int64_t deadline_ns = 0;
};

// Answers the control command the token holds, in the alternative its key
// selects: the worker reaches a command's fields only after checking the
// key (visit calls the lambda with the one alternative it selects, and
// returns false for a key this build does not know).
void answer(ChildControl::token<S::control_request>& t, const WorkerStats& stats) {
  bool understood = true;
  const bool known = t.visit<"command">([&](auto command) {
    constexpr Command key = decltype(command)::key;
    if constexpr (key == Command::ping) {
      command.template set<"echo">(~command.template get<"nonce">());
    } else if constexpr (key == Command::memory_info) {
      const std::uint32_t device = command.template get<"device">();
      understood = device < device_count;
      if (understood) command.template set<"info">(memory_info_of(device));
    } else if constexpr (key == Command::copy) {
      // A real worker would copy each span of a device buffer; this one
      // checks the spans and counts their bytes.
      const std::uint32_t count = command.template get<"count">();
      bool in_range = count <= max_copy_spans;
      std::uint64_t copied = 0;
      for (std::uint32_t i = 0; in_range && i < count; ++i) {
        const CopySpan span = command.template span<"spans">()[i];
        in_range = span.offset <= device_buffer_bytes && span.length <= device_buffer_bytes - span.offset;
        copied += span.length;
      }
      command.template set<"status">(in_range ? 0 : invalid_argument);
      command.template set<"copied_bytes">(in_range ? copied : 0);
    } else if constexpr (key == Command::stats) {
      command.template set<"stats">(stats);
    } else if constexpr (key == Command{checksum_command}) {
      command.template set<"value">(
          checksum_of(command.template get<"seed">(), command.template get<"words">()));
    } else {
      understood = false;  // boot is the worker's own reply, never a request
    }
  });
  t.set<"error">(known && understood ? 0 : invalid_argument);
}

// The worker's last act: its report, committed as a whole or not at all.
void write_teardown(const Frames& frames, std::uint32_t generation, const WorkerStats& stats,
                    std::int32_t exit_code, std::string_view reason) {
  Teardown report{};
  report.tasks_done = stats.tasks_done;
  report.tasks_cancelled = stats.tasks_cancelled;
  report.control_commands = stats.control_commands;
  report.exit_code = exit_code;
  report.worker_pid = static_cast<std::int32_t>(::getpid());
  reason.copy(report.reason, sizeof report.reason - 1);
  // The record is outside the protocol's token discipline (no token reaches
  // it), so it is written through the frame's Mailbox, not an endpoint.
  frames[0].write_record<"teardown">(generation, report);
}

[[noreturn]] void run_worker(std::span<std::byte> region, bool fail_boot, std::uint32_t generation) {
  const pid_t parent = ::getppid();
  // The worker attaches through the header: a worker built with other
  // protocols (or another frame layout) is refused here, naming both.
  const Frames frames = Frames::attach_with_header<frame_version>(region);
  const ChildControl control = frames.endpoint<0, "child">();
  WorkerStats stats{};

  // Boot: frame 0 starts in task_launched, which the worker owns.
  {
    auto t = control.acquire<S::task_launched>();
    expect(t.key<"command">() == Command{0}, "worker: frame 0 was not zeroed");
    if (fail_boot) {
      t.set<"error">(invalid_argument);
      (void)t.set_text<"error_msg">("boot refused on request (--fail-boot)");
      std::move(t).publish<S::init_failed>();
      write_teardown(frames, generation, stats, invalid_argument, "boot refused");
      std::_Exit(0);
    }
    auto boot = t.emplace<"command", Command::boot>();
    boot.set<"magic">(boot_magic);
    boot.set<"frames">(static_cast<std::uint32_t>(frame_count));
    boot.set<"generation">(generation);
    std::move(t).publish<S::init_ready>();
  }

  const std::array<Child, 2> task_frames{frames.endpoint<1, "child">(), frames.endpoint<2, "child">()};
  std::array<staged_frame, 2> staged{};
  for (;;) {
    bool worked = false;
    if (auto t = control.try_acquire<S::control_request>()) {
      ++stats.control_commands;
      answer(*t, stats);
      std::move(*t).publish<S::control_done>();
      worked = true;
    }
    for (std::size_t f = 0; f < 2; ++f) {
      const Child& box = task_frames[f];
      if (auto t = box.try_acquire<S::prepare_ready>()) {
        const std::uint64_t task = t->get<"config">().call_id;
        (void)check_task(*t, task);
        // After frame_staged the worker holds no token: whatever the parent
        // must read if the worker wins the race is written now.
        t->set<"error">(cancelled_code);
        (void)t->set_text<"error_msg">(cancel_text(task));
        t->set<"disposition">(2);
        staged[f] = {true, task, t->get<"lease">().deadline_ns};
        std::move(*t).publish<S::frame_staged>();
        worked = true;
      }
      if (staged[f].staged && now_ns() >= staged[f].deadline_ns) {
        if (box.try_transition<S::frame_staged, S::task_failed>()) {
          staged[f].staged = false;  // cancelled: the parent reads the failure written above
          ++stats.tasks_cancelled;
          worked = true;
        }
      }
      if (auto t = box.try_acquire<S::activate>()) {
        staged[f].staged = false;  // the parent won
        box.raise<"accepted">();   // survives the state moving on to task_done
        const std::uint64_t task = t->get<"config">().call_id;
        const std::uint64_t sum = check_task(*t, task);
        const CallConfig config = t->get<"config">();
        std::uint64_t seeds_xor = 0;
        for (std::size_t j = 0; j < 125; ++j) {
          std::uint64_t seed = 0;
          std::memcpy(&seed,
                      reinterpret_cast<const std::byte*>(&config) + offsetof(CallConfig, seeds) + 8 * j, 8);
          seeds_xor ^= seed;
        }
        const auto trailer = trailer_of(task, sum, seeds_xor);
        for (std::size_t i = 0; i < trailer_words; ++i) t->span<"trailer">()[i] = trailer[i];
        t->set<"disposition">(1);
        t->set<"error">(0);
        (void)t->set_text<"error_msg">("");
        std::move(*t).publish<S::task_done>();
        ++stats.tasks_done;
        worked = true;
      }
    }
    // The sticky flag: raised once, it stays raised whatever frame 0's
    // state word does meanwhile. The parent raises it after publishing its
    // last control request, so once the flag is seen (acquire) the state
    // load after it sees that request or what followed it: a worker that
    // finds no request pending has answered them all.
    if (control.is_raised<"shutdown">() && control.state() != S::control_request) {
      write_teardown(frames, generation, stats, 0, "shutdown");
      std::_Exit(0);
    }
    if (::getppid() != parent) std::_Exit(3);  // orphaned: the parent died
    if (!worked) mailbox::detail::yield_cpu();
  }
}

// --- the parent --------------------------------------------------------------

constexpr auto patience = std::chrono::seconds(120);

template <S State, class Side>
auto await(const Side& side, pid_t child) {
  auto r = side.template acquire<State>(mailbox::spin_then_yield{}, mailbox::wait_clock::now() + patience,
                                        mailbox::child_alive(child));
  if (!r) {
    fail(std::string("parent: waiting for a state: ") + std::string(mailbox::to_string(r.error())) +
         " (last state " + std::to_string(static_cast<int>(r.state())) + ")");
  }
  return std::move(r).value();
}

void stage(const Parent& side, pid_t child, std::uint64_t task) {
  auto t = await<S::idle>(side, child);
  CallConfig config{};
  config.call_id = static_cast<std::uint32_t>(task);
  config.lease_kind = static_cast<std::uint8_t>(lease_kind_of(task));
  const std::uint64_t words = args_words;
  std::memcpy(reinterpret_cast<std::byte*>(&config) + offsetof(CallConfig, args_words), &words, 8);
  std::snprintf(config.function, sizeof config.function, "task-%llu", static_cast<unsigned long long>(task));
  for (std::uint64_t j = 0; j < 125; ++j) {
    const std::uint64_t seed = word_of(task, 100000 + j);
    std::memcpy(reinterpret_cast<std::byte*>(&config) + offsetof(CallConfig, seeds) + 8 * j, &seed, 8);
  }
  t.set<"config">(config);
  const std::int64_t deadline = lease_kind_of(task) == LeaseKind::forever   ? INT64_MAX
                                : lease_kind_of(task) == LeaseKind::expired ? 0
                                                                            : now_ns() + 20'000;
  t.set<"lease">(Lease{task, deadline});
  auto args = t.span<"args">();
  for (std::uint64_t i = 0; i < args_words; ++i) {
    const std::uint64_t w = word_of(task, i);
    std::memcpy(args.data() + 8 * i, &w, 8);
  }
  std::move(t).publish<S::prepare_ready>();
}

struct counts {
  std::uint64_t activated = 0;    // the parent won (or had no rival)
  std::uint64_t cancelled = 0;    // the worker's lease expiry won
  std::uint64_t race_parent = 0;  // of the racing leases: the parent won
  std::uint64_t race_worker = 0;  // of the racing leases: the worker won
  std::uint64_t control = 0;      // control commands answered
};

// Waits while a state the worker will leave lasts (not for a token: the
// parent owns neither state), noticing a dead worker.
void wait_while(const Parent& side, S state, pid_t child) {
  const mailbox::child_alive alive(child);
  for (std::uint32_t polls = 1; side.state() == state; ++polls) {
    if (polls % 1024 == 0 && !alive()) fail("parent: the worker died");
    mailbox::detail::yield_cpu();
  }
}

// Activates the staged task (or learns it was cancelled), then collects it.
void run_task(const Parent& side, pid_t child, std::uint64_t task, counts& c) {
  const LeaseKind kind = lease_kind_of(task);
  // Wait until the worker has prepared the frame (or rejected it).
  wait_while(side, S::prepare_ready, child);
  bool activated = false;
  if (kind == LeaseKind::expired) {
    // The lease was dead on arrival: the worker must cancel it. Not racing
    // here makes sure the cancelled path runs on every fourth task.
    wait_while(side, S::frame_staged, child);
  } else {
    activated = side.try_transition<S::frame_staged, S::activate>();
  }
  auto r = side.acquire_any<S::task_done, S::task_failed>(
      mailbox::spin_then_yield{}, mailbox::wait_clock::now() + patience, mailbox::child_alive(child));
  if (!r)
    fail("parent: waiting for task " + std::to_string(task) + ": " +
         std::string(mailbox::to_string(r.error())));
  auto t = std::move(r).value();
  const bool accepted = side.is_raised<"accepted">();
  if (t.state() == S::task_done) {
    expect(activated, "parent: task " + std::to_string(task) + " done but the parent's activation lost");
    expect(kind != LeaseKind::expired, "parent: an expired lease ran");
    expect(accepted, "parent: task done without the accepted flag");
    const auto want = trailer_of(task, expected_args_sum(task), expected_seeds_xor(task));
    for (std::size_t i = 0; i < trailer_words; ++i) {
      expect(t.span<"trailer">()[i] == want[i],
             "parent: trailer word " + std::to_string(i) + " of task " + std::to_string(task));
    }
    expect(t.get<"disposition">() == 1 && t.get<"error">() == 0 && t.text<"error_msg">().empty(),
           "parent: task " + std::to_string(task) + " done with an error record");
    ++c.activated;
    if (kind == LeaseKind::racing) ++c.race_parent;
  } else {
    expect(!activated, "parent: task " + std::to_string(task) + " failed after the parent activated it");
    expect(kind != LeaseKind::forever, "parent: a lease that never expires was cancelled");
    expect(!accepted, "parent: a cancelled task has the accepted flag");
    expect(t.get<"disposition">() == 2 && t.get<"error">() == cancelled_code, "parent: the cancel record");
    expect(t.text<"error_msg">() == cancel_text(task),
           "parent: error_msg '" + std::string(t.text<"error_msg">()) + "'");
    expect(t.get<"lease">().id == task, "parent: lease of the cancelled task");
    ++c.cancelled;
    if (kind == LeaseKind::racing) ++c.race_worker;
  }
  side.clear<"accepted">();
  std::move(t).publish<S::idle>();
}

// One control command, chosen by n: the parent writes it through the key
// (emplace stores the key and zeroes the alternative's bytes in one step),
// and reads the answer only through the same key. With raise_shutdown, the
// shutdown flag is raised while the command is pending.
void control_command(const ParentControl& control, pid_t child, std::uint64_t n, counts& c,
                     bool raise_shutdown = false) {
  auto t = await<S::idle>(control, child);
  const std::uint64_t kind = n % 6;
  const std::uint32_t device = static_cast<std::uint32_t>(n % device_count);
  std::uint64_t want_copied = 0;
  switch (kind) {
    case 0:
      t.emplace<"command", Command::ping>().set<"nonce">(n);
      break;
    case 1:
      t.emplace<"command", Command::memory_info>().set<"device">(device);
      break;
    case 2:
    case 3: {  // kind 3 asks for one span past the buffer's end: refused
      auto copy = t.emplace<"command", Command::copy>();
      const std::uint32_t count = 1 + static_cast<std::uint32_t>(n % max_copy_spans);
      for (std::uint32_t i = 0; i < count; ++i) {
        const CopySpan span{std::uint64_t{i} << 20, 4096 * (i + 1)};
        copy.span<"spans">()[i] = span;
        want_copied += span.length;
      }
      if (kind == 3) copy.span<"spans">()[count - 1] = CopySpan{device_buffer_bytes - 8, 16};
      copy.set<"count">(count);
      break;
    }
    case 4:
      (void)t.emplace<"command", Command::stats>();  // no fields: the key is the request
      break;
    default: {
      auto checksum = t.emplace<"command", Command{checksum_command}>();
      checksum.set<"seed">(n);
      checksum.set<"words">(std::uint32_t{64});
      break;
    }
  }
  std::move(t).publish<S::control_request>();
  ++c.control;
  if (raise_shutdown) control.raise<"shutdown">();

  auto d = await<S::control_done>(control, child);
  const std::string what =
      "parent: control command " + std::to_string(n) + " (kind " + std::to_string(kind) + ")";
  expect(d.get<"error">() == 0, what + ": error " + std::to_string(d.get<"error">()));
  switch (kind) {
    case 0: {
      auto ping = d.alternative<"command", Command::ping>();
      expect(ping && ping->get<"nonce">() == n && ping->get<"echo">() == ~n, what + ": ping");
      break;
    }
    case 1: {
      auto info = d.alternative<"command", Command::memory_info>();
      expect(info.has_value(), what + ": not a memory_info answer");
      const MemoryInfo got = info->get<"info">();
      const MemoryInfo want = memory_info_of(device);
      expect(got.total_bytes == want.total_bytes && got.free_bytes == want.free_bytes &&
                 got.device == device && got.devices == device_count &&
                 info->get<"info.free_bytes">() == want.free_bytes,
             what + ": memory_info result");
      break;
    }
    case 2:
    case 3: {
      auto copy = d.alternative<"command", Command::copy>();
      expect(copy.has_value(), what + ": not a copy answer");
      const bool refused = kind == 3;
      expect(copy->get<"status">() == (refused ? invalid_argument : 0) &&
                 copy->get<"copied_bytes">() == (refused ? 0 : want_copied),
             what + ": copy result");
      break;
    }
    case 4: {
      auto stats = d.alternative<"command", Command::stats>();
      expect(stats.has_value(), what + ": not a stats answer");
      const WorkerStats got = stats->get<"stats">();
      // The parent has collected every task the worker finished; the worker
      // may have cancelled up to two more it has not collected yet.
      expect(got.tasks_done == c.activated && got.tasks_cancelled >= c.cancelled &&
                 got.tasks_cancelled <= c.cancelled + 2 && got.control_commands == c.control,
             what + ": stats " + std::to_string(got.tasks_done) + "/" + std::to_string(got.tasks_cancelled) +
                 "/" + std::to_string(got.control_commands));
      break;
    }
    default: {
      // visit, as the worker reads: only the alternative the key selects.
      std::uint64_t value = 0;
      const bool known = d.visit<"command">([&](auto command) {
        if constexpr (decltype(command)::key == Command{checksum_command})
          value = command.template get<"value">();
      });
      expect(known && value == checksum_of(n, 64), what + ": checksum");
      break;
    }
  }
  std::move(d).publish<S::idle>();
}

int exit_status(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid failed");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Forks a worker over the region, launch number `generation`.
pid_t launch(std::span<std::byte> region, bool fail_boot, std::uint32_t generation) {
  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child < 0) fail("fork failed");
  if (child == 0) run_worker(region, fail_boot, generation);
  return child;
}

// The boot handshake: true when the worker is ready (frame 0 then idle),
// false when it reported a boot failure (frame 0 then shut down).
bool boot(const ParentControl& control, pid_t child, std::uint32_t generation) {
  auto booted = control.acquire_any<S::init_ready, S::init_failed>(
      mailbox::spin_then_yield{}, mailbox::wait_clock::now() + patience, mailbox::child_alive(child));
  if (!booted) fail("parent: no boot handshake: " + std::string(mailbox::to_string(booted.error())));
  // A token for either state reaches only what both allow (the common
  // fields) and may publish only what both allow next: nothing, here. So it
  // is narrowed to the state it was taken in.
  auto hello = std::move(booted).value();
  if (auto failed = hello.narrow<S::init_failed>()) {
    std::printf("worker failed to boot: error %d, \"%s\"\n", failed->get<"error">(),
                std::string(failed->text<"error_msg">()).c_str());
    std::move(*failed).publish<S::shutdown>();
    return false;
  }
  auto ready = hello.narrow<S::init_ready>();
  expect(ready.has_value(), "parent: boot token in neither state");
  auto reply = ready->alternative<"command", Command::boot>();
  expect(reply && reply->get<"magic">() == boot_magic && reply->get<"frames">() == frame_count &&
             reply->get<"generation">() == generation,
         "parent: boot reply");
  std::move(*ready).publish<S::idle>();
  return true;
}

// The report of launch `generation`, read after its worker was reaped.
mailbox::record_result<Teardown> teardown_of(const Frames& frames, std::uint32_t generation) {
  return frames[0].read_record<"teardown">(generation);
}

void expect_report(const mailbox::record_result<Teardown>& r, pid_t child, std::int32_t exit_code,
                   std::string_view reason) {
  expect(r.has_value(), "parent: no teardown report: " + std::string(mailbox::to_string(r.status())));
  expect(r->exit_code == exit_code && r->worker_pid == child && std::string_view(r->reason) == reason,
         "parent: teardown report " + std::to_string(r->exit_code) + " '" + std::string(r->reason) + "'");
}

struct kill_outcomes {
  std::uint64_t whole = 0;    // the worker had committed its report
  std::uint64_t empty = 0;    // killed before it started writing
  std::uint64_t writing = 0;  // killed while writing it
};

// Launches short-lived workers and kills each with SIGKILL: round 0 mid-run
// (it never reached its shutdown, so it left no report), the others at
// staggered times after the shutdown flag was raised, around the moment
// the worker writes its report. Each time the parent gets a whole report or
// "unknown", never a torn one (tests/test_record.cpp kills writers before
// each of their stores in turn; this is the example's own use of it).
kill_outcomes kill_workers(std::span<std::byte> region, std::uint32_t first_generation,
                           std::uint64_t rounds) {
  kill_outcomes out;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const auto generation = static_cast<std::uint32_t>(first_generation + round);
    // Frames re-initialised for each launch, as the runtime does: the record
    // starts empty. (Had the region been kept, the last launch's report
    // would read as other_generation: the generation tells launches apart.)
    const Frames frames = Frames::initialize_with_header<frame_version>(region);
    const pid_t child = launch(region, false, generation);
    const ParentControl control = frames.endpoint<0, "parent">();
    expect(boot(control, child, generation), "parent: a worker to kill did not boot");
    if (round > 0) {
      control.raise<"shutdown">();
      // 0 to 11 µs, spinning: the worker notices the flag and writes its
      // report within a few microseconds when it runs.
      const std::int64_t until = now_ns() + 1000 * static_cast<std::int64_t>((round * 7) % 12);
      while (now_ns() < until) mailbox::detail::yield_cpu();
    }
    ::kill(child, SIGKILL);
    const int status = exit_status(child);
    const auto r = teardown_of(frames, generation);
    switch (r.status()) {
      case mailbox::record_status::valid:
        expect(round > 0, "parent: a worker killed mid-run left a report");
        expect_report(r, child, 0, "shutdown");
        expect(r->tasks_done == 0 && r->control_commands == 0, "parent: the killed worker's counters");
        ++out.whole;
        break;
      case mailbox::record_status::empty:
        ++out.empty;
        break;
      case mailbox::record_status::writing:
        ++out.writing;
        break;
      default:
        fail("parent: the killed worker's report reads " + std::string(mailbox::to_string(r.status())));
    }
    expect(status == 128 + SIGKILL || (status == 0 && r.has_value()),
           "parent: the killed worker's status " + std::to_string(status));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t tasks = 400;
  std::uint64_t kill_rounds = 12;
  bool fail_boot = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--fail-boot") {
      fail_boot = true;
    } else if (arg == "--kill-rounds" && i + 1 < argc) {
      kill_rounds = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--dot") {
      std::fputs(mailbox::to_dot<Frames>("worker_frames").c_str(), stdout);
      return 0;
    } else {
      tasks = std::strtoull(argv[i], nullptr, 10);
    }
  }
  if (tasks < 2) tasks = 2;

  // Every frame starts in its protocol's first state: frame 0 in
  // task_launched, frames 1 and 2 in idle.
  auto segment = mailbox::shared_segment::anonymous(Frames::size_with_header);
  const Frames frames = Frames::initialize_with_header<frame_version>(segment.bytes());
  // Launches are numbered; each worker's teardown report carries its number.
  std::uint32_t generation = 1;
  const pid_t child = launch(segment.bytes(), fail_boot, generation);

  const ParentControl control = frames.endpoint<0, "parent">();
  if (!boot(control, child, generation)) {
    expect(exit_status(child) == 0, "the worker's exit status");
    expect_report(teardown_of(frames, generation), child, invalid_argument, "boot refused");
    std::printf("example finished: boot failure reported\n");
    return 0;
  }

  const std::array<Parent, 2> task_frames{frames.endpoint<1, "parent">(), frames.endpoint<2, "parent">()};
  counts c;
  const auto started = mailbox::wait_clock::now();
  stage(task_frames[0], child, 0);
  stage(task_frames[1], child, 1);
  for (std::uint64_t task = 0; task < tasks; ++task) {
    const std::size_t f = task % 2;
    run_task(task_frames[f], child, task, c);
    if (task + 2 < tasks) stage(task_frames[f], child, task + 2);
    if (task % 8 == 0) control_command(control, child, task / 8, c);
  }

  // Shutdown: one last control command, and the flag raised while it is
  // pending. The worker answers it and still finds the flag raised
  // afterwards, although frame 0's state word has moved on since.
  control_command(control, child, 0, c, /*raise_shutdown=*/true);
  std::move(await<S::idle>(control, child)).publish<S::shutdown>();
  const int status = exit_status(child);
  const double seconds = std::chrono::duration<double>(mailbox::wait_clock::now() - started).count();
  expect(status == 0, "the worker exited with status " + std::to_string(status));
  expect(c.activated + c.cancelled == tasks, "every task either ran or was cancelled");
  expect(c.cancelled >= tasks / 4, "every expired lease was cancelled");

  // The worker is gone; its report says what it did, and agrees with what
  // the parent counted.
  const auto report = teardown_of(frames, generation);
  expect_report(report, child, 0, "shutdown");
  expect(report->tasks_done == c.activated && report->tasks_cancelled == c.cancelled &&
             report->control_commands == c.control,
         "parent: the teardown report's counters");
  std::printf(
      "%llu tasks in %.2f s: %llu activated, %llu cancelled; racing leases: parent won %llu, worker "
      "won %llu; %llu control commands; teardown report: %s\n",
      static_cast<unsigned long long>(tasks), seconds, static_cast<unsigned long long>(c.activated),
      static_cast<unsigned long long>(c.cancelled), static_cast<unsigned long long>(c.race_parent),
      static_cast<unsigned long long>(c.race_worker), static_cast<unsigned long long>(c.control),
      std::string(mailbox::to_string(report.status())).c_str());

  const kill_outcomes killed = kill_workers(segment.bytes(), generation + 1, kill_rounds);
  std::printf(
      "%llu workers killed with SIGKILL: %llu whole teardown reports, %llu unknown (%llu empty, %llu "
      "writing), none torn\n",
      static_cast<unsigned long long>(kill_rounds), static_cast<unsigned long long>(killed.whole),
      static_cast<unsigned long long>(killed.empty + killed.writing),
      static_cast<unsigned long long>(killed.empty), static_cast<unsigned long long>(killed.writing));
  std::printf("example finished: every payload word checked\n");
  return 0;
}
