// shared_segment: named POSIX segments and anonymous MAP_SHARED regions, and
// the errors they report (operation, name and the system's reason).
#include <mailbox/mailbox.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

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
