// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Mapped host memory is shared with host threads, which a GPU-scope state
// word does not order for: cuda::gpu_scope<...> belongs in device memory.
#include <mailbox/cuda.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>>;

int main() {
#if defined(MAILBOX_COMPILE_FAIL)
  auto region = mailbox::cuda::mapped_region<mailbox::cuda::gpu_scope<Layout>>::create(1, Turn::empty);
#else
  auto region = mailbox::cuda::mapped_region<Layout>::create(1, Turn::empty);
#endif
  return region.size() == 1 ? 0 : 1;
}

// expect: mapped host memory is shared with host threads, so its mailboxes need system scope
