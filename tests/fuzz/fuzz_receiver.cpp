// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// libFuzzer target: the receiving side of a mailbox over a region whose every
// byte a hostile or broken peer chose. Checks the header, reads the state
// (checked), waits with a policy and an expired deadline, and reads every
// field a token offers. Nothing here may become undefined behaviour: the
// target is built with -fsanitize=fuzzer,address,undefined.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>

#include "receiver_layout.hpp"

namespace {

volatile std::uint64_t sink;

constexpr std::size_t region_alignment = 64;
struct aligned_delete {
  void operator()(std::byte* p) const noexcept { ::operator delete[](p, std::align_val_t{region_alignment}); }
};

void read_task(const mailbox::Mailbox<fuzz::Task>::token& t) {
  std::uint64_t h = static_cast<std::uint64_t>(t.get<"error">()) ^ t.get<"operand">();
  for (const std::uint64_t a : t.span<"args">()) h ^= a;
  const double ratio = t.get<"ratio">();  // any bits, NaNs included: only copied
  std::uint64_t ratio_bits;
  std::memcpy(&ratio_bits, &ratio, sizeof ratio_bits);
  h ^= ratio_bits;
  const auto message = t.text<"error_msg">();  // a copy: a string_view of it would dangle
  if (message.size() > 24) __builtin_trap();   // the bound is the point of text()
  for (const char c : message) h = h * 31 + static_cast<unsigned char>(c);
  sink = h;
}

void receive(std::span<std::byte> region, mailbox::Mailbox<fuzz::Task> box) {
  (void)region;
  if (const auto state = box.valid_state()) {
    if (!fuzz::Task::is_valid_state(*state)) __builtin_trap();
    if (auto t = box.try_acquire(*state)) read_task(*t);
  } else {
    try {
      (void)box.checked_state();
      __builtin_trap();  // valid_state() and checked_state() disagree
    } catch (const mailbox::state_error&) {
    }
  }
  // An expired deadline: the wait returns at once, whatever the word holds.
  auto r = box.acquire(fuzz::Worker::task_done, mailbox::spin_then_block{.spins = 4},
                       mailbox::wait_clock::now() - std::chrono::seconds(1));
  if (r) {
    read_task(*r);
  } else if (r.error() == mailbox::wait_error::peer_gone) {
    __builtin_trap();  // no liveness check was given
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A fresh heap block of exactly the region's size: ASan catches a read one
  // byte past it (clang 14 does not guard over-aligned function-local statics).
  const std::unique_ptr<std::byte[], aligned_delete> region(
      static_cast<std::byte*>(::operator new[](fuzz::region_size, std::align_val_t{region_alignment})));
  std::memset(region.get(), 0, fuzz::region_size);
  std::memcpy(region.get(), data, size < fuzz::region_size ? size : fuzz::region_size);
  const std::span<std::byte> bytes(region.get(), fuzz::region_size);

  try {
    receive(bytes, mailbox::attach_with_header<fuzz::Task>(bytes));
  } catch (const mailbox::header_error&) {
  }
  // A peer that skips the header: the same reads on the raw layout.
  receive(bytes, mailbox::Mailbox<fuzz::Task>(bytes.subspan(mailbox::header_size<fuzz::Task>)));
  return 0;
}
