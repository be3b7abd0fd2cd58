// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// What the compiler prints when a name is wrong: a field, flag, overlay or
// role that the layout or protocol does not have is reported with the name
// as readable text and the closest existing name ("did you mean"), found by
// an edit distance computed at compile time.
//
// C++20 cannot put a computed string into a static_assert message, so the
// message travels as a type whose template arguments are characters, which
// g++ and clang++ both print readably ('e', 'r', 'r', 'o', 'r'), where a
// string template argument prints as {{101, 114, 114, 111, 114, 0}} on
// clang++ 14. A wrong name makes the library name a type such as
//
//   mailbox::no_field_named<'e', 'r', 'o', 'r'>::did_you_mean<'e', 'r', 'r', 'o', 'r'>
//   mailbox::no_flag_named<'x'>::flags_are<'s', 'h', 'u', 't', 'd', 'o', 'w', 'n'>
//
// as a defaulted template argument of a deleted overload (the compiler prints
// it in "use of deleted function", on the first line with g++), of a
// constrained variable template, or of the template whose static_assert
// fails. The first form when an existing name is close enough to be the one
// meant; the second, the existing names (the closest first when there are
// many), when none is.
//
// Everything here is instantiated only for a wrong name: correct code pays
// nothing for it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../abi.hpp"
#include "../fixed_string.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// The carriers, one per kind of name, each with did_you_mean<closest> and a
// listing of the existing names. Outside mailbox::detail, so that the
// message reads "mailbox::no_field_named<...>". Only ever named, never used.
#define MAILBOX_DETAIL_UNKNOWN_NAME(carrier, listing_name) \
  template <char... Name>                                  \
  struct carrier {                                         \
    template <char... Closest>                             \
    struct did_you_mean {};                                \
    template <char... Names>                               \
    struct listing_name {};                                \
    template <char... Names>                               \
    using listing = listing_name<Names...>;                \
  }

// A token's get/set/span/text/set_text, or a layout's offset_of/type_of, with
// a name the layout does not declare.
MAILBOX_DETAIL_UNKNOWN_NAME(no_field_named, fields_are);
// Mailbox::raise/clear/is_raised with a name that is not a flag of the layout.
MAILBOX_DETAIL_UNKNOWN_NAME(no_flag_named, flags_are);
// A protocol's views<...> naming an overlay the layout does not declare.
MAILBOX_DETAIL_UNKNOWN_NAME(no_overlay_named, overlays_are);
// endpoint<P, "role"> (or a protocol clause) naming a role that no state of
// the protocol has among its owners.
MAILBOX_DETAIL_UNKNOWN_NAME(no_role_named, roles_are);

#undef MAILBOX_DETAIL_UNKNOWN_NAME

// publish() and abandon() spend the token, so they take it as an rvalue; on
// an lvalue token their deleted twins name one of these (and their source
// line says the same), instead of "discards qualifiers".
struct publish_consumes_the_token_write_std_move_t_publish {};
struct abandon_consumes_the_token_write_std_move_t_abandon {};

namespace detail {

// Names longer than this are compared on their first longest_compared_name
// characters: enough to tell a typo from another name.
inline constexpr std::size_t longest_compared_name = 64;

// The optimal string alignment distance (Levenshtein with transpositions of
// two neighbours, each edit costing 1): "eror" is 1 from "error", "parnet" 1
// from "parent". Three rows of the dynamic programming table.
constexpr std::size_t edit_distance(std::string_view a, std::string_view b) noexcept {
  a = a.substr(0, longest_compared_name);
  b = b.substr(0, longest_compared_name);
  std::array<std::size_t, longest_compared_name + 1> before{}, previous{}, current{};
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before = previous;
    previous = current;
  }
  return previous[b.size()];
}

// Whether `candidate` is close enough to `wanted` to be suggested: at most
// half the longer name's characters differ (the cut-off g++ uses for its own
// suggestions), so that "x" does not become "error".
constexpr bool close_enough(std::string_view wanted, std::string_view candidate) noexcept {
  return 2 * edit_distance(wanted, candidate) <= std::max(wanted.size(), candidate.size()) + 1;
}

// The index of the name closest to `wanted` (the first of equals, in the
// order given), or names.size() when there is none.
template <std::size_t N>
constexpr std::size_t closest_name(const std::array<std::string_view, N>& names,
                                   std::string_view wanted) noexcept {
  std::size_t best = N;
  std::size_t best_distance = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t d = edit_distance(wanted, names[i]);
    if (best == N || d < best_distance) {
      best = i;
      best_distance = d;
    }
  }
  return best;
}

