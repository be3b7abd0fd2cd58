// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The worker frame of the motivating client (docs/protocol.md) at its real
// offsets: a 64 KiB frame with a control and a task overlay over the same
// bytes, two sticky flags and a trailing error message. CallConfig and Lease
// stand in for the client's own types (a packed 1144-byte struct, a 16-byte
// struct).
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

namespace test_support {

enum class S : std::int32_t {
  idle,
  task_ready,
  task_done,
  shutdown,
  control_request,
  control_done,
  init_ready,
  init_failed,
  frame_staged,
  task_launched,
  task_failed,
  activate,
  prepare_ready
};

struct [[gnu::packed]] CallConfig {
  std::uint64_t call_id;
  std::uint32_t flags;
  std::byte blob[1132];
};
static_assert(sizeof(CallConfig) == 1144 && alignof(CallConfig) == 1);

struct Lease {
  std::uint64_t id;
  std::uint64_t expires_ns;
};
static_assert(sizeof(Lease) == 16);

using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"sub_command", std::uint64_t, 8>,
                     mailbox::field<"arg0", std::uint64_t, 16>, mailbox::field<"result", std::uint64_t, 40>>,
    mailbox::overlay<"task", mailbox::field<"config", CallConfig, 16>, mailbox::field<"lease", Lease, 1160>,
                     mailbox::field<"args", std::byte[64016], 1208>,
                     mailbox::field<"trailer", std::uint64_t[5], 65232>,
                     mailbox::field<"disposition", std::int32_t, 65276>>,
    mailbox::flag<"shutdown", std::int32_t, 65224>, mailbox::flag<"accepted", std::int32_t, 65272>,
    mailbox::field<"error_msg", char[256], 65280>, mailbox::total_size<65536>>;

}  // namespace test_support
