// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Describes a trivially copyable struct's members once, so that a layout's
// token reads and writes them by name ("config.timeout_ms"), and to_json,
// c_definitions, the fingerprint and the language bindings see every
// member with its offset:
//
//   struct CallConfig { std::uint32_t call_id; std::uint8_t lease_kind; char function[128]; };
//   MAILBOX_DESCRIBE(CallConfig, call_id, lease_kind, function)
//
//   using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"config", CallConfig>>;
//   t.set<"config.call_id">(7);                  // one 4-byte store at the member's offset
//   std::uint32_t id = t.get<"config.call_id">();
//
// The offsets come from the compiler (offsetof), so they cannot drift from
// the struct. The checks are the payload rules, member by member: no bool,
// no pointer, no enum without a fixed underlying type, names unique and
// without '.', members inside the struct and not overlapping.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <string_view>
#include <type_traits>

#include "abi.hpp"
#include "description.hpp"
#include "detail/payload_diagnostics.hpp"
#include "detail/payload_rules.hpp"
#include "detail/type_list.hpp"
#include "field.hpp"
#include "fixed_string.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// One member of a described struct: its name, its type and its offset in the
// struct. MAILBOX_MEMBER(S, m) writes it from the declaration of S::m.
template <fixed_string Name, class T, std::size_t Offset>
struct member {
  static constexpr fixed_string name = Name;
  using type = T;
  static constexpr std::size_t offset = Offset;
};

namespace detail {

template <class M>
inline constexpr bool is_member_entry = false;
template <fixed_string N, class T, std::size_t O>
inline constexpr bool is_member_entry<member<N, T, O>> = true;

// The description of T, or nothing for a type that cannot have one (the
// checks report such a type; this keeps them from cascading).
template <class T>
constexpr const type_description* description_pointer() noexcept {
  if constexpr (is_sized_object_v<T>) {
    return &description_of<T>;
  } else {
    return nullptr;
  }
}

template <class T>
constexpr std::size_t size_of_member() noexcept {
  return size_of_or_zero<T>();
}

// A mistake found among the members (or fields of an alternative): the kind,
// and the offender(s) in declaration order.
enum class part_problem_kind { none, empty_name, name_has_dot, type, outside, duplicate_name, overlap };
struct part_problem {
  part_problem_kind kind = part_problem_kind::none;
  std::size_t index = 0;
  std::size_t other = 0;
};

// Names unique, extents inside [0, limit) and not overlapping: the checks a
// struct's members and an alternative's fields share. `types` holds each
// part's payload type problem (payload_rules.hpp), `begin` where a part may
// start at the earliest (an alternative's fields: after the key).
template <std::size_t N>
constexpr part_problem find_part_problem(const std::array<member_info, N>& parts,
                                         const std::array<std::size_t, N>& sizes,
                                         const std::array<payload_type_problem, N>& types, std::size_t begin,
                                         std::size_t limit) {
  for (std::size_t i = 0; i < N; ++i) {
    if (parts[i].name.empty()) return {part_problem_kind::empty_name, i, i};
    if (detail::find_char(parts[i].name, '.') != std::string_view::npos)
      return {part_problem_kind::name_has_dot, i, i};
    if (types[i] != payload_type_problem::none) return {part_problem_kind::type, i, i};
    if (parts[i].offset < begin || parts[i].offset > limit || sizes[i] > limit - parts[i].offset) {
      return {part_problem_kind::outside, i, i};
    }
  }
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = i + 1; j < N; ++j) {
      if (parts[i].name == parts[j].name) return {part_problem_kind::duplicate_name, i, j};
    }
  }
  // Sorted by offset, a part can only collide with those that start before
  // it ends; of all colliding pairs, the one declared first is reported.
  std::array<std::size_t, N> by_offset{};
  for (std::size_t i = 0; i < N; ++i) by_offset[i] = i;
  std::sort(by_offset.begin(), by_offset.end(), [&](std::size_t a, std::size_t b) {
    return parts[a].offset < parts[b].offset || (parts[a].offset == parts[b].offset && a < b);
  });
  part_problem first{};
  for (std::size_t k = 0; k < N; ++k) {
    const std::size_t a = by_offset[k];
    for (std::size_t m = k + 1; m < N && parts[by_offset[m]].offset < parts[a].offset + sizes[a]; ++m) {
      if (sizes[by_offset[m]] == 0) continue;
      const std::size_t i = std::min(a, by_offset[m]);
      const std::size_t j = std::max(a, by_offset[m]);
      if (first.kind == part_problem_kind::none || i < first.index || (i == first.index && j < first.other)) {
        first = {part_problem_kind::overlap, i, j};
      }
    }
  }
  return first;
}

