// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A downstream program, built against the installed package or through
// add_subdirectory; it exits 0 only if a handoff went through.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <cstdio>

enum class Flag : std::uint32_t { empty, full };
using Message = mailbox::layout<mailbox::state<"flag", Flag>, mailbox::field<"value", std::uint64_t>>;

int main() {
  alignas(Message::alignment) static std::byte memory[Message::size];
  auto box = mailbox::Mailbox<Message>::initialize(memory, Flag::empty);
  auto writer = box.acquire(Flag::empty);
  writer.set<"value">(0x1234);
  std::move(writer).publish(Flag::full);
  auto reader = box.acquire(Flag::full);
  const bool ok = reader.get<"value">() == 0x1234;
  std::move(reader).publish(Flag::empty);  // a token is handed back, never dropped
  std::printf("consumer: %s via %s\n", ok ? "ok" : "FAILED", mailbox::backend_name.data());
  return ok ? 0 : 1;
}
