// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::protocol<Layout, clauses...>: the state machine a layout's peers
// follow, written down once so the compiler can check every step: who owns
// each state (may acquire it and publish the next one), which of the
// layout's overlays a state's token may touch, which states may follow and
// who may take each edge, where a fresh mailbox starts, and who may raise
// and clear each flag. The clauses (protocol_clauses.hpp) come in any order.
//
//   using Worker = mailbox::protocol<Frame,
//       mailbox::initial<S::idle>,
//       mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
//                         mailbox::next<S::task_ready, S::control_request, S::shutdown>>,
//       mailbox::in_state<S::frame_staged, mailbox::owner<"parent", "child">,      // two owners:
//                         mailbox::next<mailbox::by<"parent", S::activate>,        // try_transition only,
//                                       mailbox::by<"child", S::task_failed>>>,    // each its own edge
//       ...
//       mailbox::in_state<S::shutdown>,                                            // terminal
//       mailbox::flag_rule<"shutdown", mailbox::raised_by<"parent">, mailbox::cleared_by<"parent">>>;
//
// mailbox::endpoint<Worker, "parent"> (endpoint.hpp) is one role's side of
// it; the constexpr queries below are what bindings and exporters walk.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "detail/diagnostics.hpp"
#include "detail/protocol_checks.hpp"
#include "fingerprint.hpp"
#include "layout.hpp"
#include "protocol_clauses.hpp"
#include "state_word.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// One flag_rule<...> of a protocol, as data.
struct flag_rule_info {
  std::string_view flag;
  std::span<const std::string_view> raised_by;
  std::span<const std::string_view> cleared_by;
};

namespace detail {

template <class Layout, class Rules, class Initials, class FlagRules>
class protocol_model;

// The protocol's rules as constexpr data, and the queries on them. The
// clauses arrive sorted by kind: the in_state rules, the initial<...> clauses
// (at most one; more is reported by the checks) and the flag rules.
template <class Layout, class... Rules, class... Initials, class... FlagRules>
class protocol_model<Layout, std::tuple<Rules...>, std::tuple<Initials...>, std::tuple<FlagRules...>> {
 public:
  using layout_type = Layout;
  using state_type = typename Layout::state_type;

  // The number of states the protocol rules.
  static constexpr std::size_t state_count = sizeof...(Rules);

  // The ruled states, in the order of their rules.
  static constexpr std::array<state_type, state_count> states{rule_parts<Rules, state_type>::state...};

 private:
  template <class Rule>
  using parts = rule_parts<Rule, state_type>;

  // One rule, as data. The spans point into the clauses' static arrays.
  struct rule {
    state_type state;
    std::string_view name;
    std::span<const std::string_view> owners;
    std::span<const std::string_view> overlays;
    std::span<const state_type> next;
    std::span<const std::string_view> next_by;  // per next state: the role that may take it, or empty
  };

  static constexpr std::array<rule, state_count> rules{
      rule{parts<Rules>::state, enumerator_name<parts<Rules>::state>(),
           std::span<const std::string_view>(parts<Rules>::owners::names),
           std::span<const std::string_view>(parts<Rules>::overlays::names),
           std::span<const state_type>(parts<Rules>::next_states),
           std::span<const std::string_view>(parts<Rules>::next_roles)}...};

  static constexpr std::size_t owner_mentions = (parts<Rules>::owners::names.size() + ... + 0);

  // Every role named by an owner<...>, each once, in the order of first mention.
  static constexpr auto role_set = [] {
    std::array<std::string_view, owner_mentions> out{};
    std::size_t count = 0;
    for (const rule& r : rules) {
      for (const std::string_view o : r.owners) {
        if (!contains(std::span<const std::string_view>(out.data(), count), o)) out[count++] = o;
      }
    }
    return std::pair{out, count};
  }();

  static constexpr std::size_t index_of(state_type s) noexcept {
    for (std::size_t i = 0; i < state_count; ++i) {
      if (rules[i].state == s) return i;
    }
    return state_count;
  }

  static constexpr std::size_t next_index(state_type from, state_type to) noexcept {
    const auto next = next_of(from);
    for (std::size_t i = 0; i < next.size(); ++i) {
      if (next[i] == to) return i;
    }
    return next.size();
  }

  // States reachable from `from` by any edges (from itself included).
  static constexpr std::array<bool, state_count> reachable_from(std::span<const state_type> from) noexcept {
    std::array<bool, state_count> seen{};
    std::array<std::size_t, state_count> queue{};
    std::size_t head = 0;
    std::size_t tail = 0;
    const auto visit = [&](state_type s) {
      const std::size_t i = index_of(s);
      if (i < state_count && !seen[i]) {
        seen[i] = true;
        queue[tail++] = i;
      }
    };
    for (const state_type s : from) visit(s);
    while (head < tail) {
      for (const state_type n : rules[queue[head++]].next) visit(n);
    }
    return seen;
  }

  template <class FlagRule>
  using flag_parts = flag_rule_parts<FlagRule>;

