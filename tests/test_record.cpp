// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Committed records (mailbox::record): a reader gets a whole write of the
// generation it asks for, or "unknown" with the reason, never a torn value:
// with the writer stopped before each of its stores in turn, with a writer
// thread racing readers (under ThreadSanitizer too: every access is atomic),
// and with a writer process killed by SIGKILL at random points of its
// writes. Compile-time rejections: tests/compile_fail/record_*.cpp.
#include <mailbox/mailbox.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <thread>

#include "support/catch.hpp"
#include "support/is_set.hpp"
namespace {

enum class S : std::int32_t { idle, busy };

// Every word says which write it belongs to, so a copy mixing two writes
// shows.
struct Report {
  std::uint64_t n;
  std::uint64_t words[29];
  std::uint32_t check;
  char note[20];
};
MAILBOX_DESCRIBE(Report, n, words, check, note);

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
                              mailbox::record<"report", Report>, mailbox::field<"after", std::uint64_t>>;
using Box = mailbox::Mailbox<Frame>;

static_assert(Frame::is_record<"report"> && !Frame::has_payload<"report"> && !Frame::is_flag<"report">);
static_assert(Frame::offset_of<"report"> % 8 == 0);
static_assert(Frame::fields[Frame::index_of<"report">].size == 16 + sizeof(Report));
static_assert(Frame::offset_of<"after"> == Frame::offset_of<"report"> + 16 + sizeof(Report));

template <class T, mailbox::fixed_string Name>
concept token_reaches = requires(const T& t) {
  t.template get<Name>();
};
static_assert(!token_reaches<Box::token, "report">);

std::uint64_t word_of(std::uint64_t n, std::uint64_t i) {
  return (n * 0x9e3779b97f4a7c15ull) ^ (i << 56) ^ i;
}

Report report_of(std::uint64_t n) {
  Report r{};
  r.n = n;
  for (std::uint64_t i = 0; i < 29; ++i) r.words[i] = word_of(n, i);
  r.check = static_cast<std::uint32_t>(n * 2654435761u);
  for (std::size_t i = 0; i + 1 < sizeof r.note; ++i) r.note[i] = static_cast<char>('a' + (n + i) % 26);
  return r;
}

// Whether r is one whole write: every word from the same n.
bool whole(const Report& r) {
  const Report expected = report_of(r.n);
  return std::memcmp(&expected, &r, sizeof r) == 0;
}

struct region {
  alignas(64) std::byte bytes[Frame::size]{};
};

}  // namespace

TEST_CASE("record: a write reads back; other generations, clearing and a fresh region are unknown",
          "[record]") {
  region r;
  const Box box = Box::initialize(r.bytes, S::idle);
  CHECK(box.read_record<"report">(1).status() == mailbox::record_status::empty);
  box.write_record<"report">(1, report_of(5));
  const auto got = box.read_record<"report">(1);
  REQUIRE(got);
  CHECK(got.status() == mailbox::record_status::valid);
  CHECK(got->n == 5);
  CHECK(whole(*got));
  CHECK(box.read_record<"report">(2).status() == mailbox::record_status::other_generation);
  CHECK_FALSE(box.read_record<"report">(2));
  box.write_record<"report">(2, report_of(6));
  CHECK(box.read_record<"report">(2)->n == 6);
  CHECK(box.read_record<"report">(1).status() == mailbox::record_status::other_generation);
  box.clear_record<"report">();
  CHECK(box.read_record<"report">(2).status() == mailbox::record_status::empty);
  // The record is outside the token discipline, and leaves the state alone.
  CHECK(box.state() == S::idle);
}

TEST_CASE("record: a record of another body type (another build) reads as other_schema", "[record]") {
  struct Other {
    std::uint64_t n;
    std::uint64_t words[29];
    std::uint32_t check;
    char note[20];
  };  // same bytes, no description: another schema
  static_assert(sizeof(Other) == sizeof(Report));
  region r;
  const Box box = Box::initialize(r.bytes, S::idle);
  CHECK(mailbox::detail::record_schema<Other> != mailbox::detail::record_schema<Report>);
  mailbox::detail::write_record_words(r.bytes + Frame::offset_of<"report">,
                                      mailbox::detail::record_schema<Other>, 1, Other{});
  CHECK(box.read_record<"report">(1).status() == mailbox::record_status::other_schema);
}

