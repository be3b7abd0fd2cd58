// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::fixed_string<N>: a string usable as a template argument, the way
// every name of a layout, protocol and role is spelled: field<"error", int>.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// A string usable as a template argument: field<"error", int>.
template <std::size_t N>
struct fixed_string {
  char value[N]{};

  constexpr fixed_string(const char (&text)[N]) noexcept { std::copy_n(text, N, value); }

  [[nodiscard]] static constexpr std::size_t size() noexcept { return N - 1; }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {value, N - 1}; }

  template <std::size_t M>
  [[nodiscard]] constexpr bool operator==(const fixed_string<M>& other) const noexcept {
    return view() == other.view();
  }
};

namespace detail {
// Where `c` first occurs in `text`, or npos: a plain loop, because g++ 12
// under -fsanitize=undefined cannot evaluate std::string_view::find (its
// pointer comparisons) in a constant expression.
constexpr std::size_t find_char(std::string_view text, char c) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == c) return i;
  }
  return std::string_view::npos;
}
}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
