// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::keyed<"key", Key, alternative...>: a discriminated union selected
// by the value of a key word, each alternative with its own fields. It is a
// type: a field of it sits anywhere a field may (a common field, a field of
// an overlay). A token reaches an alternative's fields only through the
// key: a reader after checking it, a writer by setting it in the same step.
//
//   enum class Command : std::uint32_t { ping = 1, copy = 2, memory_info = 3 };
//   using Control = mailbox::keyed<"sub_command", Command,
//       mailbox::alternative<Command::ping, "ping">,
//       mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>,
//                            mailbox::field<"dst", std::uint64_t>, mailbox::field<"bytes", std::uint64_t>>,
//       mailbox::alternative<Command::memory_info, "memory_info", mailbox::field<"info", MemoryInfo>>>;
//   using Frame = mailbox::layout<mailbox::state<"state", S>,
//                                 mailbox::overlay<"control", mailbox::field<"command", Control, 8>>, ...>;
//
//   auto copy = t.emplace<"command", Command::copy>();   // key stored, the alternative's bytes zeroed
//   copy.set<"src">(a);
//   if (auto copy = t.alternative<"command", Command::copy>()) read(copy->get<"src">());
//   t.visit<"command">([&](auto alt) { if constexpr (decltype(alt)::key == Command::ping) ...; });
//
// In memory, C's rules for struct { Key key; union { struct {...} alt...; }; }:
// the key at offset 0, the alternatives' union at the next multiple of its
// alignment, each alternative's fields placed from there in declaration
// order (or pinned at an offset counted from the start of the keyed union).
//
// Downstream additions: alternative_group<"name", key_range<First, Last>,
// alternative...> reserves a range of keys; a group's keys must lie in its
// range, ranges may not overlap, and no other alternative may take a key in
// a group's range. A project adds its own group to a union it is given
// (docs/payloads.md).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "description.hpp"
#include "detail/payload_diagnostics.hpp"
#include "detail/payload_rules.hpp"
#include "detail/type_list.hpp"
#include "field.hpp"
#include "fixed_string.hpp"
#include "fixed_text.hpp"
#include "layout_options.hpp"
#include "members.hpp"
#include "token.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// The keys an alternative_group reserves, First and Last included.
template <auto First, auto Last>
struct key_range {
  static constexpr auto first = First;
  static constexpr auto last = Last;
};

// One alternative of a keyed union: the key value that selects it, its
// name, and its fields (mailbox::field<...>, offsets computed or pinned).
template <auto Key, fixed_string Name, class... Fields>
struct alternative {
  static constexpr auto key = Key;
  static constexpr fixed_string name = Name;
  using fields = detail::type_list<Fields...>;
};

// Alternatives whose keys lie in a reserved range: a downstream project's
// commands, kept apart from the ones it is given.
template <fixed_string Name, class Range, class... Alternatives>
struct alternative_group {
  static constexpr fixed_string name = Name;
  using range = Range;
  using alternatives = detail::type_list<Alternatives...>;
};