// How many names a listing shows; a longer list shows the closest ones
// first and ends in "...".
inline constexpr std::size_t listed_names = 16;

// The names joined by ", " as one array of characters (not terminated): all
// of them in the order given when there are at most listed_names, otherwise
// the listed_names closest to `wanted` and ", ...".
template <std::size_t N>
struct name_listing {
  std::array<char, N*(longest_compared_name + 2) + 5> chars{};
  std::size_t size = 0;

  constexpr void append(std::string_view text) noexcept {
    for (const char c : text) chars[size++] = c;
  }
};

template <std::size_t N>
constexpr auto list_names(const std::array<std::string_view, N>& names, std::string_view wanted) noexcept {
  std::array<std::size_t, N> order{};
  for (std::size_t i = 0; i < N; ++i) order[i] = i;
  if constexpr (N > listed_names) {
    std::array<std::size_t, N> distance{};
    for (std::size_t i = 0; i < N; ++i) distance[i] = edit_distance(wanted, names[i]);
    // Insertion sort, stable (std::stable_sort is not constexpr in C++20).
    for (std::size_t i = 1; i < N; ++i) {
      for (std::size_t k = i; k > 0 && distance[order[k]] < distance[order[k - 1]]; --k) {
        std::swap(order[k], order[k - 1]);
      }
    }
  }
  name_listing<std::min(N, listed_names)> out{};
  for (std::size_t k = 0; k < std::min(N, listed_names); ++k) {
    if (k != 0) out.append(", ");
    out.append(names[order[k]].substr(0, longest_compared_name));
  }
  if (N > listed_names) out.append(", ...");
  return out;
}

// A type named by the characters of a constant string:
// Into<Source::text()[0], Source::text()[1], ...>.
template <template <char...> class Into, class Source, std::size_t... I>
auto spell_into(std::index_sequence<I...>) -> Into<Source::text()[I]...>;

template <template <char...> class Into, class Source>
using spelled_into = decltype(spell_into<Into, Source>(std::make_index_sequence<Source::text().size()>{}));

template <char... C>
struct chars_of {
  static constexpr char value[sizeof...(C) + 1] = {C..., '\0'};
  static constexpr std::string_view view{value, sizeof...(C)};
};

// The message for the unknown name Name... among Candidates::names (a
// constexpr std::array<std::string_view, N>), as Unknown<Name...>'s
// did_you_mean<closest> or listing<names>.
template <template <char...> class Unknown, class Candidates, char... Name>
struct unknown_name {
 private:
  static constexpr std::string_view wanted = chars_of<Name...>::view;
  static constexpr auto& names = Candidates::names;
  static constexpr std::size_t closest = closest_name(names, wanted);
  static constexpr bool suggests =
      closest < names.size() && close_enough(wanted, names[closest % names.size()]);

  struct suggestion {
    static constexpr std::string_view text() noexcept {
      return names[closest % names.size()].substr(0, longest_compared_name);
    }
  };
  struct listing {
    static constexpr auto joined = list_names(names, wanted);
    static constexpr std::string_view text() noexcept { return {joined.chars.data(), joined.size}; }
  };

  template <char... C>
  using closest_is = typename Unknown<Name...>::template did_you_mean<C...>;
  template <char... C>
  using names_are = typename Unknown<Name...>::template listing<C...>;

  static constexpr auto pick() noexcept {
    if constexpr (suggests) {
      return std::type_identity<spelled_into<closest_is, suggestion>>{};
    } else {
      return std::type_identity<spelled_into<names_are, listing>>{};
    }
  }

 public:
  using type = typename decltype(pick())::type;
};

// The names an unknown name is compared with, as Candidates::names.

// A layout's members (Layout::fields): its payload fields (common and in
// overlays: what a token reaches), its flags, or every member.
enum class member_kind { payload_field, flag, any };

template <class Layout, member_kind Kind>
struct layout_member_names {
 private:
  template <class Field>
  static constexpr bool keeps(const Field& f) noexcept {
    if constexpr (Kind == member_kind::payload_field) {
      return !f.is_state && !f.is_flag;
    } else if constexpr (Kind == member_kind::flag) {
      return f.is_flag;
    } else {
      return true;
    }
  }
  static constexpr std::size_t count = [] {
    std::size_t n = 0;
    for (const auto& f : Layout::fields) n += keeps(f) ? 1 : 0;
    return n;
  }();

