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
#include "fixed_text.hpp"
#include "layout.hpp"
#include "state_word.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

template <valid_layout Layout>
class Mailbox;

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

[[noreturn, gnu::cold]] inline void token_used_after_publish() noexcept {
  std::fputs("mailbox: a token was used after publish() or abandon(); either one spends it\n", stderr);
  std::abort();
}

[[noreturn, gnu::cold]] inline void token_used_after_move() noexcept {
  std::fputs("mailbox: a token was used after it was moved from; the payload went with the move\n", stderr);
  std::abort();
}

[[noreturn, gnu::cold]] inline void token_dropped() noexcept {
  std::fputs(
      "mailbox: a token was destroyed without publish() or abandon(); the protocol is stranded in the "
      "acquired state (MAILBOX_DEBUG_TOKENS)\n",
      stderr);
  std::abort();
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

[[noreturn, gnu::cold]] inline void state_not_declared(const char* operation, std::uint64_t raw) noexcept {
  std::fprintf(stderr,
               "mailbox: %s of the state value %llu, which is not one of the layout's valid_states; "
               "every peer would report it as invalid_state\n",
               operation, static_cast<unsigned long long>(raw));
  std::abort();
}

[[noreturn, gnu::cold]] inline void state_has_waiter_mark(const char* operation) noexcept {
  std::fprintf(stderr,
               "mailbox: %s of a state value with the top bit set in a layout with blocking_waiters; "
               "that bit marks a sleeping waiter\n",
               operation);
  std::abort();
}

// The checks every state a mailbox stores must pass (publish, initialize):
// not the sleeping-waiter mark, and one of the layout's valid_states. Both
// cost nothing for a constant state in a layout without valid_states.
template <class Layout>
[[gnu::always_inline]] inline void check_storable_state(typename Layout::state_type next,
                                                        const char* operation) noexcept {
  using word = word_for<typename Layout::state_type>;
  if constexpr (Layout::has_blocking_waiters) {
    if (std::bit_cast<word>(next) & waiter_mark) state_has_waiter_mark(operation);
  }
  if constexpr (Layout::declares_valid_states) {
    if (!Layout::is_valid_state(next)) state_not_declared(operation, std::bit_cast<word>(next));
  }
}

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

template <class Field, class Layout>
concept is_an_array_field = is_a_payload_field<Field, Layout> &&
    std::is_bounded_array_v<typename Layout::template type_of<Field::name>>;

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

// Debug-build check that every token is published (or moved from) before it
// is destroyed: an acquired token that is dropped leaves the mailbox in the
// acquired state, and the peer waits forever. On by default where NDEBUG is
// not defined, like assert(); define MAILBOX_DEBUG_TOKENS to 0 or 1 to
// choose. Every translation unit of a program must agree. Off, the token's
// destructor is trivial.
#if !defined(MAILBOX_DEBUG_TOKENS)
#if defined(NDEBUG)
#define MAILBOX_DEBUG_TOKENS 0
#else
#define MAILBOX_DEBUG_TOKENS 1
#endif
#endif
inline constexpr bool debug_tokens = MAILBOX_DEBUG_TOKENS != 0;

template <valid_layout Layout>
class token;

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

  [[nodiscard, gnu::always_inline]] Element* data() const noexcept {
    owner_->check_live();
    return elements_;
  }
  [[nodiscard, gnu::always_inline]] Element* begin() const noexcept { return data(); }
  [[nodiscard, gnu::always_inline]] Element* end() const noexcept { return data() + Extent; }
  [[nodiscard, gnu::always_inline]] Element& operator[](std::size_t i) const noexcept { return data()[i]; }
  [[nodiscard, gnu::always_inline]] Element& front() const noexcept { return data()[0]; }
  [[nodiscard, gnu::always_inline]] Element& back() const noexcept { return data()[Extent - 1]; }

 private:
  template <valid_layout>
  friend class token;
  // Not laundered, unlike the state word: the elements are objects the
  // region's bytes hold (created implicitly), so the standard asks for
  // std::launder here too, but GCC 12 then loses track of the offset from the
  // token's base and the AArch64 instruction checks count one to three
  // instructions more per step. Every access of the payload by value (get,
  // set, text, set_text) goes through memcpy, which needs no launder.
  [[gnu::always_inline]] field_span(const Token* owner, std::byte* at) noexcept
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

  [[gnu::always_inline]] token(token&& other) noexcept : base_(std::exchange(other.base_, moved_from())) {}
  token& operator=(token&& other) noexcept {
    if (this != &other) {
      drop_check();
      base_ = std::exchange(other.base_, moved_from());
    }
    return *this;
  }
  token(const token&) = delete;
  token& operator=(const token&) = delete;
#if MAILBOX_DEBUG_TOKENS
  [[gnu::always_inline]] ~token() { drop_check(); }
#else
  ~token() = default;  // trivial: a token costs nothing to drop in a release build
#endif

  // Reads a payload field that is not an array (arrays: span<"name">()).
  // Bytewise, so a trivially copyable type without a default constructor is
  // readable too.
  template <fixed_string Name>
  requires names_a_scalar_payload_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] auto get() const noexcept {
    // (A deduced return type: spelt out, its substitution would fail before
    // the constraint does, and clang would report that instead of the field.)
    using T = typename Layout::template type_of<Name>;
    std::byte bytes[sizeof(T)];
    std::memcpy(bytes, field_address<Name>(), sizeof(T));
    return std::bit_cast<T>(bytes);
  }

  // Writes a payload field: a value of the field's type, or one that
  // converts to it without narrowing (see detail::stores_without_narrowing);
  // arrays are copied whole and must have the field's type exactly.
  template <fixed_string Name, class Value>
  requires accepts_value_for<Layout, Name, Value>
  [[gnu::always_inline]] void set(const Value& value) noexcept {
    using T = typename Layout::template type_of<Name>;
    if constexpr (std::is_same_v<std::remove_cv_t<Value>, T>) {
      std::memcpy(field_address<Name>(), &value, sizeof(T));
    } else {
      const T converted = static_cast<T>(value);
      std::memcpy(field_address<Name>(), &converted, sizeof(T));
    }
  }

  // An array field, to read or write in place: a field_span, checked against
  // this token on every access (begin() and end() for a range-for).
  template <fixed_string Name>
  requires names_an_array_payload_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] auto span() & noexcept {
    using array = typename Layout::template type_of<Name>;
    return field_span<std::remove_extent_t<array>, std::extent_v<array>, token>(this, field_address<Name>());
  }

  template <fixed_string Name>
  requires names_an_array_payload_field<Layout, Name>
  [[nodiscard, gnu::always_inline]] auto span() const& noexcept {
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
  requires names_a_text_field<Layout, Name>
  [[nodiscard]] auto text() const noexcept {
    constexpr std::size_t capacity = std::extent_v<typename Layout::template type_of<Name>>;
    const char* chars = reinterpret_cast<const char*>(field_address<Name>());
    return fixed_text<capacity>::copy_of(std::span<const char, capacity>(chars, capacity));
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
  // then an atomic exchange (release) that wakes sleeping waiters. Aborts
  // with a message for a state the layout cannot hold (the waiter mark, or a
  // value outside its valid_states).
  [[gnu::always_inline]] void publish(state_type next) && noexcept {
    std::byte* base = checked_base();
    base_ = nullptr;
    detail::check_storable_state<Layout>(next, "publish()");
    if constexpr (Layout::has_blocking_waiters) {
      detail::exchange_state_and_wake(base + Layout::state_offset, std::bit_cast<std::uint32_t>(next));
    } else {
      detail::store_state_release<state_type>(base + Layout::state_offset, next);
    }
  }

  // Ends the token without publishing: the state word is not touched, so the
  // mailbox stays in the state it was acquired in and nobody is woken. For a
  // last read before teardown, a state nobody publishes out of, or an error
  // path that hands over later with a new token (the state's owner may
  // acquire it again). Writes made through the token stay in the payload,
  // unpublished: the next token of this state sees them. The token is spent,
  // as after publish(); a debug build (MAILBOX_DEBUG_TOKENS) then destroys
  // it quietly.
  [[gnu::always_inline]] void abandon() && noexcept {
    (void)checked_base();
    base_ = nullptr;
  }

 private:
  friend class Mailbox<Layout>;
  template <class, std::size_t, class>
  friend class field_span;

  // base_ holds the region while the token holds the payload, and otherwise
  // one of two values no region has (regions are aligned to at least 4):
  // nullptr once published, moved_from() once moved from. One comparison
  // tells a live token from both.
  static constexpr std::uintptr_t last_dead_value = 1;
  [[nodiscard, gnu::always_inline]] static std::byte* moved_from() noexcept {
    return reinterpret_cast<std::byte*>(last_dead_value);
  }
  [[nodiscard, gnu::always_inline]] static bool is_live(const std::byte* base) noexcept {
    return reinterpret_cast<std::uintptr_t>(base) > last_dead_value;
  }

  [[gnu::always_inline]] explicit token(std::byte* base) noexcept : base_(base) {
    // Lets the compiler drop the checks below on every token fresh from a
    // mailbox, whose base a constructor has already checked.
    if (!is_live(base)) __builtin_unreachable();
  }

  [[gnu::always_inline]] void drop_check() const noexcept {
    if constexpr (debug_tokens) {
      if (is_live(base_)) {
        if (std::uncaught_exceptions() > 0) {
          detail::token_unwound();
        } else {
          detail::token_dropped();
        }
      }
    }
  }

  [[gnu::always_inline]] void check_live() const noexcept {
    if (!is_live(base_)) [[unlikely]] {
      if (base_ == nullptr) detail::token_used_after_publish();
      detail::token_used_after_move();
    }
  }

  [[nodiscard, gnu::always_inline]] std::byte* checked_base() const noexcept {
    check_live();
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

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
