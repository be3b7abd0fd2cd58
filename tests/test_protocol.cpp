// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Typed protocols: mailbox::protocol's rules and queries (per-owner edges,
// flag rules, initial states, reachability), mailbox::endpoint's tokens
// (views, next states, narrowing, abandon, terminal states), its flags and
// try_transition, checked waits against the protocol's states, the
// fingerprint and to_dot. The compile-time rejections are compile-fail
// cases (tests/compile_fail/protocol_*.cpp).
//
// Built with the debug-build token check on, so that a token the endpoint
// lets a caller drop (a terminal state's) is seen not to abort.
#define MAILBOX_DEBUG_TOKENS 1
#include <mailbox/mailbox.hpp>

#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <thread>

#include "support/catch.hpp"
#include "support/child_process.hpp"
#include "support/shared_region.hpp"

using namespace std::chrono_literals;

namespace {

enum class S : std::int32_t { idle, request, reply, staged, running, done, failed, off, stray, report };

using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"command", std::uint64_t>,
                     mailbox::field<"result", std::uint64_t>>,
    mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>, mailbox::field<"sum", std::uint64_t>>,
    mailbox::flag<"stop", std::int32_t>, mailbox::flag<"seen", std::uint64_t>,
    mailbox::field<"note", char[32]>>;

// The rules, named so that two protocols below can list them in different orders.
using StopRule = mailbox::flag_rule<"stop", mailbox::raised_by<"parent">, mailbox::cleared_by<"child">>;
using IdleRule = mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"control", "task">,
                                   mailbox::next<S::request, S::staged, S::off>>;
using RequestRule = mailbox::in_state<S::request, mailbox::owner<"child">, mailbox::views<"control">,
                                      mailbox::next<S::reply>>;
using ReplyRule =
    mailbox::in_state<S::reply, mailbox::owner<"parent">, mailbox::views<"control">, mailbox::next<S::idle>>;
// Two owners, each with its own edge out.
using StagedRule =
    mailbox::in_state<S::staged, mailbox::owner<"parent", "child">,
                      mailbox::next<mailbox::by<"parent", S::running>, mailbox::by<"child", S::failed>>>;
using RunningRule = mailbox::in_state<S::running, mailbox::owner<"child">, mailbox::views<"task">,
                                      mailbox::next<S::done, S::failed>>;
using DoneRule = mailbox::in_state<S::done, mailbox::views<"task">, mailbox::owner<"parent">,
                                   mailbox::next<S::idle, S::report>>;
using FailedRule = mailbox::in_state<S::failed, mailbox::owner<"parent">, mailbox::next<S::idle>>;
// Terminal, with an owner: the parent reads the last report and drops it.
using ReportRule = mailbox::in_state<S::report, mailbox::owner<"parent">, mailbox::views<"task">>;
using OffRule = mailbox::in_state<S::off>;

// The clauses in a deliberately mixed order: a flag rule first, initial<...>
// among the in_state rules.
using Proto = mailbox::protocol<Frame, StopRule, IdleRule, RequestRule, ReplyRule, mailbox::initial<S::idle>,
                                StagedRule, RunningRule, DoneRule, FailedRule, ReportRule, OffRule>;

// The same protocol with its clauses in the usual order.
using Ordered =
    mailbox::protocol<Frame, mailbox::initial<S::idle>, IdleRule, RequestRule, ReplyRule, StagedRule,
                      RunningRule, DoneRule, FailedRule, ReportRule, OffRule, StopRule>;

using Box = mailbox::Mailbox<Frame>;
using Parent = mailbox::endpoint<Proto, "parent">;
using Child = mailbox::endpoint<Proto, "child">;

// Flags: raise / is_raised / clear name flags only (requires clauses, so
// generic code can ask), on a Mailbox and on an endpoint alike. The flag
// rules are static_asserts with a message: tests/compile_fail.
template <class M, mailbox::fixed_string Name>
concept can_raise = requires(const M& m) {
  m.template raise<Name>();
};
template <class M, mailbox::fixed_string Name>
concept can_test = requires(const M& m) {
  m.template is_raised<Name>();
};
template <class M, mailbox::fixed_string Name>
concept can_clear = requires(const M& m) {
  m.template clear<Name>();
};

template <class M, mailbox::fixed_string Name>
constexpr bool flag_api() {
  return can_raise<M, Name> && can_test<M, Name> && can_clear<M, Name>;
}
template <class M, mailbox::fixed_string Name>
constexpr bool no_flag_api() {
  return !can_raise<M, Name> && !can_test<M, Name> && !can_clear<M, Name>;
}

// A token reaches a field's name only if the layout has it (the views rule
// is a static_assert with a message: tests/compile_fail).
template <class T, mailbox::fixed_string Name>
concept token_names = requires(const T& t) {
  t.template get<Name>();
};

template <class T>
concept has_runtime_publish = requires(T t) {
  std::move(t).publish(S::idle);
};

template <class T, S Next>
concept has_publish = requires(T t) {
  std::move(t).template publish<Next>();
};

template <class T>
concept spans_a_temporary = requires(T t) {
  std::move(t).template span<"words">();
};

template <class T>
concept spans_an_lvalue = requires(T t) {
  t.template span<"words">();
};

template <class E>
concept hands_out_its_mailbox = requires(const E& e) {
  e.mailbox();
};

}  // namespace

