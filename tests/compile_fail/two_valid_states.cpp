// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: more than one mailbox::valid_states
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::valid_states<Worker::idle>,
                          mailbox::valid_states<Worker::busy>>;
#else
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::valid_states<Worker::idle, Worker::busy>>;
#endif

int main() { return static_cast<int>(L::size) == 0; }
