// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::token<Layout>: exclusive access to a mailbox's payload, from the
// acquire-load that saw the expected state to the release-store (publish)
// that hands the payload over. Only a Mailbox makes one.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "detail/diagnostics.hpp"
#include "fixed_text.hpp"
#include "layout.hpp"
#include "state_word.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

template <valid_layout Layout>
class Mailbox;

template <valid_layout Layout>
class token;

// An alternative of a keyed union seen through a token (keyed.hpp).
template <class Keyed, std::size_t I, class Token, bool Writable>
class alternative_ref;

namespace detail {
// The library's own way into tokens and mailboxes (defined after token):
// for wrappers such as mailbox::endpoint, which build their tokens in place,
// and for the payload structures' accessors (keyed.hpp).
struct token_access;
template <class Keyed>
struct keyed_access;

template <class T>
inline constexpr bool is_keyed_v = false;
}  // namespace detail

// Token accessors are constrained by the concepts below. When a call does not
// compile, the compiler names the concept that failed and, in it, the field
// as mailbox::field_named<'a', 'r', 'g', 's'>: readable, where the string
// template argument itself prints as {{97, 114, 103, 115, 0}} or a mangled
// _ZTAX... name.
template <char... Name>
struct field_named {
  static constexpr fixed_string<sizeof...(Name) + 1> name =
      fixed_string<sizeof...(Name) + 1>({Name..., '\0'});
};