TEST_CASE("a protocol answers who owns, views and follows each state", "[protocol]") {
  STATIC_REQUIRE(mailbox::valid_protocol<Proto>);
  STATIC_REQUIRE(Proto::state_count == 9);
  STATIC_REQUIRE(Proto::owns("parent", S::idle));
  STATIC_REQUIRE(!Proto::owns("child", S::idle));
  STATIC_REQUIRE(Proto::owns("child", S::staged));
  STATIC_REQUIRE(Proto::owners_of(S::off).empty());
  STATIC_REQUIRE(Proto::allows(S::idle, S::request));
  STATIC_REQUIRE(!Proto::allows(S::request, S::idle));
  STATIC_REQUIRE(Proto::views_overlay(S::idle, "task"));
  STATIC_REQUIRE(!Proto::views_overlay(S::request, "task"));
  STATIC_REQUIRE(Proto::is_state(S::off));
  STATIC_REQUIRE(!Proto::is_state(S::stray));
  STATIC_REQUIRE(Proto::has_role("child"));
  STATIC_REQUIRE(!Proto::has_role("worker"));
  CHECK(Proto::name_of(S::staged) == "staged");
  CHECK(Proto::name_of(S::stray).empty());
  // Spelled by the compiler: the enumerator without qualifiers (the
  // anonymous namespace included), a value without one as a cast.
  CHECK(mailbox::detail::enumerator_name<S::off>() == "off");
  const std::string_view cast = mailbox::detail::enumerator_name<static_cast<S>(42)>();
  CHECK(cast.front() == '(');
  CHECK(cast.substr(cast.size() - 3) == ")42");
}

TEST_CASE("the queries bindings walk: roles, initial, shared, terminal, edges by role, flag rules",
          "[protocol]") {
  STATIC_REQUIRE(Proto::roles.size() == 2);
  STATIC_REQUIRE(Proto::roles[0] == "parent");
  STATIC_REQUIRE(Proto::roles[1] == "child");
  STATIC_REQUIRE(Proto::initial_states.size() == 1);
  STATIC_REQUIRE(Proto::is_initial(S::idle));
  STATIC_REQUIRE(!Proto::is_initial(S::request));
  STATIC_REQUIRE(Proto::is_shared(S::staged));
  STATIC_REQUIRE(!Proto::is_shared(S::idle));
  STATIC_REQUIRE(!Proto::is_shared(S::off));
  STATIC_REQUIRE(Proto::is_terminal(S::off));
  STATIC_REQUIRE(Proto::is_terminal(S::report));
  STATIC_REQUIRE(!Proto::is_terminal(S::done));
  STATIC_REQUIRE(!Proto::is_terminal(S::stray));  // not ruled
  // Per-owner edges: by<...> reserves each edge out of staged for one owner.
  STATIC_REQUIRE(Proto::allows(S::staged, S::running));
  STATIC_REQUIRE(Proto::allows_by("parent", S::staged, S::running));
  STATIC_REQUIRE(!Proto::allows_by("child", S::staged, S::running));
  STATIC_REQUIRE(Proto::allows_by("child", S::staged, S::failed));
  STATIC_REQUIRE(!Proto::allows_by("parent", S::staged, S::failed));
  STATIC_REQUIRE(Proto::taker_of(S::staged, S::running) == "parent");
  // A plain next state: any owner (here the only one); never a non-owner.
  STATIC_REQUIRE(Proto::taker_of(S::idle, S::request).empty());
  STATIC_REQUIRE(Proto::allows_by("parent", S::idle, S::request));
  STATIC_REQUIRE(!Proto::allows_by("child", S::idle, S::request));
  STATIC_REQUIRE(!Proto::allows_by("parent", S::idle, S::done));  // no such edge
  // Flag rules; a flag without one is free for every role; no role touches a non-flag.
  STATIC_REQUIRE(Proto::flag_rules.size() == 1);
  STATIC_REQUIRE(Proto::flag_rules[0].flag == "stop");
  STATIC_REQUIRE(Proto::may_raise("parent", "stop"));
  STATIC_REQUIRE(!Proto::may_raise("child", "stop"));
  STATIC_REQUIRE(Proto::may_clear("child", "stop"));
  STATIC_REQUIRE(!Proto::may_clear("parent", "stop"));
  STATIC_REQUIRE(Proto::may_raise("child", "seen") && Proto::may_clear("parent", "seen"));
  STATIC_REQUIRE(!Proto::may_raise("parent", "error"));
  STATIC_REQUIRE(!Proto::may_raise("worker", "seen"));
  // Reachability.
  STATIC_REQUIRE(Proto::is_reachable(S::report));
  STATIC_REQUIRE(Proto::can_reach(S::request, S::staged));
  STATIC_REQUIRE(!Proto::can_reach(S::off, S::idle));
  STATIC_REQUIRE(Proto::can_terminate_from(S::staged));
  STATIC_REQUIRE(Proto::can_always_terminate());
}

