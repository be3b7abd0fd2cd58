// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The clauses a mailbox::protocol is written in (protocol.hpp), and how the
// protocol reads them:
//
//   in_state<S, owner<"role"...>, views<"overlay"...>, next<S2, by<"role", S3...>...>>
//   initial<S...>
//   flag_rule<"flag", raised_by<"role"...>, cleared_by<"role"...>>
//
// The readers below are defensive: a clause of the wrong kind or a value of
// the wrong type reads as empty, so that the protocol reports that one
// mistake (detail/protocol_checks.hpp) and nothing after it.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "layout.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

// A name spelled out character by character, so that a compiler's
// "in instantiation of ..." note shows it ('a', 'r', 'g', '0').
template <char... Name>
struct spelled {};

template <fixed_string Name, std::size_t... I>
auto spell(std::index_sequence<I...>) -> spelled<Name.value[I]...>;

template <fixed_string Name>
using spelled_name = decltype(spell<Name>(std::make_index_sequence<Name.size()>{}));

// The names a clause lists (roles, overlays), as data and spelled out for
// diagnostics.
template <fixed_string... Names>
struct name_list {
  static constexpr std::array<std::string_view, sizeof...(Names)> names{Names.view()...};
  // The I-th name, spelled out.
  template <std::size_t I>
  using spelled_at = std::tuple_element_t<I, std::tuple<spelled_name<Names>...>>;
};