namespace detail {

template <fixed_string Name, std::size_t... I>
auto spell_field_name(std::index_sequence<I...>) -> mailbox::field_named<Name.value[I]...>;

template <fixed_string Name>
using field_named_t = decltype(spell_field_name<Name>(std::make_index_sequence<Name.size()>{}));

// Whether a value of type From may be stored into a field of type To by
// set(): the same type; or a conversion that list-initialisation accepts
// (no narrowing: not int64 -> int32, double -> int32, int -> uint8) and
// that is implicit; or an integer into an integer at least as wide, of either
// signedness, which is narrowing by the letter of list-initialisation but
// loses no bits (t->set<"callable">(42) must store an int into a
// uint64_t field; a negative value wraps as in C). Arrays: the same type only.
template <class From, class To>
concept integer_no_narrower =
    std::is_integral_v<From> && std::is_integral_v<To> && !std::is_same_v<From, bool> &&
    !std::is_same_v<To, bool> && sizeof(To) >= sizeof(From);

template <class From, class To>
concept converts_without_narrowing = std::is_convertible_v<const From&, To> && requires(const From& v) {
  To{v};
};

template <class From, class To>
inline constexpr bool stores_without_narrowing = std::is_same_v<std::remove_cv_t<From>, To> ||
                                                 (!std::is_array_v<To> && !std::is_array_v<From> &&
                                                  (integer_no_narrower<std::remove_cv_t<From>, To> ||
                                                   converts_without_narrowing<From, To>));

// Device code has no abort(): these trap there, with the same message.
[[noreturn, gnu::cold]] MAILBOX_HOST_DEVICE inline void token_used_after_publish() noexcept {
  constexpr const char* message =
      "mailbox: a token was used after publish() or abandon(); either one spends it\n";
#if defined(__CUDA_ARCH__)
  cuda::detail::trap(message);
#else
  std::fputs(message, stderr);
  std::abort();
#endif
}

[[noreturn, gnu::cold]] MAILBOX_HOST_DEVICE inline void token_used_after_move() noexcept {
  constexpr const char* message =
      "mailbox: a token was used after it was moved from; the payload went with the move\n";
#if defined(__CUDA_ARCH__)
  cuda::detail::trap(message);
#else
  std::fputs(message, stderr);
  std::abort();
#endif
}

[[noreturn, gnu::cold]] MAILBOX_HOST_DEVICE inline void token_dropped() noexcept {
  constexpr const char* message =
      "mailbox: a token was destroyed without publish() or abandon(); the protocol is stranded in the "
      "acquired state (MAILBOX_DEBUG_TOKENS)\n";
#if defined(__CUDA_ARCH__)
  cuda::detail::trap(message);
#else
  std::fputs(message, stderr);
  std::abort();
#endif
}

// A token that an exception unwinds past is not a programming error the way
// a forgotten publish() is: the exception already says what went wrong, and
// aborting here would replace it with a less useful message (or kill a
// program that catches it and recovers). Say so, and let it travel.
[[gnu::cold]] inline void token_unwound() noexcept {
  std::fputs(
      "mailbox: a token was destroyed by an exception before publish() or abandon(); the mailbox stays "
      "in the state it was acquired in (MAILBOX_DEBUG_TOKENS)\n",
      stderr);
}

[[noreturn, gnu::cold]] MAILBOX_HOST_DEVICE inline void state_not_declared(const char* operation,
                                                                           std::uint64_t raw) noexcept {
  static constexpr char format[] =
      "mailbox: %s of the state value %llu, which is not one of the layout's valid_states; "
      "every peer would report it as invalid_state\n";
#if defined(__CUDA_ARCH__)
  printf(format, operation, static_cast<unsigned long long>(raw));
  cuda::detail::trap("");
#else
  std::fprintf(stderr, format, operation, static_cast<unsigned long long>(raw));
  std::abort();
#endif
}

[[noreturn, gnu::cold]] MAILBOX_HOST_DEVICE inline void state_has_waiter_mark(
    const char* operation) noexcept {
  static constexpr char format[] =
      "mailbox: %s of a state value with the top bit set in a layout with blocking_waiters; "
      "that bit marks a sleeping waiter\n";
#if defined(__CUDA_ARCH__)
  printf(format, operation);
  cuda::detail::trap("");
#else
  std::fprintf(stderr, format, operation);
  std::abort();
#endif
}

// The checks every state a mailbox stores must pass (publish, initialize):
// not the sleeping-waiter mark, and one of the layout's valid_states. Both
// cost nothing for a constant state in a layout without valid_states.
template <class Layout>
[[gnu::always_inline]] MAILBOX_HOST_DEVICE inline void check_storable_state(typename Layout::state_type next,
                                                                            const char* operation) noexcept {
  using word = word_for<typename Layout::state_type>;
  if constexpr (Layout::has_blocking_waiters) {
    if (std::bit_cast<word>(next) & waiter_mark) state_has_waiter_mark(operation);
  }
  if constexpr (Layout::declares_valid_states) {
    if (!Layout::is_valid_state(next)) state_not_declared(operation, std::bit_cast<word>(next));
  }
}

// A field's value, copied out bytewise, so that a trivially copyable type
// without a default constructor reads too.
template <class T>
[[nodiscard, gnu::always_inline]] inline T load_value(const std::byte* at) noexcept {
  std::byte bytes[sizeof(T)];
  std::memcpy(bytes, at, sizeof(T));
  return std::bit_cast<T>(bytes);
}

// Stores a value into a field of type T: the value itself, or converted
// (set() allows only conversions that lose nothing, stores_without_narrowing).
template <class T, class Value>
[[gnu::always_inline]] inline void store_value(std::byte* at, const Value& value) noexcept {
  if constexpr (std::is_same_v<std::remove_cv_t<Value>, T>) {
    std::memcpy(at, &value, sizeof(T));
  } else {
    const T converted = static_cast<T>(value);
    std::memcpy(at, &converted, sizeof(T));
  }
}

// Writes text into a char[capacity] field: at most capacity - 1 characters,
// then NUL up to the end (no stale bytes follow). Returns how many
// characters were stored: fewer than text.size() means it was cut.
[[gnu::always_inline]] inline std::size_t store_text(char* chars, std::size_t capacity,
                                                     std::string_view text) noexcept {
  const std::size_t stored = text.size() < capacity ? text.size() : capacity - 1;
  std::memmove(chars, text.data(), stored);  // text may be a view of this very field
  std::memset(chars + stored, 0, capacity - stored);
  return stored;
}

template <class T>
inline constexpr bool is_char_array_v =
    std::is_bounded_array_v<T>&& std::is_same_v<std::remove_extent_t<T>, char>&& std::extent_v<T> != 0;

}  // namespace detail

