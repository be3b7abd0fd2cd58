// libFuzzer target: the receiving side of a mailbox over a region whose every
// byte a hostile or broken peer chose. Checks the header, reads the state
// (checked), waits with a policy and an expired deadline, and reads every
// field a token offers. Nothing here may become undefined behaviour: the
// target is built with -fsanitize=fuzzer,address,undefined.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "receiver_layout.hpp"

namespace {

volatile std::uint64_t sink;

void read_task(const mailbox::Mailbox<fuzz::Task>::token& t) {
  std::uint64_t h = static_cast<std::uint64_t>(t.get<"error">()) ^ t.get<"operand">();
  for (const std::uint64_t a : t.span<"args">()) h ^= a;
  const double ratio = t.get<"ratio">();  // any bits, NaNs included: only copied
  std::uint64_t ratio_bits;
  std::memcpy(&ratio_bits, &ratio, sizeof ratio_bits);
  h ^= ratio_bits;
  const std::string_view message = t.text<"error_msg">();
  if (message.size() > 24) __builtin_trap();  // the bound is the point of text()
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
  alignas(64) static std::byte region[fuzz::region_size];
  std::memset(region, 0, sizeof region);
  std::memcpy(region, data, size < sizeof region ? size : sizeof region);
  const std::span<std::byte> bytes(region);

  try {
    receive(bytes, mailbox::attach_with_header<fuzz::Task>(bytes));
  } catch (const mailbox::header_error&) {
  }
  // A peer that skips the header: the same reads on the raw layout.
  receive(bytes, mailbox::Mailbox<fuzz::Task>(bytes.subspan(mailbox::header_size<fuzz::Task>)));
  return 0;
}