TEST_CASE("initial<...> names the states a fresh mailbox starts in; by default the first rule's",
          "[protocol]") {
  using Default =
      mailbox::protocol<Frame, mailbox::in_state<S::reply, mailbox::owner<"parent">, mailbox::next<S::off>>,
                        mailbox::in_state<S::off>>;
  STATIC_REQUIRE(Default::initial_states.size() == 1);
  STATIC_REQUIRE(Default::initial_states[0] == S::reply);
  using Two =
      mailbox::protocol<Frame, mailbox::in_state<S::reply, mailbox::owner<"parent">, mailbox::next<S::done>>,
                        mailbox::in_state<S::off>, mailbox::in_state<S::done, mailbox::owner<"child">>,
                        mailbox::initial<S::reply, S::off>>;
  STATIC_REQUIRE(mailbox::valid_protocol<Two>);
  STATIC_REQUIRE(Two::is_initial(S::off) && Two::is_initial(S::reply) && !Two::is_initial(S::done));
  // A loop that never ends is a protocol too: nothing asks for a terminal state.
  using Loop =
      mailbox::protocol<Frame, mailbox::in_state<S::idle, mailbox::owner<"a">, mailbox::next<S::done>>,
                        mailbox::in_state<S::done, mailbox::owner<"b">, mailbox::next<S::idle>>>;
  STATIC_REQUIRE(mailbox::valid_protocol<Loop>);
  STATIC_REQUIRE(!Loop::can_always_terminate());
  STATIC_REQUIRE(!Loop::can_terminate_from(S::idle));
}

TEST_CASE("flags are raised, tested and cleared, and only flags are", "[protocol][flag]") {
  STATIC_REQUIRE(flag_api<Box, "stop">());
  STATIC_REQUIRE(flag_api<Box, "seen">());
  STATIC_REQUIRE(no_flag_api<Box, "error">());    // a common payload field
  STATIC_REQUIRE(no_flag_api<Box, "command">());  // an overlay field
  STATIC_REQUIRE(no_flag_api<Box, "state">());    // the state word
  STATIC_REQUIRE(no_flag_api<Box, "nothing">());  // no such member
  STATIC_REQUIRE(flag_api<Parent, "seen">());
  STATIC_REQUIRE(no_flag_api<Parent, "error">());
  STATIC_REQUIRE(no_flag_api<Child, "nothing">());

  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  CHECK_FALSE(box.is_raised<"stop">());
  box.raise<"stop">();
  CHECK(box.is_raised<"stop">());
  CHECK_FALSE(box.is_raised<"seen">());  // flags are separate words
  std::int32_t raw = 0;
  std::memcpy(&raw, region.bytes + Frame::offset_of<"stop">, sizeof raw);
  CHECK(raw == 1);  // raise stores 1
  // Any non-zero value another language stores counts as raised.
  const std::uint64_t seven = 7;
  std::memcpy(region.bytes + Frame::offset_of<"seen">, &seven, sizeof seven);
  CHECK(box.is_raised<"seen">());
  box.clear<"seen">();
  CHECK_FALSE(box.is_raised<"seen">());

  // A flag survives the state word moving on, which the state word cannot.
  const Parent parent(box);
  auto t = parent.acquire<S::idle>();
  std::move(t).publish<S::request>();
  CHECK(box.is_raised<"stop">());
  CHECK(box.try_transition(S::request, S::reply));
  CHECK(box.is_raised<"stop">());
}