namespace detail {

template <class P>
inline constexpr bool is_alternative = false;
template <auto K, fixed_string N, class... F>
inline constexpr bool is_alternative<alternative<K, N, F...>> = true;

template <class P>
struct is_alternative_group_decl : std::false_type {};
template <fixed_string N, class R, class... A>
struct is_alternative_group_decl<alternative_group<N, R, A...>> : std::true_type {};

template <class R>
inline constexpr bool is_key_range = false;
template <auto F, auto L>
inline constexpr bool is_key_range<key_range<F, L>> = true;

template <class P>
inline constexpr bool is_keyed_part =
    is_alternative<P> || is_alternative_group_decl<P>::value || is_total_size_decl<P>::value;

inline constexpr std::size_t no_group = static_cast<std::size_t>(-1);

// An alternative as the union lists it, with the index of its group.
template <std::size_t Group, class Alternative>
struct listed_alternative {
  static constexpr std::size_t group = Group;
  using type = Alternative;
};

template <std::size_t Group, class Part>
struct alternatives_of_part {
  using type = type_list<>;
};
template <std::size_t Group, auto K, fixed_string N, class... F>
struct alternatives_of_part<Group, alternative<K, N, F...>> {
  using type = type_list<listed_alternative<no_group, alternative<K, N, F...>>>;
};
template <std::size_t Group, fixed_string N, class R, class... A>
struct alternatives_of_part<Group, alternative_group<N, R, A...>> {
  using type = type_list<listed_alternative<Group, A>...>;
};

// Every alternative in declaration order, a group's in its place.
template <class Indices, class... Parts>
struct listed_alternatives;
template <std::size_t... I, class... Parts>
struct listed_alternatives<std::index_sequence<I...>, Parts...> {
  static constexpr std::array<bool, sizeof...(Parts)> is_group{is_alternative_group_decl<Parts>::value...};
  static constexpr std::size_t groups_before(std::size_t part) noexcept {
    std::size_t n = 0;
    for (std::size_t p = 0; p < part; ++p) n += is_group[p] ? 1 : 0;
    return n;
  }
  using type = typename concat<typename alternatives_of_part<groups_before(I), Parts>::type...>::type;
};

// A valid key type: an integer (not bool) or an enum with a fixed
// underlying type, of 1, 2, 4 or 8 bytes.
template <class Key>
constexpr bool is_valid_key_type() {
  if constexpr (std::is_same_v<std::remove_cv_t<Key>, bool> || std::is_const_v<Key> ||
                std::is_volatile_v<Key>) {
    return false;
  } else if constexpr (std::is_integral_v<Key> || enum_with_fixed_underlying_type<Key>) {
    return sizeof(Key) == 1 || sizeof(Key) == 2 || sizeof(Key) == 4 || sizeof(Key) == 8;
  } else {
    return false;
  }
}

template <class Key>
using key_integer_t = typename std::conditional_t<std::is_enum_v<Key>, std::underlying_type<Key>,
                                                  std::type_identity<Key>>::type;

// Whether the key value V may select an alternative of a union keyed by
// Key: a value of the key type, or (integer keys) an integer that fits.
template <class Key, auto V>
constexpr bool key_value_fits() {
  using V_type = decltype(V);
  if constexpr (!is_valid_key_type<Key>()) {
    return false;
  } else if constexpr (std::is_same_v<V_type, Key>) {
    return true;
  } else if constexpr (std::is_integral_v<Key> && std::is_integral_v<V_type> &&
                       !std::is_same_v<V_type, bool>) {
    // The value survives the round trip and keeps its sign (char keys too,
    // which std::in_range refuses).
    constexpr Key converted = static_cast<Key>(V);
    return static_cast<V_type>(converted) == V && ((converted < Key{}) == (V < V_type{}));
  } else {
    return false;
  }
}

// A key value as 64 bits, sign-extended for signed key types.
template <class Key>
constexpr std::uint64_t key_bits_of(Key value) noexcept {
  using I = key_integer_t<Key>;
  const auto integer = static_cast<I>(value);
  if constexpr (std::is_signed_v<I>) {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(integer));
  } else {
    return static_cast<std::uint64_t>(integer);
  }
}

template <class Key>
constexpr std::uint64_t key_bits(Key value) noexcept {
  if constexpr (!is_valid_key_type<Key>()) {
    return 0;  // reported by the checks
  } else {
    return key_bits_of(value);
  }
}

template <class Key, auto V>
constexpr Key key_value() noexcept {
  if constexpr (key_value_fits<Key, V>()) {
    return static_cast<Key>(V);
  } else {
    return Key{};
  }
}

// The shape of a keyed union: where everything lies, its description and
// its checks. keyed<...> is this plus the bytes.
template <fixed_string KeyName, class Key, class... Parts>
struct keyed_shape {
  using listed = typename listed_alternatives<std::index_sequence_for<Parts...>, Parts...>::type;
  using groups = list_of<is_alternative_group_decl, Parts...>;
  using total_sizes = list_of<is_total_size_decl, Parts...>;
  static constexpr std::size_t alternative_count = listed::size;
  static constexpr std::size_t group_count = groups::size;
  static constexpr bool parts_ok = (is_keyed_part<Parts> && ...) && total_sizes::size <= 1;

  template <std::size_t I>
  using alternative_at = typename list_at<I, listed>::type::type;

  template <class A>
  static constexpr std::size_t fields_of() {
    if constexpr (is_alternative<A>) {
      return A::fields::size;
    } else {
      return 0;
    }
  }
  static constexpr std::size_t field_count = [] {
    std::size_t n = 0;
    [&]<class... L>(type_list<L...>) {
      const bool in_order[] = {true, (n += fields_of<typename L::type>(), true)...};
      (void)in_order;
    }(listed{});
    return n;
  }();

