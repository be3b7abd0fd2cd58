// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
//
// The runtime's promotion race, with the example's own protocols
// (examples/worker_protocol.hpp): the worker read frame_staged and stored it
// back, over the parent's compare-and-swap to activate, so the activation
// was lost. frame_staged has two owners, so neither gets a token to store
// anything into it, and each leaves it only by its own edge, in one CAS that
// fails once the other has moved the word.
// expect: this state has several owners, so it has no token
// expect: S::frame_staged
#include "../../examples/worker_protocol.hpp"

using namespace worker;

int main() {
  alignas(Frames::required_alignment) static std::byte memory[Frames::required_size];
  const Frames frames = Frames::initialize(memory);
  const auto child = frames.endpoint<1, "child">();
  if (child.state() != S::frame_staged) return 0;
#if defined(MAILBOX_COMPILE_FAIL)
  auto staged = child.acquire<S::frame_staged>();  // to store frame_staged back
  std::move(staged).publish<S::frame_staged>();
  return 0;
#else
  // Give the frame up, unless the parent's activation came first.
  return child.try_transition<S::frame_staged, S::task_failed>() ? 0 : 1;
#endif
}
