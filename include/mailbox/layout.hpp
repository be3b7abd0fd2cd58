// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-time description of a mailbox's memory: one state word and the
// payload fields around it, with offsets computed by C struct rules or pinned
// and verified.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "arch/atomic_ref.hpp"
#include "description.hpp"
#include "detail/diagnostics.hpp"
#include "detail/layout_diagnostics.hpp"
#include "detail/payload_rules.hpp"
#include "detail/type_list.hpp"
#include "field.hpp"
#include "fixed_string.hpp"
#include "flag.hpp"
#include "layout_options.hpp"
#include "members.hpp"
#include "overlay.hpp"
#include "record.hpp"
#include "state_line.hpp"

// nvcc warns (#186) about `o < overlay_count` in the loops below for a layout
// without overlays, where the count is 0; the loops are right for every count.
#if defined(__NVCC_DIAG_PRAGMA_SUPPORT__)
#pragma nv_diagnostic push
#pragma nv_diag_suppress 186
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// The description of a mailbox: its fields, their offsets and the total size.
//
//   using Task = mailbox::layout<mailbox::state<"state", Worker>,
//                                mailbox::field<"error", std::int32_t>,
//                                mailbox::field<"args", std::uint64_t[16], 64>>;
//
// Offsets follow C struct rules in declaration order (each field at the next
// multiple of its alignment after the previous one) unless pinned; the size is
// the end of the last byte rounded up to the largest alignment, unless pinned
// by total_size<N>.
template <class... Decls>
class layout {
  static_assert(detail::count_true(
                    {(detail::is_member_decl<Decls>::value || detail::is_overlay_decl<Decls>::value ||
                      detail::is_total_size_decl<Decls>::value ||
                      detail::is_valid_states_decl<Decls>::value || detail::is_blocking_decl<Decls>::value ||
                      detail::is_state_line_decl<Decls>::value)...}) == sizeof...(Decls),
                "mailbox::layout: accepts only mailbox::field<...>, mailbox::state<...>, mailbox::flag<...>, "
                "mailbox::record<...>, mailbox::overlay<...> and mailbox::total_size<...>, and the options "
                "mailbox::valid_states<...>, mailbox::blocking_waiters and mailbox::state_on_own_cache_line");

  static_assert(detail::count_true({detail::overlay_holds_only_fields<Decls>...}) == sizeof...(Decls),
                "mailbox::overlay: holds only mailbox::field<...> (no state word, flag, nested overlay "
                "or option)");

  // Every member in declaration order, an overlay's fields in its place.
  using members = typename detail::concat<typename detail::members_of<Decls>::type...>::type;
  using overlays = detail::list_of<detail::is_overlay_decl, Decls...>;
  static constexpr std::size_t total_size_count =
      detail::count_true({detail::is_total_size_decl<Decls>::value...});
  static_assert(total_size_count <= 1, "mailbox::layout: more than one mailbox::total_size<...>");
  using valid_states_decls = detail::list_of<detail::is_valid_states_decl, Decls...>;
  static_assert(valid_states_decls::size <= 1, "mailbox::layout: more than one mailbox::valid_states<...>");
  static constexpr std::size_t blocking_count =
      detail::count_true({detail::is_blocking_decl<Decls>::value...});
  static_assert(blocking_count <= 1, "mailbox::layout: mailbox::blocking_waiters given more than once");
  static constexpr std::size_t state_line_count =
      detail::count_true({detail::is_state_line_decl<Decls>::value...});
  static_assert(state_line_count <= 1,
                "mailbox::layout: mailbox::state_on_own_cache_line given more than once");
  static constexpr std::size_t state_line = state_on_own_cache_line::line_bytes;

 public:
  // Every member: the state word, common fields, overlay fields and flags.
  static constexpr std::size_t field_count = members::size;
  static constexpr std::size_t overlay_count = overlays::size;

  // The overlays' names in declaration order.
  static constexpr std::array<std::string_view, overlay_count> overlay_names =
      []<class... O>(detail::type_list<O...>) {
        return std::array<std::string_view, overlay_count>{O::name.view()...};
      }(overlays{});

