// mailbox::protocol<Layout, in_state<...>...>: the state machine a layout's
// peers follow, written down once so the compiler can check every step: who
// owns each state (may acquire it and publish the next one), which of the
// layout's overlays a state's token may touch, and which states may follow.
//
//   using Worker = mailbox::protocol<Frame,
//       mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
//                         mailbox::next<S::task_ready, S::control_request, S::shutdown>>,
//       mailbox::in_state<S::frame_staged, mailbox::owner<"parent", "child">,
//                         mailbox::next<S::activate, S::task_failed>>,   // two owners: try_transition only
//       ...
//       mailbox::in_state<S::shutdown>>;                                  // no owner, no next: terminal
//
// mailbox::endpoint<Worker, "parent"> (endpoint.hpp) is one role's side of it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "detail/diagnostics.hpp"
#include "fingerprint.hpp"
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

}  // namespace detail

// The roles that own a state: each may acquire it (a token, when it is the
// only owner) and leave it. Several owners: nobody gets a token, the state is
// left by whichever owner's try_transition() wins.
template <fixed_string... Roles>
struct owner {
  static constexpr std::array<std::string_view, sizeof...(Roles)> names{Roles.view()...};
};

// The overlays (mailbox::overlay<"name", ...>) a token of the state may touch,
// besides the layout's common fields.
template <fixed_string... Overlays>
struct views {
  static constexpr std::array<std::string_view, sizeof...(Overlays)> names{Overlays.view()...};
  // The I-th name, spelled out for diagnostics.
  template <std::size_t I>
  using spelled_at = std::tuple_element_t<I, std::tuple<detail::spelled_name<Overlays>...>>;
};

// The states an owner may move the state to from this one.
template <auto... States>
struct next {
  template <class State>
  static constexpr bool all_of_type = (std::is_same_v<decltype(States), State> && ...);
  template <class State>
  static constexpr std::array<State, sizeof...(States)> values_as() {
    if constexpr (all_of_type<State>) {
      return {States...};
    } else {
      return {};
    }
  }
};