TEST_CASE("an endpoint's flags follow the protocol's flag rules", "[protocol][flag][endpoint]") {
  // No raw Mailbox from an endpoint: its flags go through it.
  STATIC_REQUIRE(!hands_out_its_mailbox<Parent>);
  STATIC_REQUIRE(!hands_out_its_mailbox<Child>);
  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  const Parent parent(box);
  const Child child(box);
  parent.raise<"stop">();            // stop: raised by the parent, cleared by the child
  CHECK(child.is_raised<"stop">());  // anyone reads
  CHECK(parent.is_raised<"stop">());
  child.clear<"stop">();
  CHECK_FALSE(parent.is_raised<"stop">());
  CHECK_FALSE(box.is_raised<"stop">());
  child.raise<"seen">();  // no rule: every role
  parent.clear<"seen">();
  child.clear<"seen">();
  parent.raise<"seen">();
  CHECK(box.is_raised<"seen">());
}

TEST_CASE("a raised flag orders the writes before it", "[protocol][flag]") {
  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  constexpr std::uint64_t rounds = 20000;
  std::uint64_t plain = 0;  // not atomic: only the flag orders it (TSan checks that on the generic path)
  std::thread other([&] {
    for (std::uint64_t i = 1; i <= rounds; ++i) {
      while (!box.is_raised<"stop">()) mailbox::arch::cpu_relax();
      REQUIRE(plain == i);
      box.clear<"stop">();
      box.raise<"seen">();
    }
  });
  for (std::uint64_t i = 1; i <= rounds; ++i) {
    plain = i;
    box.raise<"stop">();
    while (!box.is_raised<"seen">()) mailbox::arch::cpu_relax();
    box.clear<"seen">();
  }
  other.join();
}

TEST_CASE("endpoint tokens reach their views and publish the next states", "[protocol][endpoint]") {
  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  const Parent parent(box);
  const Child child(box);
  STATIC_REQUIRE(sizeof(Parent) == sizeof(Box));
  STATIC_REQUIRE(!std::is_copy_constructible_v<Parent::token<S::idle>>);
  STATIC_REQUIRE(!has_runtime_publish<Parent::token<S::idle>>);  // publish<Next>() only
  STATIC_REQUIRE(has_publish<Parent::token<S::idle>, S::request>);
  STATIC_REQUIRE(token_names<Parent::token<S::idle>, "error">);
  STATIC_REQUIRE(!token_names<Parent::token<S::idle>, "nothing">);
  // span() of a temporary token would dangle: deleted, as on the Mailbox token.
  STATIC_REQUIRE(spans_an_lvalue<Parent::token<S::idle>>);
  STATIC_REQUIRE(!spans_a_temporary<Parent::token<S::idle>>);
  STATIC_REQUIRE(!spans_a_temporary<mailbox::token<Frame>>);

  CHECK_FALSE(child.try_acquire<S::request>().has_value());  // not in request yet
  {
    auto t = parent.try_acquire<S::idle>();
    REQUIRE(t.has_value());
    CHECK(t->state() == S::idle);
    t->set<"command">(41);
    t->set<"error">(-1);
    CHECK(t->set_text<"note">("ask") == 3);
    std::move(*t).publish<S::request>();
  }
  CHECK(parent.state() == S::request);
  {
    auto t = child.acquire<S::request>();
    CHECK(t.get<"command">() == 41);
    CHECK(t.get<"error">() == -1);
    CHECK(t.text<"note">() == "ask");
    t.set<"result">(t.get<"command">() + 1);
    std::move(t).publish<S::reply>();
  }
  {
    auto r = parent.acquire<S::reply>(mailbox::spin{}, mailbox::wait_clock::now() + 10s);
    REQUIRE(r.has_value());
    CHECK(r.state() == S::reply);
    CHECK(r->get<"result">() == 42);
    std::move(*r).publish<S::idle>();
  }
  // The task pipeline: stage, then race for the staged state.
  {
    auto t = parent.acquire<S::idle>();
    for (std::uint64_t i = 0; i < 4; ++i) t.span<"words">()[i] = 10 + i;
    std::move(t).publish<S::staged>();
  }
  const auto won = parent.try_transition<S::staged, S::running>();
  CHECK(won);
  CHECK(won.moved());
  CHECK(won.found() == S::staged);
  const auto lost = child.try_transition<S::staged, S::failed>();  // the parent won
  CHECK_FALSE(lost);
  CHECK(lost.found() == S::running);  // the state it lost to
  {
    auto t = child.acquire<S::running>();
    std::uint64_t sum = 0;
    for (const std::uint64_t w : std::as_const(t).span<"words">()) sum += w;
    t.set<"sum">(sum);
    std::move(t).publish<S::done>();
  }
  {
    auto r = parent.acquire_any<S::done, S::failed>(mailbox::spin_then_yield{});
    REQUIRE(r.has_value());
    CHECK(r.state() == S::done);
    auto t = std::move(r).value();
    CHECK(t.state() == S::done);
    CHECK(t.get<"error">() == -1);  // a common field: reachable from both states
    CHECK_FALSE(t.narrow<S::failed>().has_value());
    auto done = t.narrow<S::done>();  // done views the task overlay; failed does not
    REQUIRE(done.has_value());
    CHECK(done->get<"sum">() == 10 + 11 + 12 + 13);
    std::move(*done).publish<S::idle>();  // legal from both; here from done's token
  }
  CHECK(parent.state() == S::idle);
}