 private:
  template <std::size_t I>
  using member = typename detail::list_at<I, members>::type;
  template <std::size_t I>
  using overlay_decl = typename detail::list_at<I, overlays>::type;

  static constexpr std::size_t state_count = []<class... M>(detail::type_list<M...>) {
    return detail::count_true({M::is_state...});
  }(members{});
  static_assert(state_count != 0, "mailbox::layout: needs exactly one mailbox::state<...>; found none");
  static_assert(state_count <= 1, "mailbox::layout: needs exactly one mailbox::state<...>; found several");

  // Places one member at its pinned offset or at the next multiple of its
  // alignment after `next`, and moves `next` past it. The sums saturate at
  // SIZE_MAX instead of wrapping, so an offset near the top of the address
  // space cannot come back as a small one; the checks below report it.
  // With state_on_own_cache_line the state word starts a line and the next
  // member the line after it.
  template <class M>
  static constexpr field_info place(std::size_t& next, std::string_view in_overlay) {
    const bool own_line = M::is_state && state_line_count == 1;
    const std::size_t alignment = detail::decl_alignment<M>();
    const bool pinned = M::pinned_offset != computed_offset;
    const std::size_t offset =
        pinned ? M::pinned_offset : detail::align_up(next, own_line ? state_line : alignment);
    const std::size_t size = detail::size_of_or_zero<typename M::type>();
    next =
        own_line ? detail::align_up(detail::end_of(offset, size), state_line) : detail::end_of(offset, size);
    return field_info{M::name.view(),
                      offset,
                      size,
                      alignment,
                      M::is_state,
                      pinned,
                      in_overlay,
                      M::is_flag,
                      detail::is_record_decl<M>,
                      detail::description_pointer<typename M::type>()};
  }

  // What each top-level declaration is, and an overlay's alignment (the
  // largest of its fields'), for laying out a run of overlays as one union.
  template <class D>
  static constexpr std::size_t overlay_alignment() {
    if constexpr (detail::is_overlay_decl<D>::value) {
      return []<class... F>(detail::type_list<F...>) {
        return std::max({std::size_t{1}, detail::decl_alignment<F>()...});
      }(typename D::fields{});
    } else {
      return 0;  // not an overlay
    }
  }
  static constexpr std::array<bool, sizeof...(Decls)> declares_member{
      detail::is_member_decl<Decls>::value...};
  static constexpr std::array<std::size_t, sizeof...(Decls)> overlay_alignments{
      overlay_alignment<Decls>()...};

  struct cursor {
    std::array<field_info, field_count> out{};
    std::size_t next = 0;    // where the next common member may start
    std::size_t member = 0;  // index into out
    std::size_t decl = 0;    // index into Decls
    bool in_union = false;   // inside a run of consecutive overlays
    std::size_t union_alignment = 1;
    std::size_t union_start = 0;
    std::size_t union_end = 0;

    constexpr void end_union() {
      if (in_union) next = detail::align_up(union_end, union_alignment);
      in_union = false;
    }
  };

  // C's anonymous union of structs: a run of consecutive overlays (options in
  // between do not break it; a field, flag or state word does) is one union.
  // The union starts at the cursor rounded up to the largest alignment of any
  // of its overlays; each overlay is a struct starting there, its computed
  // fields following struct rules; the union ends at the largest overlay's
  // end rounded up to that overlay's alignment, then to the union's; the
  // next common member continues from there. Pinned offsets are absolute.
  template <class D>
  static constexpr void lay_out(cursor& c) {
    if constexpr (detail::is_overlay_decl<D>::value && detail::overlay_holds_only_fields<D>) {
      if (!c.in_union) {
        c.union_alignment = 1;
        for (std::size_t d = c.decl; d < sizeof...(Decls) && !declares_member[d]; ++d) {
          c.union_alignment = std::max(c.union_alignment, std::max(overlay_alignments[d], std::size_t{1}));
        }
        c.union_start = detail::align_up(c.next, c.union_alignment);
        c.union_end = c.union_start;
        c.in_union = true;
      }
      std::size_t next = c.union_start;
      std::size_t end = c.union_start;
      [&]<class... F>(detail::type_list<F...>) {
        const bool in_order[] = {
            true, (c.out[c.member++] = place<F>(next, D::name.view()), end = std::max(end, next), true)...};
        (void)in_order;
      }(typename D::fields{});
      c.union_end = std::max(c.union_end, detail::align_up(end, overlay_alignments[c.decl]));
    } else if constexpr (detail::is_member_decl<D>::value) {
      c.end_union();
      c.out[c.member++] = place<D>(c.next, {});
    }
    ++c.decl;
  }

