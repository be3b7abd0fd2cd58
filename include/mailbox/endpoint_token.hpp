// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::endpoint_token<Protocol, "role", S...>: the token an endpoint
// (endpoint.hpp) hands out for one state, or for several (acquire_any). It
// wraps a Mailbox token and puts the protocol's checks in front of its
// accessors: it reaches only the fields the held states' views allow, and
// publishes only a state the protocol lets this role take from every held
// state. A token of terminal states (owned, no next) has no publish and may
// be dropped.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "detail/diagnostics.hpp"
#include "layout.hpp"
#include "protocol.hpp"
#include "token.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

template <valid_protocol Protocol, fixed_string Role>
class endpoint;

template <valid_protocol Protocol, fixed_string Role, typename Protocol::state_type... Held>
class endpoint_token;

namespace detail {

// Endpoint mistakes about a state, reported from inside this template so the
// note "in instantiation of in_endpoint_state<S::idle>" names the state.
template <auto State>
struct in_endpoint_state {
  template <bool Ok>
  static constexpr bool is_ruled() {
    static_assert(Ok, "mailbox::endpoint: the protocol has no in_state<...> rule for this state");
    return Ok;
  }
  template <bool Ok, class Role>
  static constexpr bool is_owned_by_the_role() {
    static_assert(Ok,
                  "mailbox::endpoint: the role does not own this state, so it may not acquire it or "
                  "leave it (see the state's owner<...>)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool has_a_single_owner() {
    static_assert(Ok,
                  "mailbox::endpoint: this state has several owners, so it has no token: leave it "
                  "with try_transition<From, To>(), which only one owner can win");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool has_several_owners() {
    static_assert(Ok,
                  "mailbox::endpoint: try_transition<From, To>() leaves only a state with several owners; "
                  "a state with one owner is left by publish<Next>() from its token, which writes the "
                  "payload first");
    return Ok;
  }
  template <bool Ok, auto Next>
  static constexpr bool allows_next() {
    static_assert(Ok, "mailbox::endpoint: the next state is not in this state's next<...>");
    return Ok;
  }
  template <bool Ok, auto Next, class Role>
  static constexpr bool gives_the_edge_to_the_role() {
    static_assert(Ok,
                  "mailbox::endpoint: the protocol gives this edge to another owner of the state "
                  "(next<by<\"role\", ...>>)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_one_of_the_tokens_states() {
    static_assert(Ok, "mailbox::endpoint: narrow<S>() names a state the token was not acquired for");
    return Ok;
  }
  template <bool Ok, class Field>
  static constexpr bool views_the_fields_overlay() {
    static_assert(Ok,
                  "mailbox::endpoint: the field belongs to an overlay that this state's views<...> do "
                  "not allow");
    return Ok;
  }
};

template <class Field>
struct in_endpoint_field {
  template <bool Ok>
  static constexpr bool is_not_a_flag() {
    static_assert(Ok,
                  "mailbox::endpoint: a flag is not reachable through a token: use the endpoint's "
                  "raise<...>(), is_raised<...>() and clear<...>()");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_not_the_state_word() {
    static_assert(Ok, "mailbox::endpoint: the state word is not a payload field: publish<Next>() moves it");
    return Ok;
  }
};

// The checks of an edge `From -> To` taken by `Role`: From owned by the role,
// the edge in From's next<...>, and not reserved for another owner.
template <class Protocol, fixed_string Role, auto From, auto To>
constexpr bool role_may_take_edge() {
  using diagnose = in_endpoint_state<From>;
  return diagnose::template allows_next<Protocol::allows(From, To), To>() &&
                 diagnose::template gives_the_edge_to_the_role < Protocol::allows_by(Role.view(), From, To) ||
             !Protocol::allows(From, To),
         To, spelled_name < Role >> ();
}

// Only an endpoint makes its tokens (from the mailbox's base, in place).
class endpoint_key {
  template <valid_protocol P, fixed_string R>
  friend class mailbox::endpoint;
  template <valid_protocol P, fixed_string R, typename P::state_type...>
  friend class mailbox::endpoint_token;
  explicit endpoint_key() = default;
};

// The Mailbox token an endpoint token wraps. For a token of terminal states
// (Quiet), a debug build's destructor ends it first, so that dropping it is
// not the stranded-protocol mistake the drop check reports: its owner reads
// it, and nobody publishes out of it. Otherwise nothing more than the token.
template <class Layout, bool Quiet>
struct held_token {
  token<Layout> inner;
};

template <class Layout>
struct held_token<Layout, true> {
  token<Layout> inner;
  held_token(token<Layout>&& t) noexcept : inner(std::move(t)) {}
  held_token(held_token&&) noexcept = default;
  held_token& operator=(held_token&& other) noexcept {
    token_access::end_quietly(inner);
    inner = std::move(other.inner);
    return *this;
  }
  ~held_token() { token_access::end_quietly(inner); }
};

}  // namespace detail

template <valid_protocol Protocol, fixed_string Role, typename Protocol::state_type... Held>
class endpoint_token {
  using Layout = typename Protocol::layout_type;
  using inner_token = token<Layout>;

 public:
  using state_type = typename Protocol::state_type;

  // Every held state is terminal: the token is read and dropped (or
  // abandoned); it has no publish.
  static constexpr bool is_terminal = (Protocol::is_terminal(Held) && ...);

  endpoint_token(endpoint_token&&) noexcept = default;
  endpoint_token& operator=(endpoint_token&&) noexcept = default;
  endpoint_token(const endpoint_token&) = delete;
  endpoint_token& operator=(const endpoint_token&) = delete;
  ~endpoint_token() = default;

  // Made by the endpoint, in place over the mailbox's base.
  [[gnu::always_inline]] endpoint_token(detail::endpoint_key, std::byte* base, state_type s) noexcept
      : held_{detail::token_access::make<Layout>(base)} {
    if constexpr (single) {
      (void)s;
    } else {
      state_ = s;
    }
  }

  // The state this token was acquired in (one of Held).
  [[nodiscard, gnu::always_inline]] state_type state() const noexcept {
    if constexpr (single) {
      return (Held, ...);
    } else {
      return state_;
    }
  }

  // The Mailbox token's accessors, for the fields this token reaches. A
  // flag, the state word or a field of an overlay that some held state
  // does not view is a compile error naming the field; a name the layout
  // does not have is rejected by the requires clause.
  template <fixed_string Name, class... Args>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
      get(Args&&... args) const {
    if constexpr (reaches<Name>()) return held_.inner.template get<Name>(std::forward<Args>(args)...);
  }

  template <fixed_string Name, class... Args>
  requires(Layout::template has<Name>) [[gnu::always_inline]] decltype(auto) set(Args&&... args) {
    if constexpr (reaches<Name>()) return held_.inner.template set<Name>(std::forward<Args>(args)...);
  }

  template <fixed_string Name, class... Args>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
      span(Args&&... args) & {
    if constexpr (reaches<Name>()) return held_.inner.template span<Name>(std::forward<Args>(args)...);
  }

  template <fixed_string Name, class... Args>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
      span(Args&&... args) const& {
    if constexpr (reaches<Name>()) return held_.inner.template span<Name>(std::forward<Args>(args)...);
  }

  // Not of a temporary token: the view would outlive it.
  template <fixed_string Name, class... Args>
  void span(Args&&... args) const&& = delete;

  template <fixed_string Name, class... Args>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
      text(Args&&... args) const {
    if constexpr (reaches<Name>()) return held_.inner.template text<Name>(std::forward<Args>(args)...);
  }

  template <fixed_string Name, class... Args>
  requires(Layout::template has<Name>) [[gnu::always_inline]] decltype(auto) set_text(Args&&... args) {
    if constexpr (reaches<Name>()) return held_.inner.template set_text<Name>(std::forward<Args>(args)...);
  }

  // The Mailbox token's keyed-union accessors (keyed.hpp: key,
  // alternative, emplace, visit), for the keyed fields this token reaches.
  template <fixed_string Name>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto) key() const {
    if constexpr (reaches<Name>()) return held_.inner.template key<Name>();
  }

  template <fixed_string Name, auto Key>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto) alternative() & {
    if constexpr (reaches<Name>()) return held_.inner.template alternative<Name, Key>();
  }

  template <fixed_string Name, auto Key>
  requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto) alternative() const& {
    if constexpr (reaches<Name>()) return held_.inner.template alternative<Name, Key>();
  }