// Field is a field_named<...>; each concept is one claim about it.
template <class Field, class Layout>
concept layout_has_field = Layout::template has<Field::name>;

template <class Field, class Layout>
concept is_not_the_state_word = (Field::name.view() != Layout::state_name);

template <class Field, class Layout>
concept is_a_payload_field = layout_has_field<Field, Layout> && is_not_the_state_word<Field, Layout> &&
    Layout::template has_payload<Field::name>;

template <class Field, class Layout>
concept is_a_scalar_field =
    is_a_payload_field<Field, Layout> && !std::is_array_v<typename Layout::template type_of<Field::name>>;

// (A member array of a packed struct may sit at an address its elements
// are not aligned for: no span of it; get and set copy it whole.)
template <class Field, class Layout>
concept is_an_array_field = is_a_payload_field<Field, Layout> &&
    std::is_bounded_array_v<typename Layout::template type_of<Field::name>> &&
    Layout::template is_aligned<Field::name>;

template <class Field, class Layout>
concept is_a_char_array_field = is_an_array_field<Field, Layout> && std::is_same_v <
                                std::remove_extent_t<typename Layout::template type_of<Field::name>>,
char > ;

template <class Value, class Field, class Layout>
concept value_converts_without_narrowing =
    detail::stores_without_narrowing<Value, typename Layout::template type_of<Field::name>>;

// The same claims by the field's name, for requires-clauses.
template <class Layout, fixed_string Name>
concept names_a_payload_field = is_a_payload_field<detail::field_named_t<Name>, Layout>;

template <class Layout, fixed_string Name>
concept names_a_scalar_payload_field = is_a_scalar_field<detail::field_named_t<Name>, Layout>;

template <class Layout, fixed_string Name>
concept names_an_array_payload_field = is_an_array_field<detail::field_named_t<Name>, Layout>;

// A char[N] payload field: text that the other side may leave unterminated.
template <class Layout, fixed_string Name>
concept names_a_text_field = is_a_char_array_field<detail::field_named_t<Name>, Layout>;

template <class Layout, fixed_string Name, class Value>
concept accepts_value_for = names_a_payload_field<Layout, Name> &&
    value_converts_without_narrowing<Value, detail::field_named_t<Name>, Layout>;

// A payload field whose type is a keyed union (keyed.hpp), and one of its
// keys.
template <class Layout, fixed_string Name>
concept names_a_keyed_field =
    names_a_payload_field<Layout, Name> && detail::is_keyed_v<typename Layout::template type_of<Name>>;

template <class Layout, fixed_string Name, auto Key>
concept keyed_field_has_key =
    names_a_keyed_field<Layout, Name> && Layout::template type_of<Name>::template has_key<Key>;

// Debug-build check that every token is published (or abandoned, or moved
// from) before it is destroyed: an acquired token that is dropped leaves the
// mailbox in the acquired state, and the peer waits forever. On by default
// where NDEBUG is not defined, like assert(); define MAILBOX_DEBUG_TOKENS to
// 0 or 1 to choose (abi.hpp). Translation units that choose differently get
// their own copies of every mailbox entity (abi.hpp's inline namespace), so
// a program may mix them, but not pass mailbox types from one to the other.
// Off, the token's destructor is trivial.
inline constexpr bool debug_tokens = MAILBOX_DEBUG_TOKENS != 0;

