// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Mailbox::initialize zeroes and prepares a region: host code does that
// (cuda::mapped_region, cuda::device_region); a kernel only views it.
#include <mailbox/cuda.hpp>

#include <cstdint>
#include <span>

enum class Turn : std::uint32_t { empty, full };
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>>;

__global__ void prepare(std::span<std::byte> region) {
#if defined(MAILBOX_COMPILE_FAIL)
  const auto box = mailbox::Mailbox<Layout>::initialize(region, Turn::empty);
#else
  const mailbox::Mailbox<Layout> box(region);
#endif
  (void)box.state();
}

// expect: calling a __host__ function
// expect: initialize