  template <class A>
  static constexpr bool holds_only_fields() {
    if constexpr (is_alternative<A>) {
      return []<class... F>(type_list<F...>) { return (is_plain_field<F> && ...); }(typename A::fields{});
    } else {
      return false;
    }
  }
  static constexpr bool alternatives_ok = []<class... L>(type_list<L...>) {
    return (holds_only_fields<typename L::type>() && ...);
  }(listed{});

  static constexpr std::size_t key_size = size_of_or_zero<Key>();
  static constexpr std::size_t key_alignment = align_of_or_one<Key>();

  template <class A>
  static constexpr std::size_t alternative_alignment() {
    if constexpr (holds_only_fields<A>()) {
      return []<class... F>(type_list<F...>) {
        return std::max({std::size_t{1}, align_of_or_one<typename F::type>()...});
      }(typename A::fields{});
    } else {
      return 1;
    }
  }
  static constexpr std::size_t union_alignment = []<class... L>(type_list<L...>) {
    return std::max({std::size_t{1}, alternative_alignment<typename L::type>()...});
  }(listed{});
  static constexpr std::size_t alternatives_offset = align_up(key_size, union_alignment);

  // Every field of every alternative, alternative after alternative.
  struct placement {
    std::array<member_info, field_count> fields{};
    std::array<std::size_t, field_count> sizes{};
    std::array<std::size_t, field_count> alignments{};
    std::array<bool, field_count> pinned{};
    std::array<std::size_t, alternative_count> first{};  // index of its first field in `fields`
    std::array<std::size_t, alternative_count> count{};
    std::array<std::size_t, alternative_count> end{};  // where its last field ends
    std::size_t union_end = 0;                         // the union's end, each alternative rounded up
  };

  template <class A>
  static constexpr void place_alternative(placement& p, std::size_t& k, std::size_t a) {
    std::size_t next = alternatives_offset;
    std::size_t end = alternatives_offset;
    p.first[a] = k;
    if constexpr (holds_only_fields<A>()) {
      [&]<class... F>(type_list<F...>) {
        const bool in_order[] = {
            true, (
                      [&] {
                        using T = typename F::type;
                        const bool pinned = F::pinned_offset != computed_offset;
                        const std::size_t offset =
                            pinned ? F::pinned_offset : align_up(next, align_of_or_one<T>());
                        p.fields[k] = member_info{F::name.view(), offset, description_pointer<T>()};
                        p.sizes[k] = size_of_or_zero<T>();
                        p.alignments[k] = align_of_or_one<T>();
                        p.pinned[k] = pinned;
                        next = end_of(offset, size_of_or_zero<T>());
                        end = std::max(end, next);
                        ++k;
                      }(),
                      true)...};
        (void)in_order;
      }(typename A::fields{});
    }
    p.count[a] = k - p.first[a];
    p.end[a] = end;
    p.union_end = std::max(p.union_end, align_up(end, alternative_alignment<A>()));
  }

  static constexpr placement placed = [] {
    placement p{};
    p.union_end = alternatives_offset;
    std::size_t k = 0;
    [&]<class... L, std::size_t... A>(type_list<L...>, std::index_sequence<A...>) {
      const bool in_order[] = {true, (place_alternative<typename L::type>(p, k, A), true)...};
      (void)in_order;
    }(listed{}, std::make_index_sequence<alternative_count>{});
    return p;
  }();

  static constexpr std::size_t alignment = std::max(key_alignment, union_alignment);
  static constexpr std::size_t computed_size = align_up(std::max(key_size, placed.union_end), alignment);
  static constexpr std::size_t size = [] {
    if constexpr (total_sizes::size == 1) {
      return std::max<std::size_t>(list_at<0, total_sizes>::type::value, 1);
    } else {
      return std::max<std::size_t>(computed_size, 1);
    }
  }();

  // --- the description (description.hpp) ---

  template <class L>
  static constexpr std::string_view group_name_of() {
    if constexpr (L::group == no_group) {
      return {};
    } else {
      return list_at<L::group, groups>::type::name.view();
    }
  }

  static constexpr std::array<alternative_info, alternative_count> alternative_infos =
      []<class... L, std::size_t... A>(type_list<L...>, std::index_sequence<A...>) {
        return std::array<alternative_info, alternative_count>{alternative_info{
            L::type::name.view(), key_bits(key_value<Key, L::type::key>()), group_name_of<L>(), placed.end[A],
            std::span<const member_info>(placed.fields.data() + placed.first[A], placed.count[A])}...};
      }(listed{}, std::make_index_sequence<alternative_count>{});