// The position of `name` among `parts`, or parts.size() if none has it.
template <std::size_t N>
constexpr std::size_t index_of_part(const std::array<member_info, N>& parts, std::string_view name) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (parts[i].name == name) return i;
  }
  return N;
}

}  // namespace detail

// The members of Struct, as MAILBOX_DESCRIBE declares them: a list of
// mailbox::member<"name", T, offset>. Usable without the macro:
//
//   constexpr auto mailbox_describe(mailbox::type_tag<CallConfig>)
//       -> mailbox::members<CallConfig, MAILBOX_MEMBER(CallConfig, call_id), ...> { return {}; }
//
// (a function in CallConfig's namespace, found by argument-dependent lookup;
// only its return type is used).
template <class Struct, class... Members>
struct members {
  using struct_type = Struct;
  using list = detail::type_list<Members...>;
  static constexpr std::size_t count = sizeof...(Members);

  static constexpr std::array<member_info, count> infos = {member_info{
      Members::name.view(), Members::offset, detail::description_pointer<typename Members::type>()}...};

  template <std::size_t I>
  using member_type = typename detail::list_at<I, list>::type::type;

  // The position of the member called `name`, or count if none is.
  [[nodiscard]] static constexpr std::size_t index_of(std::string_view name) noexcept {
    return detail::index_of_part(infos, name);
  }

 private:
  template <class M>
  static constexpr detail::payload_type_problem type_problem() {
    if constexpr (detail::is_member_entry<M>) {
      return detail::payload_problem_of<typename M::type>();
    } else {
      return detail::payload_type_problem::none;
    }
  }

  static constexpr detail::part_problem find_problem() {
    return detail::find_part_problem<count>(infos, {detail::size_of_member<typename Members::type>()...},
                                            {type_problem<Members>()...}, 0, sizeof(Struct));
  }

  template <detail::part_problem P>
  static constexpr bool report() {
    using kind = detail::part_problem_kind;
    if constexpr (P.kind == kind::none) {
      return true;
    } else {
      using M = typename detail::list_at<P.index, list>::type;
      using name = detail::payload_name_t<M::name>;
      using diagnose = detail::in_struct_member<name>;
      using other = detail::payload_name_t<detail::list_at<P.other, list>::type::name>;
      if constexpr (P.kind == kind::empty_name) {
        return diagnose::template name_is_not_empty<false>();
      } else if constexpr (P.kind == kind::name_has_dot) {
        return diagnose::template name_has_no_dot<false>();
      } else if constexpr (P.kind == kind::type) {
        return detail::payload_type_rules<detail::in_described_struct_member, name>::template report<
            detail::payload_problem_of<typename M::type>()>();
      } else if constexpr (P.kind == kind::outside) {
        return diagnose::template ends_within_the_struct<false>();
      } else if constexpr (P.kind == kind::duplicate_name) {
        return diagnose::template name_is_unique<false, other>();
      } else {
        return diagnose::template does_not_overlap<false, other>();
      }
    }
  }

  static constexpr bool check() {
    using diagnose = detail::in_described_struct<Struct>;
    if constexpr (!std::is_class_v<Struct> || !std::is_trivially_copyable_v<Struct>) {
      return diagnose::template is_a_trivially_copyable_class<false>();
    } else if constexpr (!(detail::is_member_entry<Members> && ...)) {
      return diagnose::template holds_only_members<false>();
    } else {
      return report<find_problem()>();
    }
  }

 public:
  // Whether the description passed its checks; evaluating it reports the
  // first mistake, naming the member.
  static constexpr bool is_valid = check();
};

// Whether T has a member description, and that description.
template <class T>
inline constexpr bool is_described_v = detail::has_member_description<T>;

template <class T>
requires is_described_v<T>
using described_members = detail::described_members_of<T>;

