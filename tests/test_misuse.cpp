// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Misuse the type system rejects in a way `requires` can see. Each negative
// check is wrapped in a concept (a bare requires-expression outside a template
// would be a hard error, not false) and has a positive twin, so a concept
// that is false for every input cannot pass for the wrong reason.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
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

template <class T>
concept has_bytes = requires(const T& t) {
  t.bytes();
};

template <class T, mailbox::fixed_string Name>
concept can_span_rvalue = requires(T&& t) {
  std::move(t).template span<Name>();
};

template <class T, mailbox::fixed_string Name>
concept can_write_span = requires(T& t) {
  t.template span<Name>()[0] = {};
};

template <class R>
concept can_use_const_result = requires(const R& r) {
  r->template get<"error">();
  (*r).template get<"error">();
  r.value().template get<"error">();
};

enum class Kind : std::int32_t { a, b };
struct Where {
  std::int32_t x;
  std::int32_t y;
};
using Narrow = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"i32", std::int32_t>,
                               mailbox::field<"u8", std::uint8_t>, mailbox::field<"u64", std::uint64_t>,
                               mailbox::field<"f64", double>, mailbox::field<"where", Where>,
                               mailbox::field<"kind", Kind>>;
using NarrowToken = mailbox::Mailbox<Narrow>::token;

// For wrong names in every accessor: text, flags, overlays and an endpoint.
template <class T, mailbox::fixed_string Name>
concept can_text = requires(const T& t) {
  t.template text<Name>();
};
template <class T, mailbox::fixed_string Name>
concept can_set_text = requires(T& t) {
  t.template set_text<Name>("x");
};
template <class T, mailbox::fixed_string Name>
concept can_set_free = requires(T& t) {
  mailbox::set<Name>(t, 1);
};
template <class T, mailbox::fixed_string Name>
concept can_span_free = requires(T& t) {
  mailbox::span<Name>(t);
};
template <class M, mailbox::fixed_string Name>
concept can_raise = requires(const M& m) {
  m.template raise<Name>();
  m.template clear<Name>();
  m.template is_raised<Name>();
};
template <class L, mailbox::fixed_string Name>
concept has_type_of = requires {
  typename L::template type_of<Name>;
};
template <class T>
concept can_abandon_lvalue = requires(T& t) {
  t.abandon();
};
template <class T, auto Next>
concept can_publish_next_lvalue = requires(T& t) {
  t.template publish<Next>();
};
template <class T, auto Next>
concept can_publish_next_rvalue = requires(T&& t) {
  std::move(t).template publish<Next>();
};

using Frame = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                              mailbox::field<"name", char[16]>,
                              mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>>,
                              mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>>,
                              mailbox::flag<"shutdown", std::int32_t>>;
using FrameBox = mailbox::Mailbox<Frame>;
using FrameToken = FrameBox::token;
using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<Worker::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
                      mailbox::next<Worker::task_ready>>,
    mailbox::in_state<Worker::task_ready, mailbox::owner<"child">, mailbox::next<Worker::task_done>>,
    mailbox::in_state<Worker::task_done, mailbox::owner<"parent">, mailbox::next<Worker::idle>>>;
using ParentToken = mailbox::endpoint<Proto, "parent">::token<Worker::idle>;

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
  // The debug-build drop check (MAILBOX_DEBUG_TOKENS, off here: this test is
  // built with NDEBUG) leaves nothing behind in a release build.
  STATIC_REQUIRE(std::is_trivially_destructible_v<Token> == !mailbox::debug_tokens);
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

TEST_CASE("set rejects narrowing conversions", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "i32", std::int64_t>);
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "i32", double>);
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "u8", int>);
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "u8", std::uint16_t>);
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "u64", double>);
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "f64", std::int64_t>);
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "where", int>);  // no aggregate init from a member
  STATIC_REQUIRE_FALSE(can_set<NarrowToken, "kind", int>);
  // Twins: the exact type, widening, an integer into a wider or same-width
  // integer (set<"callable">(42) into a uint64_t), float into double.
  STATIC_REQUIRE(can_set<NarrowToken, "i32", std::int32_t>);
  STATIC_REQUIRE(can_set<NarrowToken, "i32", std::int16_t>);
  STATIC_REQUIRE(can_set<NarrowToken, "u8", std::uint8_t>);
  STATIC_REQUIRE(can_set<NarrowToken, "u64", int>);
  STATIC_REQUIRE(can_set<NarrowToken, "u64", std::uint32_t>);
  STATIC_REQUIRE(can_set<NarrowToken, "f64", float>);
  STATIC_REQUIRE(can_set<NarrowToken, "f64", double>);
  STATIC_REQUIRE(can_set<NarrowToken, "where", Where>);
  STATIC_REQUIRE(can_set<NarrowToken, "kind", Kind>);
}

TEST_CASE("the mailbox hands out no bytes of the region", "[misuse]") {
  // Mutable bytes over the whole layout, from a const view, would let the
  // state word be stored plainly: exactly what the library prevents.
  STATIC_REQUIRE_FALSE(has_bytes<Box>);
  STATIC_REQUIRE(has_bytes<mailbox::shared_segment>);  // twin: the segment, which owns the memory, does
}

