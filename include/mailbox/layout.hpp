// Compile-time description of a mailbox's memory: one state word and the
// payload fields around it, with offsets computed by C struct rules or pinned
// and verified.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "arch/atomic_ref.hpp"

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

// Marks an offset the layout computes; any other value pins the field there.
inline constexpr std::size_t computed_offset = static_cast<std::size_t>(-1);

// A payload field, reachable only through a token.
template <fixed_string Name, class T, std::size_t Offset = computed_offset>
struct field {
  static constexpr fixed_string name = Name;
  using type = T;
  static constexpr std::size_t pinned_offset = Offset;
  static constexpr bool is_state = false;
};

// The state word, reachable only through acquire-load and release-store.
template <fixed_string Name, class T, std::size_t Offset = computed_offset>
struct state {
  static constexpr fixed_string name = Name;
  using type = T;
  static constexpr std::size_t pinned_offset = Offset;
  static constexpr bool is_state = true;
};

// Pins the layout's size; every field must end within it.
template <std::size_t Bytes>
struct total_size {
  static constexpr std::size_t value = Bytes;
};

// Lists every state value a layout's peers may legitimately store. The other
// process can write any bytes, so a reader that must not act on garbage asks
// Mailbox::checked_state(), which reports a value outside this list as an
// error instead of handing out an enum nobody declared.
//
//   mailbox::valid_states<Worker::idle, Worker::task_ready, Worker::task_done>
template <auto... Values>
struct valid_states {
  static constexpr std::size_t count = sizeof...(Values);
  template <class State>
  static constexpr bool all_of_type = (std::is_same_v<decltype(Values), State> && ...);
  template <class State>
  static constexpr std::array<State, sizeof...(Values)> values_as() {
    return {static_cast<State>(Values)...};
  }
};

// Opts a layout into blocking waiters (mailbox::wait::spin_then_block): the
// top bit of a 4-byte state word becomes the "somebody sleeps on this word"
// mark, and publish() becomes an atomic exchange that wakes the sleepers when
// the old value carried the mark. Layouts without it keep publish() a single
// release store. Both sides must agree, so it is part of the fingerprint.
struct blocking_waiters {};

// What the layout knows of one field, for code that walks all of them
// (exporting offsets to another language, fingerprints).
struct field_info {
  std::string_view name;
  std::size_t offset;
  std::size_t size;
  std::size_t alignment;
  bool is_state;
  bool is_pinned;
};

