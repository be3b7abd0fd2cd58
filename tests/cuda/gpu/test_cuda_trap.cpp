// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Misuse in device code traps with the library's message (issue 18): the
// kernel ends with an error and the message reaches the host's stdout. A
// trap leaves the CUDA context unusable, so these run in an executable of
// their own, and CTest runs each case in a process of its own.
#include <mailbox/cuda.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "kernels.hpp"
#include "support/catch.hpp"

namespace {

using gpu_test::Message;
using gpu_test::Turn;

bool no_device() {
  if (mailbox::cuda::device_count() > 0) return false;
  std::puts("no CUDA device: skipped (cudaGetDeviceCount found none, or no driver)");
  return true;
}

// Runs `launch`, waits for the kernel, and returns what the device printed
// (its printf goes to this process's stdout), with the error the wait gave.
template <class Launch>
std::pair<cudaError_t, std::string> run_capturing_stdout(Launch launch) {
  char path[] = "/tmp/mailbox_cuda_trap_XXXXXX";
  const int file = mkstemp(path);
  REQUIRE(file >= 0);
  std::fflush(stdout);
  const int saved = dup(STDOUT_FILENO);
  dup2(file, STDOUT_FILENO);
  const cudaError_t launched = launch();
  const cudaError_t waited = cudaDeviceSynchronize();
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  close(file);
  std::ifstream in(path);
  std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  std::printf("launch: %s; synchronize: %s (%s)\ndevice printed: %s\n", cudaGetErrorName(launched),
              cudaGetErrorName(waited), cudaGetErrorString(waited), printed.c_str());
  return {launched != cudaSuccess ? launched : waited, printed};
}

}  // namespace

TEST_CASE("a token used after publish() in device code traps with the library's message", "[cuda][gpu]") {
  if (no_device()) return;
  auto region = mailbox::cuda::mapped_region<Message>::create(1, Turn::empty);
  const auto [error, printed] =
      run_capturing_stdout([&] { return gpu_test::launch_token_after_publish(region.device()); });
  CHECK(error != cudaSuccess);
  CHECK(printed.find("mailbox: a token was used after publish() or abandon()") != std::string::npos);
}

TEST_CASE("a kernel built for another layout version traps on the region's header", "[cuda][gpu]") {
  if (no_device()) return;
  auto region = mailbox::cuda::mapped_region<Message>::create(1, Turn::empty);
  const auto [error, printed] =
      run_capturing_stdout([&] { return gpu_test::launch_attach_other_version(region.device_bytes(), 1); });
  CHECK(error != cudaSuccess);
  CHECK(printed.find("mailbox::cuda::attach_array_with_header: layout fingerprint mismatch") !=
        std::string::npos);
}
