// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::overlay<"name", field...>: alternative views of the same bytes of a
// layout, chosen by the state.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "abi.hpp"
#include "detail/type_list.hpp"
#include "field.hpp"
#include "fixed_string.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// Alternative views of the same bytes, chosen by the state (a discriminated
// union keyed by the state word): fields of two different overlays may
// overlap; nothing else may. Computed offsets follow C's anonymous union of
// structs: consecutive overlays form one union, each overlay a struct in it.
//
//   mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>>,
//   mailbox::overlay<"task", mailbox::field<"args", std::byte[4096]>>
template <fixed_string Name, class... Fields>
struct overlay {
  static constexpr bool holds_only_fields =
      detail::count_true({detail::is_plain_field<Fields>...}) == sizeof...(Fields);
  static constexpr fixed_string name = Name;
  using fields = detail::type_list<Fields...>;
};

namespace detail {

template <class Decl>
struct is_overlay_decl : std::false_type {};
template <fixed_string N, class... F>
struct is_overlay_decl<overlay<N, F...>> : std::true_type {};

template <class Decl>
inline constexpr bool overlay_holds_only_fields = true;
template <fixed_string N, class... F>
inline constexpr bool overlay_holds_only_fields<overlay<N, F...>> = overlay<N, F...>::holds_only_fields;

template <fixed_string N, class... F>
struct members_of<overlay<N, F...>> {
  // A bad overlay (layout reports it) contributes no members, so it is
  // reported once.
  using type = std::conditional_t<overlay<N, F...>::holds_only_fields, type_list<F...>, type_list<>>;
};

#if defined(__CUDACC__)
// Under nvcc, by its members (see declares_a_member in field.hpp).
template <class Decl>
concept declares_an_overlay = requires {
  Decl::name;
  typename Decl::fields;
  { Decl::holds_only_fields } -> std::convertible_to<bool>;
};

template <declares_an_overlay Decl>
struct is_overlay_decl<Decl> : std::true_type {};

template <declares_an_overlay Decl>
inline constexpr bool overlay_holds_only_fields<Decl> = Decl::holds_only_fields;

template <declares_an_overlay Decl>
struct members_of<Decl> {
  using type = std::conditional_t<Decl::holds_only_fields, typename Decl::fields, type_list<>>;
};
#endif

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