// An array field seen through its token: data(), begin(), end(), front(),
// back() and operator[] check that the token still holds the payload, and
// abort with a message once it was published or moved from. The pointers
// they return are plain: a loop over begin()..end() costs what a loop over a
// std::span does. Lives no longer than its token, as a std::string_view
// lives no longer than its string.
template <class Element, std::size_t Extent, class Token>
class field_span {
 public:
  using element_type = Element;
  using value_type = std::remove_cv_t<Element>;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using pointer = Element*;
  using reference = Element&;
  using iterator = Element*;
  static constexpr std::size_t extent = Extent;

  [[nodiscard]] static constexpr std::size_t size() noexcept { return Extent; }
  [[nodiscard]] static constexpr std::size_t size_bytes() noexcept { return Extent * sizeof(Element); }
  [[nodiscard]] static constexpr bool empty() noexcept { return Extent == 0; }

  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE Element* data() const noexcept {
    owner_->check_live();
    return elements_;
  }
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE Element* begin() const noexcept { return data(); }
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE Element* end() const noexcept {
    return data() + Extent;
  }
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE Element& operator[](std::size_t i) const noexcept {
    return data()[i];
  }
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE Element& front() const noexcept { return data()[0]; }
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE Element& back() const noexcept {
    return data()[Extent - 1];
  }

 private:
  template <valid_layout>
  friend class token;
  friend struct detail::token_access;
  // Not laundered, unlike the state word: the elements are objects the
  // region's bytes hold (created implicitly), so the standard asks for
  // std::launder here too, but GCC 12 then loses track of the offset from the
  // token's base and the AArch64 instruction checks count one to three
  // instructions more per step. Every access of the payload by value (get,
  // set, text, set_text) goes through memcpy, which needs no launder.
  [[gnu::always_inline]] MAILBOX_HOST_DEVICE field_span(const Token* owner, std::byte* at) noexcept
      : owner_(owner), elements_(reinterpret_cast<Element*>(at)) {}
  const Token* owner_;
  Element* elements_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox

// The pointers a field_span hands out point into the region, not into the
// view: they stay as valid as the token when the view is gone.
template <class Element, std::size_t Extent, class Token>
inline constexpr bool std::ranges::enable_borrowed_range<mailbox::field_span<Element, Extent, Token>> = true;

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// Exclusive access to the payload, from the acquire-load that saw the
// expected state to the release-store that hands the payload over. Move-only;
// made only by a Mailbox; spent by publish().
template <valid_layout Layout>
class token {
 public:
  using state_type = typename Layout::state_type;

  // constexpr under nvcc: its device code drops, as unreachable, a
  // std::optional<token> built by a move constructor that is not.
  [[gnu::always_inline]] MAILBOX_HOST_DEVICE MAILBOX_CUDA_CONSTEXPR token(token&& other) noexcept
      : base_(std::exchange(other.base_, moved_from())) {}
  MAILBOX_HOST_DEVICE token& operator=(token&& other) noexcept {
    if (this != &other) {
      drop_check();
      base_ = std::exchange(other.base_, moved_from());
    }
    return *this;
  }
  token(const token&) = delete;
  token& operator=(const token&) = delete;
#if MAILBOX_DEBUG_TOKENS && !defined(__CUDA_ARCH__)
  [[gnu::always_inline]] MAILBOX_HOST_DEVICE ~token() { drop_check(); }
#else
  // Device code: trivial whatever MAILBOX_DEBUG_TOKENS says. nvcc 13
  // miscompiles std::optional<T> in device code for any T with a
  // non-trivial destructor (the kernel's code after it is dropped as
  // unreachable), and try_acquire() returns one.
  ~token() = default;  // trivial: a token costs nothing to drop in a release build
#endif

