// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A committed record is not reached through a token: write_record and
// read_record only.
// expect: 'r', 'e', 'p', 'o', 'r', 't'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Report {
  std::int32_t code;
  char reason[28];
};

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
                              mailbox::record<"report", Report>>;

std::int32_t code(mailbox::Mailbox<Frame> box) {
  auto t = box.acquire(S::idle);
#if defined(MAILBOX_COMPILE_FAIL)
  const std::int32_t c = t.get<"report">().code;
#else
  const auto r = box.read_record<"report">(1);
  const std::int32_t c = r ? r->code : t.get<"error">();
#endif
  std::move(t).abandon();
  return c;
}
int main() {}