TEST_CASE("the child wins the staged race: the parent sees failed", "[protocol][endpoint]") {
  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  const Parent parent(box);
  const Child child(box);
  std::move(parent.acquire<S::idle>()).publish<S::staged>();
  CHECK(child.try_transition<S::staged, S::failed>());
  const auto lost = parent.try_transition<S::staged, S::running>();
  CHECK_FALSE(lost.moved());
  CHECK(lost.found() == S::failed);
  auto r = parent.acquire_any<S::done, S::failed>(mailbox::spin{});
  REQUIRE(r.has_value());
  CHECK(r.state() == S::failed);
  std::move(*r).publish<S::idle>();
}

TEST_CASE("an endpoint token may be abandoned: no state change, no abort", "[protocol][endpoint][abandon]") {
  STATIC_REQUIRE(mailbox::debug_tokens);
  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  const Parent parent(box);
  {
    auto t = parent.acquire<S::idle>();
    t.set<"command">(5);
    std::move(t).abandon();
  }  // destroyed spent: no abort in this debug build
  CHECK(parent.state() == S::idle);
  auto again = parent.acquire<S::idle>();  // the owner takes it again
  CHECK(again.get<"command">() == 5);
  std::move(again).publish<S::off>();
  CHECK(box.state() == S::off);
}

TEST_CASE("a terminal state's token has no publish and may be dropped", "[protocol][endpoint][terminal]") {
  STATIC_REQUIRE(mailbox::debug_tokens);
  STATIC_REQUIRE(Parent::token<S::report>::is_terminal);
  STATIC_REQUIRE(!Parent::token<S::done>::is_terminal);
  STATIC_REQUIRE(!has_publish<Parent::token<S::report>, S::idle>);
  STATIC_REQUIRE(has_publish<Parent::token<S::done>, S::report>);
  test_support::shared_mapping region(Frame::size);
  const Box box = Box::initialize(region.span(), S::idle);
  const Parent parent(box);
  {
    auto t = parent.acquire<S::idle>();
    std::move(t).publish<S::staged>();
  }
  REQUIRE(parent.try_transition<S::staged, S::running>());
  {
    const Child child(box);
    auto t = child.acquire<S::running>();
    t.set<"sum">(77);
    std::move(t).publish<S::done>();
  }
  std::move(parent.acquire<S::done>()).publish<S::report>();
  // In a child process, so that an abort (the old behaviour) fails this check
  // instead of stopping the run.
  const auto dropped = test_support::run_in_child([&] {
    auto t = parent.acquire<S::report>();
    if (t.get<"sum">() != 77) ::_exit(3);
  });  // t dropped, unpublished
  CHECK(dropped.status == 0);
  CHECK(dropped.written.empty());
  CHECK(parent.state() == S::report);  // a drop changes nothing
  // The twin: a token of a state with next states, dropped, still aborts.
  test_support::shared_mapping other(Frame::size);
  const Parent idle_side(Box::initialize(other.span(), S::idle));
  CHECK(test_support::contains(test_support::abort_message_of([&] { (void)idle_side.acquire<S::idle>(); }),
                               "token was destroyed without publish()"));
}