 public:
  // Every role of the protocol (every name in an owner<...>), each once.
  static constexpr auto roles = [] {
    std::array<std::string_view, role_set.second> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = role_set.first[i];
    return out;
  }();

  // The states a fresh mailbox may start in: initial<...>'s, or the first
  // rule's state.
  static constexpr auto initial_states = [] {
    if constexpr (sizeof...(Initials) >= 1) {
      return initial_parts<std::tuple_element_t<0, std::tuple<Initials...>>, state_type>::states;
    } else if constexpr (state_count >= 1) {
      return std::array<state_type, 1>{states[0]};
    } else {
      return std::array<state_type, 0>{};
    }
  }();

  // The flag rules, in the order written.
  static constexpr std::array<flag_rule_info, sizeof...(FlagRules)> flag_rules{flag_rule_info{
      flag_parts<FlagRules>::flag, std::span<const std::string_view>(flag_parts<FlagRules>::raisers::names),
      std::span<const std::string_view>(flag_parts<FlagRules>::clearers::names)}...};

  // Whether the protocol rules this state; the endpoint's checked waits
  // report any other value in the state word as wait_error::invalid_state.
  [[nodiscard]] static constexpr bool is_state(state_type s) noexcept { return index_of(s) < state_count; }

  // The owners of a state (empty for a terminal state nobody owns, or an
  // unruled value).
  [[nodiscard]] static constexpr std::span<const std::string_view> owners_of(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count ? rules[i].owners : std::span<const std::string_view>();
  }

  // The overlays a token of the state may touch.
  [[nodiscard]] static constexpr std::span<const std::string_view> views_of(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count ? rules[i].overlays : std::span<const std::string_view>();
  }

  // The states that may follow s, by whichever role.
  [[nodiscard]] static constexpr std::span<const state_type> next_of(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count ? rules[i].next : std::span<const state_type>();
  }

  // The enumerator's name of a ruled state, for messages and drawings.
  [[nodiscard]] static constexpr std::string_view name_of(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count ? rules[i].name : std::string_view();
  }

  [[nodiscard]] static constexpr bool owns(std::string_view role, state_type s) noexcept {
    return contains(owners_of(s), role);
  }

  // Whether any state names this role among its owners.
  [[nodiscard]] static constexpr bool has_role(std::string_view role) noexcept {
    return contains(std::span<const std::string_view>(roles), role);
  }

  [[nodiscard]] static constexpr bool is_initial(state_type s) noexcept {
    for (const state_type i : initial_states) {
      if (i == s) return true;
    }
    return false;
  }

  // A state with several owners: no token, left only by try_transition.
  [[nodiscard]] static constexpr bool is_shared(state_type s) noexcept { return owners_of(s).size() > 1; }

  // A ruled state without next states.
  [[nodiscard]] static constexpr bool is_terminal(state_type s) noexcept {
    return is_state(s) && next_of(s).empty();
  }

  // Whether the edge from -> to exists (for some role).
  [[nodiscard]] static constexpr bool allows(state_type from, state_type to) noexcept {
    return next_index(from, to) < next_of(from).size();
  }

  // The role the edge from -> to is reserved for (by<"role", ...>); empty
  // when any owner of `from` may take it, or when there is no such edge.
  [[nodiscard]] static constexpr std::string_view taker_of(state_type from, state_type to) noexcept {
    const std::size_t i = index_of(from);
    if (i >= state_count) return {};
    const std::size_t e = next_index(from, to);
    return e < rules[i].next_by.size() ? rules[i].next_by[e] : std::string_view();
  }

  // Whether `role` may take the edge from -> to: it owns `from`, the edge
  // exists, and it is not reserved for another owner.
  [[nodiscard]] static constexpr bool allows_by(std::string_view role, state_type from,
                                                state_type to) noexcept {
    if (!owns(role, from) || !allows(from, to)) return false;
    const std::string_view taker = taker_of(from, to);
    return taker.empty() || taker == role;
  }

  [[nodiscard]] static constexpr bool views_overlay(state_type s, std::string_view overlay) noexcept {
    return contains(views_of(s), overlay);
  }

  // Whether the layout declares a mailbox::flag<...> of this name.
  [[nodiscard]] static constexpr bool is_flag(std::string_view name) noexcept {
    for (const field_info& f : Layout::fields) {
      if (f.is_flag && f.name == name) return true;
    }
    return false;
  }

  // The flag's rule, if the protocol gives it one.
  [[nodiscard]] static constexpr const flag_rule_info* flag_rule_of(std::string_view flag) noexcept {
    for (const flag_rule_info& r : flag_rules) {
      if (r.flag == flag) return &r;
    }
    return nullptr;
  }