// One state's rule: its owner<...>, views<...> and next<...>, each optional
// and in any order. A state with none of them is terminal.
template <auto State, class... Clauses>
struct in_state {
  static constexpr auto state = State;
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

// The first clause that Keep selects, or Default.
template <template <class> class Keep, class Default, class... Clauses>
using first_clause_or = std::tuple_element_t<
    0, decltype(std::tuple_cat(
           std::declval<std::conditional_t<Keep<Clauses>::value, std::tuple<Clauses>, std::tuple<>>>()...,
           std::declval<std::tuple<Default>>()))>;

// What a rule says, read defensively: for something that is not an
// in_state<...> (or an in_state with clauses of the wrong kind) the values
// are empty, so that the protocol reports the one mistake and nothing after.
template <class Rule, class State>
struct rule_parts {
  static constexpr bool is_rule = false;
  static constexpr bool state_has_type = true;
  static constexpr bool clauses_known = true;
  static constexpr bool clauses_once = true;
  static constexpr bool next_has_type = true;
  static constexpr State state{};
  using owners = owner<>;
  using overlays = views<>;
  using successors = next<>;
};

template <auto S, class... Clauses, class State>
struct rule_parts<in_state<S, Clauses...>, State> {
  static constexpr bool is_rule = true;
  static constexpr bool state_has_type = std::is_same_v<decltype(S), State>;
  static constexpr bool clauses_known =
      ((is_owner_clause<Clauses>::value || is_views_clause<Clauses>::value ||
        is_next_clause<Clauses>::value) &&
       ...);
  static constexpr bool clauses_once = (std::size_t{is_owner_clause<Clauses>::value} + ... + 0) <= 1 &&
                                       (std::size_t{is_views_clause<Clauses>::value} + ... + 0) <= 1 &&
                                       (std::size_t{is_next_clause<Clauses>::value} + ... + 0) <= 1;
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
};

// Protocol mistakes are reported from inside this template: the compiler's
// note "in instantiation of in_protocol_state<S::idle>" names the state.
template <auto State>
struct in_protocol_state {
  template <bool Ok>
  static constexpr bool rule_is_an_in_state() {
    static_assert(Ok, "mailbox::protocol: accepts only mailbox::in_state<State, ...> rules after the layout");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool has_the_layouts_state_type() {
    static_assert(Ok,
                  "mailbox::protocol: an in_state<...> or next<...> value does not have the layout's "
                  "state type exactly");
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
  template <bool Ok, auto Next>
  static constexpr bool next_state_is_ruled() {
    static_assert(Ok, "mailbox::protocol: a next<...> state has no in_state<...> rule of its own");
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
  static constexpr bool is_a_valid_state_of_the_layout() {
    static_assert(Ok,
                  "mailbox::protocol: the layout declares mailbox::valid_states<...> and this state is not "
                  "one of them");
    return Ok;
  }
};

template <class T>
inline constexpr bool is_protocol_v = false;

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

template <valid_layout Layout, class... Rules>
class protocol {
 public:
  using layout_type = Layout;
  using state_type = typename Layout::state_type;

  // The number of states the protocol rules.
  static constexpr std::size_t state_count = sizeof...(Rules);

 private:
  template <class Rule>
  using parts = detail::rule_parts<Rule, state_type>;

  // One rule, as data. The spans point into the clauses' static arrays.
  struct rule {
    state_type state;
    std::string_view name;
    std::span<const std::string_view> owners;
    std::span<const std::string_view> overlays;
    std::span<const state_type> next;
  };

  template <class Rule>
  static constexpr auto next_values = parts<Rule>::successors::template values_as<state_type>();

  static constexpr std::array<rule, state_count> rules{
      rule{parts<Rules>::state, detail::enumerator_name<parts<Rules>::state>(),
           std::span<const std::string_view>(parts<Rules>::owners::names),
           std::span<const std::string_view>(parts<Rules>::overlays::names),
           std::span<const state_type>(next_values<Rules>)}...};

  static constexpr std::size_t index_of(state_type s) noexcept {
    for (std::size_t i = 0; i < state_count; ++i) {
      if (rules[i].state == s) return i;
    }
    return state_count;
  }

  static constexpr bool contains(std::span<const std::string_view> names, std::string_view name) noexcept {
    for (const std::string_view n : names) {
      if (n == name) return true;
    }
    return false;
  }

 public:
  // Whether the protocol rules this state; the endpoint's checked waits
  // report any other value in the state word as wait_error::invalid_state.
  [[nodiscard]] static constexpr bool is_state(state_type s) noexcept { return index_of(s) < state_count; }

  // The ruled states, in the order of their rules.
  static constexpr std::array<state_type, state_count> states{parts<Rules>::state...};

  // The owners of a state (empty for a terminal state or an unruled value).
  [[nodiscard]] static constexpr std::span<const std::string_view> owners_of(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count ? rules[i].owners : std::span<const std::string_view>();
  }

  // The overlays a token of the state may touch.
  [[nodiscard]] static constexpr std::span<const std::string_view> views_of(state_type s) noexcept {
    const std::size_t i = index_of(s);
    return i < state_count ? rules[i].overlays : std::span<const std::string_view>();
  }

  // The states that may follow s.
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

  [[nodiscard]] static constexpr bool allows(state_type from, state_type to) noexcept {
    for (const state_type n : next_of(from)) {
      if (n == to) return true;
    }
    return false;
  }

  [[nodiscard]] static constexpr bool views_overlay(state_type s, std::string_view overlay) noexcept {
    return contains(views_of(s), overlay);
  }

  // Whether any state names this role among its owners.
  [[nodiscard]] static constexpr bool has_role(std::string_view role) noexcept {
    for (const rule& r : rules) {
      if (contains(r.owners, role)) return true;
    }
    return false;
  }
};

namespace detail {
template <class Layout, class... Rules>
inline constexpr bool is_protocol_v<protocol<Layout, Rules...>> = true;

// The protocol's checks, run once the protocol class is complete (its
// constexpr member functions are usable only then).
template <class Protocol>
struct protocol_checks;

template <class Layout, class... Rules>
struct protocol_checks<protocol<Layout, Rules...>> {
  using P = protocol<Layout, Rules...>;
  using state_type = typename Layout::state_type;

  template <class Rule>
  using parts = rule_parts<Rule, state_type>;

  template <class Rule>
  static constexpr auto next_values = parts<Rule>::successors::template values_as<state_type>();

  static constexpr bool contains(std::span<const std::string_view> names, std::string_view name) noexcept {
    for (const std::string_view n : names) {
      if (n == name) return true;
    }
    return false;
  }

  template <class Rule>
  static constexpr bool check_rule() {
    using R = parts<Rule>;
    using diagnose = in_protocol_state<R::state>;
    if constexpr (!R::is_rule) {
      return diagnose::template rule_is_an_in_state<false>();
    } else if constexpr (!R::state_has_type || !R::next_has_type) {
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
      constexpr bool leavable = R::owners::names.size() != 0 || next_values<Rule>.size() == 0;
      return diagnose::template is_ruled_once<times_ruled == 1>() &&
             diagnose::template has_an_owner_to_leave_it<leavable>() &&
             diagnose::template is_a_valid_state_of_the_layout<Layout::is_valid_state(R::state)>() &&
             check_next<Rule>(std::make_index_sequence<next_values<Rule>.size()>{}) &&
             check_views<Rule>(std::make_index_sequence<R::overlays::names.size()>{});
    }
  }

  template <class Rule, std::size_t... I>
  static constexpr bool check_next(std::index_sequence<I...>) {
    using diagnose = in_protocol_state<parts<Rule>::state>;
    return (
        diagnose::template next_state_is_ruled<P::is_state(next_values<Rule>[I]), next_values<Rule>[I]>() &&
        ...);
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
        ...);
  }

  static constexpr bool valid = (check_rule<Rules>() && ... && true);
};
}  // namespace detail

// A protocol that compiled without a protocol error.
template <class P>
concept valid_protocol = detail::is_protocol_v<P> && detail::protocol_checks<P>::valid;

// The layout's fingerprint (fingerprint.hpp) extended with the protocol:
// every rule's state, owners, views and next states, in rule order. Two
// builds whose protocols differ (a role that may now publish a state it could
// not before) do not fingerprint alike even when their layouts do.
template <valid_protocol Protocol, std::uint32_t UserVersion = 0>
inline constexpr std::uint64_t protocol_fingerprint = [] {
  using state_type = typename Protocol::state_type;
  using word = detail::word_for<state_type>;
  std::uint64_t h = detail::mix(fingerprint<typename Protocol::layout_type, UserVersion>,
                                std::string_view("mailbox protocol v1"));
  h = detail::mix(h, Protocol::state_count);
  for (const state_type s : Protocol::states) {
    h = detail::mix(h, static_cast<std::uint64_t>(std::bit_cast<word>(s)));
    h = detail::mix(h, Protocol::owners_of(s).size());
    for (const std::string_view role : Protocol::owners_of(s)) h = detail::mix(h, role);
    h = detail::mix(h, Protocol::views_of(s).size());
    for (const std::string_view overlay : Protocol::views_of(s)) h = detail::mix(h, overlay);
    h = detail::mix(h, Protocol::next_of(s).size());
    for (const state_type n : Protocol::next_of(s))
      h = detail::mix(h, static_cast<std::uint64_t>(std::bit_cast<word>(n)));
  }
  return h;
}();

// The protocol as a Graphviz digraph: one node per state (its overlays under
// its name; terminal states drawn double), one edge per legal transition,
// labelled with the owners of the state it leaves (two owners: whoever wins
// try_transition). Render with `dot -Tpng`.
template <valid_protocol Protocol>
[[nodiscard]] std::string to_dot(std::string_view graph_name = "protocol") {
  const auto quoted = [](std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  const auto joined = [](std::span<const std::string_view> names) {
    std::string out;
    for (const std::string_view n : names) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  };
  std::string out = "digraph " + quoted(graph_name) + " {\n";
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto s : Protocol::states) {
    std::string label(Protocol::name_of(s));
    if (!Protocol::views_of(s).empty()) label += "\\n[" + joined(Protocol::views_of(s)) + "]";
    out += "  " + quoted(Protocol::name_of(s)) + " [label=\"" + label + "\"";
    if (Protocol::next_of(s).empty()) out += ", peripheries=2";
    if (Protocol::owners_of(s).size() > 1) out += ", style=\"rounded,dashed\"";
    out += "];\n";
  }
  for (const auto s : Protocol::states) {
    for (const auto n : Protocol::next_of(s)) {
      out += "  " + quoted(Protocol::name_of(s)) + " -> " + quoted(Protocol::name_of(n)) +
             " [label=" + quoted(joined(Protocol::owners_of(s))) + "];\n";
    }
  }
  return out + "}\n";
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