  // Reads a payload field that is not an array (arrays: span<"name">()).
  // Bytewise, so a trivially copyable type without a default constructor is
  // readable too.
  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_a_scalar_payload_field<Layout, Name>)
      [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE auto get() const noexcept {
    // (A deduced return type: spelt out, its substitution would fail before
    // the constraint does, and clang would report that instead of the field.)
    using T = typename Layout::template type_of<Name>;
#if defined(__CUDA_ARCH__)
    // cicc (CUDA 13) stops with an internal error on std::bit_cast from an
    // array; memcpy creates the T in the bytes, which launder then reaches.
    // The field is aligned for T (the region is, for the layout), which
    // nothing tells cicc: without the hint it copies byte by byte.
    alignas(T) std::byte bytes[sizeof(T)];
    std::memcpy(bytes, __builtin_assume_aligned(field_address<Name>(), alignof(T)), sizeof(T));
    return *std::launder(reinterpret_cast<const T*>(bytes));
#else
    return detail::load_value<T>(field_address<Name>());
#endif
  }

  // Writes a payload field: a value of the field's type, or one that
  // converts to it without narrowing (see detail::stores_without_narrowing);
  // arrays are copied whole and must have the field's type exactly.
  template <fixed_string Name, class Value>
  requires(Layout::template has<Name>&& accepts_value_for<Layout, Name, Value>)
      [[gnu::always_inline]] MAILBOX_HOST_DEVICE void set(const Value& value) noexcept {
    using T = typename Layout::template type_of<Name>;
#if defined(__CUDA_ARCH__)
    // Aligned for T, which cicc cannot see (see get()).
    void* field = __builtin_assume_aligned(field_address<Name>(), alignof(T));
    if constexpr (std::is_same_v<std::remove_cv_t<Value>, T>) {
      std::memcpy(field, &value, sizeof(T));
    } else {
      const T converted = static_cast<T>(value);
      std::memcpy(field, &converted, sizeof(T));
    }
#else
    detail::store_value<T>(field_address<Name>(), value);
#endif
  }

  // An array field, to read or write in place: a field_span, checked against
  // this token on every access (begin() and end() for a range-for).
  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_an_array_payload_field<Layout, Name>)
      [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE auto span() & noexcept {
    using array = typename Layout::template type_of<Name>;
    return field_span<std::remove_extent_t<array>, std::extent_v<array>, token>(this, field_address<Name>());
  }

  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_an_array_payload_field<Layout, Name>)
      [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE auto span() const& noexcept {
    using array = typename Layout::template type_of<Name>;
    return field_span<const std::remove_extent_t<array>, std::extent_v<array>, token>(this,
                                                                                      field_address<Name>());
  }

  // Not of a temporary token: the view would outlive it.
  template <fixed_string Name>
  void span() const&& = delete;

  // A char[N] field's text, copied out: up to the first NUL, and never more
  // than N characters when the other side wrote no terminator. A copy, so it
  // stays valid after publish() and the peer's next writes cannot change it
  // while it is read.
  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_a_text_field<Layout, Name>) [[nodiscard]] MAILBOX_HOST_DEVICE
      auto text() const noexcept {
    constexpr std::size_t capacity = std::extent_v<typename Layout::template type_of<Name>>;
    const char* chars = reinterpret_cast<const char*>(field_address<Name>());
    return fixed_text<capacity>::copy_of(std::span<const char, capacity>(chars, capacity));
  }

  // Writes text into a char[N] field: at most N - 1 characters, then NUL
  // up to the end (no stale bytes follow). Returns how many characters were
  // stored: fewer than text.size() means it was cut.
  template <fixed_string Name>
  MAILBOX_HOST_DEVICE std::size_t set_text(std::string_view text) noexcept
      requires(Layout::template has<Name>&& names_a_text_field<Layout, Name>) {
    constexpr std::size_t capacity = std::extent_v<typename Layout::template type_of<Name>>;
    static_assert(capacity > 0);
#if defined(__CUDA_ARCH__)
    char* chars = reinterpret_cast<char*>(field_address<Name>());
    const std::size_t stored = text.size() < capacity ? text.size() : capacity - 1;
    cuda::detail::move_bytes(chars, text.data(), stored);  // device code has no memmove
    std::memset(chars + stored, 0, capacity - stored);
    return stored;
#else
    return detail::store_text(reinterpret_cast<char*>(field_address<Name>()), capacity, text);
#endif
  }

