// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// shared_segment: named POSIX segments and anonymous MAP_SHARED regions, and
// the errors they report (operation, name and the system's reason).
#include <mailbox/mailbox.hpp>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

namespace {

enum class Step : std::uint32_t { empty, full };
using Cell = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"value", std::uint64_t>>;

// Unique per process and per call, so parallel runs and reruns never collide.
std::string unique_name(const char* what) {
  static int counter = 0;
  return "/mailbox-test-" + std::string(what) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(++counter);
}

bool name_exists(const std::string& name) {
  const int fd = ::shm_open(name.c_str(), O_RDONLY, 0);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// Removes a name when a test fails before the segment's owner does.
struct unlink_at_exit {
  std::string name;
  ~unlink_at_exit() { ::shm_unlink(name.c_str()); }
};

}  // namespace

TEST_CASE("a created segment is opened by name and shares its bytes", "[segment]") {
  const std::string name = unique_name("share");
  unlink_at_exit guard{name};
  auto created = mailbox::shared_segment::create(name, Cell::size);
  CHECK(created.size() == Cell::size);
  CHECK(created.name() == name);
  auto writer = mailbox::Mailbox<Cell>::initialize(created.bytes(), Step::empty);

  auto opened = mailbox::shared_segment::open(name, Cell::size);
  CHECK(opened.size() >= Cell::size);
  CHECK(opened.bytes().data() != created.bytes().data());  // two mappings of one segment
  mailbox::Mailbox<Cell> reader(opened.bytes());

  auto t = writer.acquire(Step::empty);
  t.set<"value">(0x1234'5678'9abc'def0u);
  std::move(t).publish(Step::full);
  auto r = reader.try_acquire(Step::full);
  REQUIRE(r);
  CHECK(r->get<"value">() == 0x1234'5678'9abc'def0u);
}

TEST_CASE("the creator unlinks on destruction by default, and keep leaves the name", "[segment]") {
  const std::string name = unique_name("unlink");
  unlink_at_exit guard{name};
  {
    auto segment = mailbox::shared_segment::create(name, 4096);
    CHECK(name_exists(name));
    { auto opened = mailbox::shared_segment::open(name); }
    CHECK(name_exists(name));  // an opener never unlinks
  }
  CHECK_FALSE(name_exists(name));

  { auto segment = mailbox::shared_segment::create(name, 4096, {.unlink = mailbox::unlink_policy::keep}); }
  CHECK(name_exists(name));
  mailbox::shared_segment::unlink(name);
  CHECK_FALSE(name_exists(name));
}

TEST_CASE("a fork()ed child that destroys its copy does not unlink the parent's name", "[segment][fork]") {
  const std::string name = unique_name("fork");
  unlink_at_exit guard{name};
  auto segment = mailbox::shared_segment::create(name, 4096);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    { auto moved = std::move(segment); }  // runs the destructor in the child
    ::_exit(0);
  }
  REQUIRE(test_support::wait_for(child) == 0);
  CHECK(name_exists(name));
}

TEST_CASE("segment errors name the operation, the segment and the reason", "[segment][errors]") {
  const std::string name = unique_name("errors");
  unlink_at_exit guard{name};

  SECTION("opening a missing name") {
    try {
      (void)mailbox::shared_segment::open(name);
      FAIL("open of a missing name succeeded");
    } catch (const mailbox::segment_error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(e.code().value() == ENOENT);
      CHECK(e.operation() == "shm_open");
      CHECK(e.name() == name);
      CHECK(what.find(name) != std::string::npos);
      CHECK(what.find("shm_open") != std::string::npos);
      CHECK(what.find(std::strerror(ENOENT)) != std::string::npos);
    }
  }
  SECTION("creating a name that exists") {
    auto first = mailbox::shared_segment::create(name, 4096);
    try {
      (void)mailbox::shared_segment::create(name, 4096);
      FAIL("a second exclusive create succeeded");
    } catch (const mailbox::segment_error& e) {
      INFO(e.what());
      CHECK(e.code().value() == EEXIST);
      CHECK(std::string(e.what()).find(std::strerror(EEXIST)) != std::string::npos);
    }
    CHECK(name_exists(name));  // the failed create did not remove the first one's name
  }
  SECTION("opening a segment too small for the layout") {
    auto small = mailbox::shared_segment::create(name, 8);
    try {
      (void)mailbox::shared_segment::open(name, mailbox::size_with_header<Cell>);
      FAIL("open of a too small segment succeeded");
    } catch (const mailbox::segment_error& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(e.code().value() == EINVAL);
      CHECK(what.find("expected at least " + std::to_string(mailbox::size_with_header<Cell>)) !=
            std::string::npos);
      CHECK(what.find("got 8 bytes") != std::string::npos);
    }
    // The twin: large enough opens.
    CHECK_NOTHROW((void)mailbox::shared_segment::open(name, 8));
  }
  SECTION("bad names and sizes") {
    CHECK_THROWS_AS((void)mailbox::shared_segment::create("no-slash", 64), mailbox::segment_error);
    CHECK_THROWS_AS((void)mailbox::shared_segment::create("/a/b", 64), mailbox::segment_error);
    CHECK_THROWS_AS((void)mailbox::shared_segment::create("/", 64), mailbox::segment_error);
    CHECK_THROWS_AS((void)mailbox::shared_segment::create(name, 0), mailbox::segment_error);
    CHECK_THROWS_AS((void)mailbox::shared_segment::anonymous(0), mailbox::segment_error);
    CHECK_FALSE(name_exists(name));
  }
  SECTION("unlinking a missing name") {
    CHECK_THROWS_AS((void)mailbox::shared_segment::unlink(name), mailbox::segment_error);
  }
}

TEST_CASE("an anonymous segment is shared with a fork()ed child", "[segment][fork]") {
  auto segment = mailbox::shared_segment::anonymous(Cell::size, {.prefault = true});
  CHECK(segment.name().empty());
  auto box = mailbox::Mailbox<Cell>::initialize(segment.bytes(), Step::empty);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto t = box.acquire(Step::empty);
    t.set<"value">(std::uint64_t{77});
    std::move(t).publish(Step::full);
    ::_exit(0);
  }
  REQUIRE(test_support::wait_for(child) == 0);
  auto r = box.try_acquire(Step::full);
  REQUIRE(r);
  CHECK(r->get<"value">() == 77);
}

TEST_CASE("prefault keeps the contents and a moved-from segment owns nothing", "[segment]") {
  auto segment = mailbox::shared_segment::anonymous(3 * 4096);
  segment.bytes()[5000] = std::byte{42};
  segment.prefault();
  CHECK(segment.bytes()[5000] == std::byte{42});
  auto moved = std::move(segment);
  CHECK(segment.bytes().empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  CHECK(moved.bytes()[5000] == std::byte{42});
}

namespace {

struct prefault_race {
  std::uint64_t lost = 0;
  std::uint64_t passes = 0;
  std::uint64_t peer_rounds = 0;
};

// A peer stores a new value into the first byte of every page, round after
// round, and checks before each store that the page still holds its own
// previous one: nobody else writes these bytes, so prefault() must not
// either. A read-and-write-back prefault loses the peer's store whenever the
// store lands between its read and its write of that byte. A bounded
// effort, not a timing assertion: prefault as often as we can for a while,
// or until a store was lost.
prefault_race race_prefault_against_a_peer(std::chrono::milliseconds effort) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  constexpr std::size_t pages = 64;
  auto segment = mailbox::shared_segment::anonymous(pages * page);
  auto* bytes = reinterpret_cast<unsigned char*>(segment.bytes().data());
  const auto byte_of = [&](std::size_t p) {
    return mailbox::detail::atomic_ref<unsigned char>(bytes[p * page]);
  };

  std::atomic<bool> peer_running{false};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> lost{0};
  std::atomic<std::uint64_t> rounds{0};
  std::thread peer([&] {
    std::vector<unsigned char> mine(pages, 0);
    unsigned char value = 0;
    peer_running.store(true);
    while (!stop.load(std::memory_order_relaxed)) {
      value = static_cast<unsigned char>(value == 255 ? 1 : value + 1);
      for (std::size_t p = 0; p < pages; ++p) {
        if (byte_of(p).load(std::memory_order_relaxed) != mine[p]) lost.fetch_add(1);
        byte_of(p).store(value, std::memory_order_relaxed);
        mine[p] = value;
      }
      rounds.fetch_add(1, std::memory_order_relaxed);
    }
    for (std::size_t p = 0; p < pages; ++p) {
      if (byte_of(p).load(std::memory_order_relaxed) != mine[p]) lost.fetch_add(1);
    }
  });
  while (!peer_running.load()) std::this_thread::yield();
  prefault_race out;
  const auto until = std::chrono::steady_clock::now() + effort;
  while (std::chrono::steady_clock::now() < until && lost.load() == 0) {
    segment.prefault();
    ++out.passes;
  }
  stop.store(true);
  peer.join();
  out.lost = lost.load();
  out.peer_rounds = rounds.load();
  return out;
}

}  // namespace

TEST_CASE("prefault never undoes a store a peer makes meanwhile", "[segment][prefault]") {
  const prefault_race race = race_prefault_against_a_peer(std::chrono::milliseconds(300));
  INFO(race.passes << " prefault passes against " << race.peer_rounds << " peer rounds");
  CHECK(race.passes > 0);
  CHECK(race.peer_rounds > 0);
  CHECK(race.lost == 0);
}

TEST_CASE("prefault without MADV_POPULATE_WRITE only reads", "[segment][prefault]") {
  // An old kernel, imitated: a seccomp filter makes madvise fail with EINVAL
  // in a child, so prefault() takes its fallback there.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
      ::_exit(100);
    }
    if (::madvise(nullptr, 0, MADV_NORMAL) == 0 || errno != EINVAL) ::_exit(101);
    const prefault_race race = race_prefault_against_a_peer(std::chrono::milliseconds(300));
    ::_exit(race.passes == 0 || race.peer_rounds == 0 ? 102 : race.lost == 0 ? 0 : 1);
  }
  const int status = test_support::wait_for(child);
  if (status == 100) {
    WARN("SKIPPED: this system refuses a seccomp filter (qemu-user does)");
    return;
  }
  CHECK(status == 0);
}

