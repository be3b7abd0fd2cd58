// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A program linking a debug TU (MAILBOX_DEBUG_TOKENS=1, the default without
// NDEBUG) and a release TU (MAILBOX_DEBUG_TOKENS=0) must run each TU's own
// token code: at -O0 both keep the token's move assignment out of line, one
// with the dropped-token check and one without; unless the setting is part
// of its mangled name, the linker keeps one copy (the first object's,
// odr_tokens_debug.cpp's) and the release TU aborts on a drop it allows.
//
//   odr_tokens_mixed           the release path only: must exit 0
//   odr_tokens_mixed --debug   the debug TU's own code: must abort (the
//                              control: the step really is a drop a debug
//                              build reports)
#include <cstdio>
#include <cstring>

#include "odr_tokens.hpp"

void drop_with_release_tu(std::span<std::byte> region) { drop_by_assignment(region); }

int main(int argc, char** argv) {
  alignas(Slot::alignment) static std::byte memory[Slot::size];
  const auto box = mailbox::Mailbox<Slot>::initialize(memory, Phase::idle);
  const bool debug = argc > 1 && std::strcmp(argv[1], "--debug") == 0;
  if (debug) {
    drop_with_debug_tu(memory);
  } else {
    drop_with_release_tu(memory);
  }
  std::printf("odr_tokens_mixed: the %s TU dropped a token by assignment and went on (state %u)\n",
              debug ? "debug" : "release", static_cast<unsigned>(box.state()));
  return box.state() == Phase::busy ? 0 : 1;
}