TEST_CASE("the endpoint's checked waits take the protocol's states as the valid ones",
          "[protocol][endpoint]") {
  STATIC_REQUIRE(!Frame::declares_valid_states);  // the layout alone accepts any value
  test_support::local_region<Frame> region;
  const Box box = Box::initialize(region.span(), S::idle);
  const Parent parent(box);
  // A broken peer stores a value no rule mentions.
  const auto stray = static_cast<std::int32_t>(S::stray);
  std::memcpy(region.bytes + Frame::state_offset, &stray, sizeof stray);
  auto r = parent.acquire<S::reply>(mailbox::spin{}, mailbox::wait_clock::now() + 10s);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == mailbox::wait_error::invalid_state);
  CHECK(r.state() == S::stray);
  auto any =
      parent.acquire_any<S::done, S::failed>(mailbox::spin_then_yield{}, mailbox::wait_clock::now() + 10s);
  REQUIRE_FALSE(any.has_value());
  CHECK(any.error() == mailbox::wait_error::invalid_state);
  // The twin: Mailbox itself, without the protocol, only times out.
  auto plain = box.acquire(S::reply, mailbox::spin{}, mailbox::wait_clock::now() + 1ms);
  REQUIRE_FALSE(plain.has_value());
  CHECK(plain.error() == mailbox::wait_error::timed_out);
  // A ruled state that is not the awaited one is waited through.
  const auto off = static_cast<std::int32_t>(S::off);
  std::memcpy(region.bytes + Frame::state_offset, &off, sizeof off);
  auto late = parent.acquire<S::reply>(mailbox::spin{}, mailbox::wait_clock::now() + 1ms);
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error() == mailbox::wait_error::timed_out);
}

TEST_CASE("the protocol is part of the fingerprint", "[protocol][fingerprint]") {
  using mailbox::by;
  using mailbox::in_state;
  using mailbox::next;
  using mailbox::owner;
  using Base = mailbox::protocol<Frame, in_state<S::idle, owner<"child">, next<S::off>>, in_state<S::off>>;
  using OtherOwner =
      mailbox::protocol<Frame, in_state<S::idle, owner<"parent">, next<S::off>>, in_state<S::off>>;
  using OtherViews =
      mailbox::protocol<Frame, in_state<S::idle, owner<"child">, mailbox::views<"task">, next<S::off>>,
                        in_state<S::off>>;
  using OtherNext = mailbox::protocol<Frame, in_state<S::idle, owner<"child">, next<S::done>>,
                                      in_state<S::done, owner<"parent">, next<S::off>>, in_state<S::off>>;
  using Same = mailbox::protocol<Frame, in_state<S::idle, owner<"child">, next<S::off>>, in_state<S::off>>;
  // The same edges, one reserved for an owner, or the other one.
  using Shared = mailbox::protocol<Frame, in_state<S::idle, owner<"a">, next<S::staged>>,
                                   in_state<S::staged, owner<"a", "b">, next<S::off, S::done>>,
                                   in_state<S::done, owner<"a">>, in_state<S::off>>;
  using ByA = mailbox::protocol<Frame, in_state<S::idle, owner<"a">, next<S::staged>>,
                                in_state<S::staged, owner<"a", "b">, next<by<"a", S::off>, S::done>>,
                                in_state<S::done, owner<"a">>, in_state<S::off>>;
  using ByB = mailbox::protocol<Frame, in_state<S::idle, owner<"a">, next<S::staged>>,
                                in_state<S::staged, owner<"a", "b">, next<by<"b", S::off>, S::done>>,
                                in_state<S::done, owner<"a">>, in_state<S::off>>;
  using OtherInitial = mailbox::protocol<Frame, mailbox::initial<S::idle, S::off>,
                                         in_state<S::idle, owner<"child">, next<S::off>>, in_state<S::off>>;
  using SameInitial = mailbox::protocol<Frame, mailbox::initial<S::idle>,
                                        in_state<S::idle, owner<"child">, next<S::off>>, in_state<S::off>>;
  using FlagRule = mailbox::protocol<Frame, in_state<S::idle, owner<"child">, next<S::off>>, in_state<S::off>,
                                     mailbox::flag_rule<"stop", mailbox::raised_by<"child">>>;
  using OtherFlagRule =
      mailbox::protocol<Frame, in_state<S::idle, owner<"child">, next<S::off>>, in_state<S::off>,
                        mailbox::flag_rule<"stop", mailbox::cleared_by<"child">>>;
  const std::set<std::uint64_t> prints{mailbox::fingerprint<Frame>,
                                       mailbox::protocol_fingerprint<Proto>,
                                       mailbox::protocol_fingerprint<Base>,
                                       mailbox::protocol_fingerprint<OtherOwner>,
                                       mailbox::protocol_fingerprint<OtherViews>,
                                       mailbox::protocol_fingerprint<OtherNext>,
                                       mailbox::protocol_fingerprint<Shared>,
                                       mailbox::protocol_fingerprint<ByA>,
                                       mailbox::protocol_fingerprint<ByB>,
                                       mailbox::protocol_fingerprint<OtherInitial>,
                                       mailbox::protocol_fingerprint<FlagRule>,
                                       mailbox::protocol_fingerprint<OtherFlagRule>};
  CHECK(prints.size() == 12);
  CHECK(mailbox::protocol_fingerprint<Same> == mailbox::protocol_fingerprint<Base>);
  // Saying the default initial state aloud changes nothing; nor does the
  // order of clauses of different kinds.
  CHECK(mailbox::protocol_fingerprint<SameInitial> == mailbox::protocol_fingerprint<Base>);
  CHECK(mailbox::protocol_fingerprint<Ordered> == mailbox::protocol_fingerprint<Proto>);
  CHECK(mailbox::protocol_fingerprint<Proto, 1> != mailbox::protocol_fingerprint<Proto, 0>);
}