 public:
  static constexpr std::array<std::string_view, count> names = [] {
    std::array<std::string_view, count> out{};
    std::size_t n = 0;
    for (const auto& f : Layout::fields) {
      if (keeps(f)) out[n++] = f.name;
    }
    return out;
  }();
};

// A layout's overlays.
template <class Layout>
struct layout_overlay_names {
  static constexpr auto& names = Layout::overlay_names;
};

// A protocol's roles: every name in an owner<...>, in the order of first
// mention (through the protocol's public queries, states and owners_of).
template <class Protocol>
struct protocol_role_names {
 private:
  static constexpr std::size_t capacity = [] {
    std::size_t n = 0;
    for (const auto s : Protocol::states) n += Protocol::owners_of(s).size();
    return n;
  }();
  static constexpr auto all = [] {
    std::array<std::string_view, capacity> out{};
    std::size_t n = 0;
    for (const auto s : Protocol::states) {
      for (const std::string_view role : Protocol::owners_of(s)) {
        if (std::find(out.begin(), out.begin() + n, role) == out.begin() + n) out[n++] = role;
      }
    }
    return std::pair{out, n};
  }();

 public:
  static constexpr std::array<std::string_view, all.second> names = [] {
    std::array<std::string_view, all.second> out{};
    std::copy_n(all.first.begin(), all.second, out.begin());
    return out;
  }();
};

// The message type for Name (a fixed_string) when it is unknown; when Known,
// a placeholder that costs nothing to name, so that a defaulted template
// argument can name it in every call and compute the message only for a
// wrong name.
template <bool Known, template <char...> class Unknown, class Candidates, auto Name>
struct hint_for_name {
  using type = void;
};

template <template <char...> class Unknown, class Candidates, auto Name, std::size_t... I>
auto unknown_name_of(std::index_sequence<I...>) ->
    typename unknown_name<Unknown, Candidates, Name.value[I]...>::type;

template <template <char...> class Unknown, class Candidates, auto Name>
struct hint_for_name<false, Unknown, Candidates, Name> {
  using type = decltype(unknown_name_of<Unknown, Candidates, Name>(std::make_index_sequence<Name.size()>{}));
};

template <bool Known, template <char...> class Unknown, class Candidates, auto Name>
using hint_for_name_t = typename hint_for_name<Known, Unknown, Candidates, Name>::type;

// The same for a name already spelled as S<C...> (a char pack): S<C...>
// itself when Known, the message otherwise.
template <bool Known, template <char...> class Unknown, class Candidates, class Spelled>
struct hint_for_spelled {
  using type = Spelled;
};

template <template <char...> class Unknown, class Candidates, template <char...> class S, char... C>
struct hint_for_spelled<false, Unknown, Candidates, S<C...>> {
  using type = typename unknown_name<Unknown, Candidates, C...>::type;
};

template <bool Known, template <char...> class Unknown, class Candidates, class Spelled>
using hint_for_spelled_t = typename hint_for_spelled<Known, Unknown, Candidates, Spelled>::type;

// The messages for each kind of name, by the layout or protocol that lacks
// it: void for a name it has.
template <class Layout, fixed_string Name>
using unknown_member_t = hint_for_name_t<Layout::template has<Name>, no_field_named,
                                         layout_member_names<Layout, member_kind::any>, Name>;

template <class Layout, fixed_string Name>
using unknown_field_t = hint_for_name_t<Layout::template has<Name>, no_field_named,
                                        layout_member_names<Layout, member_kind::payload_field>, Name>;

template <class Layout, fixed_string Name>
using unknown_flag_t = hint_for_name_t<Layout::template is_flag<Name>, no_flag_named,
                                       layout_member_names<Layout, member_kind::flag>, Name>;

template <class Protocol, fixed_string Role>
using unknown_role_t =
    hint_for_name_t<Protocol::has_role(Role.view()), no_role_named, protocol_role_names<Protocol>, Role>;

// A constraint that carries the message: `requires detail::known_name<Known,
// Hint>` fails with Hint, the message, in the compiler's note.
template <bool Known, class Hint>
concept known_name = Known;

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
