// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The messages for wrong names (detail/diagnostics.hpp): the edit distance,
// the suggestion and the listing, checked as the types the compiler prints.
// What the compilers actually print is checked by tests/compile_fail
// (token_unknown_field, flag_misspelled, endpoint_misspellings, ...); here,
// that the right name is picked and that a right name computes nothing.
// test_misuse checks that requires-expressions still see false for them.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "support/catch.hpp"

namespace {

namespace detail = mailbox::detail;

enum class S : std::int32_t { idle, request, reply, off };

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"error", std::int32_t>,
                              mailbox::field<"name", char[16]>,
                              mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>,
                                               mailbox::field<"result", std::uint64_t>>,
                              mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>>,
                              mailbox::flag<"shutdown", std::int32_t>, mailbox::flag<"seen", std::int32_t>>;

using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
                      mailbox::next<S::request, S::off>>,
    mailbox::in_state<S::request, mailbox::owner<"child">, mailbox::views<"task">, mailbox::next<S::reply>>,
    mailbox::in_state<S::reply, mailbox::owner<"parent", "child">, mailbox::next<S::idle>>,
    mailbox::in_state<S::off>>;

// A layout of 20 fields, f00 .. f19, for the listing's cut.
template <std::size_t... I>
auto wide_layout(std::index_sequence<I...>) -> mailbox::layout<
    mailbox::state<"state", S>,
    mailbox::field<mailbox::fixed_string<4>({'f', char('0' + I / 10), char('0' + I % 10), 0}),
                   std::uint32_t>...>;
using Wide = decltype(wide_layout(std::make_index_sequence<20>{}));

}  // namespace

TEST_CASE("the edit distance counts insertions, deletions, substitutions and swaps", "[diagnostics]") {
  STATIC_REQUIRE(detail::edit_distance("error", "error") == 0);
  STATIC_REQUIRE(detail::edit_distance("eror", "error") == 1);     // a deletion
  STATIC_REQUIRE(detail::edit_distance("errorr", "error") == 1);   // an insertion
  STATIC_REQUIRE(detail::edit_distance("errar", "error") == 1);    // a substitution
  STATIC_REQUIRE(detail::edit_distance("parnet", "parent") == 1);  // two neighbours swapped
  STATIC_REQUIRE(detail::edit_distance("", "task") == 4);
  STATIC_REQUIRE(detail::edit_distance("task", "") == 4);
  STATIC_REQUIRE(detail::edit_distance("kitten", "sitting") == 3);
  STATIC_REQUIRE(detail::edit_distance("ca", "abc") == 3);  // optimal string alignment: no edit of a swap
  // Long names are compared on their first 64 characters.
  constexpr std::string_view a64 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  STATIC_REQUIRE(a64.size() == detail::longest_compared_name);
  STATIC_REQUIRE(
      detail::edit_distance("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaXYZ", a64) == 0);
}

TEST_CASE("a name is suggested only when it is close enough", "[diagnostics]") {
  STATIC_REQUIRE(detail::close_enough("eror", "error"));
  STATIC_REQUIRE(detail::close_enough("tsak", "task"));
  STATIC_REQUIRE(detail::close_enough("x", "y"));
  STATIC_REQUIRE_FALSE(detail::close_enough("x", "error"));
  STATIC_REQUIRE_FALSE(detail::close_enough("worker", "child"));
  constexpr std::array<std::string_view, 3> names{"error", "arg0", "result"};
  STATIC_REQUIRE(detail::closest_name(names, "reslt") == 2);
  STATIC_REQUIRE(detail::closest_name(names, "arg") == 1);
  STATIC_REQUIRE(detail::closest_name(std::array<std::string_view, 0>{}, "x") == 0);  // none
}

TEST_CASE("a misspelled field is named with the closest payload field", "[diagnostics]") {
  STATIC_REQUIRE(
      std::is_same_v<detail::unknown_field_t<Frame, "eror">,
                     mailbox::no_field_named<'e', 'r', 'o', 'r'>::did_you_mean<'e', 'r', 'r', 'o', 'r'>>);
  // Overlay fields count; the state word and flags are not payload fields.
  STATIC_REQUIRE(std::is_same_v<detail::unknown_field_t<Frame, "ag0">,
                                mailbox::no_field_named<'a', 'g', '0'>::did_you_mean<'a', 'r', 'g', '0'>>);
  STATIC_REQUIRE(
      std::is_same_v<detail::unknown_field_t<Frame, "seem">,
                     mailbox::no_field_named<'s', 'e', 'e', 'm'>::fields_are<
                         'e', 'r', 'r', 'o', 'r', ',', ' ', 'n', 'a', 'm', 'e', ',', ' ', 'a', 'r', 'g', '0',
                         ',', ' ', 'r', 'e', 's', 'u', 'l', 't', ',', ' ', 'w', 'o', 'r', 'd', 's'>>);
  // offset_of and type_of reach every member, the state word and flags too.
  STATIC_REQUIRE(
      std::is_same_v<detail::unknown_member_t<Frame, "seem">,
                     mailbox::no_field_named<'s', 'e', 'e', 'm'>::did_you_mean<'s', 'e', 'e', 'n'>>);
  // A name the layout has computes no message.
  STATIC_REQUIRE(std::is_void_v<detail::unknown_field_t<Frame, "error">>);
  STATIC_REQUIRE(std::is_void_v<detail::unknown_member_t<Frame, "state">>);
}