TEST_CASE("record: a writer that stops before any of its stores leaves the old record or unknown",
          "[record]") {
  using storage = Frame::type_of<"report">;
  constexpr std::size_t stores = 3 + storage::body_words;  // odd sequence, header, body words, even sequence
  constexpr std::uint32_t schema = mailbox::detail::record_schema<Report>;
  for (std::size_t stop_at = 0; stop_at <= stores; ++stop_at) {
    region r;
    const Box box = Box::initialize(r.bytes, S::idle);
    box.write_record<"report">(1, report_of(10));
    std::byte* at = r.bytes + Frame::offset_of<"report">;
    mailbox::detail::write_record_words(at, schema, 1, report_of(11),
                                        [&](std::size_t store) { return store == stop_at; });
    const auto got = box.read_record<"report">(1);
    INFO("stopped before store " << stop_at << " of " << stores);
    if (stop_at == 0) {
      REQUIRE(got);  // nothing was stored: the last whole write stands
      CHECK(got->n == 10);
    } else if (stop_at == stores) {
      REQUIRE(got);  // every store was made (none left to stop)
      CHECK(got->n == 11);
    } else {
      CHECK(got.status() == mailbox::record_status::writing);
    }
    // The next writer (a new generation) commits over whatever it finds.
    box.write_record<"report">(2, report_of(12));
    REQUIRE(box.read_record<"report">(2));
    CHECK(box.read_record<"report">(2)->n == 12);
  }
}

TEST_CASE("record: readers racing a writer thread get whole writes or unknown", "[record]") {
  region r;
  const Box box = Box::initialize(r.bytes, S::idle);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (std::uint64_t n = 1; !stop.load(std::memory_order_relaxed); ++n) {
      box.write_record<"report">(7, report_of(n));
      if (n % 16 == 0) std::this_thread::yield();
    }
  });
  std::uint64_t valid = 0;
  std::uint64_t unknown = 0;
  std::uint64_t broken = 0;
  std::uint64_t last = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < until) {
    const auto got = box.read_record<"report">(7);
    if (got) {
      ++valid;
      if (!whole(*got) || got->n < last) ++broken;
      last = got->n;
    } else {
      ++unknown;
    }
  }
  stop = true;
  writer.join();
  const auto final_read = box.read_record<"report">(7);
  INFO(valid << " whole, " << unknown << " unknown");
  CHECK(broken == 0);
  REQUIRE(final_read);
  CHECK(whole(*final_read));
}

namespace {

// Forks a writer that runs `write`, lets `during` run in the parent while
// it writes, waits for it to die of SIGKILL (the parent's, if `during`
// sends it), and reads the record of `generation` it left.
template <class Writer, class During>
mailbox::record_result<Report> run_writer(const Box& box, std::uint32_t generation, Writer write,
                                          During during) {
  std::fflush(stdout);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    write();
    std::_Exit(0);
  }
  during(child);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return box.read_record<"report">(generation);
}

}  // namespace

