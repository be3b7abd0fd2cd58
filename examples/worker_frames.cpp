// The library's motivating client, as a runnable example: a parent drives a
// forked worker through three 64 KiB frames in one shared segment (a control
// frame and two task frames), following a typed protocol.
//
//   - boot handshake on frame 0: task_launched -> init_ready (or init_failed)
//   - control commands on frame 0: idle -> control_request -> control_done -> idle
//   - a two-frame task pipeline on frames 1 and 2: while one frame's task
//     runs, the next task waits staged in the other frame. A staged frame
//     (frame_staged) has two owners: the parent activates it with
//     try_transition<frame_staged, activate>, the worker cancels it when its
//     lease expires with try_transition<frame_staged, task_failed>; exactly
//     one wins, and both outcomes are handled and counted.
//   - shutdown through the sticky "shutdown" flag, which survives the state
//     word moving on.
//
// Every payload word is checked on every round, by the side that reads it.
// Usage: worker_frames [tasks] [--fail-boot]
//        worker_frames --dot      (the protocol as a Graphviz digraph)
#include <mailbox/mailbox.hpp>

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

namespace {

enum class S : std::int32_t {
  idle,
  task_ready,
  task_done,
  shutdown,
  control_request,
  control_done,
  init_ready,
  init_failed,
  frame_staged,
  task_launched,
  task_failed,
  activate,
  prepare_ready
};

// The client's call description: packed, so its 1144 bytes have no padding
// and the same offsets in every language that reads them.
#pragma pack(push, 1)
struct CallConfig {
  std::uint32_t call_id;
  std::uint8_t lease_kind;
  std::uint64_t args_words;  // unaligned in the packed struct: read it by memcpy only
  char function[128];
  std::uint64_t seeds[125];
  std::uint8_t reserved[3];
};
#pragma pack(pop)
static_assert(sizeof(CallConfig) == 1144 && alignof(CallConfig) == 1);

struct Lease {
  std::uint64_t id;
  std::int64_t deadline_ns;  // steady_clock; the worker cancels a staged frame past it
};
static_assert(sizeof(Lease) == 16);

constexpr std::size_t args_bytes = 64016;
constexpr std::size_t args_words = args_bytes / 8;

// The client's frame, at the client's offsets.
using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"sub_command", std::uint64_t, 8>,
                     mailbox::field<"arg0", std::uint64_t, 16>, mailbox::field<"result", std::uint64_t, 40>>,
    mailbox::overlay<"task", mailbox::field<"config", CallConfig, 16>, mailbox::field<"lease", Lease, 1160>,
                     mailbox::field<"args", std::byte[args_bytes], 1208>,
                     mailbox::field<"trailer", std::uint64_t[5], 65232>,
                     mailbox::field<"disposition", std::int32_t, 65276>>,
    mailbox::flag<"shutdown", std::int32_t, 65224>, mailbox::flag<"accepted", std::int32_t, 65272>,
    mailbox::field<"error_msg", char[256], 65280>, mailbox::total_size<65536>>;
static_assert(Frame::size == 65536);
static_assert(Frame::offset_of<"error"> == 4 && Frame::offset_of<"args"> == 1208);

using Worker = mailbox::protocol<
    Frame,
    mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
                      mailbox::next<S::task_ready, S::prepare_ready, S::control_request, S::shutdown>>,
    // Frame 0's first state: the worker was launched and boots.
    mailbox::in_state<S::task_launched, mailbox::owner<"child">, mailbox::views<"control">,
                      mailbox::next<S::init_ready, S::init_failed>>,
    mailbox::in_state<S::init_ready, mailbox::owner<"parent">, mailbox::views<"control">,
                      mailbox::next<S::idle>>,
    mailbox::in_state<S::init_failed, mailbox::owner<"parent">, mailbox::next<S::shutdown>>,
    mailbox::in_state<S::control_request, mailbox::owner<"child">, mailbox::views<"control">,
                      mailbox::next<S::control_done>>,
    mailbox::in_state<S::control_done, mailbox::owner<"parent">, mailbox::views<"control">,
                      mailbox::next<S::idle>>,
    // Run at once (not used by the pipeline below, which stages every task).
    mailbox::in_state<S::task_ready, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::frame_staged, S::task_done, S::task_failed>>,
    // Prepare, then wait staged for activation.
    mailbox::in_state<S::prepare_ready, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::frame_staged, S::task_failed>>,
    mailbox::in_state<S::frame_staged, mailbox::owner<"parent", "child">,  // two may leave it:
                      mailbox::next<S::activate, S::task_failed>>,         // only try_transition
    mailbox::in_state<S::activate, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::task_done, S::task_failed>>,
    mailbox::in_state<S::task_done, mailbox::owner<"parent">, mailbox::views<"task">, mailbox::next<S::idle>>,
    mailbox::in_state<S::task_failed, mailbox::owner<"parent">, mailbox::views<"task">,
                      mailbox::next<S::idle>>,
    mailbox::in_state<S::shutdown>>;  // no owner, no next: terminal

using Frames = mailbox::mailbox_array<Frame>;
using Parent = mailbox::endpoint<Worker, "parent">;
using Child = mailbox::endpoint<Worker, "child">;

constexpr std::size_t frame_count = 3;
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

std::uint64_t control_result(std::uint64_t sub_command, std::uint64_t arg0) {
  return sub_command == 1 ? arg0 + 1000 : arg0 * 3;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "worker_frames: %s\n", what.c_str());
  std::exit(1);
}

