// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// bench_cuda's device side: the library's mailbox in a persistent kernel,
// the same by hand with volatile and __threadfence_system(), and a kernel
// launched per task.
#include "kernels.hpp"

#include <mailbox/cuda.hpp>

#include <cstdint>
#include <utility>

namespace bench_cuda {
namespace {

__global__ void mailbox_echo(Box box, unsigned words) {
  for (;;) {
    auto request = box.acquire(Turn::request);
    const std::uint64_t n = request.get<"sequence">();
    auto payload = request.span<"words">();
    for (unsigned i = 0; i < words; ++i) payload[i] = ~payload[i];
    std::move(request).publish(n == stop ? Turn::idle : Turn::reply);
    if (n == stop) return;
  }
}

// What users write by hand: spin on a volatile flag, fence, read; write,
// fence, set the flag. __threadfence_system() is a full fence (membar.sys)
// where acquire and release would do.
__global__ void volatile_echo(raw_message* message, unsigned words) {
  volatile std::uint32_t* state = &message->state;
  for (;;) {
    while (*state != static_cast<std::uint32_t>(Turn::request)) {
    }
    __threadfence_system();
    const std::uint64_t n = *static_cast<volatile std::uint64_t*>(&message->sequence);
    volatile std::uint64_t* payload = message->words;
    for (unsigned i = 0; i < words; ++i) payload[i] = ~payload[i];
    __threadfence_system();
    *state = static_cast<std::uint32_t>(n == stop ? Turn::idle : Turn::reply);
    if (n == stop) return;
  }
}

// One task per launch: the launch and the synchronisation order it.
__global__ void echo_once(raw_message* message, unsigned words) {
  for (unsigned i = 0; i < words; ++i) message->words[i] = ~message->words[i];
  message->state = static_cast<std::uint32_t>(Turn::reply);
}

}  // namespace

cudaError_t start_mailbox_echo(Box box, unsigned words, cudaStream_t stream) {
  mailbox_echo<<<1, 1, 0, stream>>>(box, words);
  return cudaGetLastError();
}

cudaError_t start_volatile_echo(raw_message* message, unsigned words, cudaStream_t stream) {
  volatile_echo<<<1, 1, 0, stream>>>(message, words);
  return cudaGetLastError();
}

cudaError_t launch_echo_once(raw_message* message, unsigned words, cudaStream_t stream) {
  echo_once<<<1, 1, 0, stream>>>(message, words);
  return cudaGetLastError();
}

}  // namespace bench_cuda