TEST_CASE(
    "record: a writer killed by SIGKILL at a random point of its write leaves a whole record or unknown",
    "[record]") {
  auto segment = mailbox::shared_segment::anonymous(Frame::size);
  const Box box = Box::initialize(segment.bytes(), S::idle);
  std::mt19937_64 random(20240611);
  constexpr int rounds = 200;
  using storage = Frame::type_of<"report">;
  constexpr std::size_t stores = 3 + storage::body_words;

  SECTION("killed by the parent at random times while the parent reads") {
    // Asynchronous: where in its loop the kill lands is up to the machine.
    int whole_after = 0;
    int writing_after = 0;
    int reads_whole = 0;
    int broken = 0;
    for (int round = 0; round < rounds; ++round) {
      const auto generation = static_cast<std::uint32_t>(round + 1);
      const std::uint64_t pause = random() % 32;
      const auto write_forever = [&] {
        // Two reports in turn (made once: the time goes to writing), with a
        // pause of up to about a write's length between writes (compiler
        // barriers, not PAUSE, which takes a hundred cycles).
        const Report reports[2] = {report_of(2 * generation), report_of(2 * generation + 1)};
        for (std::uint64_t n = 0;; ++n) {
          box.write_record<"report">(generation, reports[n % 2]);
          for (std::uint64_t i = 0; i < pause; ++i) std::atomic_signal_fence(std::memory_order_seq_cst);
        }
      };
      const auto read_then_kill = [&](pid_t child) {
        while (!box.read_record<"report">(generation)) std::this_thread::yield();
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(random() % 2000);
        while (std::chrono::steady_clock::now() < until) {
          const auto got = box.read_record<"report">(generation);
          if (got) ++(whole(*got) ? reads_whole : broken);
        }
        ::kill(child, SIGKILL);
      };
      const auto after = run_writer(box, generation, write_forever, read_then_kill);
      if (after) {
        ++(whole(*after) ? whole_after : broken);
      } else {
        ++(after.status() == mailbox::record_status::writing ? writing_after : broken);
      }
    }
    INFO(whole_after << " kills left a whole record, " << writing_after << " one being written; "
                     << reads_whole << " whole reads while it wrote");
    CHECK(broken == 0);
    CHECK(whole_after + writing_after == rounds);
  }

  SECTION("killed by itself before a random store of a write") {
    // Synchronous: the writer raises SIGKILL before store k (0: the odd
    // sequence; the last: the commit) of a write, k drawn at random, after
    // zero to three whole writes: every point of a write is covered.
    int landed_inside = 0;
    for (int round = 0; round < rounds; ++round) {
      const auto generation = static_cast<std::uint32_t>(round + 1);
      const std::size_t writes_before = random() % 4;
      const std::size_t kill_at = random() % stores;
      const auto write_then_die = [&] {
        for (std::size_t n = 0; n < writes_before; ++n) box.write_record<"report">(generation, report_of(n));
        mailbox::detail::write_record_words(segment.bytes().data() + Frame::offset_of<"report">,
                                            mailbox::detail::record_schema<Report>, generation,
                                            report_of(writes_before), [&](std::size_t store) {
                                              if (store == kill_at) ::raise(SIGKILL);
                                              return false;
                                            });
      };
      const auto after = run_writer(box, generation, write_then_die, [](pid_t) {});
      INFO("round " << round << ": killed before store " << kill_at << " of " << stores << ", after "
                    << writes_before << " whole writes");
      if (kill_at == 0 && writes_before > 0) {
        // Nothing of the last write was stored: the one before it stands.
        REQUIRE(after);
        CHECK(whole(*after));
        CHECK(after->n == writes_before - 1);
      } else if (kill_at == 0) {
        // This generation stored nothing: never a record of it.
        CHECK_FALSE(after);
        CHECK(after.status() != mailbox::record_status::torn);
      } else {
        CHECK(after.status() == mailbox::record_status::writing);
        ++landed_inside;
      }
    }
    CHECK(landed_inside > 0);
  }
}

TEST_CASE("record: the protocol on raw bytes, driven by the description, agrees with the typed one",
          "[record]") {
  // What a language binding does: everything from the description.
  region r;
  const Box box = Box::initialize(r.bytes, S::idle);
  const mailbox::field_info& f = Frame::fields[Frame::index_of<"report">];
  const mailbox::record_description& d = *f.type->record;
  std::byte* at = r.bytes + f.offset;
  const Report sent = report_of(77);
  mailbox::write_record_bytes(at, d.schema, 3, std::as_bytes(std::span(&sent, 1)));
  const auto typed = box.read_record<"report">(3);
  REQUIRE(typed);
  CHECK(whole(*typed));
  CHECK(typed->n == 77);

  box.write_record<"report">(4, report_of(78));
  std::byte body[sizeof(Report)];
  CHECK(mailbox::read_record_bytes(at, d.schema, 4, body) == mailbox::record_status::valid);
  CHECK(std::memcmp(body, &typed.value(), sizeof body) != 0);
  Report got{};
  std::memcpy(&got, body, sizeof got);
  CHECK(got.n == 78);
  CHECK(mailbox::read_record_bytes(at, d.schema, 3, body) == mailbox::record_status::other_generation);
  CHECK(mailbox::read_record_bytes(at, d.schema + 1, 4, body) == mailbox::record_status::other_schema);
  mailbox::clear_record_bytes(at);
  CHECK(box.read_record<"report">(4).status() == mailbox::record_status::empty);
}

TEST_CASE("record: the description gives the record's parts and its body's members", "[record]") {
  const mailbox::field_info& f = Frame::fields[Frame::index_of<"report">];
  CHECK(f.is_record);
  REQUIRE(is_set(f.type->record));
  const mailbox::record_description& d = *f.type->record;
  CHECK(d.sequence_offset == 0);
  CHECK(d.schema_offset == 8);
  CHECK(d.generation_offset == 12);
  CHECK(d.body_offset == 16);
  CHECK(d.body_words == (sizeof(Report) + 7) / 8);
  CHECK(d.schema == mailbox::detail::record_schema<Report>);
  CHECK(d.schema != 0);
  REQUIRE(d.body->members.size() == 4);
  CHECK(d.body->members[2].name == "check");
  CHECK(d.body->members[2].offset == offsetof(Report, check));
}