  static constexpr std::array<field_info, field_count> compute_fields() {
    cursor c{};
    // A braced list runs its elements in order, one declaration after the other.
    const bool in_order[] = {true, (lay_out<Decls>(c), true)...};
    (void)in_order;
    return c.out;
  }

 public:
  // Every field in declaration order, the state word included.
  static constexpr std::array<field_info, field_count> fields = compute_fields();

  static constexpr std::size_t alignment = [] {
    std::size_t largest = state_line_count == 1 ? state_line : 1;
    for (const field_info& f : fields) largest = std::max(largest, f.alignment);
    return largest;
  }();

  static constexpr bool has_pinned_size = total_size_count == 1;

  static constexpr std::size_t size = [] {
    if constexpr (has_pinned_size) {
      return detail::list_at<0, detail::list_of<detail::is_total_size_decl, Decls...>>::type::value;
    } else {
      std::size_t end = 0;
      for (const field_info& f : fields) end = std::max(end, detail::end_of(f.offset, f.size));
      return detail::align_up(end, alignment);
    }
  }();

 private:
  // What is wrong with the layout, if anything: the first offender in
  // declaration order, found by one constexpr pass (sort by offset, sweep),
  // and then reported by instantiating detail::in_field_named for that one
  // member only, so the compiler's note names it without the cost of a
  // template per member or per pair of members.
  enum class problem_kind {
    none,
    empty_name,
    name_has_dot,
    not_a_sized_object,
    state_not_a_lock_free_word,
    flag_not_a_lock_free_integer,
    payload_not_trivially_copyable,
    payload_is_bool,
    payload_is_unfixed_enum,
    payload_is_pointer,
    description_invalid,  // a described struct, keyed union or record body that reported its own mistake
    overlay_name_empty,
    overlay_name_taken,
    misaligned_pin,
    offset_overflows,
    past_total_size,
    duplicate_name,
    overlap,
  };
  struct problem {
    problem_kind kind = problem_kind::none;
    std::size_t index = 0;
    std::size_t other = 0;
  };

  template <class M>
  static constexpr problem_kind type_problem() {
    using T = typename M::type;
    if constexpr (M::name.size() == 0) {
      return problem_kind::empty_name;
    } else if constexpr (detail::find_char(M::name.view(), '.') != std::string_view::npos) {
      return problem_kind::name_has_dot;
    } else if constexpr (!detail::is_sized_object_v<T>) {
      return problem_kind::not_a_sized_object;
    } else if constexpr (M::is_state) {
      return detail::is_valid_state_type<T>() ? problem_kind::none : problem_kind::state_not_a_lock_free_word;
    } else if constexpr (M::is_flag) {
      return detail::is_valid_flag_type<T>() ? problem_kind::none
                                             : problem_kind::flag_not_a_lock_free_integer;
    } else {
      // The payload rules (arrays: each element); a record's body follows them too.
      switch (detail::payload_problem_of<typename detail::payload_type_of<M>::type>()) {
        case detail::payload_type_problem::none:
          return problem_kind::none;
        case detail::payload_type_problem::not_a_sized_object:
          return problem_kind::not_a_sized_object;
        case detail::payload_type_problem::not_trivially_copyable:
          return problem_kind::payload_not_trivially_copyable;
        case detail::payload_type_problem::is_bool:
          return problem_kind::payload_is_bool;
        case detail::payload_type_problem::is_unfixed_enum:
          return problem_kind::payload_is_unfixed_enum;
        case detail::payload_type_problem::is_pointer:
          return problem_kind::payload_is_pointer;
        case detail::payload_type_problem::invalid_description:
          return problem_kind::description_invalid;
      }
      return problem_kind::none;
    }
  }