namespace {

// Exit codes of the child below that mean "this machine cannot run the test".
constexpr int cannot_unshare = 100;
constexpr int cannot_make_private = 101;
constexpr int cannot_mount = 102;

// In a private mount namespace with a 1 MiB tmpfs on /dev/shm, creates a
// segment that fits and one that does not. Returns the exit code for the
// parent: 0 when the second failed with ENOSPC from posix_fallocate and its
// name is gone.
int create_past_free_space(const std::string& name) {
  if (::unshare(CLONE_NEWNS) != 0) return cannot_unshare;
  // Mount events must not propagate back to the parent's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return cannot_make_private;
  if (::mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=1m") != 0) return cannot_mount;
  try {
    // The twin: a segment that fits is created and usable.
    auto fits = mailbox::shared_segment::create(name + "-fits", 256 * 1024);
    fits.bytes()[fits.size() - 1] = std::byte{1};
  } catch (const mailbox::segment_error& e) {
    std::fprintf(stderr, "a segment that fits failed: %s\n", e.what());
    return 1;
  }
  try {
    auto segment = mailbox::shared_segment::create(name, 8 * 1024 * 1024);
    // Unreserved pages fail only now, with SIGBUS.
    for (std::size_t at = 0; at < segment.size(); at += 4096) segment.bytes()[at] = std::byte{1};
    std::fprintf(stderr, "an 8 MiB segment was created in a 1 MiB /dev/shm\n");
    return 2;
  } catch (const mailbox::segment_error& e) {
    std::fprintf(stderr, "as expected: %s\n", e.what());
    if (e.code().value() != ENOSPC) return 3;
    if (e.operation() != "posix_fallocate") return 4;
    if (std::string(e.what()).find("bytes") == std::string::npos) return 5;
    if (name_exists(name)) return 6;
  }
  // The failed reservation gave its space back: the same size fits again.
  try {
    auto again = mailbox::shared_segment::create(name, 512 * 1024);
  } catch (const mailbox::segment_error& e) {
    std::fprintf(stderr, "the space was not given back: %s\n", e.what());
    return 7;
  }
  return 0;
}

}  // namespace

TEST_CASE("a segment larger than the free space of /dev/shm fails at creation and leaves no name",
          "[segment][enospc]") {
  const std::string name = unique_name("enospc");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(create_past_free_space(name));
  const int status = test_support::wait_for(child);
  if (status == cannot_unshare || status == cannot_make_private || status == cannot_mount) {
    WARN("SKIPPED: needs a private mount namespace with its own /dev/shm (root, or CAP_SYS_ADMIN): "
         << (status == cannot_unshare ? "unshare(CLONE_NEWNS)" : "mount") << " was refused");
    return;
  }
  INFO("child status " << status << " (negative: killed by that signal; SIGBUS is " << SIGBUS << ")");
  CHECK(status == 0);
}

TEST_CASE("replace_existing replaces a name a crashed creator left behind", "[segment]") {
  const std::string name = unique_name("stale");
  unlink_at_exit guard{name};
  // A creator that "crashed": its name outlives it.
  auto stale = mailbox::shared_segment::create(name, 4096, {.unlink = mailbox::unlink_policy::keep});
  stale.bytes()[0] = std::byte{42};

  CHECK_THROWS_AS((void)mailbox::shared_segment::create(name, 8192), mailbox::segment_error);
  auto fresh = mailbox::shared_segment::create(name, 8192, {.replace_existing = true});
  CHECK(fresh.size() == 8192);
  CHECK(fresh.bytes()[0] == std::byte{0});   // a new, zero-filled segment
  CHECK(stale.bytes()[0] == std::byte{42});  // the old mapping keeps the old segment
  auto opened = mailbox::shared_segment::open(name);
  CHECK(opened.size() == 8192);  // the name now leads to the new one
  opened.bytes()[1] = std::byte{7};
  CHECK(fresh.bytes()[1] == std::byte{7});
}

namespace {

// A layout whose mailbox, after the header, reaches into a region's second page.
using Spanning = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"blob", std::byte[8192]>>;

}  // namespace

TEST_CASE("re-initialising a region clears the old magic before it changes the contents",
          "[segment][header]") {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  REQUIRE(mailbox::size_with_header<Spanning> > page);
  auto segment = mailbox::shared_segment::anonymous(mailbox::size_with_header<Spanning> + page);
  (void)mailbox::initialize_with_header<Spanning>(segment.bytes(), Step::full);  // the old incarnation
  auto* magic = reinterpret_cast<std::uint64_t*>(segment.bytes().data());
  REQUIRE(mailbox::detail::atomic_ref<std::uint64_t>(*magic).load() == mailbox::header_magic);

  // A re-initialiser that dies while zeroing the mailbox: its second page is
  // read-only in the child, so the zeroing faults there.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGSEGV, &default_action, nullptr);
    if (::mprotect(segment.bytes().data() + page, page, PROT_READ) != 0) ::_exit(1);
    (void)mailbox::initialize_with_header<Spanning>(segment.bytes(), Step::empty);
    ::_exit(0);
  }
  CHECK(test_support::wait_for(child) != 0);
  // Half-zeroed contents must not sit behind a valid header.
  CHECK(mailbox::detail::atomic_ref<std::uint64_t>(*magic).load() == 0);
  try {
    (void)mailbox::attach_with_header<Spanning>(segment.bytes());
    FAIL("attached to a region whose re-initialisation died half-way");
  } catch (const mailbox::header_error& e) {
    CHECK(e.what_kind() == mailbox::header_error::kind::not_initialized);
  }
  // The twin: a re-initialisation that completes is attached to.
  (void)mailbox::initialize_with_header<Spanning>(segment.bytes(), Step::empty);
  CHECK(mailbox::attach_with_header<Spanning>(segment.bytes()).state() == Step::empty);
}
