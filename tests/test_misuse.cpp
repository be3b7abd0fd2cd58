// Misuse the type system rejects in a way `requires` can see. Each negative
// check is wrapped in a concept (a bare requires-expression outside a template
// would be a hard error, not false) and has a positive twin, so a concept
// that is false for every input cannot pass for the wrong reason.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "support/catch.hpp"
#include "support/design_task.hpp"

namespace {

using test_support::Task;
using test_support::Worker;
enum class Other : std::int32_t { idle };

using Box = mailbox::Mailbox<Task>;
using Token = Box::token;

template <class T, mailbox::fixed_string Name>
concept can_get = requires(const T& t) {
  t.template get<Name>();
};

template <class T, mailbox::fixed_string Name, class V>
concept can_set = requires(T& t, const V& v) {
  t.template set<Name>(v);
};

template <class T, mailbox::fixed_string Name>
concept can_span = requires(T& t) {
  t.template span<Name>();
};

template <class T, mailbox::fixed_string Name>
concept can_get_free = requires(const T& t) {
  mailbox::get<Name>(t);
};

template <class T, class S>
concept can_publish_lvalue = requires(T& t, S s) {
  t.publish(s);
};

template <class T, class S>
concept can_publish_rvalue = requires(T&& t, S s) {
  std::move(t).publish(s);
};

template <class B, class S>
concept can_try_acquire = requires(const B& b, S s) {
  b.try_acquire(s);
};

template <class L>
concept can_make_mailbox = requires {
  typename mailbox::Mailbox<L>;
};

template <class L, mailbox::fixed_string Name>
concept has_offset = requires {
  L::template offset_of<Name>;
};

}  // namespace

TEST_CASE("the mailbox itself has no payload accessors", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_get<Box, "error">);
  STATIC_REQUIRE_FALSE(can_set<Box, "error", int>);
  STATIC_REQUIRE_FALSE(can_span<Box, "args">);
  STATIC_REQUIRE_FALSE(can_get_free<Box, "error">);
  // Twins: the token has them.
  STATIC_REQUIRE(can_get<Token, "error">);
  STATIC_REQUIRE(can_set<Token, "error", int>);
  STATIC_REQUIRE(can_span<Token, "args">);
  STATIC_REQUIRE(can_get_free<Token, "error">);
}

TEST_CASE("tokens are move-only and made only by a mailbox", "[misuse]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Token>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Token>);
  STATIC_REQUIRE_FALSE(std::is_default_constructible_v<Token>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<Token, std::byte*>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<Token, Box>);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Token>);
  STATIC_REQUIRE(std::is_nothrow_move_assignable_v<Token>);
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<const Box&>().acquire(Worker::idle)), Token>);
}

TEST_CASE("publish consumes the token: rvalues only, the layout's state type only", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_publish_lvalue<Token, Worker>);
  STATIC_REQUIRE_FALSE(can_publish_lvalue<const Token, Worker>);
  STATIC_REQUIRE(can_publish_rvalue<Token, Worker>);
  STATIC_REQUIRE_FALSE(can_publish_rvalue<Token, int>);
  STATIC_REQUIRE_FALSE(can_publish_rvalue<Token, Other>);
  STATIC_REQUIRE_FALSE(can_try_acquire<Box, int>);
  STATIC_REQUIRE_FALSE(can_try_acquire<Box, Other>);
  STATIC_REQUIRE(can_try_acquire<Box, Worker>);
}

TEST_CASE("the state word is not a payload field", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_get<Token, "state">);
  STATIC_REQUIRE_FALSE(can_set<Token, "state", Worker>);
  STATIC_REQUIRE_FALSE(can_span<Token, "state">);
  STATIC_REQUIRE_FALSE(can_get_free<Token, "state">);
  // Twin: its offset is still public, for code in other languages.
  STATIC_REQUIRE(has_offset<Task, "state">);
}

TEST_CASE("unknown names do not compile", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_get<Token, "eror">);
  STATIC_REQUIRE_FALSE(can_set<Token, "Error", int>);
  STATIC_REQUIRE_FALSE(can_span<Token, "arg">);
  STATIC_REQUIRE_FALSE(has_offset<Task, "nope">);
  STATIC_REQUIRE(has_offset<Task, "args">);
}

TEST_CASE("values of the wrong type do not compile", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_set<Token, "callable", std::string>);
  STATIC_REQUIRE_FALSE(can_set<Token, "callable", const char*>);
  STATIC_REQUIRE_FALSE(can_set<Token, "error", Worker>);
  STATIC_REQUIRE_FALSE(can_set<Token, "args", std::uint32_t[16]>);
  STATIC_REQUIRE_FALSE(can_set<Token, "args", std::uint64_t[8]>);
  STATIC_REQUIRE_FALSE(can_set<Token, "args", std::uint64_t>);
  // Twins: the field's own type, and what converts to it as in an assignment.
  STATIC_REQUIRE(can_set<Token, "callable", std::uint64_t>);
  STATIC_REQUIRE(can_set<Token, "callable", int>);
  STATIC_REQUIRE(can_set<Token, "args", std::uint64_t[16]>);
}

TEST_CASE("arrays are reached through span, scalars through get", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_get<Token, "args">);
  STATIC_REQUIRE_FALSE(can_span<Token, "error">);
  STATIC_REQUIRE(can_span<Token, "error_msg">);
  STATIC_REQUIRE(can_get<Token, "callable">);
}

TEST_CASE("a mailbox needs a layout and writable memory", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_make_mailbox<int>);
  STATIC_REQUIRE_FALSE(can_make_mailbox<mailbox::field<"x", int>>);
  STATIC_REQUIRE(can_make_mailbox<Task>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<Box, std::span<const std::byte>>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<std::span<std::byte>, Box>);  // explicit
  STATIC_REQUIRE(std::is_constructible_v<Box, std::span<std::byte>>);
}
