// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// GPU tests (issue 18): a kernel and host threads, or two blocks, hand
// messages through the library's mailboxes, every payload word carrying the
// sequence number. Built everywhere; each test prints "no CUDA device" and
// CTest reports it skipped where the machine has none (or no driver).
#include <mailbox/cuda.hpp>
#include <mailbox/mailbox.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels.hpp"
#include "support/catch.hpp"

namespace {

using gpu_test::Message;
using gpu_test::outcome;
using gpu_test::Turn;
using gpu_test::word_for;

bool no_device() {
  if (mailbox::cuda::device_count() > 0) return false;
  std::puts("no CUDA device: skipped (cudaGetDeviceCount found none, or no driver)");
  return true;
}

void check(cudaError_t code) {
  INFO(cudaGetErrorName(code) << ": " << cudaGetErrorString(code));
  REQUIRE(code == cudaSuccess);
}

std::uint64_t messages_from_environment(std::uint64_t fallback) {
  const char* text = std::getenv("MAILBOX_CUDA_MESSAGES");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : fallback;
}

// The host side of the echo: `messages` requests to each mailbox in turn,
// every reply checked word by word. Returns the replies that were wrong;
// throws on a wait that timed out.
std::uint64_t host_side(const mailbox::mailbox_array<Message>& boxes, std::uint64_t messages) {
  std::uint64_t wrong = 0;
  const auto patience = std::chrono::seconds(20);
  for (std::uint64_t n = 0; n <= messages; ++n) {
    for (std::size_t b = 0; b < boxes.size(); ++b) {
      auto slot = boxes[b].acquire_any({Turn::empty, Turn::reply}, mailbox::spin{},
                                       mailbox::wait_clock::now() + patience);
      if (!slot) FAIL("mailbox " << b << ", message " << n << ": " << mailbox::to_string(slot.error()));
      if (slot.state() == Turn::reply) {
        const std::uint64_t expected = ~word_for(b, n - 1);
        std::uint64_t difference = slot->get<"sequence">() ^ (n - 1);
        for (const std::uint64_t word : std::as_const(*slot).span<"words">()) difference |= word ^ expected;
        wrong += difference != 0 ? 1 : 0;
      }
      if (n == messages) {
        std::move(*slot).abandon();
        continue;
      }
      slot->set<"sequence">(n);
      for (std::uint64_t& word : slot->span<"words">()) word = word_for(b, n);
      std::move(*slot).publish(Turn::request);
    }
  }
  return wrong;
}

// Device memory for the kernels' outcomes.
struct outcomes {
  explicit outcomes(std::size_t n) : count(n) {
    check(cudaMalloc(reinterpret_cast<void**>(&device), n * sizeof(outcome)));
  }
  ~outcomes() { (void)cudaFree(device); }
  outcomes(const outcomes&) = delete;
  outcomes& operator=(const outcomes&) = delete;
  std::vector<outcome> read() const {
    std::vector<outcome> host(count);
    check(cudaMemcpy(host.data(), device, count * sizeof(outcome), cudaMemcpyDeviceToHost));
    return host;
  }
  std::size_t count;
  outcome* device = nullptr;
};

void require_served(const std::vector<outcome>& results, std::uint64_t messages) {
  for (std::size_t b = 0; b < results.size(); ++b) {
    INFO("block " << b);
    CHECK(results[b].timed_out == 0);
    CHECK(results[b].handled == messages);
    CHECK(results[b].wrong == 0);
  }
}

}  // namespace

TEST_CASE("a persistent kernel and a host thread hand 10^6 messages through mapped memory", "[cuda][gpu]") {
  if (no_device()) return;
  const std::uint64_t messages = messages_from_environment(1'000'000);
  auto region = mailbox::cuda::mapped_region<Message>::create(1, Turn::empty);
  outcomes results(1);
  const auto started = std::chrono::steady_clock::now();
  check(gpu_test::launch_echo(region.device(), messages, results.device));
  // This thread is the host side (Catch2's checks are for this thread only).
  const std::uint64_t wrong = host_side(region.host(), messages);
  check(cudaDeviceSynchronize());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%llu round trips in %.3f s: %.0f ns each (kernel and host thread, mapped pinned memory)\n",
              static_cast<unsigned long long>(messages), seconds,
              seconds * 1e9 / static_cast<double>(messages));
  CHECK(wrong == 0);
  require_served(results.read(), messages);
}

TEST_CASE("many blocks, each with its own mailbox of one mailbox_array, serve the host", "[cuda][gpu]") {
  if (no_device()) return;
  const std::size_t blocks = 64;
  const std::uint64_t messages = messages_from_environment(1'000'000) / 100;
  auto region = mailbox::cuda::mapped_region<Message>::create(blocks, Turn::empty);
  outcomes results(blocks);
  check(gpu_test::launch_echo(region.device(), messages, results.device));
  const std::uint64_t wrong = host_side(region.host(), messages);
  check(cudaDeviceSynchronize());
  CHECK(wrong == 0);
  require_served(results.read(), messages);
}

TEST_CASE("kernels check the region's header on the device before using its mailboxes", "[cuda][gpu]") {
  if (no_device()) return;
  const std::size_t blocks = 4;
  const std::uint64_t messages = 1000;
  auto region = mailbox::cuda::mapped_region<Message>::create(blocks, Turn::empty);
  outcomes results(blocks);
  check(gpu_test::launch_echo_attached(region.device_bytes(), blocks, messages, results.device));
  const std::uint64_t wrong = host_side(region.host(), messages);
  check(cudaDeviceSynchronize());
  CHECK(wrong == 0);
  require_served(results.read(), messages);
}

TEST_CASE("two blocks hand 10^6 messages through a GPU-scope mailbox in device memory", "[cuda][gpu]") {
  if (no_device()) return;
  const std::uint64_t messages = messages_from_environment(1'000'000);
  auto region = mailbox::cuda::device_region<Message>::create(1, Turn::empty);
  outcomes results(2);
  const auto started = std::chrono::steady_clock::now();
  check(gpu_test::launch_block_to_block(region.device(), messages, results.device));
  check(cudaDeviceSynchronize());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%llu round trips in %.3f s: %.0f ns each (two blocks, GPU scope, device memory)\n",
              static_cast<unsigned long long>(messages), seconds,
              seconds * 1e9 / static_cast<double>(messages));
  require_served(results.read(), messages);
}

TEST_CASE("the CUDA helpers report a missing device as an error, not a crash", "[cuda]") {
  if (mailbox::cuda::device_count() > 0) {
    std::puts("a CUDA device is present: the no-device path is not exercised here");
    return;
  }
  // What a machine without a GPU or a driver (this project's CI) gives.
  REQUIRE_THROWS_AS(mailbox::cuda::mapped_region<Message>::create(1, Turn::empty), mailbox::cuda::cuda_error);
  REQUIRE_THROWS_AS(mailbox::cuda::device_region<Message>::create(1, Turn::empty), mailbox::cuda::cuda_error);
}