  // Whether `role` may raise (clear) the flag: by its flag_rule, or by
  // every role when it has none.
  [[nodiscard]] static constexpr bool may_raise(std::string_view role, std::string_view flag) noexcept {
    if (!is_flag(flag) || !has_role(role)) return false;
    // A loop, not flag_rule_of(): g++ 12 under -fsanitize=undefined cannot
    // compare the pointer it returns with nullptr in a constant expression.
    for (const flag_rule_info& r : flag_rules) {
      if (r.flag == flag) return contains(r.raised_by, role);
    }
    return true;
  }

  [[nodiscard]] static constexpr bool may_clear(std::string_view role, std::string_view flag) noexcept {
    if (!is_flag(flag) || !has_role(role)) return false;
    for (const flag_rule_info& r : flag_rules) {
      if (r.flag == flag) return contains(r.cleared_by, role);
    }
    return true;
  }

  // Whether `to` can follow `from` after any number of steps (zero included).
  [[nodiscard]] static constexpr bool can_reach(state_type from, state_type to) noexcept {
    const std::size_t i = index_of(to);
    return i < state_count && reachable_from(std::span<const state_type>(&from, 1))[i];
  }

  // Whether a fresh mailbox can ever get to s (the protocol checks that
  // every ruled state can).
  [[nodiscard]] static constexpr bool is_reachable(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count && reachable_from(std::span<const state_type>(initial_states))[i];
  }

  // Whether some terminal state can follow s. Not required of a protocol (a
  // ping-pong or a server loop never ends); a protocol that must always be
  // able to end says so with static_assert(P::can_always_terminate()).
  [[nodiscard]] static constexpr bool can_terminate_from(state_type s) noexcept {
    const auto seen = reachable_from(std::span<const state_type>(&s, 1));
    for (std::size_t i = 0; i < state_count; ++i) {
      if (seen[i] && rules[i].next.empty()) return true;
    }
    return false;
  }

  [[nodiscard]] static constexpr bool can_always_terminate() noexcept {
    for (const state_type s : states) {
      if (!can_terminate_from(s)) return false;
    }
    return true;
  }
};

}  // namespace detail

template <valid_layout Layout, class... Clauses>
class protocol
    : public detail::protocol_model<Layout, detail::select_clauses<detail::is_in_state_clause, Clauses...>,
                                    detail::select_clauses<detail::is_initial_clause, Clauses...>,
                                    detail::select_clauses<detail::is_flag_rule_clause, Clauses...>> {};

namespace detail {
template <class Layout, class... Clauses>
inline constexpr bool is_protocol_v<protocol<Layout, Clauses...>> = true;

template <class Layout, class... Clauses>
struct protocol_clauses<protocol<Layout, Clauses...>> {
  using layout = Layout;
  using all = std::tuple<Clauses...>;
  using rules = select_clauses<is_in_state_clause, Clauses...>;
  using initials = select_clauses<is_initial_clause, Clauses...>;
  using flag_rules = select_clauses<is_flag_rule_clause, Clauses...>;
};
}  // namespace detail

// A protocol that compiled without a protocol error.
template <class P>
concept valid_protocol = detail::is_protocol_v<P> && detail::protocol_checks<P>::valid;

// The layout's fingerprint (fingerprint.hpp) extended with the protocol:
// every rule's state, owners, views and next states with the role each edge
// is reserved for (in rule order), the initial states and the flag rules.
// Two builds whose protocols differ (a role that may now take an edge it
// could not before) do not fingerprint alike even when their layouts do.
template <valid_protocol Protocol, std::uint32_t UserVersion = 0>
inline constexpr std::uint64_t protocol_fingerprint = [] {
  using state_type = typename Protocol::state_type;
  using word = detail::word_for<state_type>;
  const auto state_bits = [](state_type s) { return static_cast<std::uint64_t>(std::bit_cast<word>(s)); };
  const auto mix_names = [](std::uint64_t h, std::span<const std::string_view> names) {
    h = detail::mix(h, names.size());
    for (const std::string_view n : names) h = detail::mix(h, n);
    return h;
  };
  std::uint64_t h = detail::mix(fingerprint<typename Protocol::layout_type, UserVersion>,
                                std::string_view("mailbox protocol v2"));
  h = detail::mix(h, Protocol::state_count);
  for (const state_type s : Protocol::states) {
    h = detail::mix(h, state_bits(s));
    h = mix_names(h, Protocol::owners_of(s));
    h = mix_names(h, Protocol::views_of(s));
    h = detail::mix(h, Protocol::next_of(s).size());
    for (const state_type n : Protocol::next_of(s)) {
      h = detail::mix(h, state_bits(n));
      h = detail::mix(h, Protocol::taker_of(s, n));
    }
  }
  h = detail::mix(h, Protocol::initial_states.size());
  for (const state_type s : Protocol::initial_states) h = detail::mix(h, state_bits(s));
  h = detail::mix(h, Protocol::flag_rules.size());
  for (const flag_rule_info& r : Protocol::flag_rules) {
    h = detail::mix(h, r.flag);
    h = mix_names(h, r.raised_by);
    h = mix_names(h, r.cleared_by);
  }
  return h;
}();

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox

#include "protocol_dot.hpp"  // IWYU pragma: export
