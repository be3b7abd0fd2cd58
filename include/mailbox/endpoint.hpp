// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::endpoint<Protocol, "role">: one role's side of a protocol over a
// Mailbox. It acquires only the states the role owns alone, its tokens
// (endpoint_token.hpp) reach only the fields the state's views allow and
// publish only the edges the role may take, it leaves a shared state only
// by the edges the role may take, and it raises and clears only the flags
// the protocol's flag rules let the role touch: each of those mistakes is a
// compile error that names the state, the field or the flag.
//
//   mailbox::endpoint<Worker, "parent"> parent{frames[0]};
//   auto t = parent.acquire<S::idle>();
//   t.set<"arg0">(7);                                // only if a view of idle holds arg0
//   std::move(t).publish<S::control_request>();      // only if idle -> control_request
//   if (parent.try_transition<S::frame_staged, S::activate>()) { ... }
//   parent.raise<"shutdown">();                      // only if the flag rule lets the parent
//
// A role is one thread of control: two endpoints of one role over one
// mailbox are the same party to the protocol, and the protocol's guarantee
// (one writer per state) holds only if they are not used at the same time
// (see docs/protocol.md). The endpoint gives no raw Mailbox: that is the
// unchecked level, which the code that made the endpoint already holds.
//
// The endpoint and its tokens are a Mailbox and a Mailbox token: every
// access to the state word and the payload is theirs, so the ordering code
// exists once and the endpoint compiles to the same instructions (tests/asm).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "arch.hpp"
#include "detail/diagnostics.hpp"
#include "endpoint_token.hpp"
#include "layout.hpp"
#include "protocol.hpp"
#include "transition.hpp"
#include "view.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

template <class Role>
struct in_endpoint_role {
  template <bool Ok>
  static constexpr bool is_a_role_of_the_protocol() {
    static_assert(Ok, "mailbox::endpoint: no state of the protocol has this role among its owner<...>");
    return Ok;
  }
};

template <class Flag>
struct in_endpoint_flag {
  template <bool Ok, class Role>
  static constexpr bool may_be_raised_by_the_role() {
    static_assert(
        Ok, "mailbox::endpoint: the flag's flag_rule<...> does not let this role raise it (raised_by<...>)");
    return Ok;
  }
  template <bool Ok, class Role>
  static constexpr bool may_be_cleared_by_the_role() {
    static_assert(
        Ok, "mailbox::endpoint: the flag's flag_rule<...> does not let this role clear it (cleared_by<...>)");
    return Ok;
  }
};

}  // namespace detail

template <valid_protocol Protocol, fixed_string Role>
class endpoint {
 public:
  using protocol_type = Protocol;
  using layout_type = typename Protocol::layout_type;
  using state_type = typename Protocol::state_type;
  using mailbox_type = Mailbox<layout_type>;

  static constexpr std::string_view role = Role.view();

  // The token for the states Held (endpoint_token.hpp).
  template <state_type... Held>
  using token = endpoint_token<Protocol, Role, Held...>;

 private:
  using role_spelled = detail::spelled_name<Role>;
  // An unknown role is named with the closest role of the protocol, by the
  // static_assert inside (this one only makes it run, so it is not repeated).
  static_assert(detail::in_endpoint_role<detail::unknown_role_t<Protocol, Role>>::
                    template is_a_role_of_the_protocol<Protocol::has_role(Role.view())>() ||
                true);

  // The checks every acquire makes of the state it takes a token for.
  template <state_type S>
  static constexpr bool may_take_token() {
    using diagnose = detail::in_endpoint_state<S>;
    if constexpr (!Protocol::is_state(S)) {
      return diagnose::template is_ruled<false>();
    } else {
      return diagnose::template is_owned_by_the_role<Protocol::owns(Role.view(), S), role_spelled>() &&
             diagnose::template has_a_single_owner<!Protocol::is_shared(S)>();
    }
  }

  // The checks of try_transition<From, To>: a shared state the role owns,
  // left by an edge the role may take (the protocol makes sure To is not
  // shared: a shared state is entered only by publishing from a token).
  template <state_type From, state_type To>
  static constexpr bool may_transition() {
    using diagnose = detail::in_endpoint_state<From>;
    if constexpr (!Protocol::is_state(From)) {
      return diagnose::template is_ruled<false>();
    } else {
      return diagnose::template is_owned_by_the_role<Protocol::owns(Role.view(), From), role_spelled>() &&
             diagnose::template has_several_owners<Protocol::is_shared(From)>() &&
             detail::role_may_take_edge<Protocol, Role, From, To>();
    }
  }

 public:
  // The result of a checked wait: a token, or why there is none.
  template <state_type... Held>
  using wait_result = acquire_result<token<Held...>, state_type>;