  // Keyed unions (keyed.hpp): a field whose type is a mailbox::keyed<...>.
  // The key it holds, whatever a peer stored.
  template <fixed_string Name>
  requires names_a_keyed_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] auto key() const noexcept {
    return detail::keyed_access<typename Layout::template type_of<Name>>::load_key(field_address<Name>());
  }

  // The alternative of key Key, if the field holds that key now: its fields
  // are reachable only through the alternative_ref this returns (writable
  // from a token that is not const). An empty optional otherwise.
  template <fixed_string Name, auto Key>
  requires keyed_field_has_key<Layout, Name, Key>
  [[nodiscard, gnu::always_inline]] auto alternative() & noexcept {
    using keyed = typename Layout::template type_of<Name>;
    return detail::keyed_access<keyed>::template find<keyed::template index_of_key<Key>, token, true>(
        this, field_address<Name>());
  }

  template <fixed_string Name, auto Key>
  requires keyed_field_has_key<Layout, Name, Key>
  [[nodiscard, gnu::always_inline]] auto alternative() const& noexcept {
    using keyed = typename Layout::template type_of<Name>;
    return detail::keyed_access<keyed>::template find<keyed::template index_of_key<Key>, token, false>(
        this, field_address<Name>());
  }

  // Not of a temporary token: the alternative would outlive it.
  template <fixed_string Name, auto Key>
  void alternative() const&& = delete;

  // Makes Key's alternative the one the field holds, in one step: its bytes
  // zeroed, then the key stored; returns it, to write its fields. There is
  // no other way to change the key, so no alternative is ever written under
  // another's key.
  template <fixed_string Name, auto Key>
  requires keyed_field_has_key<Layout, Name, Key>
  [[gnu::always_inline]] auto emplace() & noexcept {
    using keyed = typename Layout::template type_of<Name>;
    return detail::keyed_access<keyed>::template emplace<keyed::template index_of_key<Key>, token>(
        this, field_address<Name>());
  }

  template <fixed_string Name, auto Key>
  void emplace() && = delete;

  // Calls f with the alternative_ref of the alternative the key selects
  // (decltype(ref)::key says which); returns false, without calling f, when
  // the key selects none (a value this side does not know).
  template <fixed_string Name, class F>
  requires names_a_keyed_field<Layout, Name>
  bool visit(F&& f) & {
    return detail::keyed_access<typename Layout::template type_of<Name>>::template visit<token, true>(
        this, field_address<Name>(), f);
  }

  template <fixed_string Name, class F>
  requires names_a_keyed_field<Layout, Name>
  bool visit(F&& f) const& {
    return detail::keyed_access<typename Layout::template type_of<Name>>::template visit<token, false>(
        this, field_address<Name>(), f);
  }

  // get, set, span, text and set_text of a name the layout does not have:
  // deleted, so that generic code's requires-expressions see false, with the
  // message in Unknown, which the compiler prints in its "use of deleted
  // function" error: the name and the closest payload field, as in
  // mailbox::no_field_named<'e', 'r', 'o', 'r'>::did_you_mean<'e', 'r', 'r', 'o', 'r'>
  // (detail/diagnostics.hpp). The source line is printed too, hence the
  // comments. A correct name never computes Unknown.
  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) MAILBOX_HOST_DEVICE
      auto get() const = delete;  // no such field: see Unknown

  template <fixed_string Name, class Value, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) MAILBOX_HOST_DEVICE
      void set(const Value&) = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) MAILBOX_HOST_DEVICE
      auto span() const& = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) MAILBOX_HOST_DEVICE
      auto text() const = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) MAILBOX_HOST_DEVICE
      auto set_text(std::string_view) = delete;  // no such field: see Unknown

  // Stores the next state with release semantics, handing the payload to
  // whoever acquires that state: every payload write made through this
  // token happens-before their reads. The token is spent afterwards.
  //
  // A plain release store, unless the layout declares blocking_waiters:
  // then, with the futex wait backend, an atomic exchange (release) that
  // wakes sleeping waiters (detail::publish_blocking_state). Aborts
  // with a message for a state the layout cannot hold (the waiter mark, or a
  // value outside its valid_states).
  [[gnu::always_inline]] MAILBOX_HOST_DEVICE void publish(state_type next) && noexcept {
    std::byte* base = checked_base();
    base_ = nullptr;
    detail::check_storable_state<Layout>(next, "publish()");
#if defined(__CUDA_ARCH__)
    cuda::detail::store_state<Layout>(base, next);  // st.release at the layout's scope
#else
    if constexpr (Layout::has_blocking_waiters) {
      detail::publish_blocking_state(base + Layout::state_offset, std::bit_cast<std::uint32_t>(next));
    } else {
      detail::store_state_release<state_type>(base + Layout::state_offset, next);
    }
#endif
  }

  // Ends the token without publishing: the state word is not touched, so the
  // mailbox stays in the state it was acquired in and nobody is woken. For a
  // last read before teardown, a state nobody publishes out of, or an error
  // path that hands over later with a new token (the state's owner may
  // acquire it again). Writes made through the token stay in the payload,
  // unpublished: the next token of this state sees them. The token is spent,
  // as after publish(); a debug build (MAILBOX_DEBUG_TOKENS) then destroys
  // it quietly.
  [[gnu::always_inline]] MAILBOX_HOST_DEVICE void abandon() && noexcept {
    (void)checked_base();
    base_ = nullptr;
  }

  // publish() and abandon() of an lvalue token: deleted, and the message says
  // why (the compiler prints Why and the declaration's line, comment included,
  // so each stays on one line).
  // clang-format off
  template <class Why = publish_consumes_the_token_write_std_move_t_publish>
  MAILBOX_HOST_DEVICE void publish(state_type) const& = delete;  // publish() consumes the token: write std::move(t).publish(...)

  template <class Why = abandon_consumes_the_token_write_std_move_t_abandon>
  MAILBOX_HOST_DEVICE void abandon() const& = delete;  // abandon() consumes the token: write std::move(t).abandon()
  // clang-format on

 private:
  friend class Mailbox<Layout>;
  friend struct detail::token_access;
  template <class, std::size_t, class>
  friend class field_span;

  // base_ holds the region while the token holds the payload, and otherwise
  // one of two values no region has (regions are aligned to at least 4):
  // nullptr once published, moved_from() once moved from. One comparison
  // tells a live token from both.
  static constexpr std::uintptr_t last_dead_value = 1;
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE static std::byte* moved_from() noexcept {
    return reinterpret_cast<std::byte*>(last_dead_value);
  }
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE static bool is_live(const std::byte* base) noexcept {
    return reinterpret_cast<std::uintptr_t>(base) > last_dead_value;
  }

  [[gnu::always_inline]] MAILBOX_HOST_DEVICE explicit token(std::byte* base) noexcept : base_(base) {
    // Lets the compiler drop the checks below on every token fresh from a
    // mailbox, whose base a constructor has already checked.
    if (!is_live(base)) __builtin_unreachable();
  }

  [[gnu::always_inline]] MAILBOX_HOST_DEVICE void drop_check() const noexcept {
    if constexpr (debug_tokens) {
      if (is_live(base_)) {
#if defined(__CUDA_ARCH__)
        detail::token_dropped();  // no exceptions in device code
#else
        if (std::uncaught_exceptions() > 0) {
          detail::token_unwound();
        } else {
          detail::token_dropped();
        }
#endif
      }
    }
  }

  [[gnu::always_inline]] MAILBOX_HOST_DEVICE void check_live() const noexcept {
    if (!is_live(base_)) [[unlikely]] {
      if (base_ == nullptr) detail::token_used_after_publish();
      detail::token_used_after_move();
    }
  }

  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE std::byte* checked_base() const noexcept {
    check_live();
    return base_;
  }

  template <fixed_string Name>
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE std::byte* field_address() const noexcept {
    return checked_base() + Layout::template offset_of<Name>;
  }

  std::byte* base_;
};