TEST_CASE("to_dot names every state and draws every legal transition once, labelled by who takes it",
          "[protocol][dot]") {
  const std::string dot = mailbox::to_dot<Proto>("frame");
  INFO(dot);
  CHECK(dot.rfind("digraph \"frame\" {", 0) == 0);
  std::size_t edges = 0;
  for (const S s : Proto::states) {
    const std::string name(Proto::name_of(s));
    CHECK(dot.find("  \"" + name + "\" [label=\"" + name) != std::string::npos);
    for (const S n : Proto::next_of(s)) {
      std::string label(Proto::taker_of(s, n));
      if (label.empty()) {
        for (const auto o : Proto::owners_of(s)) label += (label.empty() ? "" : ", ") + std::string(o);
      }
      const std::string edge =
          "\"" + name + "\" -> \"" + std::string(Proto::name_of(n)) + "\" [label=\"" + label + "\"]";
      CHECK(dot.find(edge) != std::string::npos);
      CHECK(dot.find(edge) == dot.rfind(edge));
      ++edges;
    }
  }
  std::size_t arrows = 0;
  for (std::size_t at = dot.find("->"); at != std::string::npos; at = dot.find("->", at + 2)) ++arrows;
  CHECK(arrows == edges + Proto::initial_states.size());
  CHECK(edges == 12);  // idle 3, request 1, reply 1, staged 2, running 2, done 2, failed 1
  // The per-owner edges out of the shared state carry their one role.
  CHECK(dot.find("\"staged\" -> \"running\" [label=\"parent\"]") != std::string::npos);
  CHECK(dot.find("\"staged\" -> \"failed\" [label=\"child\"]") != std::string::npos);
  CHECK(dot.find("\"(start)\" -> \"idle\"") != std::string::npos);
  CHECK(dot.find("\\n[control, task]") != std::string::npos);  // idle's overlays on its node
  CHECK(dot.find("\"off\" [label=\"off\", peripheries=2]") != std::string::npos);  // terminal
  CHECK(dot.find("\"report\" [label=\"report\\n[task]\", peripheries=2]") != std::string::npos);
  // Flags, with their rules (or none).
  CHECK(dot.find("flag stop\\nraised by: parent\\ncleared by: child") != std::string::npos);
  CHECK(dot.find("flag seen\\nraised and cleared by any role") != std::string::npos);
}
