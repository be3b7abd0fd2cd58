// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Built with -march=armv8.3-a: the library's acquire loads are LDAPR here.
#include "odr_message.hpp"

std::uint64_t read_with_rcpc_tu(std::span<std::byte> region) {
  mailbox::Mailbox<Message> box{region};
  return box.acquire(Flag::full).get<"value">();
}