void expect(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// The five trailer words the worker computes from a task, and the parent
// recomputes from what it sent.
std::array<std::uint64_t, 5> trailer_of(std::uint64_t task, std::uint64_t args_sum, std::uint64_t seeds_xor) {
  return {task, args_sum, seeds_xor, task ^ 0x1ea5e, ~task};
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

[[noreturn]] void run_worker(const Frames& frames, bool fail_boot) {
  const pid_t parent = ::getppid();
  const Child control(frames[0]);

  // Boot: frame 0 starts in task_launched, which the worker owns.
  {
    auto t = control.acquire<S::task_launched>();
    expect(t.get<"sub_command">() == 0 && t.get<"arg0">() == 0 && t.get<"result">() == 0,
           "worker: frame 0 was not zeroed");
    if (fail_boot) {
      t.set<"error">(22);
      (void)t.set_text<"error_msg">("boot refused on request (--fail-boot)");
      std::move(t).publish<S::init_failed>();
      std::_Exit(0);
    }
    t.set<"result">(boot_magic);
    t.set<"arg0">(frame_count);
    std::move(t).publish<S::init_ready>();
  }

  const std::array<Child, 2> task_frames{Child(frames[1]), Child(frames[2])};
  std::array<staged_frame, 2> staged{};
  for (;;) {
    bool worked = false;
    if (auto t = control.try_acquire<S::control_request>()) {
      const std::uint64_t sub = t->get<"sub_command">();
      const std::uint64_t arg = t->get<"arg0">();
      expect(sub == 1 || sub == 2, "worker: unknown sub_command " + std::to_string(sub));
      t->set<"result">(control_result(sub, arg));
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
          worked = true;
        }
      }
      if (auto t = box.try_acquire<S::activate>()) {
        staged[f].staged = false;           // the parent won
        box.mailbox().raise<"accepted">();  // survives the state moving on to task_done
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
        for (std::size_t i = 0; i < 5; ++i) t->span<"trailer">()[i] = trailer[i];
        t->set<"disposition">(1);
        t->set<"error">(0);
        (void)t->set_text<"error_msg">("");
        std::move(*t).publish<S::task_done>();
        worked = true;
      }
    }
    // The sticky flag: raised once, it stays raised whatever frame 0's
    // state word does meanwhile. The parent raises it after publishing its
    // last control request, so once the flag is seen (acquire) the state
    // load after it sees that request or what followed it: a worker that
    // finds no request pending has answered them all.
    if (frames[0].is_raised<"shutdown">() && control.state() != S::control_request) std::_Exit(0);
    if (::getppid() != parent) std::_Exit(3);  // orphaned: the parent died
    if (!worked) mailbox::detail::yield_cpu();
  }
}

// --- the parent --------------------------------------------------------------

constexpr auto patience = std::chrono::seconds(120);