TEST_CASE("flags, overlays and roles are named with their own kind", "[diagnostics]") {
  STATIC_REQUIRE(
      std::is_same_v<detail::unknown_flag_t<Frame, "shutdwn">,
                     mailbox::no_flag_named<'s', 'h', 'u', 't', 'd', 'w',
                                            'n'>::did_you_mean<'s', 'h', 'u', 't', 'd', 'o', 'w', 'n'>>);
  // A payload field is no flag.
  STATIC_REQUIRE(std::is_same_v<detail::unknown_flag_t<Frame, "error">,
                                mailbox::no_flag_named<'e', 'r', 'r', 'o', 'r'>::flags_are<
                                    's', 'h', 'u', 't', 'd', 'o', 'w', 'n', ',', ' ', 's', 'e', 'e', 'n'>>);
  STATIC_REQUIRE(std::is_void_v<detail::unknown_flag_t<Frame, "seen">>);

  STATIC_REQUIRE(
      std::is_same_v<
          detail::unknown_role_t<Proto, "parnet">,
          mailbox::no_role_named<'p', 'a', 'r', 'n', 'e', 't'>::did_you_mean<'p', 'a', 'r', 'e', 'n', 't'>>);
  // Every role once, in the order of first mention.
  STATIC_REQUIRE(std::is_same_v<detail::unknown_role_t<Proto, "worker">,
                                mailbox::no_role_named<'w', 'o', 'r', 'k', 'e', 'r'>::roles_are<
                                    'p', 'a', 'r', 'e', 'n', 't', ',', ' ', 'c', 'h', 'i', 'l', 'd'>>);
  STATIC_REQUIRE(std::is_void_v<detail::unknown_role_t<Proto, "child">>);

  using spelled_tsak = detail::spelled_name<"tsak">;
  STATIC_REQUIRE(
      std::is_same_v<detail::hint_for_spelled_t<false, mailbox::no_overlay_named,
                                                detail::layout_overlay_names<Frame>, spelled_tsak>,
                     mailbox::no_overlay_named<'t', 's', 'a', 'k'>::did_you_mean<'t', 'a', 's', 'k'>>);
  STATIC_REQUIRE(std::is_same_v<detail::hint_for_spelled_t<true, mailbox::no_overlay_named,
                                                           detail::layout_overlay_names<Frame>, spelled_tsak>,
                                spelled_tsak>);
}

TEST_CASE("a long list shows the closest names first and is cut", "[diagnostics]") {
  STATIC_REQUIRE(Wide::field_count == 21);
  using listed = detail::unknown_field_t<Wide, "zzz">;
  // f00 .. f19 are all three edits from "zzz": declaration order among equals.
  STATIC_REQUIRE(
      std::is_same_v<listed,
                     mailbox::no_field_named<'z', 'z', 'z'>::fields_are<
                         'f', '0', '0', ',', ' ', 'f', '0', '1', ',', ' ', 'f', '0', '2', ',', ' ', 'f', '0',
                         '3', ',', ' ', 'f', '0', '4', ',', ' ', 'f', '0', '5', ',', ' ', 'f', '0', '6', ',',
                         ' ', 'f', '0', '7', ',', ' ', 'f', '0', '8', ',', ' ', 'f', '0', '9', ',', ' ', 'f',
                         '1', '0', ',', ' ', 'f', '1', '1', ',', ' ', 'f', '1', '2', ',', ' ', 'f', '1', '3',
                         ',', ' ', 'f', '1', '4', ',', ' ', 'f', '1', '5', ',', ' ', '.', '.', '.'>>);
  // The closest come first: f17 and f18 (one edit from "f1x") before the rest.
  constexpr auto listing = detail::list_names(
      std::array<std::string_view, 20>{"a00", "a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "a09",
                                       "a10", "a11", "a12", "a13", "a14", "a15", "a16", "f17", "f18", "a19"},
      "f1x");
  STATIC_REQUIRE(std::string_view(listing.chars.data(), 8) == "f17, f18");
  STATIC_REQUIRE(std::string_view(listing.chars.data(), listing.size).ends_with(", ..."));
  STATIC_REQUIRE(std::is_same_v<detail::unknown_field_t<Wide, "f1">,
                                mailbox::no_field_named<'f', '1'>::did_you_mean<'f', '0', '1'>>);
}
