// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The whole-protocol checks of mailbox::protocol (protocol.hpp), run once the
// protocol class is complete (its constexpr queries are usable only then),
// when the protocol is first used: endpoint, to_dot, protocol_fingerprint,
// valid_protocol. Each mistake is a static_assert inside a template whose
// arguments name the state, flag or role, so that the compiler's note
// "in instantiation of in_protocol_state<S::idle>" says where it is.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../abi.hpp"
#include "../protocol_clauses.hpp"
#include "diagnostics.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace detail {

template <auto State>
struct in_protocol_state {
  template <bool Ok>
  static constexpr bool has_the_layouts_state_type() {
    static_assert(
        Ok,
        "mailbox::protocol: an in_state<...>, next<...>, by<...> or initial<...> value does not have "
        "the layout's state type exactly");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool clauses_are_owner_views_next() {
    static_assert(Ok,
                  "mailbox::protocol: an in_state<...> accepts only mailbox::owner<...>, "
                  "mailbox::views<...> and mailbox::next<...>");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool clauses_are_given_once() {
    static_assert(Ok, "mailbox::protocol: an in_state<...> gives owner<...>, views<...> or next<...> twice");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_ruled_once() {
    static_assert(Ok, "mailbox::protocol: a state is ruled by more than one in_state<...>");
    return Ok;
  }
  template <bool Ok, class Role>
  static constexpr bool names_each_owner_once() {
    static_assert(Ok, "mailbox::protocol: owner<...> names a role twice; a role owns a state once");
    return Ok;
  }
  template <bool Ok, auto Next>
  static constexpr bool next_state_is_ruled() {
    static_assert(Ok, "mailbox::protocol: a next<...> state has no in_state<...> rule of its own");
    return Ok;
  }
  template <bool Ok, auto Next>
  static constexpr bool lists_each_next_state_once() {
    static_assert(Ok, "mailbox::protocol: next<...> lists a state twice (plainly or in by<...>)");
    return Ok;
  }
  template <bool Ok, auto Next>
  static constexpr bool gives_the_edge_to_an_owner() {
    static_assert(Ok,
                  "mailbox::protocol: next<by<\"role\", ...>> gives an edge to a role that does not own this "
                  "state (see its owner<...>)");
    return Ok;
  }
  template <bool Ok, auto Next>
  static constexpr bool is_not_followed_by_a_shared_state() {
    static_assert(Ok,
                  "mailbox::protocol: a state with several owners is followed by another state with several "
                  "owners; a shared state is entered only by publishing from a token, so that its payload is "
                  "written first, and a state with several owners has no token");
    return Ok;
  }
  template <bool Ok, class Overlay>
  static constexpr bool view_is_an_overlay() {
    static_assert(Ok, "mailbox::protocol: views<...> names an overlay the layout does not declare");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool has_an_owner_to_leave_it() {
    static_assert(Ok,
                  "mailbox::protocol: a state with next<...> states has no owner<...>, so nobody could "
                  "leave it");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_left_when_shared() {
    static_assert(Ok,
                  "mailbox::protocol: a state with several owners has no next<...>: no owner could leave it, "
                  "and none may read it (a shared state has no token)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_a_valid_state_of_the_layout() {
    static_assert(Ok,
                  "mailbox::protocol: the layout declares mailbox::valid_states<...> and this state is not "
                  "one of them");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool initial_state_is_ruled() {
    static_assert(Ok, "mailbox::protocol: initial<...> names a state that has no in_state<...> rule");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_reachable_from_an_initial_state() {
    static_assert(
        Ok,
        "mailbox::protocol: no path of next<...> edges leads from an initial state to this state; "
        "a fresh mailbox never gets there (see initial<...>: the first in_state's state by default)");
    return Ok;
  }
};

// Mistakes about a flag_rule<"flag", ...>, named by the spelled flag.
template <class Flag>
struct in_protocol_flag_rule {
  template <bool Ok>
  static constexpr bool names_a_flag_of_the_layout() {
    static_assert(Ok, "mailbox::protocol: flag_rule<...> names no mailbox::flag<...> of the layout");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool clauses_are_raised_by_cleared_by() {
    static_assert(Ok,
                  "mailbox::protocol: a flag_rule<...> accepts only mailbox::raised_by<...> and "
                  "mailbox::cleared_by<...>, each at most once");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_the_flags_only_rule() {
    static_assert(Ok, "mailbox::protocol: a flag has more than one flag_rule<...>");
    return Ok;
  }
  template <bool Ok, class Role>
  static constexpr bool names_a_role_of_the_protocol() {
    static_assert(Ok,
                  "mailbox::protocol: raised_by<...> or cleared_by<...> names a role that owns no state of "
                  "the protocol");
    return Ok;
  }
};

template <class Clause>
struct in_protocol_clause {
  template <bool Ok>
  static constexpr bool is_a_protocol_clause() {
    static_assert(Ok,
                  "mailbox::protocol: accepts only mailbox::in_state<...>, mailbox::initial<...> and "
                  "mailbox::flag_rule<...> after the layout");
    return Ok;
  }
};

// Mistakes about the protocol as a whole (a template, so that each check is
// instantiated only when it fails).
template <class Protocol>
struct in_protocol {
  template <bool Ok>
  static constexpr bool rules_a_state() {
    static_assert(Ok, "mailbox::protocol: needs at least one in_state<...>");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool gives_initial_once() {
    static_assert(Ok, "mailbox::protocol: initial<...> is given more than once, or names no state");
    return Ok;
  }
};

template <class T>
inline constexpr bool is_protocol_v = false;

// A protocol's clauses, sorted by kind (protocol.hpp specialises it).
template <class Protocol>
struct protocol_clauses;

template <class Protocol>
struct protocol_checks {
  using P = Protocol;
  using clauses = protocol_clauses<P>;
  using Layout = typename clauses::layout;
  using state_type = typename P::state_type;

  template <class Rule>
  using parts = rule_parts<Rule, state_type>;

  static constexpr bool contains_name(std::span<const std::string_view> names, std::string_view name,
                                      std::size_t before) noexcept {
    for (std::size_t i = 0; i < before && i < names.size(); ++i) {
      if (names[i] == name) return true;
    }
    return false;
  }

  // --- each clause is one of the three kinds ---

  template <class Clause>
  static constexpr bool check_clause_kind() {
    return in_protocol_clause<Clause>::template is_a_protocol_clause < is_in_state_clause<Clause>::value ||
           is_initial_clause<Clause>::value || is_flag_rule_clause<Clause>::value > ();
  }

  template <class... Clauses>
  static constexpr bool check_clause_kinds(std::tuple<Clauses...>*) {
    return (check_clause_kind<Clauses>() && ... && true);
  }

  // --- the in_state rules ---

  template <class Rule>
  static constexpr bool check_rule() {
    using R = parts<Rule>;
    using diagnose = in_protocol_state<R::state>;
    if constexpr (!R::state_has_type || !R::next_has_type) {
      return diagnose::template has_the_layouts_state_type<false>();
    } else if constexpr (!R::clauses_known) {
      return diagnose::template clauses_are_owner_views_next<false>();
    } else if constexpr (!R::clauses_once) {
      return diagnose::template clauses_are_given_once<false>();
    } else {
      constexpr std::size_t times_ruled = [] {
        std::size_t n = 0;
        for (const state_type s : P::states) n += s == R::state ? 1 : 0;
        return n;
      }();
      constexpr std::size_t owners = R::owners::names.size();
      constexpr bool leavable = owners != 0 || R::next_states.size() == 0;
      constexpr bool shared_has_next = owners < 2 || R::next_states.size() != 0;
      return diagnose::template is_ruled_once<times_ruled == 1>() &&
             diagnose::template has_an_owner_to_leave_it<leavable>() &&
             diagnose::template is_left_when_shared<shared_has_next>() &&
             diagnose::template is_a_valid_state_of_the_layout<Layout::is_valid_state(R::state)>() &&
             check_owners<Rule>(std::make_index_sequence<owners>{}) &&
             check_next<Rule>(std::make_index_sequence<R::next_states.size()>{}) &&
             check_views<Rule>(std::make_index_sequence<R::overlays::names.size()>{});
    }
  }

  template <class Rule, std::size_t... I>
  static constexpr bool check_owners(std::index_sequence<I...>) {
    using R = parts<Rule>;
    using diagnose = in_protocol_state<R::state>;
    constexpr auto& names = R::owners::names;
    return (diagnose::template names_each_owner_once<!contains_name(names, names[I], I),
                                                     typename R::owners::template spelled_at<I>>() &&
            ... && true);
  }

  template <class Rule, std::size_t I>
  static constexpr bool check_edge() {
    using R = parts<Rule>;
    using diagnose = in_protocol_state<R::state>;
    constexpr state_type next = R::next_states[I];
    constexpr bool listed_once = [] {
      for (std::size_t j = 0; j < I; ++j) {
        if (R::next_states[j] == next) return false;
      }
      return true;
    }();
    constexpr std::string_view taker = R::next_roles[I];
    constexpr bool shared = R::owners::names.size() > 1;
    return diagnose::template next_state_is_ruled<P::is_state(next), next>() &&
                   diagnose::template lists_each_next_state_once<listed_once, next>() &&
                   diagnose::template gives_the_edge_to_an_owner < taker.empty() ||
               P::owns(taker, R::state),
           next > () && diagnose::template is_not_followed_by_a_shared_state < !shared || !P::is_shared(next),
           next > ();
  }

  template <class Rule, std::size_t... I>
  static constexpr bool check_next(std::index_sequence<I...>) {
    return (check_edge<Rule, I>() && ... && true);
  }

  template <class Rule, std::size_t... I>
  static constexpr bool check_views(std::index_sequence<I...>) {
    using diagnose = in_protocol_state<parts<Rule>::state>;
    using overlays = typename parts<Rule>::overlays;
    // An unknown overlay is named with the closest overlay of the layout.
    return (
        diagnose::template view_is_an_overlay<
            contains(Layout::overlay_names, overlays::names[I]),
            hint_for_spelled_t<contains(Layout::overlay_names, overlays::names[I]), no_overlay_named,
                               layout_overlay_names<Layout>, typename overlays::template spelled_at<I>>>() &&
        ... && true);
  }

  template <class... Rules>
  static constexpr bool check_rules(std::tuple<Rules...>*) {
    return in_protocol<P>::template rules_a_state<(sizeof...(Rules) > 0)>() &&
           (check_rule<Rules>() && ... && true);
  }

  // --- initial<...> ---

  template <class... Initials>
  static constexpr bool check_initials(std::tuple<Initials...>*) {
    if constexpr (sizeof...(Initials) == 0) {
      return true;
    } else {
      using first = initial_parts<std::tuple_element_t<0, std::tuple<Initials...>>, state_type>;
      if constexpr (sizeof...(Initials) > 1 || first::states.size() == 0) {
        return in_protocol<P>::template gives_initial_once<false>();
      } else if constexpr (!first::has_type) {
        return in_protocol_state<first::states[0]>::template has_the_layouts_state_type<false>();
      } else {
        return check_initial_states(std::make_index_sequence<first::states.size()>{});
      }
    }
  }

  template <std::size_t... I>
  static constexpr bool check_initial_states(std::index_sequence<I...>) {
    return (in_protocol_state<P::initial_states[I]>::template initial_state_is_ruled<P::is_state(
                P::initial_states[I])>() &&
            ...);
  }

  // --- flag_rule<...> ---

  template <class FlagRule>
  static constexpr bool check_flag_rule() {
    using F = flag_rule_parts<FlagRule>;
    using diagnose = in_protocol_flag_rule<typename F::spelled_flag>;
    constexpr std::size_t rules_of_flag = [] {
      std::size_t n = 0;
      for (const auto& r : P::flag_rules) n += r.flag == F::flag ? 1 : 0;
      return n;
    }();
    if constexpr (!F::clauses_known || !F::clauses_once) {
      return diagnose::template clauses_are_raised_by_cleared_by<false>();
    } else {
      return diagnose::template names_a_flag_of_the_layout<P::is_flag(F::flag)>() &&
             diagnose::template is_the_flags_only_rule<rules_of_flag == 1>() &&
             check_flag_roles<FlagRule, typename F::raisers>(
                 std::make_index_sequence<F::raisers::names.size()>{}) &&
             check_flag_roles<FlagRule, typename F::clearers>(
                 std::make_index_sequence<F::clearers::names.size()>{});
    }
  }

  template <class FlagRule, class Roles, std::size_t... I>
  static constexpr bool check_flag_roles(std::index_sequence<I...>) {
    using diagnose = in_protocol_flag_rule<typename flag_rule_parts<FlagRule>::spelled_flag>;
    return (diagnose::template names_a_role_of_the_protocol<P::has_role(Roles::names[I]),
                                                            typename Roles::template spelled_at<I>>() &&
            ... && true);
  }

  template <class... FlagRules>
  static constexpr bool check_flag_rules(std::tuple<FlagRules...>*) {
    return (check_flag_rule<FlagRules>() && ... && true);
  }

  // --- every state reachable (only once the rules are sound) ---

  template <std::size_t... I>
  static constexpr bool check_reachable(std::index_sequence<I...>) {
    return (in_protocol_state<P::states[I]>::template is_reachable_from_an_initial_state<P::is_reachable(
                P::states[I])>() &&
            ... && true);
  }

  static constexpr bool clauses_valid = check_clause_kinds(static_cast<typename clauses::all*>(nullptr));
  static constexpr bool rules_valid =
      clauses_valid && check_rules(static_cast<typename clauses::rules*>(nullptr));
  static constexpr bool initials_valid =
      rules_valid && check_initials(static_cast<typename clauses::initials*>(nullptr));
  static constexpr bool flags_valid =
      rules_valid && check_flag_rules(static_cast<typename clauses::flag_rules*>(nullptr));
  static constexpr bool reachable = [] {
    if constexpr (initials_valid) {
      return check_reachable(std::make_index_sequence<P::state_count>{});
    } else {
      return false;
    }
  }();

  static constexpr bool valid = initials_valid && flags_valid && reachable;
};

}  // namespace detail
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
