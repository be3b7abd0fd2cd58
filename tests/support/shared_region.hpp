// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Test helpers: aligned in-process storage, and an anonymous MAP_SHARED
// mapping that a fork()ed child shares with its parent.
#pragma once

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>

namespace test_support {

template <class Layout>
struct alignas(Layout::alignment < 64 ? 64 : Layout::alignment) local_region {
  std::byte bytes[Layout::size]{};
  std::span<std::byte> span() noexcept { return bytes; }
};

class shared_mapping {
 public:
  explicit shared_mapping(std::size_t size) : size_(size) {
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
    data_ = static_cast<std::byte*>(p);
  }
  shared_mapping(const shared_mapping&) = delete;
  shared_mapping& operator=(const shared_mapping&) = delete;
  ~shared_mapping() { ::munmap(data_, size_); }

  std::span<std::byte> span() const noexcept { return {data_, size_}; }

 private:
  std::size_t size_;
  std::byte* data_;
};

// The child's exit status, or -signal when a signal ended it.
inline int wait_for(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  }
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace test_support
