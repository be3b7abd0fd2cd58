// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::shared_segment: an RAII owner of a shared mapping to put mailboxes
// in, either a named POSIX segment (shm_open + ftruncate + mmap MAP_SHARED)
// that unrelated processes open by name, or an anonymous MAP_SHARED region
// that fork()ed children inherit.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi.hpp"
#include "arch/atomic_ref.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {
// The kernel's value (linux/mman.h, Linux 5.14), for C libraries whose
// headers predate it; an older kernel answers EINVAL.
#if defined(MADV_POPULATE_WRITE)
inline constexpr int madv_populate_write = MADV_POPULATE_WRITE;
#else
inline constexpr int madv_populate_write = 23;
#endif
}  // namespace detail

// A failed segment operation. what() names the operation, the segment and
// the system's reason, e.g.
//   mailbox::shared_segment: shm_open(O_CREAT|O_EXCL) of "/jobs": File exists
class segment_error : public std::system_error {
 public:
  segment_error(int error, std::string operation, std::string name, const std::string& detail = {})
      : std::system_error(error, std::generic_category(), describe(operation, name, detail)),
        operation_(std::move(operation)),
        name_(std::move(name)) {}

  [[nodiscard]] const std::string& operation() const noexcept { return operation_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  // system_error appends ": " + the category's message (strerror text).
  static std::string describe(const std::string& operation, const std::string& name,
                              const std::string& detail) {
    std::string text = "mailbox::shared_segment: " + operation + " of \"" + name + "\"";
    if (!detail.empty()) text += " (" + detail + ")";
    return text;
  }

  std::string operation_;
  std::string name_;
};

// Who removes a named segment's name.
enum class unlink_policy {
  on_destroy,  // the creating process, when its shared_segment is destroyed (default)
  keep,        // nobody: the name outlives us until someone calls unlink
};

struct segment_options {
  unlink_policy unlink = unlink_policy::on_destroy;
  bool prefault = false;  // populate every page now, not on the first access
  mode_t mode = 0600;     // permissions of a created segment
  // create(): if the name exists (a creator that crashed left it behind),
  // remove it and create a new segment. Processes that still map the old
  // one keep it; the name leads to the new one. Without it, create() fails
  // with EEXIST.
  bool replace_existing = false;
};

class shared_segment {
 public:
  // Creates a new named segment of `size` bytes (zero-filled), failing if the
  // name exists (unless options.replace_existing). `name` follows shm_open:
  // "/something", no other slash.
  //
  // The segment's memory is reserved now (posix_fallocate): a tmpfs that
  // lacks the space (Docker's /dev/shm is 64 MiB) makes create() fail with
  // ENOSPC and leave no name behind, instead of a SIGBUS at the first touch
  // of a page it cannot supply.
  [[nodiscard]] static shared_segment create(std::string name, std::size_t size,
                                             segment_options options = {}) {
    check_name(name, "create");
    check_size(size, name, "create");
    int fd = ::shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, options.mode);
    if (fd < 0 && errno == EEXIST && options.replace_existing) {
      // Once: if another creator takes the name meanwhile, its segment is
      // not ours to remove.
      if (::shm_unlink(name.c_str()) != 0 && errno != ENOENT) {
        throw segment_error(errno, "shm_unlink (replace_existing)", name);
      }
      fd = ::shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, options.mode);
    }
    if (fd < 0) throw segment_error(errno, "shm_open(O_CREAT|O_EXCL)", name);
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      const int error = errno;
      ::close(fd);
      ::shm_unlink(name.c_str());
      throw segment_error(error, "ftruncate", name, std::to_string(size) + " bytes");
    }
    // Returns the error number; it does not set errno.
    if (const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(size)); error != 0) {
      ::close(fd);
      ::shm_unlink(name.c_str());
      throw segment_error(error, "posix_fallocate", name,
                          std::to_string(size) + " bytes; is /dev/shm large enough?");
    }
    shared_segment segment = map(fd, size, std::move(name), options, true);
    return segment;
  }

  // Opens an existing named segment and maps all of it; throws if it is
  // smaller than `minimum_size` (a peer built with another layout, or a
  // creator that has not sized it yet). Never unlinks it.
  [[nodiscard]] static shared_segment open(std::string name, std::size_t minimum_size = 1,
                                           segment_options options = {}) {
    check_name(name, "open");
    const int fd = ::shm_open(name.c_str(), O_RDWR, 0);
    if (fd < 0) throw segment_error(errno, "shm_open", name);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
      const int error = errno;
      ::close(fd);
      throw segment_error(error, "fstat", name);
    }
    const auto size = static_cast<std::size_t>(info.st_size);
    if (size < minimum_size || size == 0) {
      ::close(fd);
      throw segment_error(EINVAL, "open", name,
                          "segment too small: expected at least " + std::to_string(minimum_size) +
                              " bytes, got " + std::to_string(size) + " bytes");
    }
    options.unlink = unlink_policy::keep;
    return map(fd, size, std::move(name), options, false);
  }

  // An anonymous MAP_SHARED region: no name; children fork()ed after this
  // call share it with us.
  [[nodiscard]] static shared_segment anonymous(std::size_t size, segment_options options = {}) {
    check_size(size, "(anonymous)", "anonymous");
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw segment_error(errno, "mmap(MAP_SHARED|MAP_ANONYMOUS)", "(anonymous)");
    shared_segment segment(static_cast<std::byte*>(p), size, {}, unlink_policy::keep);
    if (options.prefault) segment.prefault();
    return segment;
  }

  // Removes a name now; mappings stay valid. Throws with ENOENT if absent.
  static void unlink(const std::string& name) {
    if (::shm_unlink(name.c_str()) != 0) throw segment_error(errno, "shm_unlink", name);
  }

  shared_segment(shared_segment&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        name_(std::move(other.name_)),
        policy_(other.policy_),
        creator_(other.creator_) {
    other.name_.clear();
  }
  shared_segment& operator=(shared_segment&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      name_ = std::move(other.name_);
      other.name_.clear();
      policy_ = other.policy_;
      creator_ = other.creator_;
    }
    return *this;
  }
  shared_segment(const shared_segment&) = delete;
  shared_segment& operator=(const shared_segment&) = delete;
  ~shared_segment() { release(); }

  // Unmaps the segment now (and, in the creating process with
  // unlink_policy::on_destroy, removes its name), as the destructor does.
  // Idempotent; bytes() is empty afterwards.
  void close() noexcept { release(); }

  // The mapped bytes, for mailbox::Mailbox or attach_with_header.
  [[nodiscard]] std::span<std::byte> bytes() const noexcept { return {data_, size_}; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  // Empty for an anonymous segment.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  // Populates every page now, so the first message does not pay for page
  // faults. Never changes the contents, even while a peer writes them:
  // madvise(MADV_POPULATE_WRITE) (Linux 5.14) faults the pages in writable
  // without writing them. Where the kernel does not have it (EINVAL), or a
  // sandbox refuses madvise, it reads one byte per page instead: the pages
  // are mapped, and the first write to each may still fault. Never a
  // read-and-write-back, which undoes a peer's store made between the read
  // and the write. Throws segment_error when the pages cannot be had
  // (ENOMEM; EFAULT where a peer shrank a named segment).
  void prefault() {
    if (data_ == nullptr) return;
    if (::madvise(data_, size_, detail::madv_populate_write) == 0) return;
    const int error = errno;
    if (error == ENOMEM || error == EFAULT) {
      throw segment_error(error, "madvise(MADV_POPULATE_WRITE)", name_.empty() ? "(anonymous)" : name_);
    }
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    auto* bytes = reinterpret_cast<unsigned char*>(data_);
    unsigned char sink = 0;
    for (std::size_t at = 0; at < size_; at += page) {
      // Atomic, so a peer's concurrent store is no data race.
      sink |= detail::atomic_ref<unsigned char>(bytes[at]).load(std::memory_order_relaxed);
    }
    // Keeps the loads: the compiler cannot see that they are needed.
    asm volatile("" : : "r"(sink) : "memory");
  }

 private:
  shared_segment(std::byte* data, std::size_t size, std::string name, unlink_policy policy) noexcept
      : data_(data), size_(size), name_(std::move(name)), policy_(policy), creator_(::getpid()) {}

  static shared_segment map(int fd, std::size_t size, std::string name, segment_options options,
                            bool created) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const int error = errno;
    ::close(fd);  // the mapping keeps the segment alive
    if (p == MAP_FAILED) {
      if (created) ::shm_unlink(name.c_str());
      throw segment_error(error, "mmap(MAP_SHARED)", name, std::to_string(size) + " bytes");
    }
    shared_segment segment(static_cast<std::byte*>(p), size, std::move(name),
                           created ? options.unlink : unlink_policy::keep);
    if (options.prefault) segment.prefault();
    return segment;
  }

  static void check_name(const std::string& name, const char* operation) {
    // shm_open's portable form: one leading slash, no other, not just "/".
    if (name.size() < 2 || name.front() != '/' || name.find('/', 1) != std::string::npos ||
        name.find('\0') != std::string::npos) {
      throw segment_error(EINVAL, operation, name,
                          "a name must be \"/\" followed by characters other than \"/\"");
    }
  }

  static void check_size(std::size_t size, const std::string& name, const char* operation) {
    if (size == 0) throw segment_error(EINVAL, operation, name, "a segment needs at least one byte");
  }

  void release() noexcept {
    if (data_ != nullptr) ::munmap(data_, size_);
    // A fork()ed child that unwinds must not remove its parent's name.
    if (!name_.empty() && policy_ == unlink_policy::on_destroy && creator_ == ::getpid()) {
      ::shm_unlink(name_.c_str());
    }
    data_ = nullptr;
    size_ = 0;
    name_.clear();
  }

  std::byte* data_;
  std::size_t size_;
  std::string name_;
  unlink_policy policy_;
  pid_t creator_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
