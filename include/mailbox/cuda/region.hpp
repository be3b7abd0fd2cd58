// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Host-side helpers that allocate a region of mailboxes both a kernel and
// the host can reach: mapped pinned host memory for system scope (a kernel
// and a host thread), device memory for GPU scope (block to block). Each
// region starts with the mailbox header (header.hpp, format 2), then `count`
// mailboxes of the layout, mailbox_array<Layout>::stride bytes apart.
//
// Plain C++ against the CUDA runtime's C API: a file that g++ compiles may
// use these (link CUDA::cudart); only the kernels need nvcc.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "../abi.hpp"
#include "../array.hpp"
#include "../fingerprint.hpp"
#include "../header.hpp"
#include "../layout.hpp"
#include "scope.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace cuda {

// A CUDA runtime call failed; code() is its cudaError_t.
class cuda_error : public std::runtime_error {
 public:
  cuda_error(cudaError_t code, const char* call)
      : std::runtime_error(std::string("mailbox::cuda: ") + call + " failed: " + cudaGetErrorName(code) +
                           " (" + cudaGetErrorString(code) + ")"),
        code_(code) {}
  [[nodiscard]] cudaError_t code() const noexcept { return code_; }

 private:
  cudaError_t code_;
};

namespace detail {

inline void check(cudaError_t code, const char* call) {
  if (code != cudaSuccess) throw cuda_error(code, call);
}

// Refusals shared by both kinds of region, at compile time.
template <class Layout>
constexpr bool shareable_with_device_code() {
  static_assert(
      !Layout::has_blocking_waiters,
      "mailbox::cuda: a layout with mailbox::blocking_waiters cannot be shared with device code: a kernel "
      "cannot wake a host thread asleep in FUTEX_WAIT (use a layout without it)");
  return !Layout::has_blocking_waiters;
}

}  // namespace detail

// How many CUDA devices this process can use: 0 without a device or a
// driver (cudaGetDeviceCount fails then; the error is cleared). Never throws.
[[nodiscard]] inline int device_count() noexcept {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return count;
}

// Mailboxes in mapped pinned host memory (cudaHostAlloc with
// cudaHostAllocMapped): host threads use host(), kernels get device(), the
// same bytes at the device's address. Not write-combined: x86's release
// store is a plain MOV only in write-back memory. System scope only, which a
// gpu_scope<Layout> refuses at compile time.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
class mapped_region {
  static_assert(
      scope_of<Layout> == scope::system,
      "mailbox::cuda::mapped_region: mapped host memory is shared with host threads, so its mailboxes "
      "need system scope; use the layout itself, not cuda::gpu_scope<...> (that is for device_region)");
  static_assert(detail::shareable_with_device_code<Layout>());

 public:
  using layout_type = Layout;
  using array_type = mailbox_array<Layout>;
  using state_type = typename Layout::state_type;

  // Allocates and initialises `count` mailboxes, each in state `first`.
  // Throws cuda_error when the runtime refuses (no device, no driver, out
  // of pinned memory), region_error when count overflows.
  [[nodiscard]] static mapped_region create(std::size_t count, state_type first) {
    const std::size_t bytes = region_size<Layout>(count);
    void* host = nullptr;
    detail::check(cudaHostAlloc(&host, bytes, cudaHostAllocMapped | cudaHostAllocPortable), "cudaHostAlloc");
    mapped_region region(static_cast<std::byte*>(host), bytes, count);
    void* device = nullptr;
    detail::check(cudaHostGetDevicePointer(&device, host, 0), "cudaHostGetDevicePointer");
    region.device_ = static_cast<std::byte*>(device);
    (void)initialize_array_with_header<Layout, UserVersion>({region.host_, bytes}, count, first);
    return region;
  }

  mapped_region(mapped_region&& other) noexcept
      : host_(std::exchange(other.host_, nullptr)),
        device_(std::exchange(other.device_, nullptr)),
        bytes_(other.bytes_),
        count_(other.count_) {}
  mapped_region& operator=(mapped_region&& other) noexcept {
    if (this != &other) {
      release();
      host_ = std::exchange(other.host_, nullptr);
      device_ = std::exchange(other.device_, nullptr);
      bytes_ = other.bytes_;
      count_ = other.count_;
    }
    return *this;
  }
  mapped_region(const mapped_region&) = delete;
  mapped_region& operator=(const mapped_region&) = delete;
  // Frees the memory: no kernel may still use it.
  ~mapped_region() { release(); }

