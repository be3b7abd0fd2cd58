// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A program linking a TU built with -march=armv8.2-a (LSE: the blocking
// wait's compare-and-swap is one CASA) and one built for baseline armv8-a
// (an exclusive loop, or libgcc's call that checks for LSE at run time) must
// run the baseline code on a core without LSE. At -O1 both TUs keep the
// library's wait loop (detail::wait_for_state<...>) out of line, with the
// compare-and-swap inlined into it; unless LSE is part of its mangled name,
// the linker keeps one copy (the first object's, odr_lse.cpp's) and a
// Cortex-A53 dies of SIGILL on its CASA. Run under qemu-aarch64 -cpu
// cortex-a53.
//
//   odr_lse_mixed         the baseline path only: must exit 0
//   odr_lse_mixed --lse   the armv8.2-a TU's own code: must die of SIGILL on
//                         that core (the control: the emulated CPU really
//                         rejects CASA, so the first run means something)
#include <cstdio>
#include <cstring>

#include "odr_lse.hpp"

bool wait_with_baseline_tu(std::span<std::byte> region) { return wait_in_vain(region); }

int main(int argc, char** argv) {
  alignas(Sleepy::alignment) static std::byte memory[Sleepy::size];
  (void)mailbox::Mailbox<Sleepy>::initialize(memory, Turn::empty);
  const bool lse = argc > 1 && std::strcmp(argv[1], "--lse") == 0;
  const bool timed_out = lse ? wait_with_lse_tu(memory) : wait_with_baseline_tu(memory);
  std::printf("odr_lse_mixed: a blocking wait through the %s TU %s (%s)\n", lse ? "armv8.2-a" : "baseline",
              timed_out ? "timed out" : "did not time out", mailbox::backend_name.data());
  return timed_out ? 0 : 1;
}
