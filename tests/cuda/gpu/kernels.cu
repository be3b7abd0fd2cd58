// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The GPU tests' kernels: the library's own device path (Mailbox, token,
// mailbox_array, cuda::acquire_for, cuda::attach_array_with_header) in persistent
// kernels that the host, or another block, hands messages to.
#include "kernels.hpp"

#include <mailbox/cuda.hpp>

#include <chrono>
#include <cstdint>
#include <utility>

namespace gpu_test {
namespace {

// A peer that stops answering must not hang the test: every wait gives up
// after this long, and the kernel reports it.
constexpr std::chrono::seconds patience{20};

__device__ void serve(mailbox::Mailbox<Message> box, std::uint64_t index, std::uint64_t messages,
                      outcome* result) {
  outcome seen{0, 0, 0};
  for (std::uint64_t n = 0; n < messages; ++n) {
    auto request = mailbox::cuda::acquire_for(box, Turn::request, patience);
    if (!request) {
      seen.timed_out = 1;
      break;
    }
    const std::uint64_t expected = word_for(index, n);
    std::uint64_t difference = request->get<"sequence">() ^ n;
    for (std::uint64_t& word : request->span<"words">()) {
      difference |= word ^ expected;
      word = ~expected;
    }
    request->set<"sequence">(n);
    seen.wrong += difference != 0 ? 1 : 0;
    ++seen.handled;
    std::move(*request).publish(Turn::reply);
  }
  *result = seen;
}

__global__ void echo(Boxes boxes, std::uint64_t messages, outcome* results) {
  if (threadIdx.x != 0) return;
  serve(boxes[blockIdx.x], blockIdx.x, messages, &results[blockIdx.x]);
}

__global__ void echo_attached(std::span<std::byte> region, std::size_t count, std::uint64_t messages,
                              outcome* results) {
  if (threadIdx.x != 0) return;
  const auto boxes = mailbox::cuda::attach_array_with_header<Message>(region, count);
  serve(boxes[blockIdx.x], blockIdx.x, messages, &results[blockIdx.x]);
}

// The same layout, built as if a later version of the kernel declared it.
__global__ void attach_other_version(std::span<std::byte> region, std::size_t count) {
  const auto boxes = mailbox::cuda::attach_array_with_header<Message, 2>(region, count);
  (void)boxes[0].state();
}

__global__ void block_to_block(GpuBoxes boxes, std::uint64_t messages, outcome* results) {
  if (threadIdx.x != 0) return;
  const mailbox::cuda::gpu_mailbox<Message> box = boxes[0];
  outcome seen{0, 0, 0};
  if (blockIdx.x == 0) {
    // The sender: a request, then the reply to it, then the next.
    for (std::uint64_t n = 0; n < messages; ++n) {
      auto slot = mailbox::cuda::acquire_for(box, n == 0 ? Turn::empty : Turn::reply, patience);
      if (!slot) {
        seen.timed_out = 1;
        break;
      }
      if (n > 0) {
        std::uint64_t difference = slot->get<"sequence">() ^ (n - 1);
        for (const std::uint64_t word : std::as_const(*slot).span<"words">()) difference |= word ^ ~(n - 1);
        seen.wrong += difference != 0 ? 1 : 0;
        ++seen.handled;
      }
      slot->set<"sequence">(n);
      for (std::uint64_t& word : slot->span<"words">()) word = n;
      std::move(*slot).publish(Turn::request);
    }
    if (auto last = mailbox::cuda::acquire_for(box, Turn::reply, patience)) {
      std::uint64_t difference = last->get<"sequence">() ^ (messages - 1);
      for (const std::uint64_t word : std::as_const(*last).span<"words">())
        difference |= word ^ ~(messages - 1);
      seen.wrong += difference != 0 ? 1 : 0;
      ++seen.handled;
      std::move(*last).abandon();
    } else {
      seen.timed_out = 1;
    }
  } else {
    // The receiver: checks every word of each request, answers with its complement.
    for (std::uint64_t n = 0; n < messages; ++n) {
      auto request = mailbox::cuda::acquire_for(box, Turn::request, patience);
      if (!request) {
        seen.timed_out = 1;
        break;
      }
      std::uint64_t difference = request->get<"sequence">() ^ n;
      for (std::uint64_t& word : request->span<"words">()) {
        difference |= word ^ n;
        word = ~n;
      }
      seen.wrong += difference != 0 ? 1 : 0;
      ++seen.handled;
      std::move(*request).publish(Turn::reply);
    }
  }
  results[blockIdx.x] = seen;
}

__global__ void token_after_publish(Boxes boxes) {
  auto token = boxes[0].acquire(Turn::empty);
  auto& kept = token;
  std::move(token).publish(Turn::request);
  kept.set<"sequence">(1);  // the token was spent: traps
}

}  // namespace

cudaError_t launch_echo(Boxes boxes, std::uint64_t messages, outcome* results) {
  echo<<<static_cast<unsigned>(boxes.size()), 32>>>(boxes, messages, results);
  return cudaGetLastError();
}

cudaError_t launch_echo_attached(std::span<std::byte> region, std::size_t count, std::uint64_t messages,
                                 outcome* results) {
  echo_attached<<<static_cast<unsigned>(count), 32>>>(region, count, messages, results);
  return cudaGetLastError();
}

cudaError_t launch_attach_other_version(std::span<std::byte> region, std::size_t count) {
  attach_other_version<<<1, 1>>>(region, count);
  return cudaGetLastError();
}

cudaError_t launch_block_to_block(GpuBoxes boxes, std::uint64_t messages, outcome* results) {
  block_to_block<<<2, 32>>>(boxes, messages, results);
  return cudaGetLastError();
}

cudaError_t launch_token_after_publish(Boxes boxes) {
  token_after_publish<<<1, 1>>>(boxes);
  return cudaGetLastError();
}

}  // namespace gpu_test