  static constexpr problem find_problem() {
    constexpr std::array<problem_kind, field_count> by_type = []<class... M>(detail::type_list<M...>) {
      return std::array<problem_kind, field_count>{type_problem<M>()...};
    }(members{});
    for (std::size_t i = 0; i < field_count; ++i) {
      const field_info& f = fields[i];
      problem_kind kind = by_type[i];
      if (kind == problem_kind::none && f.offset % f.alignment != 0) kind = problem_kind::misaligned_pin;
      if (kind == problem_kind::none && f.offset > std::numeric_limits<std::size_t>::max() - f.size) {
        kind = problem_kind::offset_overflows;
      }
      if (kind == problem_kind::none && has_pinned_size && f.offset + f.size > size) {
        kind = problem_kind::past_total_size;
      }
      if (kind != problem_kind::none) return {kind, i, i};
    }
    // Names: a few thousand string comparisons at most, in one function.
    for (std::size_t o = 0; o < overlay_count; ++o) {
      if (overlay_names[o].empty()) return {problem_kind::overlay_name_empty, o, o};
      for (std::size_t p = o + 1; p < overlay_count; ++p) {
        if (overlay_names[o] == overlay_names[p]) return {problem_kind::overlay_name_taken, o, o};
      }
      for (const field_info& f : fields) {
        if (f.name == overlay_names[o]) return {problem_kind::overlay_name_taken, o, o};
      }
    }
    for (std::size_t i = 0; i < field_count; ++i) {
      for (std::size_t j = i + 1; j < field_count; ++j) {
        if (fields[i].name == fields[j].name) return {problem_kind::duplicate_name, i, j};
      }
    }
    // Overlaps: sorted by offset, a member can only collide with the ones
    // that start before it ends. Only fields of two different overlays may
    // share bytes. Of all colliding pairs, the one whose earlier-declared
    // member comes first is reported.
    std::array<std::size_t, field_count> by_offset{};
    for (std::size_t i = 0; i < field_count; ++i) by_offset[i] = i;
    std::sort(by_offset.begin(), by_offset.end(), [](std::size_t a, std::size_t b) {
      return fields[a].offset < fields[b].offset || (fields[a].offset == fields[b].offset && a < b);
    });
    problem first{};
    for (std::size_t k = 0; k < field_count; ++k) {
      const field_info& a = fields[by_offset[k]];
      for (std::size_t m = k + 1; m < field_count && fields[by_offset[m]].offset < a.offset + a.size; ++m) {
        const field_info& b = fields[by_offset[m]];
        if (!a.overlay.empty() && !b.overlay.empty() && a.overlay != b.overlay) continue;
        const std::size_t i = std::min(by_offset[k], by_offset[m]);
        const std::size_t j = std::max(by_offset[k], by_offset[m]);
        if (first.kind == problem_kind::none || i < first.index || (i == first.index && j < first.other)) {
          first = {problem_kind::overlap, i, j};
        }
      }
    }
    return first;
  }