  template <class G>
  static constexpr key_range_info group_info() {
    if constexpr (is_key_range<typename G::range>) {
      return {G::name.view(), key_bits(key_value<Key, G::range::first>()),
              key_bits(key_value<Key, G::range::last>())};
    } else {
      return {G::name.view(), 0, 0};
    }
  }
  static constexpr std::array<key_range_info, group_count> group_infos = []<class... G>(type_list<G...>) {
    return std::array<key_range_info, group_count>{group_info<G>()...};
  }(groups{});

  static constexpr keyed_description description = {
      member_info{KeyName.view(), 0, description_pointer<Key>()},
      std::is_signed_v<key_integer_t<std::conditional_t<is_valid_key_type<Key>(), Key, int>>>,
      alternatives_offset, alternative_infos, group_infos};

  // --- the checks ---

  template <class A>
  static constexpr bool key_fits() {
    if constexpr (is_alternative<A>) {
      return key_value_fits<Key, A::key>();
    } else {
      return true;
    }
  }

  // The first mistake among the alternatives and their fields.
  enum class problem_kind {
    none,
    key_type,
    alternative_name,
    duplicate_alternative_name,
    duplicate_key,
    field,  // field_problem below
    misaligned_field,
    group_malformed,
    duplicate_group_name,
    group_ranges_overlap,
    key_outside_its_group,
    key_in_other_group,
    total_size,
  };
  struct problem {
    problem_kind kind = problem_kind::none;
    std::size_t index = 0;
    std::size_t other = 0;
    part_problem field{};
  };

  template <class A>
  static constexpr std::array<payload_type_problem, fields_of<A>()> field_type_problems() {
    return []<class... F>(type_list<F...>) {
      return std::array<payload_type_problem, sizeof...(F)>{payload_problem_of<typename F::type>()...};
    }(typename A::fields{});
  }

  template <class G>
  static constexpr bool group_well_formed() {
    if constexpr (!is_key_range<typename G::range>) {
      return false;
    } else {
      using R = typename G::range;
      return G::name.size() != 0 && key_value_fits<Key, R::first>() && key_value_fits<Key, R::last>() &&
             key_value<Key, R::first>() <= key_value<Key, R::last>() && []<class... A>(type_list<A...>) {
               return (is_alternative<A> && ...);
             }(typename G::alternatives{});
    }
  }

  // Key comparisons in the key's integer type (enum keys compare as such).
  static constexpr bool in_range(std::uint64_t key, const key_range_info& r) noexcept {
    if (description.key_is_signed) {
      return static_cast<std::int64_t>(key) >= static_cast<std::int64_t>(r.first) &&
             static_cast<std::int64_t>(key) <= static_cast<std::int64_t>(r.last);
    }
    return key >= r.first && key <= r.last;
  }

  static constexpr problem find_problem() {
    const auto& alts = alternative_infos;
    constexpr std::array<bool, alternative_count> keys_fit = []<class... L>(type_list<L...>) {
      return std::array<bool, alternative_count>{key_fits<typename L::type>()...};
    }(listed{});
    constexpr std::array<std::size_t, alternative_count> group_of = []<class... L>(type_list<L...>) {
      return std::array<std::size_t, alternative_count>{L::group...};
    }(listed{});
    constexpr std::array<bool, group_count> groups_ok = []<class... G>(type_list<G...>) {
      return std::array<bool, group_count>{group_well_formed<G>()...};
    }(groups{});
    for (std::size_t g = 0; g < group_count; ++g) {
      if (!groups_ok[g]) return {problem_kind::group_malformed, g, g};
      for (std::size_t h = g + 1; h < group_count; ++h) {
        if (group_infos[g].group == group_infos[h].group) return {problem_kind::duplicate_group_name, h, h};
      }
    }
    for (std::size_t a = 0; a < alternative_count; ++a) {
      if (!keys_fit[a]) return {problem_kind::key_type, a, a};
      const std::string_view name = alts[a].name;
      if (name.empty() || detail::find_char(name, '.') != std::string_view::npos || name == KeyName.view()) {
        return {problem_kind::alternative_name, a, a};
      }
    }
    for (std::size_t a = 0; a < alternative_count; ++a) {
      for (std::size_t b = a + 1; b < alternative_count; ++b) {
        if (alts[a].name == alts[b].name) return {problem_kind::duplicate_alternative_name, b, a};
        if (alts[a].key == alts[b].key) return {problem_kind::duplicate_key, a, b};
      }
    }
    for (std::size_t g = 0; g < group_count; ++g) {
      for (std::size_t h = g + 1; h < group_count; ++h) {
        if (in_range(group_infos[h].first, group_infos[g]) ||
            in_range(group_infos[g].first, group_infos[h])) {
          return {problem_kind::group_ranges_overlap, g, h};
        }
      }
    }
    for (std::size_t a = 0; a < alternative_count; ++a) {
      for (std::size_t g = 0; g < group_count; ++g) {
        const bool inside = in_range(alts[a].key, group_infos[g]);
        if (g == group_of[a] && !inside) return {problem_kind::key_outside_its_group, a, g};
        if (g != group_of[a] && inside) return {problem_kind::key_in_other_group, a, g};
      }
    }
    problem found{};
    std::size_t a = 0;
    [&]<class... L>(type_list<L...>) {
      const bool in_order[] = {
          true, (found.kind == problem_kind::none ? (found = field_problem<typename L::type>(a), ++a, true)
                                                  : true)...};
      (void)in_order;
    }(listed{});
    if (found.kind != problem_kind::none) return found;
    if (total_sizes::size == 1 && (size < computed_size || size % alignment != 0)) {
      return {problem_kind::total_size, 0, 0};
    }
    return {};
  }

