// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// read_record names a record, not a payload field.
// expect: names_a_record
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

bool known(mailbox::Mailbox<Frame> box) {
#if defined(MAILBOX_COMPILE_FAIL)
  return box.read_record<"error">(1).has_value();
#else
  return box.read_record<"report">(1).has_value();
#endif
}
int main() {}
