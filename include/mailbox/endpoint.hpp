// mailbox::endpoint<Protocol, "role">: one role's side of a protocol over a
// Mailbox. It acquires only the states the role owns, and its tokens reach
// only the fields the state's views allow and publish only the states the
// protocol allows next: each of those mistakes is a compile error that names
// the state or the field.
//
//   mailbox::endpoint<Worker, "parent"> parent{frames[0]};
//   auto t = parent.acquire<S::idle>();
//   t.set<"arg0">(7);                                // only if a view of idle holds arg0
//   std::move(t).publish<S::control_request>();      // only if idle -> control_request
//   bool moved = parent.try_transition<S::frame_staged, S::activate>();
//
// The endpoint and its tokens wrap Mailbox and Mailbox::token: every access to
// the state word and the payload is theirs, so the ordering code exists once
// and the endpoint compiles to the same instructions (tests/asm).
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
#include "view.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

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
  template <bool Ok, auto Next>
  static constexpr bool allows_next() {
    static_assert(Ok, "mailbox::endpoint: the next state is not in this state's next<...>");
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

template <class Role>
struct in_endpoint_role {
  template <bool Ok>
  static constexpr bool is_a_role_of_the_protocol() {
    static_assert(Ok, "mailbox::endpoint: no state of the protocol has this role among its owner<...>");
    return Ok;
  }
};

template <class Field>
struct in_endpoint_field {
  template <bool Ok>
  static constexpr bool is_not_a_flag() {
    static_assert(Ok,
                  "mailbox::endpoint: a flag is not reachable through a token: use the Mailbox's "
                  "raise<...>(), is_raised<...>() and clear<...>()");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool is_not_the_state_word() {
    static_assert(Ok, "mailbox::endpoint: the state word is not a payload field: publish<Next>() moves it");
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

 private:
  using Layout = layout_type;
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
             diagnose::template has_a_single_owner<(Protocol::owners_of(S).size() == 1)>();
    }
  }

  template <state_type S>
  static constexpr bool may_leave() {
    using diagnose = detail::in_endpoint_state<S>;
    if constexpr (!Protocol::is_state(S)) {
      return diagnose::template is_ruled<false>();
    } else {
      return diagnose::template is_owned_by_the_role<Protocol::owns(Role.view(), S), role_spelled>();
    }
  }

 public:
  // Exclusive access to the payload in one of the states Held (one, or
  // several for acquire_any), through the fields their views all allow.
  // Wraps a Mailbox token: the accessors forward to it, with the protocol's
  // checks in front.
  template <state_type... Held>
  class token {
    using inner_token = typename mailbox_type::token;

   public:
    token(token&&) noexcept = default;
    token& operator=(token&&) noexcept = default;
    token(const token&) = delete;
    token& operator=(const token&) = delete;
    ~token() = default;

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
      if constexpr (reaches<Name>()) return inner_.template get<Name>(std::forward<Args>(args)...);
    }

    template <fixed_string Name, class... Args>
    requires(Layout::template has<Name>) [[gnu::always_inline]] decltype(auto) set(Args&&... args) {
      if constexpr (reaches<Name>()) return inner_.template set<Name>(std::forward<Args>(args)...);
    }

    template <fixed_string Name, class... Args>
    requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
        span(Args&&... args) {
      if constexpr (reaches<Name>()) return inner_.template span<Name>(std::forward<Args>(args)...);
    }

    template <fixed_string Name, class... Args>
    requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
        span(Args&&... args) const {
      if constexpr (reaches<Name>()) return inner_.template span<Name>(std::forward<Args>(args)...);
    }

    template <fixed_string Name, class... Args>
    requires(Layout::template has<Name>) [[nodiscard, gnu::always_inline]] decltype(auto)
        text(Args&&... args) const {
      if constexpr (reaches<Name>()) return inner_.template text<Name>(std::forward<Args>(args)...);
    }

    template <fixed_string Name, class... Args>
    requires(Layout::template has<Name>) [[gnu::always_inline]] decltype(auto) set_text(Args&&... args) {
      if constexpr (reaches<Name>()) return inner_.template set_text<Name>(std::forward<Args>(args)...);
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

    // Hands the payload over in state Next, which the protocol must allow
    // after every held state: the Mailbox token's publish (a release store,
    // or the waking exchange of a blocking layout). The token is spent.
    template <state_type Next>
    [[gnu::always_inline]] void publish() && noexcept {
      if constexpr (may_publish<Next>()) std::move(inner_).publish(Next);
    }

    // publish() of an lvalue token: deleted, and the message says why.
    template <state_type Next, class Why = publish_consumes_the_token_write_std_move_t_publish>
    void publish() const& = delete;  // publish() consumes the token: write std::move(t).publish<Next>()

    // This token as a token for the one state S of Held it was acquired in,
    // if it was acquired in S: then that token takes over (this one is spent),
    // reaching S's views and publishing S's next states. Otherwise nothing,
    // and this token stays as it was. For acquire_any's tokens, whose
    // states may allow different things.
    template <state_type S>
    [[nodiscard]] std::optional<token<S>> narrow() & noexcept {
      if constexpr (narrows_to<S>()) {
        if (state() != S) return std::nullopt;
        return token<S>(std::move(inner_), S);
      } else {
        return std::nullopt;
      }
    }

   private:
    friend class endpoint;
    template <state_type...>
    friend class token;

    template <state_type S>
    static constexpr bool narrows_to() {
      return detail::in_endpoint_state<S>::template is_one_of_the_tokens_states<((S == Held) || ...)>();
    }

    [[gnu::always_inline]] token(inner_token&& inner, state_type s) noexcept : inner_(std::move(inner)) {
      if constexpr (single) {
        (void)s;
      } else {
        state_ = s;
      }
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
      return (detail::in_endpoint_state<Held>::template allows_next<Protocol::allows(Held, Next), Next>() &&
              ...);
    }

    // A token for one state knows it at compile time and stores nothing
    // more than the Mailbox token.
    static constexpr bool single = sizeof...(Held) == 1;
    struct known_state {};

    inner_token inner_;
    [[no_unique_address]] std::conditional_t<single, known_state, state_type> state_;
  };

  // The result of a checked wait: a token, or why there is none.
  template <state_type... Held>
  using wait_result = acquire_result<token<Held...>, state_type>;

  // One role's view of a mailbox that follows the protocol.
  explicit endpoint(mailbox_type box) noexcept : box_(box) {}

  // Acquire-load of the state (Mailbox::state()).
  [[nodiscard, gnu::always_inline]] state_type state() const noexcept { return box_.state(); }

  // A token if the state is S now. S must be a state this role owns alone.
  template <state_type S>
  [[nodiscard, gnu::always_inline]] std::optional<token<S>> try_acquire() const noexcept {
    if constexpr (may_take_token<S>()) {
      auto inner = box_.try_acquire(S);
      if (!inner) return std::nullopt;
      assume_checked_base();
      return token<S>(std::move(*inner), S);
    } else {
      return std::nullopt;
    }
  }

  // Waits, spinning politely, until the state is S; then a token.
  template <state_type S>
  [[nodiscard, gnu::always_inline]] token<S> acquire() const noexcept {
    static_assert(may_take_token<S>());
    assume_checked_base();
    return token<S>(box_.acquire(S), S);
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

  // Moves the state from From to To in one compare-and-swap (acq_rel) if it
  // is From now: true if this call moved it (Mailbox::try_transition). The
  // role must own From and To must be one of From's next states. For a
  // state with several owners this is the only way out: one owner wins.
  template <state_type From, state_type To>
  [[nodiscard, gnu::always_inline]] bool try_transition() const noexcept {
    if constexpr (may_leave<From>() &&
                  detail::in_endpoint_state<From>::template allows_next<Protocol::allows(From, To), To>()) {
      return box_.try_transition(From, To);
    } else {
      return false;
    }
  }

  // The Mailbox underneath, for its flags.
  [[nodiscard]] mailbox_type mailbox() const noexcept { return box_; }

 private:
  // The Mailbox constructor checked the base, which the Mailbox token's
  // constructor tells the compiler; moving that token into ours loses the
  // hint (Clang -O1 kept the null check and its cold call), so it is
  // repeated here.
  [[gnu::always_inline]] void assume_checked_base() const noexcept {
    if (box_.address() == nullptr) __builtin_unreachable();
  }

  template <state_type... Held, class Result>
  [[nodiscard]] static wait_result<Held...> wrap(Result&& result) {
    if (!result) return wait_result<Held...>(result.error(), result.state());
    const state_type got = result.state();
    return wait_result<Held...>(token<Held...>(std::move(*result), got), got);
  }

  mailbox_type box_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