namespace detail {

// A path "a.b.c": its first part and the rest.
template <fixed_string Path, std::size_t First, std::size_t Last>
constexpr auto path_part() noexcept {
  char text[Last - First + 1]{};
  for (std::size_t i = First; i < Last; ++i) text[i - First] = Path.value[i];
  return fixed_string<Last - First + 1>(text);
}

template <fixed_string Path>
struct path_split {
  static constexpr std::size_t dot = detail::find_char(Path.view(), '.');
  static constexpr bool nested = dot != std::string_view::npos;
  static constexpr std::size_t head_end = nested ? dot : Path.size();
  static constexpr std::size_t tail_begin = nested ? dot + 1 : Path.size();
  static constexpr auto head = path_part<Path, 0, head_end>();
  static constexpr auto tail = path_part<Path, tail_begin, Path.size()>();
};

struct path_not_found {
  static constexpr bool found = false;
  static constexpr std::size_t offset = 0;
  using type = void;
};

template <class T, fixed_string Path>
struct member_path;

// Member I of a description, and the rest of the path inside it.
template <class Members, std::size_t I, fixed_string Tail, bool Nested>
struct member_step {
  static constexpr bool found = true;
  static constexpr std::size_t offset = Members::infos[I].offset;
  using type = typename Members::template member_type<I>;
};
template <class Members, std::size_t I, fixed_string Tail>
struct member_step<Members, I, Tail, true> {
  using inner = member_path<typename Members::template member_type<I>, Tail>;
  static constexpr bool found = inner::found;
  static constexpr std::size_t offset = Members::infos[I].offset + inner::offset;
  using type = typename inner::type;
};

// Where the member at Path ("timeout_ms", "limits.cpu") of the described
// struct T is, relative to the start of T, and its type; found is false if
// T has no such member (or no description).
template <class T, fixed_string Path>
struct member_path : path_not_found {};

template <class T, fixed_string Path>
requires has_member_description<T>
struct member_path<T, Path>
    : std::conditional_t<(described_members_of<T>::index_of(path_split<Path>::head.view()) <
                          described_members_of<T>::count),
                         member_step<described_members_of<T>,
                                     described_members_of<T>::index_of(path_split<Path>::head.view()),
                                     path_split<Path>::tail, path_split<Path>::nested>,
                         path_not_found> {
};

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox

// MAILBOX_MEMBER(S, m): the description of member m of struct S.
#define MAILBOX_MEMBER(S, m) ::mailbox::member<#m, decltype(S::m), offsetof(S, m)>

// MAILBOX_DESCRIBE(S, m1, m2, ...): describes the members of S (up to 64;
// more with the mailbox::members form above). Write it at namespace scope in
// the namespace of S, after S's definition. Members left out are opaque
// bytes to other languages; the struct stays one trivially copyable value.
#define MAILBOX_DESCRIBE(S, ...)                                           \
  [[maybe_unused]] constexpr auto mailbox_describe(::mailbox::type_tag<S>) \
      ->::mailbox::members<S, MAILBOX_DETAIL_MEMBERS(S, __VA_ARGS__)> {    \
    return {};                                                             \
  }                                                                        \
  static_assert(true, "")

// A list of MAILBOX_MEMBER(S, m) for each m: picks the macro for the number
// of members.
#define MAILBOX_DETAIL_MEMBERS(S, ...)                                                              \
  MAILBOX_DETAIL_MEMBERS_PICK(                                                                      \
      __VA_ARGS__, MAILBOX_DETAIL_MEMBERS_64, MAILBOX_DETAIL_MEMBERS_63, MAILBOX_DETAIL_MEMBERS_62, \
      MAILBOX_DETAIL_MEMBERS_61, MAILBOX_DETAIL_MEMBERS_60, MAILBOX_DETAIL_MEMBERS_59,              \
      MAILBOX_DETAIL_MEMBERS_58, MAILBOX_DETAIL_MEMBERS_57, MAILBOX_DETAIL_MEMBERS_56,              \
      MAILBOX_DETAIL_MEMBERS_55, MAILBOX_DETAIL_MEMBERS_54, MAILBOX_DETAIL_MEMBERS_53,              \
      MAILBOX_DETAIL_MEMBERS_52, MAILBOX_DETAIL_MEMBERS_51, MAILBOX_DETAIL_MEMBERS_50,              \
      MAILBOX_DETAIL_MEMBERS_49, MAILBOX_DETAIL_MEMBERS_48, MAILBOX_DETAIL_MEMBERS_47,              \
      MAILBOX_DETAIL_MEMBERS_46, MAILBOX_DETAIL_MEMBERS_45, MAILBOX_DETAIL_MEMBERS_44,              \
      MAILBOX_DETAIL_MEMBERS_43, MAILBOX_DETAIL_MEMBERS_42, MAILBOX_DETAIL_MEMBERS_41,              \
      MAILBOX_DETAIL_MEMBERS_40, MAILBOX_DETAIL_MEMBERS_39, MAILBOX_DETAIL_MEMBERS_38,              \
      MAILBOX_DETAIL_MEMBERS_37, MAILBOX_DETAIL_MEMBERS_36, MAILBOX_DETAIL_MEMBERS_35,              \
      MAILBOX_DETAIL_MEMBERS_34, MAILBOX_DETAIL_MEMBERS_33, MAILBOX_DETAIL_MEMBERS_32,              \
      MAILBOX_DETAIL_MEMBERS_31, MAILBOX_DETAIL_MEMBERS_30, MAILBOX_DETAIL_MEMBERS_29,              \
      MAILBOX_DETAIL_MEMBERS_28, MAILBOX_DETAIL_MEMBERS_27, MAILBOX_DETAIL_MEMBERS_26,              \
      MAILBOX_DETAIL_MEMBERS_25, MAILBOX_DETAIL_MEMBERS_24, MAILBOX_DETAIL_MEMBERS_23,              \
      MAILBOX_DETAIL_MEMBERS_22, MAILBOX_DETAIL_MEMBERS_21, MAILBOX_DETAIL_MEMBERS_20,              \
      MAILBOX_DETAIL_MEMBERS_19, MAILBOX_DETAIL_MEMBERS_18, MAILBOX_DETAIL_MEMBERS_17,              \
      MAILBOX_DETAIL_MEMBERS_16, MAILBOX_DETAIL_MEMBERS_15, MAILBOX_DETAIL_MEMBERS_14,              \
      MAILBOX_DETAIL_MEMBERS_13, MAILBOX_DETAIL_MEMBERS_12, MAILBOX_DETAIL_MEMBERS_11,              \
      MAILBOX_DETAIL_MEMBERS_10, MAILBOX_DETAIL_MEMBERS_9, MAILBOX_DETAIL_MEMBERS_8,                \
      MAILBOX_DETAIL_MEMBERS_7, MAILBOX_DETAIL_MEMBERS_6, MAILBOX_DETAIL_MEMBERS_5,                 \
      MAILBOX_DETAIL_MEMBERS_4, MAILBOX_DETAIL_MEMBERS_3, MAILBOX_DETAIL_MEMBERS_2,                 \
      MAILBOX_DETAIL_MEMBERS_1)                                                                     \
  (S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_1(S, m) MAILBOX_MEMBER(S, m)
#define MAILBOX_DETAIL_MEMBERS_2(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_1(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_3(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_2(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_4(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_3(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_5(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_4(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_6(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_5(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_7(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_6(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_8(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_7(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_9(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_8(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_10(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_9(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_11(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_10(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_12(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_11(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_13(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_12(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_14(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_13(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_15(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_14(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_16(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_15(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_17(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_16(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_18(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_17(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_19(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_18(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_20(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_19(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_21(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_20(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_22(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_21(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_23(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_22(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_24(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_23(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_25(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_24(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_26(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_25(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_27(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_26(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_28(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_27(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_29(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_28(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_30(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_29(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_31(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_30(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_32(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_31(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_33(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_32(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_34(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_33(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_35(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_34(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_36(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_35(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_37(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_36(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_38(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_37(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_39(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_38(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_40(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_39(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_41(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_40(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_42(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_41(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_43(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_42(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_44(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_43(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_45(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_44(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_46(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_45(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_47(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_46(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_48(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_47(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_49(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_48(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_50(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_49(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_51(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_50(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_52(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_51(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_53(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_52(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_54(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_53(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_55(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_54(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_56(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_55(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_57(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_56(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_58(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_57(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_59(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_58(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_60(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_59(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_61(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_60(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_62(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_61(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_63(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_62(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_64(S, m, ...) MAILBOX_MEMBER(S, m), MAILBOX_DETAIL_MEMBERS_63(S, __VA_ARGS__)
#define MAILBOX_DETAIL_MEMBERS_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, \
                                    _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30,  \
                                    _31, _32, _33, _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44,  \
                                    _45, _46, _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57, _58,  \
                                    _59, _60, _61, _62, _63, _64, NAME, ...)                               \
  NAME