  template <class A>
  static constexpr problem field_problem(std::size_t a) {
    constexpr std::size_t n = fields_of<A>();
    std::array<member_info, n> parts{};
    std::array<std::size_t, n> sizes{};
    for (std::size_t i = 0; i < n; ++i) {
      parts[i] = placed.fields[placed.first[a] + i];
      sizes[i] = placed.sizes[placed.first[a] + i];
    }
    const part_problem p = find_part_problem<n>(parts, sizes, field_type_problems<A>(), key_size, size);
    if (p.kind != part_problem_kind::none) return {problem_kind::field, a, a, p};
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = placed.first[a] + i;
      if (placed.pinned[k] && placed.fields[k].offset % placed.alignments[k] != 0) {
        return {problem_kind::misaligned_field, a, a, {part_problem_kind::none, i, i}};
      }
    }
    return {};
  }

  template <std::size_t I>
  using alternative_name_t = payload_name_t<alternative_at<I>::name>;

  template <problem P>
  static constexpr bool report() {
    using diagnose_union = in_keyed_union<payload_name_t<KeyName>>;
    if constexpr (P.kind == problem_kind::none) {
      return true;
    } else if constexpr (P.kind == problem_kind::key_type) {
      return in_alternative_key<alternative_at<P.index>::key>::template has_the_key_type<false>();
    } else if constexpr (P.kind == problem_kind::alternative_name) {
      return in_alternative<alternative_name_t<P.index>>::template name_is_valid<false>();
    } else if constexpr (P.kind == problem_kind::duplicate_alternative_name) {
      return in_alternative<alternative_name_t<P.index>>::template name_is_unique<
          false, alternative_name_t<P.other>>();
    } else if constexpr (P.kind == problem_kind::duplicate_key) {
      return in_alternative_key<alternative_at<P.other>::key>::template is_unique<
          false, alternative_name_t<P.index>, alternative_name_t<P.other>>();
    } else if constexpr (P.kind == problem_kind::field || P.kind == problem_kind::misaligned_field) {
      using A = alternative_at<P.index>;
      using F = typename list_at<P.field.index, typename A::fields>::type;
      using diagnose = in_alternative_field<alternative_name_t<P.index>, payload_name_t<F::name>>;
      if constexpr (P.kind == problem_kind::misaligned_field) {
        return diagnose::template pinned_offset_is_aligned<false>();
      } else if constexpr (P.field.kind == part_problem_kind::empty_name ||
                           P.field.kind == part_problem_kind::name_has_dot) {
        return diagnose::template name_is_valid<false>();
      } else if constexpr (P.field.kind == part_problem_kind::type) {
        return payload_type_rules<in_alternative<alternative_name_t<P.index>>, payload_name_t<F::name>>::
            template report<payload_problem_of<typename F::type>()>();
      } else if constexpr (P.field.kind == part_problem_kind::outside) {
        return diagnose::template lies_after_the_key_and_within_the_union<false>();
      } else if constexpr (P.field.kind == part_problem_kind::duplicate_name) {
        return diagnose::template name_is_unique<
            false, payload_name_t<list_at<P.field.other, typename A::fields>::type::name>>();
      } else {
        return diagnose::template does_not_overlap<
            false, payload_name_t<list_at<P.field.other, typename A::fields>::type::name>>();
      }
    } else if constexpr (P.kind == problem_kind::group_malformed ||
                         P.kind == problem_kind::duplicate_group_name) {
      using diagnose = in_alternative_group<payload_name_t<list_at<P.index, groups>::type::name>>;
      if constexpr (P.kind == problem_kind::group_malformed) {
        return diagnose::template is_well_formed<false>();
      } else {
        return diagnose::template name_is_unique<false>();
      }
    } else if constexpr (P.kind == problem_kind::group_ranges_overlap) {
      return in_alternative_group<payload_name_t<list_at<P.index, groups>::type::name>>::
          template range_does_not_overlap<false, payload_name_t<list_at<P.other, groups>::type::name>>();
    } else if constexpr (P.kind == problem_kind::key_outside_its_group) {
      return in_alternative_key<alternative_at<P.index>::key>::template is_in_its_groups_range<
          false, payload_name_t<list_at<P.other, groups>::type::name>>();
    } else if constexpr (P.kind == problem_kind::key_in_other_group) {
      return in_alternative_key<alternative_at<P.index>::key>::template is_outside_other_groups_ranges<
          false, payload_name_t<list_at<P.other, groups>::type::name>>();
    } else {
      return diagnose_union::template total_size_holds_every_alternative<false>();
    }
  }

  static constexpr bool check() {
    using diagnose = in_keyed_union<payload_name_t<KeyName>>;
    if constexpr (!is_valid_key_type<Key>()) {
      return diagnose::template key_type_is_an_integer<false>();
    } else if constexpr (KeyName.size() == 0 ||
                         detail::find_char(KeyName.view(), '.') != std::string_view::npos) {
      return diagnose::template key_name_is_valid<false>();
    } else if constexpr (!parts_ok) {
      return diagnose::template holds_only_alternatives<false>();
    } else if constexpr (!alternatives_ok) {
      constexpr std::size_t bad = []<class... L>(type_list<L...>) {
        const std::array<bool, sizeof...(L)> ok{holds_only_fields<typename L::type>()...};
        std::size_t i = 0;
        while (i < ok.size() && ok[i]) ++i;
        return i;
      }(listed{});
      return in_alternative<alternative_name_t<bad>>::template holds_only_fields<false>();
    } else {
      return report<find_problem()>();
    }
  }

  static constexpr bool is_valid = check();

  // --- lookups for the accessors ---

  template <auto K>
  static constexpr std::size_t index_of_key = [] {
    if constexpr (key_value_fits<Key, K>()) {
      const std::uint64_t bits = key_bits(key_value<Key, K>());
      for (std::size_t a = 0; a < alternative_count; ++a) {
        if (alternative_infos[a].key == bits) return a;
      }
    }
    return alternative_count;
  }();

  // Field (or "field.member" path) Name of alternative I: where it is,
  // from the start of the keyed union, and its type.
  template <std::size_t I, fixed_string Name>
  struct field_path {
    using split = path_split<Name>;
    static constexpr std::size_t index = [] {
      for (std::size_t i = 0; i < placed.count[I]; ++i) {
        if (placed.fields[placed.first[I] + i].name == split::head.view()) return i;
      }
      return placed.count[I];
    }();
    // (The byte after the fields stands in for a field not found.)
    using field_decl = typename list_at<index, typename concat<typename alternative_at<I>::fields,
                                                               type_list<field<"", std::byte>>>::type>::type;
    using inner = member_path<typename field_decl::type, split::tail>;
    static constexpr bool found = index < placed.count[I] && (!split::nested || inner::found);
    static constexpr std::size_t offset = [] {
      if constexpr (found) {
        return placed.fields[placed.first[I] + index].offset + inner::offset;
      } else {
        return std::size_t{0};
      }
    }();
    using type = std::conditional_t<split::nested, typename inner::type, typename field_decl::type>;
  };
};

}  // namespace detail

