// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::fixed_text<N>: a copy of a char[N] field's text, made in one read,
// with no allocation. The copy is the caller's: the peer's later writes to the
// field cannot change it while it is being read.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

// Marks fixed_text as owning its characters, so that clang (-Wdangling-gsl,
// on by default) warns about `std::string_view v = t.text<"x">();`, a view of
// a temporary copy. Passing t.text<"x">() to a function is fine.
#if defined(__clang__)
#define MAILBOX_OWNS_CHARS [[gsl::Owner(char)]]
#else
#define MAILBOX_OWNS_CHARS
#endif

#include "abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

template <std::size_t N>
class MAILBOX_OWNS_CHARS fixed_text {
 public:
  static constexpr std::size_t capacity = N;

  // Empty text.
  constexpr fixed_text() noexcept = default;

  // The text up to the first NUL of `field`, or all N characters when it has
  // none. Reads each byte of the field once, into this copy; the length is
  // then computed on the copy, so a peer writing meanwhile can tear the text
  // but never make it longer than N or unterminated.
  [[nodiscard]] MAILBOX_HOST_DEVICE static fixed_text copy_of(std::span<const char, N> field) noexcept {
    fixed_text out;
    std::memcpy(out.chars_, field.data(), N);
#if defined(__CUDA_ARCH__)
    out.size_ = 0;  // device code has no memchr
    while (out.size_ < N && out.chars_[out.size_] != '\0') ++out.size_;
#else
    const void* nul = std::memchr(out.chars_, '\0', N);
    out.size_ = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - out.chars_) : N;
#endif
    out.chars_[out.size_] = '\0';
    return out;
  }

  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] constexpr const char* data() const noexcept { return chars_; }
  // Always NUL-terminated: the copy keeps one byte more than the field.
  [[nodiscard]] constexpr const char* c_str() const noexcept { return chars_; }
  [[nodiscard]] constexpr const char* begin() const noexcept { return chars_; }
  [[nodiscard]] constexpr const char* end() const noexcept { return chars_ + size_; }

  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars_, size_}; }
  constexpr operator std::string_view() const noexcept { return view(); }
  [[nodiscard]] std::string str() const { return std::string(view()); }

  friend constexpr bool operator==(const fixed_text& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  char chars_[N + 1]{};
  std::size_t size_ = 0;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