namespace detail {

// The library's own way into tokens and mailboxes: for wrappers such as
// mailbox::endpoint, which build their tokens in place from the mailbox's
// base, as Mailbox does, rather than moving a Mailbox token into theirs (a
// move loses the compiler's knowledge that the base is live, and g++ -Os
// then keeps the liveness checks of every access); and for the payload
// structures' accessors (keyed.hpp), which check and reach through a token.
struct token_access {
  template <class Layout>
  [[nodiscard, gnu::always_inline]] static std::byte* base_of(const Mailbox<Layout>& box) noexcept {
    return box.base_;
  }
  template <class Layout>
  [[nodiscard, gnu::always_inline]] static token<Layout> make(std::byte* base) noexcept {
    return token<Layout>(base);
  }
  // Spends a live token without the debug build's drop check and gives its
  // base, for rebuilding it in place as another token.
  template <class Layout>
  [[nodiscard, gnu::always_inline]] static std::byte* release(token<Layout>& t) noexcept {
    std::byte* base = t.checked_base();
    t.base_ = nullptr;
    return base;
  }
  // Ends a token quietly if it is still live (a terminal state's token).
  template <class Layout>
  [[gnu::always_inline]] static void end_quietly(token<Layout>& t) noexcept {
    if (token<Layout>::is_live(t.base_)) t.base_ = nullptr;
  }
  template <class Token>
  [[gnu::always_inline]] static void check_live(const Token& t) noexcept {
    t.check_live();
  }

