// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The way the client's Python side reaches shared memory today, as a
// benchmark baseline: a small C library called through ctypes, one call per
// state word access (acquire-load, release-store). Payload fields go through
// struct.pack_into / unpack_from in bench_python.py, or through the word
// accessors below (one ctypes call per field).
#include <atomic>
#include <cstdint>
#include <cstring>

extern "C" {

__attribute__((visibility("default"))) std::uint32_t mailbox_bench_load_acquire_u32(std::uintptr_t address) {
  return std::atomic_ref<std::uint32_t>(*reinterpret_cast<std::uint32_t*>(address))
      .load(std::memory_order_acquire);
}

__attribute__((visibility("default"))) void mailbox_bench_store_release_u32(std::uintptr_t address,
                                                                            std::uint32_t value) {
  std::atomic_ref<std::uint32_t>(*reinterpret_cast<std::uint32_t*>(address))
      .store(value, std::memory_order_release);
}

__attribute__((visibility("default"))) void mailbox_bench_write(std::uintptr_t address, const void* data,
                                                                std::size_t size) {
  std::memcpy(reinterpret_cast<void*>(address), data, size);
}

__attribute__((visibility("default"))) void mailbox_bench_read(std::uintptr_t address, void* data,
                                                               std::size_t size) {
  std::memcpy(data, reinterpret_cast<const void*>(address), size);
}
}