  template <problem P>
  static constexpr bool report() {
    if constexpr (P.kind == problem_kind::none) {
      return true;
    } else if constexpr (P.kind == problem_kind::overlay_name_empty ||
                         P.kind == problem_kind::overlay_name_taken) {
      using diagnose = detail::in_field_named<overlay_decl<P.index>::name>;
      if constexpr (P.kind == problem_kind::overlay_name_empty) {
        return diagnose::template overlay_name_is_not_empty<false>();
      } else {
        return diagnose::template overlay_name_is_unique<false, diagnose>();
      }
    } else {
      using diagnose = detail::in_field_named<member<P.index>::name>;
      using other = detail::in_field_named<member<P.other>::name>;
      if constexpr (P.kind == problem_kind::empty_name) {
        return diagnose::template name_is_not_empty<false>();
      } else if constexpr (P.kind == problem_kind::name_has_dot) {
        return diagnose::template name_has_no_dot<false>();
      } else if constexpr (P.kind == problem_kind::description_invalid) {
        return false;  // the description reported it, naming the member
      } else if constexpr (P.kind == problem_kind::not_a_sized_object) {
        return diagnose::template type_is_a_sized_object<false>();
      } else if constexpr (P.kind == problem_kind::state_not_a_lock_free_word) {
        return diagnose::template state_type_is_lock_free_word<false>();
      } else if constexpr (P.kind == problem_kind::flag_not_a_lock_free_integer) {
        return diagnose::template flag_type_is_lock_free_integer<false>();
      } else if constexpr (P.kind == problem_kind::payload_not_trivially_copyable) {
        return diagnose::template payload_is_trivially_copyable<false>();
      } else if constexpr (P.kind == problem_kind::payload_is_bool) {
        return diagnose::template payload_is_not_bool<false>();
      } else if constexpr (P.kind == problem_kind::payload_is_unfixed_enum) {
        return diagnose::template payload_enum_has_fixed_underlying_type<false>();
      } else if constexpr (P.kind == problem_kind::payload_is_pointer) {
        return diagnose::template payload_is_not_a_pointer<false>();
      } else if constexpr (P.kind == problem_kind::misaligned_pin) {
        return diagnose::template pinned_offset_is_aligned<false>();
      } else if constexpr (P.kind == problem_kind::offset_overflows) {
        return diagnose::template offset_plus_size_does_not_overflow<false>();
      } else if constexpr (P.kind == problem_kind::past_total_size) {
        return diagnose::template ends_within_total_size<false>();
      } else if constexpr (P.kind == problem_kind::duplicate_name) {
        return diagnose::template name_is_unique<false, other>();
      } else {
        return diagnose::template does_not_overlap<false, other>();
      }
    }
  }

  // With state_on_own_cache_line: the first member (declaration order) with
  // a byte in the state word's line; field_count if none.
  static constexpr std::size_t state_line_intruder = [] {
    std::size_t state_at = 0;
    for (const field_info& f : fields) state_at = f.is_state ? f.offset : state_at;
    const std::size_t line_start = state_at / state_line * state_line;
    const std::size_t line_end = detail::end_of(line_start, state_line);
    for (std::size_t i = 0; i < field_count && state_line_count == 1; ++i) {
      const field_info& f = fields[i];
      if (!f.is_state && f.size != 0 && f.offset < line_end &&
          detail::end_of(f.offset, f.size) > line_start) {
        return i;
      }
    }
    return field_count;
  }();
  template <std::size_t Intruder>
  static constexpr bool report_state_line() {
    if constexpr (Intruder == field_count) {
      return true;
    } else {
      using diagnose = detail::state_line_diagnostic<detail::in_field_named<member<Intruder>::name>>;
      return diagnose::template member_is_outside_the_state_words_cache_line<false>();
    }
  }

  static constexpr bool checked = [] {
    if constexpr (state_count != 1) {
      return false;  // already reported; more checks would only add noise
    } else if constexpr (!report<find_problem()>()) {
      return false;
    } else {
      constexpr bool members_ok = report_state_line<state_line_intruder>();
      // An array of mailboxes (or a mailbox after another one) is aligned
      // only if the size is a multiple of the alignment.
      static_assert(!members_ok || size % alignment == 0,
                    "mailbox::layout: mailbox::total_size<N> is not a multiple of the layout's alignment "
                    "(the largest alignment of its fields), so the next mailbox in an array would be "
                    "misaligned");
      return members_ok && size % alignment == 0;
    }
  }();

  // field_count when there is no state word; that is reported above, and the
  // fallback below keeps it from cascading into unrelated errors.
  static constexpr std::size_t state_index = [] {
    for (std::size_t i = 0; i < field_count; ++i) {
      if (fields[i].is_state) return i;
    }
    return field_count;
  }();
  using state_decl = typename detail::list_at<
      state_index,
      typename detail::concat<members, detail::type_list<state<"", std::uint32_t, 0>>>::type>::type;

 public:
  // The position of the field in declaration order; field_count if none has
  // that name.
  template <fixed_string Name>
  static constexpr std::size_t index_of = [] {
    for (std::size_t i = 0; i < field_count; ++i) {
      if (fields[i].name == Name.view()) return i;
    }
    return field_count;
  }();