namespace detail {

template <class Decl>
struct is_member_decl : std::false_type {};
template <fixed_string N, class T, std::size_t O>
struct is_member_decl<field<N, T, O>> : std::true_type {};
template <fixed_string N, class T, std::size_t O>
struct is_member_decl<state<N, T, O>> : std::true_type {};

template <class Decl>
struct is_total_size_decl : std::false_type {};
template <std::size_t B>
struct is_total_size_decl<total_size<B>> : std::true_type {};

template <class Decl>
struct is_valid_states_decl : std::false_type {};
template <auto... V>
struct is_valid_states_decl<valid_states<V...>> : std::true_type {};

template <class Decl>
struct is_blocking_decl : std::is_same<Decl, blocking_waiters> {};

// The declarations that Keep<Decl>::value selects, in order, as a std::tuple.
template <template <class> class Keep, class... Decls>
using tuple_of = decltype(std::tuple_cat(
    std::declval<std::conditional_t<Keep<Decls>::value, std::tuple<Decls>, std::tuple<>>>()...));

// The mark a sleeping waiter sets in a blocking layout's state word.
inline constexpr std::uint32_t waiter_mark = std::uint32_t{1} << 31;

// A field type must have a size and be an object we may copy bytewise.
template <class T>
inline constexpr bool is_sized_object_v =
    std::is_object_v<T> && !std::is_unbounded_array_v<T> && !std::is_void_v<T> &&
    !std::is_const_v<std::remove_all_extents_t<T>> && !std::is_volatile_v<std::remove_all_extents_t<T>>;

template <class T>
constexpr std::size_t size_of_or_zero() {
  if constexpr (is_sized_object_v<T>) {
    return sizeof(T);
  } else {
    return 0;
  }
}

template <class T>
constexpr std::size_t align_of_or_one() {
  if constexpr (is_sized_object_v<T>) {
    return alignof(T);
  } else {
    return 1;
  }
}

// An enum whose underlying type is fixed can hold every bit pattern of that
// type, so a value written by a broken peer is never undefined behaviour.
template <class T>
concept enum_with_fixed_underlying_type = std::is_enum_v<T> && requires {
  T{std::underlying_type_t<T>{}};
};

template <class T>
constexpr bool is_valid_state_type() {
  if constexpr (std::is_same_v<std::remove_cv_t<T>, bool> || std::is_const_v<T> || std::is_volatile_v<T>) {
    return false;
  } else if constexpr (std::is_integral_v<T> || enum_with_fixed_underlying_type<T>) {
    if constexpr (sizeof(T) == 4 || sizeof(T) == 8) {
      return detail::atomic_ref<T>::is_always_lock_free;
    } else {
      return false;
    }
  } else {
    return false;
  }
}

template <class T>
constexpr std::size_t state_alignment() {
  if constexpr (is_valid_state_type<T>()) {
    return std::max(alignof(T), detail::atomic_ref<T>::required_alignment);
  } else {
    return align_of_or_one<T>();
  }
}

template <class Decl>
constexpr std::size_t decl_alignment() {
  if constexpr (Decl::is_state) {
    return state_alignment<typename Decl::type>();
  } else {
    return align_of_or_one<typename Decl::type>();
  }
}

// Layout mistakes are reported from inside this template, so the compiler's
// "in instantiation of in_field<'a', 'r', 'g', 's'>" note names the field.
template <char... Name>
struct in_field {
  template <bool Ok>
  static constexpr bool name_is_not_empty() {
    static_assert(Ok, "mailbox::layout: a field or state name must not be empty");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool type_is_a_sized_object() {
    static_assert(Ok,
                  "mailbox::layout: a field's type must be a complete, non-const, non-volatile "
                  "object type (no references, no arrays of unknown bound)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool payload_is_trivially_copyable() {
    static_assert(Ok,
                  "mailbox::layout: a payload field's type must be trivially copyable, because "
                  "the other side reads it as raw bytes");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool state_type_is_lock_free_word() {
    static_assert(Ok,
                  "mailbox::layout: the state type must be a 4- or 8-byte integer (not bool) or "
                  "an enum with a fixed underlying type of that size, and "
                  "std::atomic_ref of it must be always lock-free");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool pinned_offset_is_aligned() {
    static_assert(Ok,
                  "mailbox::layout: a pinned offset is not a multiple of the field type's "
                  "alignment (for the state word: std::atomic_ref's required_alignment)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool ends_within_total_size() {
    static_assert(Ok, "mailbox::layout: a field ends past mailbox::total_size");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool name_is_unique() {
    static_assert(Ok, "mailbox::layout: two fields have the same name");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool does_not_overlap() {
    static_assert(Ok, "mailbox::layout: two fields overlap (the state word included)");
    return Ok;
  }
};

template <fixed_string Name, std::size_t... I>
auto spell_field(std::index_sequence<I...>) -> in_field<Name.value[I]...>;

template <fixed_string Name>
using in_field_named = decltype(spell_field<Name>(std::make_index_sequence<Name.size()>{}));

constexpr std::size_t align_up(std::size_t offset, std::size_t alignment) {
  return (offset + alignment - 1) / alignment * alignment;
}

}  // namespace detail

// The description of a mailbox: its fields, their offsets and the total size.
//
//   using Task = mailbox::layout<mailbox::state<"state", Worker>,
//                                mailbox::field<"error", std::int32_t>,
//                                mailbox::field<"args", std::uint64_t[16], 64>>;
//
// Offsets follow C struct rules in declaration order (each field at the next
// multiple of its alignment after the previous one) unless pinned; the size is
// the end of the last byte rounded up to the largest alignment, unless pinned
// by total_size<N>.
template <class... Decls>
class layout {
  static_assert(((detail::is_member_decl<Decls>::value || detail::is_total_size_decl<Decls>::value ||
                  detail::is_valid_states_decl<Decls>::value || detail::is_blocking_decl<Decls>::value) &&
                 ...),
                "mailbox::layout: accepts only mailbox::field<...>, mailbox::state<...> and "
                "mailbox::total_size<...>, and the options mailbox::valid_states<...> and "
                "mailbox::blocking_waiters");

  using members = detail::tuple_of<detail::is_member_decl, Decls...>;
  static constexpr std::size_t total_size_count =
      (std::size_t{detail::is_total_size_decl<Decls>::value} + ... + 0);
  static_assert(total_size_count <= 1, "mailbox::layout: more than one mailbox::total_size<...>");
  using valid_states_decls = detail::tuple_of<detail::is_valid_states_decl, Decls...>;
  static_assert(std::tuple_size_v<valid_states_decls> <= 1,
                "mailbox::layout: more than one mailbox::valid_states<...>");
  static constexpr std::size_t blocking_count =
      (std::size_t{detail::is_blocking_decl<Decls>::value} + ... + 0);
  static_assert(blocking_count <= 1, "mailbox::layout: mailbox::blocking_waiters given more than once");

 public:
  static constexpr std::size_t field_count = std::tuple_size_v<members>;

 private:
  template <std::size_t I>
  using member = std::tuple_element_t<I, members>;

  static constexpr std::size_t state_count = []<std::size_t... I>(std::index_sequence<I...>) {
    return (std::size_t{member<I>::is_state} + ... + 0);
  }
  (std::make_index_sequence<field_count>{});
  static_assert(state_count != 0, "mailbox::layout: needs exactly one mailbox::state<...>; found none");
  static_assert(state_count <= 1, "mailbox::layout: needs exactly one mailbox::state<...>; found several");

  static constexpr std::array<field_info, field_count> compute_fields() {
    std::array<field_info, field_count> out{};
    std::size_t next = 0;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            using M = member<I>;
            const std::size_t alignment = detail::decl_alignment<M>();
            const bool pinned = M::pinned_offset != computed_offset;
            const std::size_t offset = pinned ? M::pinned_offset : detail::align_up(next, alignment);
            const std::size_t size = detail::size_of_or_zero<typename M::type>();
            out[I] = field_info{M::name.view(), offset, size, alignment, M::is_state, pinned};
            next = offset + size;
          }(),
          ...);
    }
    (std::make_index_sequence<field_count>{});
    return out;
  }

 public:
  // Every field in declaration order, the state word included.
  static constexpr std::array<field_info, field_count> fields = compute_fields();

  static constexpr std::size_t alignment = [] {
    std::size_t largest = 1;
    for (const field_info& f : fields) largest = std::max(largest, f.alignment);
    return largest;
  }();

  static constexpr bool has_pinned_size = total_size_count == 1;

  static constexpr std::size_t size = [] {
    if constexpr (has_pinned_size) {
      return (std::size_t{} + ... + [] {
        if constexpr (detail::is_total_size_decl<Decls>::value) {
          return Decls::value;
        } else {
          return std::size_t{0};
        }
      }());
    } else {
      std::size_t end = 0;
      for (const field_info& f : fields) end = std::max(end, f.offset + f.size);
      return detail::align_up(end, alignment);
    }
  }();

 private:
  template <std::size_t I>
  static constexpr bool check_field() {
    using M = member<I>;
    using T = typename M::type;
    using diagnose = detail::in_field_named<M::name>;
    constexpr field_info f = fields[I];
    bool ok = diagnose::template name_is_not_empty<M::name.size() != 0>();
    ok = ok && diagnose::template type_is_a_sized_object<detail::is_sized_object_v<T>>();
    if constexpr (M::is_state) {
      ok = ok && diagnose::template state_type_is_lock_free_word<detail::is_valid_state_type<T>()>();
    } else {
      ok = ok && diagnose::template payload_is_trivially_copyable<std::is_trivially_copyable_v<T>>();
    }
    ok = ok && diagnose::template pinned_offset_is_aligned<f.offset % f.alignment == 0>();
    ok = ok && diagnose::template ends_within_total_size<(f.offset + f.size <= size)>();
    return ok;
  }

  template <std::size_t I, std::size_t J>
  static constexpr bool check_pair() {
    if constexpr (I >= J) {
      return true;
    } else {
      using diagnose = detail::in_field_named<member<I>::name>;
      using other = detail::in_field_named<member<J>::name>;
      constexpr field_info a = fields[I];
      constexpr field_info b = fields[J];
      constexpr bool same_name = a.name == b.name;
      constexpr bool disjoint = a.offset + a.size <= b.offset || b.offset + b.size <= a.offset;
      return diagnose::template name_is_unique<!same_name, other>() &&
             diagnose::template does_not_overlap<disjoint, other>();
    }
  }

  static constexpr bool checked = [] {
    if constexpr (state_count != 1) {
      return false;  // already reported; more checks would only add noise
    } else {
      return []<std::size_t... I>(std::index_sequence<I...>) { return (check_field<I>() && ...); }
      (std::make_index_sequence<field_count>{})&&[]<std::size_t... K>(std::index_sequence<K...>) {
        return (check_pair<K / field_count, K % field_count>() && ...);
      }
      (std::make_index_sequence<field_count * field_count>{});
    }
  }();

  // field_count when there is no state word; that is reported above, and the
  // fallback below keeps it from cascading into unrelated errors.
  static constexpr std::size_t state_index = [] {
    for (std::size_t i = 0; i < field_count; ++i) {
      if (fields[i].is_state) return i;
    }
    return field_count;
  }();
  using state_decl =
      std::tuple_element_t<state_index,
                           decltype(std::tuple_cat(std::declval<members>(),
                                                   std::declval<std::tuple<state<"", std::uint32_t, 0>>>()))>;

 public:
  // The position of the field in declaration order; field_count if none has
  // that name.
  template <fixed_string Name>
  static constexpr std::size_t index_of = [] {
    for (std::size_t i = 0; i < field_count; ++i) {
      if (fields[i].name == Name.view()) return i;
    }
    return field_count;
  }();

  // True when the layout has a field (or state word) with this name.
  template <fixed_string Name>
  static constexpr bool has = index_of<Name> < field_count;

  // True when Name is a payload field, that is, a field other than the state word.
  template <fixed_string Name>
  static constexpr bool has_payload = has<Name>&& index_of<Name> != state_index;

  template <fixed_string Name>
  requires has<Name>
  static constexpr std::size_t offset_of = fields[index_of<Name>].offset;

  template <fixed_string Name>
  requires has<Name>
  using type_of = typename member<index_of<Name>>::type;

  using state_type = typename state_decl::type;
  static constexpr std::string_view state_name = state_decl::name.view();
  static constexpr std::size_t state_offset =
      state_index < field_count ? fields[state_index % field_count].offset : 0;

  // True when the layout declares mailbox::blocking_waiters.
  static constexpr bool has_blocking_waiters = blocking_count == 1;

  // True when the layout lists its states with mailbox::valid_states<...>.
  static constexpr bool declares_valid_states = std::tuple_size_v<valid_states_decls> == 1;

 private:
  using valid_states_decl =
      std::tuple_element_t<0, decltype(std::tuple_cat(std::declval<valid_states_decls>(),
                                                      std::declval<std::tuple<valid_states<>>>()))>;
  static constexpr bool valid_states_have_state_type = valid_states_decl::template all_of_type<state_type>;

 public:
  // The declared valid states (empty when the layout declares none).
  static constexpr auto valid_state_values = [] {
    if constexpr (valid_states_have_state_type) {
      return valid_states_decl::template values_as<state_type>();
    } else {
      return std::array<state_type, 0>{};
    }
  }();

  // Whether a state value is one the layout declared; every value is valid
  // in a layout that declares no list.
  [[nodiscard]] static constexpr bool is_valid_state(state_type value) noexcept {
    if constexpr (!declares_valid_states) {
      return true;
    } else {
      for (const state_type& v : valid_state_values) {
        if (v == value) return true;
      }
      return false;
    }
  }

 private:
  static constexpr bool valid_states_checked = [] {
    static_assert(valid_states_have_state_type,
                  "mailbox::layout: every value in mailbox::valid_states<...> must have the layout's "
                  "state type exactly");
    if constexpr (has_blocking_waiters && state_count == 1) {
      static_assert(sizeof(state_type) == 4,
                    "mailbox::layout: mailbox::blocking_waiters needs a 4-byte state word (a futex "
                    "is 32 bits)");
      if constexpr (sizeof(state_type) == 4 && valid_states_have_state_type) {
        constexpr bool no_mark = [] {
          for (const state_type& v : valid_state_values) {
            if (std::bit_cast<std::uint32_t>(v) & detail::waiter_mark) return false;
          }
          return true;
        }();
        static_assert(no_mark,
                      "mailbox::layout: with mailbox::blocking_waiters, no valid state may use the "
                      "top bit of the state word: it marks a sleeping waiter");
        return valid_states_have_state_type && no_mark;
      }
      return valid_states_have_state_type && sizeof(state_type) == 4;
    }
    return valid_states_have_state_type;
  }();

 public:
  // Calls f.template operator()<Field, Offset>() for every field in
  // declaration order; Field is the field<...> or state<...> declaration.
  template <class F>
  static constexpr void for_each_field(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f.template operator()<member<I>, fields[I].offset>(), ...);
    }
    (std::make_index_sequence<field_count>{});
  }

  static constexpr bool is_valid = checked && valid_states_checked;
  // Evaluates the checks as soon as the layout is used, not only when a
  // Mailbox is made from it.
  static_assert(checked || !checked);
  static_assert(valid_states_checked || !valid_states_checked);
};

template <class T>
inline constexpr bool is_layout_v = false;
template <class... D>
inline constexpr bool is_layout_v<layout<D...>> = true;

// A layout that compiled without a layout error.
template <class L>
concept valid_layout = is_layout_v<L> && L::is_valid;

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