  // Not of a temporary token: the alternative would outlive it.
  template <fixed_string Name, auto Key>
  void alternative() const&& = delete;

  template <fixed_string Name, auto Key>
  requires(Layout::template has<Name>) [[gnu::always_inline]] decltype(auto) emplace() & {
    if constexpr (reaches<Name>()) return held_.inner.template emplace<Name, Key>();
  }

  template <fixed_string Name, class F>
  requires(Layout::template has<Name>) decltype(auto) visit(F&& f) & {
    if constexpr (reaches<Name>()) return held_.inner.template visit<Name>(std::forward<F>(f));
  }

  template <fixed_string Name, class F>
  requires(Layout::template has<Name>) decltype(auto) visit(F&& f) const& {
    if constexpr (reaches<Name>()) return held_.inner.template visit<Name>(std::forward<F>(f));
  }

  // The same of a name the layout does not have: deleted, with the message
  // (the name and the closest payload field) in Unknown, as on Mailbox
  // tokens.
  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) auto get(auto&&...) const = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) auto set(auto&&...) = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) auto span(auto&&...) const = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) auto text(auto&&...) const = delete;  // no such field: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_field_t<Layout, Name>>
  requires(!Layout::template has<Name>) auto set_text(auto&&...) = delete;  // no such field: see Unknown

  // Hands the payload over in state Next, which the protocol must let this
  // role take from every held state: the Mailbox token's publish (a release
  // store, or the waking exchange of a blocking layout). The token is spent.
  template <state_type Next>
  requires(!is_terminal) [[gnu::always_inline]] void publish() && noexcept {
    if constexpr (may_publish<Next>()) std::move(held_.inner).publish(Next);
  }

  // Ends the token without publishing: the state stays as it was acquired
  // (Mailbox token's abandon()). The token is spent.
  [[gnu::always_inline]] void abandon() && noexcept { std::move(held_.inner).abandon(); }

  // publish() and abandon() of an lvalue token: deleted, and the message
  // says why (the compiler prints Why and the declaration's line).
  // clang-format off
  template <state_type Next, class Why = publish_consumes_the_token_write_std_move_t_publish>
  requires(!is_terminal) void publish() const& = delete;  // publish() consumes the token: write std::move(t).publish<Next>()

  template <class Why = abandon_consumes_the_token_write_std_move_t_abandon>
  void abandon() const& = delete;  // abandon() consumes the token: write std::move(t).abandon()
  // clang-format on

  // This token as a token for the one state S of Held it was acquired in,
  // if it was acquired in S: then that token takes over (this one is spent),
  // reaching S's views and publishing S's next states. Otherwise nothing,
  // and this token stays as it was. For acquire_any's tokens, whose
  // states may allow different things.
  template <state_type S>
  [[nodiscard]] std::optional<endpoint_token<Protocol, Role, S>> narrow() & noexcept {
    if constexpr (narrows_to<S>()) {
      if (state() != S) return std::nullopt;
      return endpoint_token<Protocol, Role, S>(detail::endpoint_key{},
                                               detail::token_access::release(held_.inner), S);
    } else {
      return std::nullopt;
    }
  }

 private:
  template <state_type S>
  static constexpr bool narrows_to() {
    return detail::in_endpoint_state<S>::template is_one_of_the_tokens_states<((S == Held) || ...)>();
  }

  template <fixed_string Name>
  static constexpr bool reaches() {
    using diagnose = detail::in_endpoint_field<detail::spelled_name<Name>>;
    if constexpr (Layout::template is_flag<Name>) {
      return diagnose::template is_not_a_flag<false>();
    } else if constexpr (!Layout::template has_payload<Name>) {
      return diagnose::template is_not_the_state_word<false>();
    } else {
      constexpr std::string_view overlay = Layout::template overlay_of<Name>;
      return (detail::in_endpoint_state<Held>::template views_the_fields_overlay < overlay.empty() ||
                  Protocol::views_overlay(Held, overlay),
              detail::spelled_name < Name >> () && ...);
    }
  }

  template <state_type Next>
  static constexpr bool may_publish() {
    return (detail::role_may_take_edge<Protocol, Role, Held, Next>() && ...);
  }

  // A token for one state knows it at compile time and stores nothing
  // more than the Mailbox token.
  static constexpr bool single = sizeof...(Held) == 1;
  struct known_state {};

  detail::held_token<Layout, is_terminal && debug_tokens> held_;
  [[no_unique_address]] std::conditional_t<single, known_state, state_type> state_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