constexpr bool contains(std::span<const std::string_view> names, std::string_view name) noexcept {
  for (const std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace detail

// The roles that own a state: each may acquire it (a token, when it is the
// only owner) and leave it. Several owners: nobody gets a token, the state is
// left by whichever owner's try_transition() wins. A role is named once.
template <fixed_string... Roles>
struct owner : detail::name_list<Roles...> {};

// The overlays (mailbox::overlay<"name", ...>) a token of the state may touch,
// besides the layout's common fields.
template <fixed_string... Overlays>
struct views : detail::name_list<Overlays...> {};

// Edges that only one of the state's owners may take: in
// next<by<"parent", S::activate>, by<"child", S::task_failed>>, only the
// parent moves the state to activate and only the child to task_failed. A
// value, so that it can stand in next<...> beside plain states.
template <fixed_string Role, auto... States>
struct by_edges {
  static constexpr std::string_view role = Role.view();
  using spelled_role = detail::spelled_name<Role>;
};

template <fixed_string Role, auto... States>
inline constexpr by_edges<Role, States...> by{};

namespace detail {

// One item of next<...>: a state any owner may move to, or by<"role", S...>.
template <class State, class ItemType, auto Item>
struct next_item {
  static constexpr bool well_typed = std::is_same_v<ItemType, State>;
  static constexpr std::size_t count = 1;
  static constexpr std::array<State, 1> states = [] {
    if constexpr (well_typed) {
      return std::array<State, 1>{Item};
    } else {
      return std::array<State, 1>{};
    }
  }();
  static constexpr std::string_view role{};
};

template <class State, fixed_string Role, auto... States, auto Item>
struct next_item<State, by_edges<Role, States...>, Item> {
  static constexpr bool well_typed = (std::is_same_v<decltype(States), State> && ...);
  static constexpr std::size_t count = sizeof...(States);
  static constexpr std::array<State, count> states = [] {
    if constexpr (well_typed) {
      return std::array<State, count>{States...};
    } else {
      return std::array<State, count>{};
    }
  }();
  static constexpr std::string_view role = Role.view();
};

template <class State, auto Item>
using next_item_of = next_item<State, std::remove_cv_t<decltype(Item)>, Item>;

}  // namespace detail

// The states an owner may move the state to from this one: plain states
// (any owner of the state may take the edge) and by<"role", S...> (only that
// owner may). Each state at most once.
template <auto... Items>
struct next {
  template <class State>
  static constexpr bool all_of_type = (detail::next_item_of<State, Items>::well_typed && ...);

  template <class State>
  static constexpr std::size_t count = (detail::next_item_of<State, Items>::count + ... + 0);

  // Every successor, in the order written.
  template <class State>
  static constexpr std::array<State, count<State>> values_as() {
    std::array<State, count<State>> out{};
    std::size_t at = 0;
    (
        [&] {
          for (const State s : detail::next_item_of<State, Items>::states) out[at++] = s;
        }(),
        ...);
    (void)at;
    return out;
  }

  // For each successor, the one role that may take the edge; empty: any owner.
  template <class State>
  static constexpr std::array<std::string_view, count<State>> roles_as() {
    std::array<std::string_view, count<State>> out{};
    std::size_t at = 0;
    (
        [&] {
          for (std::size_t i = 0; i < detail::next_item_of<State, Items>::count; ++i)
            out[at++] = detail::next_item_of<State, Items>::role;
        }(),
        ...);
    (void)at;
    return out;
  }
};

// One state's rule: its owner<...>, views<...> and next<...>, each optional
// and in any order. A state without next<...> is terminal: with an owner, a
// state its owner reads (its token has no publish and may be dropped);
// without, a state nobody touches again.
template <auto State, class... Clauses>
struct in_state {
  static constexpr auto state = State;
};

// The states a fresh mailbox of the protocol may start in (the value given
// to initialize()). Without it, the first in_state's state.
template <auto... States>
struct initial {};

// Who may raise and who may clear a flag (mailbox::flag<"name", T>) through
// an endpoint. A flag_rule without raised_by<...> (or cleared_by<...>) lets
// nobody raise (clear) it; a flag without a flag_rule may be raised and
// cleared by every role. Every role may read every flag.
template <fixed_string... Roles>
struct raised_by : detail::name_list<Roles...> {};

template <fixed_string... Roles>
struct cleared_by : detail::name_list<Roles...> {};

template <fixed_string Flag, class... Clauses>
struct flag_rule {
  static constexpr std::string_view flag = Flag.view();
};

namespace detail {

template <class C>
struct is_owner_clause : std::false_type {};
template <fixed_string... R>
struct is_owner_clause<owner<R...>> : std::true_type {};

template <class C>
struct is_views_clause : std::false_type {};
template <fixed_string... O>
struct is_views_clause<views<O...>> : std::true_type {};

template <class C>
struct is_next_clause : std::false_type {};
template <auto... S>
struct is_next_clause<next<S...>> : std::true_type {};

template <class C>
struct is_raised_by_clause : std::false_type {};
template <fixed_string... R>
struct is_raised_by_clause<raised_by<R...>> : std::true_type {};

template <class C>
struct is_cleared_by_clause : std::false_type {};
template <fixed_string... R>
struct is_cleared_by_clause<cleared_by<R...>> : std::true_type {};

template <class C>
struct is_in_state_clause : std::false_type {};
template <auto S, class... C>
struct is_in_state_clause<in_state<S, C...>> : std::true_type {};

template <class C>
struct is_initial_clause : std::false_type {};
template <auto... S>
struct is_initial_clause<initial<S...>> : std::true_type {};

template <class C>
struct is_flag_rule_clause : std::false_type {};
template <fixed_string F, class... C>
struct is_flag_rule_clause<flag_rule<F, C...>> : std::true_type {};

// The clauses that Keep selects, as a std::tuple of types.
template <template <class> class Keep, class... Clauses>
using select_clauses = decltype(std::tuple_cat(
    std::declval<std::conditional_t<Keep<Clauses>::value, std::tuple<Clauses>, std::tuple<>>>()...));

// The first clause that Keep selects, or Default.
template <template <class> class Keep, class Default, class... Clauses>
using first_clause_or =
    std::tuple_element_t<0, decltype(std::tuple_cat(std::declval<select_clauses<Keep, Clauses...>>(),
                                                    std::declval<std::tuple<Default>>()))>;

template <template <class> class Keep, class... Clauses>
inline constexpr std::size_t count_clauses = (std::size_t{Keep<Clauses>::value} + ... + 0);

// What an in_state<...> rule says.
template <class Rule, class State>
struct rule_parts;

template <auto S, class... Clauses, class State>
struct rule_parts<in_state<S, Clauses...>, State> {
  static constexpr bool state_has_type = std::is_same_v<decltype(S), State>;
  static constexpr bool clauses_known =
      ((is_owner_clause<Clauses>::value || is_views_clause<Clauses>::value ||
        is_next_clause<Clauses>::value) &&
       ...);
  static constexpr bool clauses_once = count_clauses<is_owner_clause, Clauses...> <= 1 &&
                                       count_clauses<is_views_clause, Clauses...> <= 1 &&
                                       count_clauses<is_next_clause, Clauses...> <= 1;
  static constexpr State state = [] {
    if constexpr (state_has_type) {
      return S;
    } else {
      return State{};
    }
  }();
  using owners = first_clause_or<is_owner_clause, owner<>, Clauses...>;
  using overlays = first_clause_or<is_views_clause, views<>, Clauses...>;
  using successors = first_clause_or<is_next_clause, next<>, Clauses...>;
  static constexpr bool next_has_type = successors::template all_of_type<State>;
  static constexpr auto next_states = [] {
    if constexpr (next_has_type) {
      return successors::template values_as<State>();
    } else {
      return std::array<State, 0>{};
    }
  }();
  static constexpr auto next_roles = [] {
    if constexpr (next_has_type) {
      return successors::template roles_as<State>();
    } else {
      return std::array<std::string_view, 0>{};
    }
  }();
};

// What an initial<...> clause says.
template <class Initial, class State>
struct initial_parts;

template <auto... S, class State>
struct initial_parts<initial<S...>, State> {
  static constexpr bool has_type = (std::is_same_v<decltype(S), State> && ...);
  static constexpr std::array<State, sizeof...(S)> states = [] {
    if constexpr (has_type) {
      return std::array<State, sizeof...(S)>{S...};
    } else {
      return std::array<State, sizeof...(S)>{};
    }
  }();
};

// What a flag_rule<...> clause says.
template <class Rule>
struct flag_rule_parts;

template <fixed_string Flag, class... Clauses>
struct flag_rule_parts<flag_rule<Flag, Clauses...>> {
  using spelled_flag = spelled_name<Flag>;
  static constexpr std::string_view flag = Flag.view();
  static constexpr bool clauses_known =
      ((is_raised_by_clause<Clauses>::value || is_cleared_by_clause<Clauses>::value) && ...);
  static constexpr bool clauses_once = count_clauses<is_raised_by_clause, Clauses...> <= 1 &&
                                       count_clauses<is_cleared_by_clause, Clauses...> <= 1;
  using raisers = first_clause_or<is_raised_by_clause, raised_by<>, Clauses...>;
  using clearers = first_clause_or<is_cleared_by_clause, cleared_by<>, Clauses...>;
};

// The name of an enumerator as the compiler spells it in a template
// argument (GCC: "[with auto V = S::idle]", Clang: "[V = S::idle]"), without
// its qualifiers; a value no enumerator has comes out as the compiler writes
// it, "(S)7".
template <auto V>
constexpr std::string_view enumerator_name() noexcept {
  const std::string_view pretty = __PRETTY_FUNCTION__;
  const std::size_t marker = pretty.find("V = ");
  if (marker == std::string_view::npos) return pretty;
  std::string_view name = pretty.substr(marker + 4);
  name = name.substr(0, name.find_first_of(";]"));
  // An enumerator ends in its identifier: drop every qualifier before it,
  // "(anonymous namespace)::" included (Clang). A value without one is a
  // cast, "(S)7", and stays whole.
  const std::size_t paren = name.rfind(')');
  const bool is_cast = paren != std::string_view::npos && paren + 1 < name.size() &&
                       name.substr(paren + 1).find_first_not_of("-0123456789") == std::string_view::npos;
  if (!is_cast) {
    const std::size_t scope = name.rfind("::");
    if (scope != std::string_view::npos) name = name.substr(scope + 2);
  }
  return name;
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