  // A name is a field's name or a path "config.timeout_ms" through the
  // described struct (MAILBOX_DESCRIBE) of a payload field: its first part
  // names the field, the rest a member inside it. (The five below are public
  // only because clang 14 checks a variable template's access where it is
  // instantiated; use has, has_payload, offset_of and type_of.)
  template <fixed_string Name>
  static constexpr bool is_path = detail::path_split<Name>::nested;
  template <fixed_string Name>
  static constexpr std::size_t head_index = index_of<detail::path_split<Name>::head>;
  template <fixed_string Name>
  static constexpr bool head_is_payload =
      head_index<Name> < field_count && !fields[head_index<Name> % field_count].is_state &&
      !fields[head_index<Name> % field_count].is_flag && !fields[head_index<Name> % field_count].is_record;
  template <fixed_string Name>
  using member_path_of = detail::member_path<typename member<head_index<Name> % field_count>::type,
                                             detail::path_split<Name>::tail>;
  template <fixed_string Name>
  static constexpr bool resolves = [] {
    if constexpr (!is_path<Name>) {
      return head_index<Name> < field_count;
    } else if constexpr (!head_is_payload<Name>) {
      return false;  // members are reached only inside payload fields
    } else {
      return member_path_of<Name>::found;
    }
  }();

  // True when the layout has a field (or state word) with this name, or a
  // path "field.member" (members of members too) through described structs.
  template <fixed_string Name>
  static constexpr bool has = resolves<Name>;

  // True when Name is a payload field (common or in an overlay), or a
  // member of one: neither the state word, nor a flag, nor a record. Only
  // these are reachable through a token.
  template <fixed_string Name>
  static constexpr bool has_payload = has<Name>&& head_is_payload<Name>;

  // True when Name is a flag (Mailbox::raise / is_raised / clear).
  template <fixed_string Name>
  static constexpr bool is_flag =
      has<Name> && !is_path<Name> && fields[head_index<Name> % field_count].is_flag;

  // True when Name is a committed record (Mailbox::write_record / read_record).
  template <fixed_string Name>
  static constexpr bool is_record =
      has<Name> && !is_path<Name> && fields[head_index<Name> % field_count].is_record;

  // Where the field or member starts, from the start of the mailbox. Of a
  // name the layout does not have, offset_of and type_of make the compiler
  // print Unknown: the name and the closest member (detail/diagnostics.hpp);
  // requires-expressions see false. (Not overlay_of, which the fingerprint
  // asks of every field: a template argument more per field costs memory.)
  template <fixed_string Name, class Unknown = detail::unknown_member_t<layout, Name>>
  requires detail::known_name<has<Name>, Unknown>
  static constexpr std::size_t offset_of = fields[head_index<Name>].offset + member_path_of<Name>::offset;

  template <fixed_string Name, class Unknown = detail::unknown_member_t<layout, Name>>
  requires detail::known_name<has<Name>, Unknown>
  using type_of = std::conditional_t<is_path<Name>, typename member_path_of<Name>::type,
                                     typename member<head_index<Name>>::type>;

  // True when every element of Name's type sits at an address aligned for
  // it, wherever the region is (it is aligned to `alignment`): always for
  // a field, not for every member of a packed struct. A span of an array
  // needs it; get and set copy bytes and do not.
  template <fixed_string Name>
  requires has<Name>
  static constexpr bool is_aligned =
      offset_of<Name> % alignof(std::remove_all_extents_t<type_of<Name>>) == 0 &&
      alignment % alignof(std::remove_all_extents_t<type_of<Name>>) == 0;

  // The overlay a member belongs to; empty for common fields, the state word
  // and flags.
  template <fixed_string Name>
  requires has<Name>
  static constexpr std::string_view overlay_of = fields[head_index<Name>].overlay;

  // True when the layout declares an overlay of that name.
  template <fixed_string Name>
  static constexpr bool has_overlay = [] {
    for (const std::string_view o : overlay_names) {
      if (o == Name.view()) return true;
    }
    return false;
  }();

  // True when Field is a field of the overlay named Overlay.
  template <fixed_string Field, fixed_string Overlay>
  static constexpr bool in_overlay =
      has<Field>&& Overlay.size() != 0 && fields[head_index<Field> % field_count].overlay == Overlay.view();