// A keyed union: a key word named KeyName of type Key, then the union of
// the alternatives (and alternative groups) Parts; mailbox::total_size<N>
// among them pins its size, to leave room for alternatives added later.
// A trivially copyable type of that size and alignment, whose bytes only
// the token's key, alternative, emplace and visit reach.
template <fixed_string KeyName, class Key, class... Parts>
class alignas(detail::keyed_shape<KeyName, Key, Parts...>::alignment) keyed {
  using shape = detail::keyed_shape<KeyName, Key, Parts...>;

 public:
  using key_type = Key;
  static constexpr std::string_view key_name = KeyName.view();
  static constexpr std::size_t alternative_count = shape::alternative_count;
  // Where the union of the alternatives starts, from the start of the key.
  static constexpr std::size_t alternatives_offset = shape::alternatives_offset;

  // Whether the declaration passed its checks; evaluating it reports the
  // first mistake, naming the key, the alternative or the field.
  static constexpr bool mailbox_is_valid = shape::is_valid;
  static constexpr const keyed_description& mailbox_keyed_description = shape::description;

  // The alternative that key K selects: its index, alternative_count if none.
  template <auto K>
  static constexpr std::size_t index_of_key = shape::template index_of_key<K>;
  template <auto K>
  static constexpr bool has_key = index_of_key<K> < alternative_count;

