// mailbox::Mailbox<Layout>: a typed view over a block of memory holding a
// payload and one state word, where the payload is reachable only through a
// token that an acquire-load produced and a release-store consumes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "arch.hpp"
#include "layout.hpp"

namespace mailbox {

// A memory region that cannot hold the layout: too small or misaligned.
class region_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

template <class State>
using word_for = std::conditional_t<sizeof(State) == 4, std::uint32_t, std::uint64_t>;

// The only two accesses the state word ever gets.
template <class State>
[[gnu::always_inline]] inline State load_state_acquire(const std::byte* at) noexcept {
  using word = word_for<State>;
  return std::bit_cast<State>(arch::load_acquire(*reinterpret_cast<const word*>(at)));
}

template <class State>
[[gnu::always_inline]] inline void store_state_release(std::byte* at, State value) noexcept {
  using word = word_for<State>;
  arch::store_release(*reinterpret_cast<word*>(at), std::bit_cast<word>(value));
}

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

template <valid_layout Layout>
class Mailbox {
 public:
  using layout_type = Layout;
  using state_type = typename Layout::state_type;

  // Minimum size and alignment of a region that can hold the layout.
  static constexpr std::size_t required_size = Layout::size;
  static constexpr std::size_t required_alignment = Layout::alignment;

  // Exclusive access to the payload, from the acquire-load that saw the
  // expected state to the release-store that hands the payload over.
  class token {
   public:
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

    // Stores the next state with release semantics, handing the payload to
    // whoever acquires that state: every payload write made through this
    // token happens-before their reads. The token is spent afterwards.
    [[gnu::always_inline]] void publish(state_type next) && noexcept {
      std::byte* base = checked_base();
      base_ = nullptr;
      detail::store_state_release<state_type>(base + Layout::state_offset, next);
    }

   private:
    friend class Mailbox;

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

  // Views an existing region; writes nothing. Throws region_error when the
  // region is too small or misaligned for the layout.
  explicit Mailbox(std::span<std::byte> region) : base_(checked_region(region)) {}

  // Prepares a fresh region: zeroes every byte of the layout, then
  // release-stores the first state. Nobody else may use the region meanwhile.
  //
  // Kept out of line: it runs once, and when GCC 12 inlines its memset and
  // store into the caller, it may keep the returned view's base in two
  // registers, so the caller's state() and publish() address the state word
  // through different registers. AMD Zen forwards a store to a later load
  // without latency only when both use the same base register and offset;
  // bench_uncontended's acquire+publish loop ran 3x slower than hand-written
  // code because of it.
  [[nodiscard, gnu::noinline]] static Mailbox initialize(std::span<std::byte> region, state_type first) {
    Mailbox box(region);
    std::memset(box.base_, 0, Layout::size);
    detail::store_state_release<state_type>(box.base_ + Layout::state_offset, first);
    return box;
  }

  // Acquire-load of the state word. Pairs with the release-store of the
  // publish() that wrote this value.
  [[nodiscard, gnu::always_inline]] state_type state() const noexcept {
    return detail::load_state_acquire<state_type>(base_ + Layout::state_offset);
  }

  // A token if the state is `expected` now, otherwise nothing.
  [[nodiscard, gnu::always_inline]] std::optional<token> try_acquire(state_type expected) const noexcept {
    if (state() != expected) return std::nullopt;
    return token(base_);
  }

  // Waits, spinning politely, until the state is `expected`, then returns a
  // token.
  [[nodiscard]] token acquire(state_type expected) const noexcept {
    while (state() != expected) arch::cpu_relax();
    return token(base_);
  }

  // The bytes of the layout, for copying or inspecting the region as a whole.
  [[nodiscard]] std::span<std::byte, Layout::size> bytes() const noexcept {
    return std::span<std::byte, Layout::size>(base_, Layout::size);
  }

 private:
  static std::byte* checked_region(std::span<std::byte> region) {
    if (region.size() < Layout::size) {
      throw region_error("mailbox::Mailbox: region too small for the layout: expected at least " +
                         std::to_string(Layout::size) + " bytes, got " + std::to_string(region.size()) +
                         " bytes");
    }
    const auto address = reinterpret_cast<std::uintptr_t>(region.data());
    if (address == 0 || address % Layout::alignment != 0) {
      throw region_error(
          "mailbox::Mailbox: region misaligned for the layout: expected an address aligned to " +
          std::to_string(Layout::alignment) + " bytes, got an address aligned to " +
          std::to_string(address == 0 ? 0 : std::size_t{1} << std::countr_zero(address)) + " bytes");
    }
    return region.data();
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
