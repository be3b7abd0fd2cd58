// Typed protocols: mailbox::protocol's rules, mailbox::endpoint's tokens
// (views, next states, narrowing), checked waits against the protocol's
// states, flags, the fingerprint and to_dot. The compile-time rejections are
// compile-fail cases (tests/compile_fail/protocol_*.cpp).
#include <mailbox/mailbox.hpp>

#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <thread>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

using namespace std::chrono_literals;

namespace {

enum class S : std::int32_t { idle, request, reply, staged, running, done, failed, off, stray };

using Frame = mailbox::layout<
    mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"command", std::uint64_t>,
                     mailbox::field<"result", std::uint64_t>>,
    mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>, mailbox::field<"sum", std::uint64_t>>,
    mailbox::flag<"stop", std::int32_t>, mailbox::flag<"seen", std::uint64_t>,
    mailbox::field<"note", char[32]>>;

using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"control", "task">,
                      mailbox::next<S::request, S::staged, S::off>>,
    mailbox::in_state<S::request, mailbox::owner<"child">, mailbox::views<"control">,
                      mailbox::next<S::reply>>,
    mailbox::in_state<S::reply, mailbox::owner<"parent">, mailbox::views<"control">, mailbox::next<S::idle>>,
    mailbox::in_state<S::staged, mailbox::owner<"parent", "child">, mailbox::next<S::running, S::failed>>,
    mailbox::in_state<S::running, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<S::done, S::failed>>,
    mailbox::in_state<S::done, mailbox::views<"task">, mailbox::owner<"parent">, mailbox::next<S::idle>>,
    mailbox::in_state<S::failed, mailbox::owner<"parent">, mailbox::next<S::idle>>,
    mailbox::in_state<S::off>>;

using Box = mailbox::Mailbox<Frame>;
using Parent = mailbox::endpoint<Proto, "parent">;
using Child = mailbox::endpoint<Proto, "child">;

// Flags: raise / is_raised / clear name flags only (requires clauses, so
// generic code can ask).
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

}  // namespace

TEST_CASE("a protocol answers who owns, views and follows each state", "[protocol]") {
  STATIC_REQUIRE(mailbox::valid_protocol<Proto>);
  STATIC_REQUIRE(Proto::state_count == 8);
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
}

TEST_CASE("flags are raised, tested and cleared, and only flags are", "[protocol][flag]") {
  STATIC_REQUIRE(flag_api<Box, "stop">());
  STATIC_REQUIRE(flag_api<Box, "seen">());
  STATIC_REQUIRE(no_flag_api<Box, "error">());    // a common payload field
  STATIC_REQUIRE(no_flag_api<Box, "command">());  // an overlay field
  STATIC_REQUIRE(no_flag_api<Box, "state">());    // the state word
  STATIC_REQUIRE(no_flag_api<Box, "nothing">());  // no such member

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
  STATIC_REQUIRE(token_names<Parent::token<S::idle>, "error">);
  STATIC_REQUIRE(!token_names<Parent::token<S::idle>, "nothing">);

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
  CHECK(parent.try_transition<S::staged, S::running>());
  CHECK_FALSE(child.try_transition<S::staged, S::failed>());  // the parent won
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
  CHECK_FALSE(parent.try_transition<S::staged, S::running>());
  auto r = parent.acquire_any<S::done, S::failed>(mailbox::spin{});
  REQUIRE(r.has_value());
  CHECK(r.state() == S::failed);
  std::move(*r).publish<S::idle>();
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
  using OtherOwner =
      mailbox::protocol<Frame, mailbox::in_state<S::idle, mailbox::owner<"child">, mailbox::next<S::off>>,
                        mailbox::in_state<S::off>>;
  using OtherNext =
      mailbox::protocol<Frame, mailbox::in_state<S::idle, mailbox::owner<"child">, mailbox::next<>>,
                        mailbox::in_state<S::off>>;
  using OtherViews = mailbox::protocol<
      Frame,
      mailbox::in_state<S::idle, mailbox::owner<"child">, mailbox::views<"task">, mailbox::next<S::off>>,
      mailbox::in_state<S::off>>;
  using Same =
      mailbox::protocol<Frame, mailbox::in_state<S::idle, mailbox::owner<"child">, mailbox::next<S::off>>,
                        mailbox::in_state<S::off>>;
  const std::set<std::uint64_t> prints{mailbox::fingerprint<Frame>, mailbox::protocol_fingerprint<Proto>,
                                       mailbox::protocol_fingerprint<OtherOwner>,
                                       mailbox::protocol_fingerprint<OtherNext>,
                                       mailbox::protocol_fingerprint<OtherViews>};
  CHECK(prints.size() == 5);
  CHECK(mailbox::protocol_fingerprint<Same> == mailbox::protocol_fingerprint<OtherOwner>);
  CHECK(mailbox::protocol_fingerprint<Proto, 1> != mailbox::protocol_fingerprint<Proto, 0>);
}

TEST_CASE("to_dot names every state and draws every legal transition once", "[protocol][dot]") {
  const std::string dot = mailbox::to_dot<Proto>("frame");
  INFO(dot);
  CHECK(dot.rfind("digraph \"frame\" {", 0) == 0);
  std::size_t edges = 0;
  for (const S s : Proto::states) {
    const std::string name(Proto::name_of(s));
    CHECK(dot.find("  \"" + name + "\" [label=\"" + name) != std::string::npos);
    std::string owners;
    for (const auto o : Proto::owners_of(s)) owners += (owners.empty() ? "" : ", ") + std::string(o);
    for (const S n : Proto::next_of(s)) {
      const std::string edge =
          "\"" + name + "\" -> \"" + std::string(Proto::name_of(n)) + "\" [label=\"" + owners + "\"]";
      CHECK(dot.find(edge) != std::string::npos);
      CHECK(dot.find(edge) == dot.rfind(edge));
      ++edges;
    }
  }
  std::size_t arrows = 0;
  for (std::size_t at = dot.find("->"); at != std::string::npos; at = dot.find("->", at + 2)) ++arrows;
  CHECK(arrows == edges);
  CHECK(edges == 11);  // idle 3, request 1, reply 1, staged 2, running 2, done 1, failed 1
  CHECK(dot.find("\\n[control, task]") != std::string::npos);  // idle's overlays on its node
  CHECK(dot.find("\"off\" [label=\"off\", peripheries=2]") != std::string::npos);  // terminal
}