  template <std::size_t I>
  requires(I < alternative_count) static constexpr Key key_at =
      detail::key_value<Key, shape::template alternative_at<I>::key>();
  template <std::size_t I>
  requires(I < alternative_count) static constexpr std::string_view name_at =
      shape::template alternative_at<I>::name.view();
  // Where alternative I's fields end, from the start of the key.
  template <std::size_t I>
  requires(I < alternative_count) static constexpr std::size_t end_at = shape::placed.end[I];

  template <std::size_t I, fixed_string Name>
  using field_path = typename shape::template field_path<I, Name>;

 private:
  std::byte bytes_[shape::size];
};

namespace detail {

template <fixed_string N, class K, class... P>
inline constexpr bool is_keyed_v<keyed<N, K, P...>> = true;

}  // namespace detail

// The accessors' constraints, by the field's name spelled out
// (mailbox::field_named<'s', 'r', 'c'>), so a failed call names it.
template <class Field, class Keyed, std::size_t I>
concept is_a_field_of_the_alternative = Keyed::template field_path<I, Field::name>::found;

template <class Field, class Keyed, std::size_t I>
concept is_a_scalar_field_of_the_alternative = is_a_field_of_the_alternative<Field, Keyed, I> &&
    !std::is_array_v<typename Keyed::template field_path<I, Field::name>::type>;

template <class Field, class Keyed, std::size_t I>
concept is_an_array_field_of_the_alternative = is_a_field_of_the_alternative<Field, Keyed, I> &&
    std::is_bounded_array_v<typename Keyed::template field_path<I, Field::name>::type>;

template <class Field, class Keyed, std::size_t I>
concept is_a_text_field_of_the_alternative = is_a_field_of_the_alternative<Field, Keyed, I> &&
    detail::is_char_array_v<typename Keyed::template field_path<I, Field::name>::type>;

// One alternative of a keyed union, reached through a token after its key
// was checked (token::alternative) or set (token::emplace): the accessors
// of a token (get, set, span, text, set_text) for the alternative's fields
// and paths into their described structs, each checked against the token
// on every access, as field_span is. Writable only from a token that is not
// const. Lives no longer than its token.
template <class Keyed, std::size_t I, class Token, bool Writable>
class alternative_ref {
  // A span needs the elements aligned wherever the union is (it is aligned
  // to its own alignment), as Layout::is_aligned says for fields.
  template <fixed_string Name>
  static constexpr bool aligned =
      Keyed::template field_path<I, Name>::offset %
              alignof(std::remove_all_extents_t<typename Keyed::template field_path<I, Name>::type>) ==
          0 &&
      alignof(Keyed) %
              alignof(std::remove_all_extents_t<typename Keyed::template field_path<I, Name>::type>) ==
          0;

 public:
  using keyed_type = Keyed;
  using key_type = typename Keyed::key_type;
  static constexpr key_type key = Keyed::template key_at<I>;
  static constexpr std::string_view name = Keyed::template name_at<I>;

  // True when the alternative has a field (or a "field.member" path) Name.
  template <fixed_string Name>
  static constexpr bool has = Keyed::template field_path<I, Name>::found;

  template <fixed_string Name>
  requires is_a_scalar_field_of_the_alternative<detail::field_named_t<Name>, Keyed, I>
  [[nodiscard, gnu::always_inline]] auto get() const noexcept {
    return detail::load_value<typename Keyed::template field_path<I, Name>::type>(address<Name>());
  }

