// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Issue 8 item 15: a program linking a TU built with -march=armv8.3-a (LDAPR)
// and one built for baseline armv8-a (LDAR) must run the baseline code on a
// core without RCpc. Both TUs instantiate the same Mailbox<Message> members;
// unless the backend is part of their mangled names, the linker keeps one
// copy of each (the first object's, odr_rcpc.cpp's) and a Cortex-A53 dies of
// SIGILL on its LDAPR. Run under qemu-aarch64 -cpu cortex-a53.
//
//   odr_mixed           the baseline path only: must exit 0
//   odr_mixed --rcpc    the armv8.3-a TU's own code: must die of SIGILL on
//                       that core (the control that shows the emulated CPU
//                       really rejects LDAPR, so the first run means something)
#include <cstdio>
#include <cstring>

#include "odr_message.hpp"

std::uint64_t read_with_baseline_tu(std::span<std::byte> region) {
  mailbox::Mailbox<Message> box{region};
  return box.acquire(Flag::full).get<"value">();
}

int main(int argc, char** argv) {
  alignas(Message::alignment) static std::byte memory[Message::size];
  auto box = mailbox::Mailbox<Message>::initialize(memory, Flag::empty);
  auto writer = box.acquire(Flag::empty);
  writer.set<"value">(0x1234);
  std::move(writer).publish(Flag::full);

  const bool rcpc = argc > 1 && std::strcmp(argv[1], "--rcpc") == 0;
  const std::uint64_t value = rcpc ? read_with_rcpc_tu(memory) : read_with_baseline_tu(memory);
  std::printf("odr_mixed: read %#llx through the %s TU (%s)\n", static_cast<unsigned long long>(value),
              rcpc ? "armv8.3-a" : "baseline", mailbox::backend_name.data());
  return value == 0x1234 ? 0 : 1;
}
