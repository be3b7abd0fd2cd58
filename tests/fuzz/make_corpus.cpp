// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Writes the seed corpus of fuzz_receiver into the directory given: regions a
// well-behaved peer leaves behind, and a few that broken peers do. Run by hand
// after changing the layout: `make_corpus tests/fuzz/corpus`.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "receiver_layout.hpp"

namespace {

alignas(64) std::byte region[fuzz::region_size];

void write(const std::string& directory, const char* name, std::size_t size = fuzz::region_size) {
  std::ofstream out(directory + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(region), static_cast<std::streamsize>(size));
}

void set_state(std::uint32_t raw) {
  std::memcpy(region + mailbox::header_size<fuzz::Task> + fuzz::Task::state_offset, &raw, sizeof raw);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIRECTORY\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  auto box = mailbox::initialize_with_header<fuzz::Task>(region, fuzz::Worker::idle);
  write(dir, "fresh_idle");

  auto t = box.acquire(fuzz::Worker::idle);
  t.set<"operand">(std::uint64_t{42});
  for (std::uint64_t& a : t.span<"args">()) a = 7;
  t.set<"ratio">(0.5);
  t.set_text<"error_msg">("division by zero");
  t.set<"error">(-22);
  std::move(t).publish(fuzz::Worker::task_done);
  write(dir, "task_done_with_error");

  std::memset(region + mailbox::header_size<fuzz::Task> + fuzz::Task::offset_of<"error_msg">, 'A', 24);
  write(dir, "unterminated_text");

  set_state(static_cast<std::uint32_t>(fuzz::Worker::task_done) | (1u << 31));
  write(dir, "done_with_waiter_mark");
  set_state(0x12345678u);
  write(dir, "unknown_state");

  // A header as mailbox 0.1 wrote it (format 1, "MOBXHDR1"): refused by name.
  const std::uint64_t format_1_magic = 0x3152444858424f4dull;
  std::memcpy(region, &format_1_magic, 8);
  write(dir, "format_1_header");

  std::memset(region, 0xff, 8);
  write(dir, "foreign_magic");
  write(dir, "truncated", 70);
  return 0;
}