  template <fixed_string Name, class Value>
  requires(Writable&& is_a_field_of_the_alternative<detail::field_named_t<Name>, Keyed, I>&&
               detail::stores_without_narrowing<Value, typename Keyed::template field_path<I, Name>::type>)
      [[gnu::always_inline]] void set(const Value& value) const noexcept {
    detail::store_value<typename Keyed::template field_path<I, Name>::type>(address<Name>(), value);
  }

  template <fixed_string Name>
  requires(is_an_array_field_of_the_alternative<detail::field_named_t<Name>, Keyed, I>&& aligned<Name>)
      [[nodiscard, gnu::always_inline]] auto span() const noexcept {
    using array = typename Keyed::template field_path<I, Name>::type;
    using element =
        std::conditional_t<Writable, std::remove_extent_t<array>, const std::remove_extent_t<array>>;
    return detail::token_access::span<element, std::extent_v<array>>(owner_, address<Name>());
  }

  template <fixed_string Name>
  requires is_a_text_field_of_the_alternative<detail::field_named_t<Name>, Keyed, I>
  [[nodiscard]] auto text() const noexcept {
    constexpr std::size_t capacity = std::extent_v<typename Keyed::template field_path<I, Name>::type>;
    const char* chars = reinterpret_cast<const char*>(address<Name>());
    return fixed_text<capacity>::copy_of(std::span<const char, capacity>(chars, capacity));
  }

  template <fixed_string Name>
  requires(Writable&& is_a_text_field_of_the_alternative<detail::field_named_t<Name>, Keyed, I>) std::size_t
      set_text(std::string_view text)
  const noexcept {
    constexpr std::size_t capacity = std::extent_v<typename Keyed::template field_path<I, Name>::type>;
    return detail::store_text(reinterpret_cast<char*>(address<Name>()), capacity, text);
  }

 private:
  friend struct detail::keyed_access<Keyed>;

  [[gnu::always_inline]] alternative_ref(const Token* owner, std::byte* at) noexcept
      : owner_(owner), at_(at) {}

  template <fixed_string Name>
  [[nodiscard, gnu::always_inline]] std::byte* address() const noexcept {
    detail::token_access::check_live(*owner_);
    return at_ + Keyed::template field_path<I, Name>::offset;
  }

  const Token* owner_;
  std::byte* at_;  // the start of the keyed union (its key)
};

namespace detail {

// The token's keyed-union accessors (token.hpp) call these with the field's
// address.
template <class Keyed>
struct keyed_access {
  using key_type = typename Keyed::key_type;

  // The key the union at `at` holds (any value a peer stored).
  [[nodiscard, gnu::always_inline]] static key_type load_key(const std::byte* at) noexcept {
    return load_value<key_type>(at);
  }

  template <std::size_t I, class Token, bool Writable>
  [[nodiscard, gnu::always_inline]] static std::optional<alternative_ref<Keyed, I, Token, Writable>> find(
      const Token* owner, std::byte* at) noexcept {
    if (load_key(at) != Keyed::template key_at<I>) return std::nullopt;
    return alternative_ref<Keyed, I, Token, Writable>(owner, at);
  }

  // Zeroes the alternative's bytes (so a field the writer leaves alone reads
  // as 0, not as what another alternative left there), then stores its key.
  template <std::size_t I, class Token>
  [[nodiscard, gnu::always_inline]] static alternative_ref<Keyed, I, Token, true> emplace(
      const Token* owner, std::byte* at) noexcept {
    constexpr std::size_t begin = Keyed::alternatives_offset;
    constexpr std::size_t end = Keyed::template end_at<I>;
    if constexpr (end > begin) std::memset(at + begin, 0, end - begin);
    store_value<key_type>(at, Keyed::template key_at<I>);
    return alternative_ref<Keyed, I, Token, true>(owner, at);
  }

  // Calls f with the alternative the key selects; false (f not called) when
  // it selects none.
  template <class Token, bool Writable, class F>
  static bool visit(const Token* owner, std::byte* at, F& f) {
    const key_type key = load_key(at);
    return [&]<std::size_t... A>(std::index_sequence<A...>) {
      bool found = false;
      const bool in_order[] = {true,
                               (!found && key == Keyed::template key_at<A>
                                    ? (f(alternative_ref<Keyed, A, Token, Writable>(owner, at)), found = true)
                                    : false)...};
      (void)in_order;
      return found;
    }
    (std::make_index_sequence<Keyed::alternative_count>{});
  }
};

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