template <S State>
auto await(const Parent& side, pid_t child) {
  auto r = side.acquire<State>(mailbox::spin_then_yield{}, mailbox::wait_clock::now() + patience,
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
void run_task(const Parent& side, const Frames& frames, std::size_t f, pid_t child, std::uint64_t task,
              counts& c) {
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
  const bool accepted = frames[f].is_raised<"accepted">();
  if (t.state() == S::task_done) {
    expect(activated, "parent: task " + std::to_string(task) + " done but the parent's activation lost");
    expect(kind != LeaseKind::expired, "parent: an expired lease ran");
    expect(accepted, "parent: task done without the accepted flag");
    const auto want = trailer_of(task, expected_args_sum(task), expected_seeds_xor(task));
    for (std::size_t i = 0; i < 5; ++i) {
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
  frames[f].clear<"accepted">();
  std::move(t).publish<S::idle>();
}

void control_command(const Parent& control, pid_t child, std::uint64_t n, counts& c) {
  auto t = await<S::idle>(control, child);
  const std::uint64_t sub = 1 + n % 2;
  t.set<"sub_command">(sub);
  t.set<"arg0">(n * 7);
  t.set<"result">(0);
  std::move(t).publish<S::control_request>();
  auto d = await<S::control_done>(control, child);
  expect(d.get<"sub_command">() == sub && d.get<"arg0">() == n * 7, "parent: control request changed");
  expect(d.get<"result">() == control_result(sub, n * 7), "parent: control result");
  std::move(d).publish<S::idle>();
  ++c.control;
}

int exit_status(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid failed");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t tasks = 400;
  bool fail_boot = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--fail-boot") {
      fail_boot = true;
    } else if (arg == "--dot") {
      std::fputs(mailbox::to_dot<Worker>("worker_frames").c_str(), stdout);
      return 0;
    } else {
      tasks = std::strtoull(argv[i], nullptr, 10);
    }
  }
  if (tasks < 2) tasks = 2;

  auto segment = mailbox::shared_segment::anonymous(Frames::required_size(frame_count));
  const auto frames = Frames::initialize(segment.bytes(), frame_count, S::idle);
  (void)mailbox::Mailbox<Frame>::initialize(frames.bytes().first(Frames::stride), S::task_launched);

  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child < 0) fail("fork failed");
  if (child == 0) run_worker(frames, fail_boot);

  const Parent control(frames[0]);
  auto boot = control.acquire_any<S::init_ready, S::init_failed>(
      mailbox::spin_then_yield{}, mailbox::wait_clock::now() + patience, mailbox::child_alive(child));
  if (!boot) fail("parent: no boot handshake: " + std::string(mailbox::to_string(boot.error())));
  // A token for either state reaches only what both allow (the common
  // fields) and may publish only what both allow next: nothing, here. So it
  // is narrowed to the state it was taken in.
  auto hello = std::move(boot).value();
  if (auto failed = hello.narrow<S::init_failed>()) {
    std::printf("worker failed to boot: error %d, \"%s\"\n", failed->get<"error">(),
                std::string(failed->text<"error_msg">()).c_str());
    std::move(*failed).publish<S::shutdown>();
    expect(exit_status(child) == 0, "the worker's exit status");
    std::printf("example finished: boot failure reported\n");
    return 0;
  }
  auto ready = hello.narrow<S::init_ready>();
  expect(ready.has_value(), "parent: boot token in neither state");
  expect(ready->get<"result">() == boot_magic && ready->get<"arg0">() == frame_count, "parent: boot reply");
  std::move(*ready).publish<S::idle>();

  const std::array<Parent, 2> task_frames{Parent(frames[1]), Parent(frames[2])};
  counts c;
  const auto started = mailbox::wait_clock::now();
  stage(task_frames[0], child, 0);
  stage(task_frames[1], child, 1);
  for (std::uint64_t task = 0; task < tasks; ++task) {
    const std::size_t f = task % 2;
    run_task(task_frames[f], frames, f + 1, child, task, c);
    if (task + 2 < tasks) stage(task_frames[f], child, task + 2);
    if (task % 8 == 0) control_command(control, child, task, c);
  }

  // Shutdown: one last control command, and the flag raised while it is
  // pending. The worker answers it and still finds the flag raised
  // afterwards, although frame 0's state word has moved on since.
  {
    auto t = await<S::idle>(control, child);
    t.set<"sub_command">(1);
    t.set<"arg0">(tasks);
    t.set<"result">(0);
    std::move(t).publish<S::control_request>();
    frames[0].raise<"shutdown">();
    auto d = await<S::control_done>(control, child);
    expect(d.get<"result">() == control_result(1, tasks), "parent: the last control result");
    std::move(d).publish<S::idle>();
    ++c.control;
    auto last = await<S::idle>(control, child);
    std::move(last).publish<S::shutdown>();
  }
  const int status = exit_status(child);
  const double seconds = std::chrono::duration<double>(mailbox::wait_clock::now() - started).count();
  expect(status == 0, "the worker exited with status " + std::to_string(status));
  expect(c.activated + c.cancelled == tasks, "every task either ran or was cancelled");
  expect(c.cancelled >= tasks / 4, "every expired lease was cancelled");
  std::printf(
      "%llu tasks in %.2f s: %llu activated, %llu cancelled; racing leases: parent won %llu, worker "
      "won %llu; %llu control commands\n",
      static_cast<unsigned long long>(tasks), seconds, static_cast<unsigned long long>(c.activated),
      static_cast<unsigned long long>(c.cancelled), static_cast<unsigned long long>(c.race_parent),
      static_cast<unsigned long long>(c.race_worker), static_cast<unsigned long long>(c.control));
  std::printf("example finished: every payload word checked\n");
  return 0;
}
