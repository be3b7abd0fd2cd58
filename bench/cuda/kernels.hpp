// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The device side of bench_cuda's round trips (kernels.cu, built by nvcc):
// what the host launches, in plain C++ declarations.
#pragma once

#include <mailbox/cuda.hpp>

#include <cstdint>

namespace bench_cuda {

enum class Turn : std::uint32_t { idle, request, reply };

// The largest payload measured, in 8-byte words; a round trip moves `words`
// of them each way.
inline constexpr unsigned max_words = 8;

using Message =
    mailbox::layout<mailbox::field<"sequence", std::uint64_t>,
                    mailbox::field<"words", std::uint64_t[max_words]>, mailbox::state<"state", Turn>>;
// Kernel parameters through an alias (see docs/cuda.md).
using Box = mailbox::Mailbox<Message>;

// A request whose sequence is `stop` ends a persistent kernel.
inline constexpr std::uint64_t stop = ~std::uint64_t{0};

// The hand-written floor: the same bytes, a volatile state word and
// __threadfence_system() on the device side.
struct raw_message {
  std::uint64_t sequence;
  std::uint64_t words[max_words];
  alignas(8) std::uint32_t state;
};

// Persistent kernels: answer every request (each of the first `words`
// words complemented) until a request carries `stop`.
cudaError_t start_mailbox_echo(Box box, unsigned words, cudaStream_t stream);
cudaError_t start_volatile_echo(raw_message* message, unsigned words, cudaStream_t stream);

// One kernel per task: answers the request in `message` once and ends.
cudaError_t launch_echo_once(raw_message* message, unsigned words, cudaStream_t stream);

}  // namespace bench_cuda