  static constexpr std::size_t flag_count = [] {
    std::size_t n = 0;
    for (const field_info& f : fields) n += f.is_flag ? 1 : 0;
    return n;
  }();

  using state_type = typename state_decl::type;
  static constexpr std::string_view state_name = state_decl::name.view();
  static constexpr std::size_t state_offset =
      state_index < field_count ? fields[state_index % field_count].offset : 0;

  // True when the layout declares mailbox::blocking_waiters.
  static constexpr bool has_blocking_waiters = blocking_count == 1;

  // True when the layout declares mailbox::state_on_own_cache_line.
  static constexpr bool has_state_on_own_cache_line = state_line_count == 1;

  // True when the layout lists its states with mailbox::valid_states<...>.
  static constexpr bool declares_valid_states = valid_states_decls::size == 1;

 private:
  using valid_states_decl = typename detail::list_at<
      0, typename detail::concat<valid_states_decls, detail::type_list<valid_states<>>>::type>::type;
  static constexpr bool valid_states_have_state_type = valid_states_decl::template all_of_type<state_type>;

 public:
  // The declared valid states (empty when the layout declares none).
  static constexpr auto valid_state_values = [] {
    if constexpr (valid_states_have_state_type) {
      return valid_states_decl::template values_as<state_type>();
    } else {
      return std::array<state_type, 0>{};
    }
  }();

  // Whether a state value is one the layout declared; every value is valid
  // in a layout that declares no list.
  [[nodiscard]] static constexpr bool is_valid_state(state_type value) noexcept {
    if constexpr (!declares_valid_states) {
      return true;
    } else {
      for (const state_type& v : valid_state_values) {
        if (v == value) return true;
      }
      return false;
    }
  }

 private:
  static constexpr bool valid_states_checked = [] {
    static_assert(valid_states_have_state_type,
                  "mailbox::layout: every value in mailbox::valid_states<...> must have the layout's "
                  "state type exactly");
    if constexpr (has_blocking_waiters && state_count == 1) {
      static_assert(sizeof(state_type) == 4,
                    "mailbox::layout: mailbox::blocking_waiters needs a 4-byte state word (a futex "
                    "is 32 bits)");
      if constexpr (sizeof(state_type) == 4 && valid_states_have_state_type) {
        constexpr bool no_mark = [] {
          for (const state_type& v : valid_state_values) {
            if (std::bit_cast<std::uint32_t>(v) & detail::waiter_mark) return false;
          }
          return true;
        }();
        static_assert(no_mark,
                      "mailbox::layout: with mailbox::blocking_waiters, no valid state may use the "
                      "top bit of the state word: it marks a sleeping waiter");
        return valid_states_have_state_type && no_mark;
      }
      return valid_states_have_state_type && sizeof(state_type) == 4;
    }
    return valid_states_have_state_type;
  }();

 public:
  // Calls f.template operator()<Field, Offset>() for every field in
  // declaration order; Field is the field<...> or state<...> declaration.
  template <class F>
  static constexpr void for_each_field(F&& f) {
    [&]<class... M, std::size_t... I>(detail::type_list<M...>, std::index_sequence<I...>) {
      // A braced list, not a fold: it runs in order and has no nesting limit.
      const bool in_order[] = {true, (f.template operator()<M, fields[I].offset>(), true)...};
      (void)in_order;
    }(members{}, std::make_index_sequence<field_count>{});
  }

  static constexpr bool is_valid = checked && valid_states_checked;
  // Evaluates the checks as soon as the layout is used, not only when a
  // Mailbox is made from it.
  static_assert(checked || !checked);
  static_assert(valid_states_checked || !valid_states_checked);
};

template <class T>
inline constexpr bool is_layout_v = false;
template <class... D>
inline constexpr bool is_layout_v<layout<D...>> = true;

// A layout that compiled without a layout error.
template <class L>
concept valid_layout = is_layout_v<L> && L::is_valid;

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox

#if defined(__NVCC_DIAG_PRAGMA_SUPPORT__)
#pragma nv_diagnostic pop
#endif