  // The mailboxes as host code sees them.
  [[nodiscard]] array_type host() const { return array_type(mailboxes(host_), count_); }
  [[nodiscard]] Mailbox<Layout> operator[](std::size_t index) const { return host()[index]; }

  // The same mailboxes at the device's address: pass this to a kernel.
  [[nodiscard]] array_type device() const { return array_type(mailboxes(device_), count_); }

  // The whole region, header included, at the device's address: for
  // cuda::attach_array_with_header<Layout, UserVersion>(bytes) in a kernel.
  [[nodiscard]] std::span<std::byte> device_bytes() const noexcept { return {device_, bytes_}; }

  [[nodiscard]] std::size_t size() const noexcept { return count_; }

 private:
  mapped_region(std::byte* host, std::size_t bytes, std::size_t count)
      : host_(host), bytes_(bytes), count_(count) {}

  [[nodiscard]] std::span<std::byte> mailboxes(std::byte* base) const noexcept {
    return {base + header_size<Layout>, bytes_ - header_size<Layout>};
  }

  void release() noexcept {
    if (host_ != nullptr) (void)cudaFreeHost(host_);
    host_ = nullptr;
  }

  std::byte* host_ = nullptr;
  std::byte* device_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t count_ = 0;
};

// Mailboxes in device memory (cudaMalloc) for block-to-block handoffs at GPU
// scope: device() views them as mailbox_array<gpu_scope<Layout>>. Host code
// cannot reach device memory, so the region is prepared in host memory and
// copied; only kernels use it afterwards.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
class device_region {
  static_assert(detail::shareable_with_device_code<Layout>());

 public:
  using layout_type = gpu_scope<unscoped_t<Layout>>;
  using array_type = mailbox_array<layout_type>;
  using state_type = typename Layout::state_type;

  // Allocates `count` mailboxes in the current device's memory, each in
  // state `first`. Throws cuda_error when the runtime refuses.
  [[nodiscard]] static device_region create(std::size_t count, state_type first) {
    using plain = unscoped_t<Layout>;
    const std::size_t bytes = region_size<plain>(count);
    // The image, in host memory aligned as the device's will be.
    constexpr std::align_val_t alignment{plain::alignment > 64 ? plain::alignment : 64};
    const auto free_image = [](std::byte* p) { ::operator delete(p, alignment); };
    const std::unique_ptr<std::byte, decltype(free_image)> image(
        static_cast<std::byte*>(::operator new(bytes, alignment)), free_image);
    (void)initialize_array_with_header<plain, UserVersion>({image.get(), bytes}, count, first);
    void* device = nullptr;
    detail::check(cudaMalloc(&device, bytes), "cudaMalloc");
    device_region region(static_cast<std::byte*>(device), bytes, count);
    detail::check(cudaMemcpy(device, image.get(), bytes, cudaMemcpyHostToDevice), "cudaMemcpy");
    return region;
  }

  device_region(device_region&& other) noexcept
      : device_(std::exchange(other.device_, nullptr)), bytes_(other.bytes_), count_(other.count_) {}
  device_region& operator=(device_region&& other) noexcept {
    if (this != &other) {
      release();
      device_ = std::exchange(other.device_, nullptr);
      bytes_ = other.bytes_;
      count_ = other.count_;
    }
    return *this;
  }
  device_region(const device_region&) = delete;
  device_region& operator=(const device_region&) = delete;
  // Frees the memory: no kernel may still use it.
  ~device_region() { release(); }

  // The mailboxes at the device's address, GPU scope: pass this to a kernel.
  [[nodiscard]] array_type device() const {
    return array_type({device_ + header_size<unscoped_t<Layout>>, bytes_ - header_size<unscoped_t<Layout>>},
                      count_);
  }

  // The whole region, header included: for
  // cuda::attach_array_with_header<gpu_scope<Layout>, UserVersion>(bytes).
  [[nodiscard]] std::span<std::byte> device_bytes() const noexcept { return {device_, bytes_}; }

  [[nodiscard]] std::size_t size() const noexcept { return count_; }

 private:
  device_region(std::byte* device, std::size_t bytes, std::size_t count)
      : device_(device), bytes_(bytes), count_(count) {}

  void release() noexcept {
    if (device_ != nullptr) (void)cudaFree(device_);
    device_ = nullptr;
  }

  std::byte* device_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t count_ = 0;
};

}  // namespace cuda
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