  // One role's view of a mailbox that runs the protocol. Nothing checks that
  // the mailbox does run it: a region made with a header that records the
  // protocol (frame_set.hpp) does.
  explicit endpoint(mailbox_type box) noexcept : box_(box) {}

  // Acquire-load of the state (Mailbox::state()).
  [[nodiscard, gnu::always_inline]] state_type state() const noexcept { return box_.state(); }

  // A token if the state is S now. S must be a state this role owns alone.
  template <state_type S>
  [[nodiscard, gnu::always_inline]] std::optional<token<S>> try_acquire() const noexcept {
    if constexpr (may_take_token<S>()) {
      // As Mailbox::try_acquire, with the token made in place.
      if (box_.state() != S) return std::nullopt;
      return token<S>(detail::endpoint_key{}, base(), S);
    } else {
      return std::nullopt;
    }
  }

  // Waits, spinning politely, until the state is S; then a token.
  template <state_type S>
  [[nodiscard, gnu::always_inline]] token<S> acquire() const noexcept {
    static_assert(may_take_token<S>());
    // As Mailbox::acquire, with the token made in place.
    while (box_.state() != S) arch::cpu_relax();
    return token<S>(detail::endpoint_key{}, base(), S);
  }

  // Waits for S with a policy, a deadline and a liveness check, as
  // Mailbox::acquire(expected, policy, ...) does, except that a value the
  // protocol does not rule ends the wait with wait_error::invalid_state.
  template <state_type S, wait_policy Policy, liveness_check Liveness = always_alive>
  [[nodiscard]] wait_result<S> acquire(Policy policy, deadline until = no_deadline,
                                       Liveness alive = {}) const {
    static_assert(may_take_token<S>());
    return wrap<S>(
        box_.acquire_when([](state_type s) { return s == S; }, &Protocol::is_state, policy, until, alive));
  }

  // The same for whichever of several states comes first; the token reaches
  // the fields that all their views allow, publishes the states allowed
  // after all of them, and its state() says which one it got.
  template <state_type... States, wait_policy Policy, liveness_check Liveness = always_alive>
  [[nodiscard]] wait_result<States...> acquire_any(Policy policy, deadline until = no_deadline,
                                                   Liveness alive = {}) const {
    static_assert(sizeof...(States) >= 1, "mailbox::endpoint: acquire_any<...> needs at least one state");
    static_assert((may_take_token<States>() && ...));
    return wrap<States...>(box_.acquire_when([](state_type s) { return ((s == States) || ...); },
                                             &Protocol::is_state, policy, until, alive));
  }

  // Leaves a state with several owners: moves the state from From to To in
  // one compare-and-swap (acq_rel) if it is From now
  // (Mailbox::try_transition). Exactly one owner's call wins; the result
  // converts to true for it, and its found() says which state the word held
  // (for the losers: the state the winner moved it to). From must have
  // several owners, this role among them, and the protocol must let this
  // role take the edge From -> To.
  template <state_type From, state_type To>
  [[nodiscard, gnu::always_inline]] transition_result<state_type> try_transition() const noexcept {
    if constexpr (may_transition<From, To>()) {
      return box_.try_transition(From, To);
    } else {
      return {false, From};
    }
  }

  // Flags (mailbox::flag<"name", T>), by the protocol's flag rules: raise
  // and clear only what the role may (a flag without a flag_rule: every
  // role), read every flag. The Mailbox's raise, clear and is_raised.
  template <fixed_string Name>
  requires names_a_flag<layout_type, Name>
  [[gnu::always_inline]] void raise() const noexcept {
    if constexpr (detail::in_endpoint_flag<detail::spelled_name<Name>>::template may_be_raised_by_the_role<
                      Protocol::may_raise(Role.view(), Name.view()), role_spelled>()) {
      box_.template raise<Name>();
    }
  }

  template <fixed_string Name>
  requires names_a_flag<layout_type, Name>
  [[gnu::always_inline]] void clear() const noexcept {
    if constexpr (detail::in_endpoint_flag<detail::spelled_name<Name>>::template may_be_cleared_by_the_role<
                      Protocol::may_clear(Role.view(), Name.view()), role_spelled>()) {
      box_.template clear<Name>();
    }
  }

  template <fixed_string Name>
  requires names_a_flag<layout_type, Name>
  [[nodiscard, gnu::always_inline]] bool is_raised() const noexcept {
    return box_.template is_raised<Name>();
  }

 private:
  [[nodiscard, gnu::always_inline]] std::byte* base() const noexcept {
    return detail::token_access::base_of(box_);
  }

  template <state_type... Held, class Result>
  [[nodiscard]] static wait_result<Held...> wrap(Result&& result) {
    if (!result) return wait_result<Held...>(result.error(), result.state());
    const state_type got = result.state();
    return wait_result<Held...>(
        token<Held...>(detail::endpoint_key{}, detail::token_access::release(*result), got), got);
  }

  mailbox_type box_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
