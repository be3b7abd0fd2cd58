// mailbox::token<Layout>: exclusive access to a mailbox's payload, from the
// acquire-load that saw the expected state to the release-store (publish)
// that hands the payload over. Only a Mailbox makes one.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "layout.hpp"
#include "state_word.hpp"

namespace mailbox {

template <valid_layout Layout>
class Mailbox;

namespace detail {

[[noreturn, gnu::cold]] inline void token_used_after_publish() noexcept {
  std::fputs("mailbox: a token was used after publish(); publish consumes it\n", stderr);
  std::abort();
}

template <class T>
inline constexpr bool is_array_field_v = std::is_bounded_array_v<T>;

}  // namespace detail

template <class Layout, fixed_string Name>
concept names_a_payload_field = Layout::template has_payload<Name>;

template <class Layout, fixed_string Name>
concept names_a_scalar_payload_field =
    names_a_payload_field<Layout, Name> && !detail::is_array_field_v<typename Layout::template type_of<Name>>;

template <class Layout, fixed_string Name>
concept names_an_array_payload_field =
    names_a_payload_field<Layout, Name> && detail::is_array_field_v<typename Layout::template type_of<Name>>;

// A char[N] payload field: text that the other side may leave unterminated.
template <class Layout, fixed_string Name>
concept names_a_text_field = names_an_array_payload_field<Layout, Name> &&
    (std::is_same_v<std::remove_extent_t<typename Layout::template type_of<Name>>, char>);

// Exclusive access to the payload, from the acquire-load that saw the
// expected state to the release-store that hands the payload over.
template <valid_layout Layout>
class token {
 public:
  using state_type = typename Layout::state_type;

  [[gnu::always_inline]] token(token&& other) noexcept : base_(std::exchange(other.base_, nullptr)) {}
  token& operator=(token&& other) noexcept {
    base_ = std::exchange(other.base_, nullptr);
    return *this;
  }
  token(const token&) = delete;
  token& operator=(const token&) = delete;
  ~token() = default;

  // Reads a payload field that is not an array (arrays: span<"name">()).
  template <fixed_string Name>
  requires names_a_scalar_payload_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] typename Layout::template type_of<Name> get() const noexcept {
    typename Layout::template type_of<Name> value;
    std::memcpy(&value, field_address<Name>(), sizeof value);
    return value;
  }

  // Writes a payload field. The value converts as in an assignment to a
  // struct member of the field's type; arrays are copied whole.
  template <fixed_string Name>
  requires names_a_payload_field<Layout, Name>
  [[gnu::always_inline]] void set(const typename Layout::template type_of<Name>& value) noexcept {
    std::memcpy(field_address<Name>(), &value, sizeof value);
  }

  // An array field as a span of its elements, to read or write in place.
  template <fixed_string Name>
  requires names_an_array_payload_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] auto span() noexcept {
    using array = typename Layout::template type_of<Name>;
    using element = std::remove_extent_t<array>;
    return std::span<element, std::extent_v<array>>(reinterpret_cast<element*>(field_address<Name>()),
                                                    std::extent_v<array>);
  }

  template <fixed_string Name>
  requires names_an_array_payload_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] auto span() const noexcept {
    using array = typename Layout::template type_of<Name>;
    using element = std::remove_extent_t<array>;
    return std::span<const element, std::extent_v<array>>(
        reinterpret_cast<const element*>(field_address<Name>()), std::extent_v<array>);
  }

  // A char[N] field as text: up to the first NUL, and never more than N
  // characters when the other side wrote no terminator.
  template <fixed_string Name>
  requires names_a_text_field<Layout, Name>
  [[nodiscard]] std::string_view text() const noexcept {
    constexpr std::size_t capacity = std::extent_v<typename Layout::template type_of<Name>>;
    const char* chars = reinterpret_cast<const char*>(field_address<Name>());
    const void* nul = std::memchr(chars, '\0', capacity);
    return {chars, nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - chars) : capacity};
  }

  // Writes text into a char[N] field: at most N - 1 characters, then NUL
  // up to the end (no stale bytes follow). Returns how many characters were
  // stored: fewer than text.size() means it was cut.
  template <fixed_string Name>
  std::size_t set_text(std::string_view text) noexcept requires names_a_text_field<Layout, Name> {
    constexpr std::size_t capacity = std::extent_v<typename Layout::template type_of<Name>>;
    static_assert(capacity > 0);
    char* chars = reinterpret_cast<char*>(field_address<Name>());
    const std::size_t stored = text.size() < capacity ? text.size() : capacity - 1;
    std::memmove(chars, text.data(), stored);  // text may be a view of this very field
    std::memset(chars + stored, 0, capacity - stored);
    return stored;
  }

  // Stores the next state with release semantics, handing the payload to
  // whoever acquires that state: every payload write made through this
  // token happens-before their reads. The token is spent afterwards.
  //
  // A plain release store, unless the layout declares blocking_waiters:
  // then an atomic exchange (release) that wakes sleeping waiters.
  [[gnu::always_inline]] void publish(state_type next) && noexcept {
    std::byte* base = checked_base();
    base_ = nullptr;
    if constexpr (Layout::has_blocking_waiters) {
      const auto word = std::bit_cast<std::uint32_t>(next);
      if (word & detail::waiter_mark) detail::state_uses_waiter_mark();
      detail::exchange_state_and_wake(base + Layout::state_offset, word);
    } else {
      detail::store_state_release<state_type>(base + Layout::state_offset, next);
    }
  }

 private:
  friend class Mailbox<Layout>;

  [[gnu::always_inline]] explicit token(std::byte* base) noexcept : base_(base) {
    // Lets the compiler drop the checks below on every token fresh from a
    // mailbox, whose base a constructor has already checked.
    if (base == nullptr) __builtin_unreachable();
  }

  [[nodiscard, gnu::always_inline]] std::byte* checked_base() const noexcept {
    if (base_ == nullptr) detail::token_used_after_publish();
    return base_;
  }

  template <fixed_string Name>
  [[nodiscard, gnu::always_inline]] std::byte* field_address() const noexcept {
    return checked_base() + Layout::template offset_of<Name>;
  }

  std::byte* base_;
};

// std::get-style free functions, so generic code need not write
// `t.template get<"x">()`.
template <fixed_string Name, class Token>
[[nodiscard]] auto get(const Token& t) noexcept -> decltype(t.template get<Name>()) {
  return t.template get<Name>();
}

template <fixed_string Name, class Token, class Value>
auto set(Token& t, const Value& value) noexcept -> decltype(t.template set<Name>(value)) {
  t.template set<Name>(value);
}

template <fixed_string Name, class Token>
[[nodiscard]] auto span(Token& t) noexcept -> decltype(t.template span<Name>()) {
  return t.template span<Name>();
}

}  // namespace mailbox