TEST_CASE("spans come from token lvalues and are as const as the token", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_span_rvalue<Token, "args">);
  STATIC_REQUIRE_FALSE(can_write_span<const Token, "args">);
  STATIC_REQUIRE(can_span<Token, "args">);
  STATIC_REQUIRE(can_span<const Token, "args">);
  STATIC_REQUIRE(can_write_span<Token, "args">);
  using Args = decltype(std::declval<Token&>().span<"args">());
  STATIC_REQUIRE(std::ranges::contiguous_range<Args>);
  STATIC_REQUIRE(std::ranges::borrowed_range<Args>);
  STATIC_REQUIRE(Args::extent == 16);
  STATIC_REQUIRE(std::is_constructible_v<std::span<std::uint64_t, 16>, Args>);
}

TEST_CASE("text is copied out, not viewed", "[misuse]") {
  using Text = decltype(std::declval<const Token&>().text<"error_msg">());
  STATIC_REQUIRE(std::is_same_v<Text, mailbox::fixed_text<256>>);
  STATIC_REQUIRE_FALSE(std::is_same_v<Text, std::string_view>);
}

TEST_CASE("a wait's result reads through const like std::expected", "[misuse]") {
  STATIC_REQUIRE(can_use_const_result<Box::wait_result>);
  STATIC_REQUIRE(std::is_same_v<Box::wait_result::value_type, Token>);
  STATIC_REQUIRE(std::is_same_v<Box::wait_result::error_type, mailbox::wait_error>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<Box::wait_result, bool>);  // explicit, as std::expected
  STATIC_REQUIRE(std::is_constructible_v<bool, Box::wait_result>);
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

// The misspelled-name overloads (deleted, carrying the compiler's message,
// detail/diagnostics.hpp) leave every requires-expression false.
TEST_CASE("wrong names stay false in requires-expressions of every accessor", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_get<FrameToken, "eror">);
  STATIC_REQUIRE_FALSE(can_set<FrameToken, "eror", int>);
  STATIC_REQUIRE_FALSE(can_span<FrameToken, "wrds">);
  STATIC_REQUIRE_FALSE(can_span<const FrameToken, "wrds">);
  STATIC_REQUIRE_FALSE(can_text<FrameToken, "nmae">);
  STATIC_REQUIRE_FALSE(can_set_text<FrameToken, "nmae">);
  STATIC_REQUIRE_FALSE(can_get_free<FrameToken, "eror">);
  STATIC_REQUIRE_FALSE(can_set_free<FrameToken, "eror">);
  STATIC_REQUIRE_FALSE(can_span_free<FrameToken, "wrds">);
  STATIC_REQUIRE_FALSE(can_raise<FrameBox, "shutdwn">);
  STATIC_REQUIRE_FALSE(has_type_of<Frame, "eror">);
  STATIC_REQUIRE_FALSE(can_get<ParentToken, "ag0">);
  STATIC_REQUIRE_FALSE(can_set<ParentToken, "ag0", int>);
  STATIC_REQUIRE_FALSE(can_span<ParentToken, "wrds">);
  STATIC_REQUIRE_FALSE(can_text<ParentToken, "nmae">);
  STATIC_REQUIRE_FALSE(can_set_text<ParentToken, "nmae">);
  // Twins.
  STATIC_REQUIRE(can_get<FrameToken, "error">);
  STATIC_REQUIRE(can_set<FrameToken, "error", int>);
  STATIC_REQUIRE(can_span<FrameToken, "words">);
  STATIC_REQUIRE(can_span<const FrameToken, "words">);
  STATIC_REQUIRE(can_text<FrameToken, "name">);
  STATIC_REQUIRE(can_set_text<FrameToken, "name">);
  STATIC_REQUIRE(can_get_free<FrameToken, "error">);
  STATIC_REQUIRE(can_set_free<FrameToken, "error">);
  STATIC_REQUIRE(can_span_free<FrameToken, "words">);
  STATIC_REQUIRE(can_raise<FrameBox, "shutdown">);
  STATIC_REQUIRE(has_type_of<Frame, "error">);
  STATIC_REQUIRE(can_get<ParentToken, "arg0">);
  STATIC_REQUIRE(can_set<ParentToken, "arg0", int>);
  STATIC_REQUIRE(can_span<ParentToken, "words">);
  STATIC_REQUIRE(can_text<ParentToken, "name">);
  STATIC_REQUIRE(can_set_text<ParentToken, "name">);
}

TEST_CASE("abandon and an endpoint's publish consume the token too", "[misuse]") {
  STATIC_REQUIRE_FALSE(can_abandon_lvalue<Token>);
  STATIC_REQUIRE_FALSE(can_abandon_lvalue<const Token>);
  STATIC_REQUIRE_FALSE(can_publish_next_lvalue<ParentToken, Worker::task_ready>);
  STATIC_REQUIRE_FALSE(can_publish_next_lvalue<const ParentToken, Worker::task_ready>);
  STATIC_REQUIRE(can_publish_next_rvalue<ParentToken, Worker::task_ready>);
}
