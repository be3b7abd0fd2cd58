// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Lists of types and the few operations the layout needs on them.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include "../abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

constexpr std::size_t count_true(std::initializer_list<bool> flags) noexcept {
  std::size_t n = 0;
  for (const bool f : flags) n += f ? 1 : 0;
  return n;
}

// A list of types, and the few operations the layout needs on it. Every
// operation here is a pack expansion or a shallow specialisation, never a
// fold: clang refuses folds nested deeper than 256 (-fbracket-depth), and a
// layout may have hundreds of members.
template <class... T>
struct type_list {
  static constexpr std::size_t size = sizeof...(T);
};

template <class... Lists>
struct concat {
  using type = type_list<>;
};
template <class... A>
struct concat<type_list<A...>> {
  using type = type_list<A...>;
};
template <class... A, class... B>
struct concat<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};
template <class... A, class... B, class... C, class... D, class... Rest>
struct concat<type_list<A...>, type_list<B...>, type_list<C...>, type_list<D...>, Rest...>
    : concat<type_list<A..., B..., C..., D...>, Rest...> {};
template <class... A, class... B, class... Rest>
struct concat<type_list<A...>, type_list<B...>, Rest...> : concat<type_list<A..., B...>, Rest...> {};

// The I-th type of a list in constant template depth: overload resolution
// picks the one base class indexed<I, T> of the indexer.
template <std::size_t I, class T>
struct indexed {
  using type = T;
};
template <class Indices, class... T>
struct indexer;
template <std::size_t... I, class... T>
struct indexer<std::index_sequence<I...>, T...> : indexed<I, T>... {};
template <std::size_t I, class T>
indexed<I, T> select(const indexed<I, T>&);

template <std::size_t I, class List>
struct list_at;
template <std::size_t I, class... T>
struct list_at<I, type_list<T...>> {
  using type = typename decltype(select<I>(indexer<std::index_sequence_for<T...>, T...>{}))::type;
};

// The declarations that Keep<Decl>::value selects, in order, as a type_list.
template <template <class> class Keep, class... Decls>
using list_of =
    typename concat<std::conditional_t<Keep<Decls>::value, type_list<Decls>, type_list<>>...>::type;

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