  template <class Element, std::size_t Extent, class Token>
  [[nodiscard, gnu::always_inline]] static field_span<Element, Extent, Token> span(const Token* owner,
                                                                                   std::byte* at) noexcept {
    return field_span<Element, Extent, Token>(owner, at);
  }
};

}  // namespace detail

// std::get-style free functions, so generic code need not write
// `t.template get<"x">()`.
template <fixed_string Name, class Token>
[[nodiscard]] MAILBOX_HOST_DEVICE auto get(const Token& t) noexcept -> decltype(t.template get<Name>()) {
  return t.template get<Name>();
}

template <fixed_string Name, class Token, class Value>
MAILBOX_HOST_DEVICE auto set(Token& t, const Value& value) noexcept -> decltype(t.template set<Name>(value)) {
  t.template set<Name>(value);
}

template <fixed_string Name, class Token>
[[nodiscard]] MAILBOX_HOST_DEVICE auto span(Token& t) noexcept -> decltype(t.template span<Name>()) {
  return t.template span<Name>();
}

// The same for a name the layout does not have: deleted, with the message in
// Unknown (see token's deleted accessors).
template <fixed_string Name, class Layout, class Unknown = detail::unknown_field_t<Layout, Name>>
requires(!Layout::template has<Name>) auto get(const token<Layout>&) = delete;  // no such field: see Unknown

template <fixed_string Name, class Layout, class Value, class Unknown = detail::unknown_field_t<Layout, Name>>
requires(!Layout::template has<Name>) void set(token<Layout>&, const Value&) = delete;  // no such field

template <fixed_string Name, class Layout, class Unknown = detail::unknown_field_t<Layout, Name>>
requires(!Layout::template has<Name>) auto span(token<Layout>&) = delete;  // no such field: see Unknown

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox

// The keyed unions' alternative_ref, which the accessors above return.
// Keyed unions are host-only for now: nvcc 13's front end does not parse
// keyed.hpp's template lambdas (a CUDA TU cannot use keyed fields).
#if !defined(__CUDACC__)
#include "keyed.hpp"  // IWYU pragma: export
#endif
