// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: this frame runs another protocol than the one asked for
// expect-gcc: Index = 0
// expect-clang: in_frame<0>
#include "protocol_common.hpp"

// Frame 0 runs a control protocol, frames 1 and 2 the worker protocol.
using Control =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::request>>,
                      mailbox::in_state<Step::request, mailbox::owner<"child">, mailbox::next<Step::idle>>>;
using Frames = mailbox::frame_set<mailbox::frames<Control, 1>, mailbox::frames<Worker, 2>>;

int main() {
  alignas(Frames::required_alignment) static std::byte memory[Frames::required_size];
  const auto frames = Frames::initialize(memory);
#if defined(MAILBOX_COMPILE_FAIL)
  const Parent task = frames.endpoint<Worker, "parent", 0>();  // frame 0 runs Control
#else
  const Parent task = frames.endpoint<Worker, "parent", 1>();
#endif
  return task.state() == Step::idle ? 0 : 1;
}
