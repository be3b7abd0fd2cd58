// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The GPU tests' layout and the launchers of their kernels (kernels.cu,
// which nvcc compiles); the tests themselves are plain C++ (g++) against the
// host side of <mailbox/cuda.hpp>.
#pragma once

#include <mailbox/cuda.hpp>

#include <cstdint>

namespace gpu_test {

enum class Turn : std::uint32_t { empty, request, reply };

inline constexpr unsigned payload_words = 16;

using Message =
    mailbox::layout<mailbox::field<"sequence", std::uint64_t>,
                    mailbox::field<"words", std::uint64_t[payload_words]>, mailbox::field<"note", char[16]>,
                    mailbox::flag<"stop", std::uint32_t>, mailbox::state<"state", Turn>,
                    mailbox::valid_states<Turn::empty, Turn::request, Turn::reply>>;

// Kernel parameters are named through aliases: nvcc 13 spells a parameter's
// type out in the host stub it generates, and g++ cannot parse a string
// template argument written the way nvcc writes it (docs/cuda.md).
using Boxes = mailbox::mailbox_array<Message>;
using GpuBoxes = mailbox::mailbox_array<mailbox::cuda::gpu_scope<Message>>;

// Every word of message n of mailbox b carries word_for(b, n); its reply
// carries the complement. A payload read that overtook the handoff, or a
// torn copy, shows up as a wrong word.
constexpr std::uint64_t word_for(std::uint64_t box, std::uint64_t n) noexcept { return (box << 40) ^ n; }

// What one serving block saw.
struct outcome {
  unsigned long long handled;    // requests answered
  unsigned long long wrong;      // requests with a wrong word or sequence
  unsigned long long timed_out;  // 1 if a wait for a request gave up
};

// Block b serves boxes[b]: `messages` requests, each answered with a reply
// (a persistent kernel; one thread per block waits). results[b] gets its
// outcome (device memory or mapped memory). Returns the launch's error.
cudaError_t launch_echo(Boxes boxes, std::uint64_t messages, outcome* results);

// The same, but each block first checks the region's header on the device
// (cuda::attach_array_with_header) with this side's layout and version.
cudaError_t launch_echo_attached(std::span<std::byte> region, std::size_t count, std::uint64_t messages,
                                 outcome* results);

// A second layout version attaching to a region of version 0: must trap.
cudaError_t launch_attach_other_version(std::span<std::byte> region, std::size_t count);

// Block to block at GPU scope: block 0 sends `messages` requests through
// boxes[0], block 1 checks and answers each; results[0] is the sender's
// view of the replies, results[1] the receiver's of the requests.
cudaError_t launch_block_to_block(GpuBoxes boxes, std::uint64_t messages, outcome* results);

// Misuse in device code: uses a token after publish(); must trap.
cudaError_t launch_token_after_publish(Boxes boxes);

}  // namespace gpu_test
