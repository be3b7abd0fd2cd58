// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::frame_set<frames<P1, n1>, frames<P2, n2>, ...>: the mailboxes of
// one mailbox_array, in groups that run different protocols over one layout
// (a control frame and task frames):
//
//   using Frames = mailbox::frame_set<mailbox::frames<Control, 1>, mailbox::frames<Task, 2>>;
//   auto set = Frames::initialize_with_header<3>(segment.bytes());   // each frame in its first state
//   auto control = set.endpoint<0, "parent">();                      // endpoint<Control, "parent">
//   auto task = set.endpoint<Task, "parent", 1>();                   // checked at compile time
//   auto any = set.endpoint<Task, "parent">(i);                      // checked at run time
//
// The header records one fingerprint for the whole set (which frames run
// which protocol), and attach_with_header() checks it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "abi.hpp"
#include "array.hpp"
#include "endpoint.hpp"
#include "fingerprint.hpp"
#include "header.hpp"
#include "protocol.hpp"
#include "protocol_dot.hpp"
#include "view.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// Count consecutive frames of a frame_set that run Protocol.
template <class Protocol, std::size_t Count>
struct frames {
  using protocol_type = Protocol;
  static constexpr std::size_t count = Count;
};

// A frame asked for under a protocol it does not run (frame_set::endpoint
// with an index known only at run time).
class protocol_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

template <class Group>
struct is_frames : std::false_type {};
template <class P, std::size_t N>
struct is_frames<frames<P, N>> : std::true_type {};

template <class... Groups>
struct in_frame_set {
  template <bool Ok>
  static constexpr bool groups_are_frames() {
    static_assert(Ok, "mailbox::frame_set: accepts only mailbox::frames<Protocol, Count> groups");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool protocols_share_one_layout() {
    static_assert(Ok,
                  "mailbox::frame_set: every protocol of a frame set must be over the same layout (the "
                  "frames lie in one mailbox_array)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool has_frames() {
    static_assert(Ok, "mailbox::frame_set: needs at least one frame");
    return Ok;
  }
};

// Mistakes about one frame, named by its index.
template <std::size_t Index>
struct in_frame {
  template <bool Ok>
  static constexpr bool is_in_the_set() {
    static_assert(Ok, "mailbox::frame_set: the frame index is past the last frame");
    return Ok;
  }
  template <bool Ok, class Asked>
  static constexpr bool runs_the_protocol_asked_for() {
    static_assert(Ok, "mailbox::frame_set: this frame runs another protocol than the one asked for");
    return Ok;
  }
};

template <class... Groups>
constexpr bool frame_set_is_valid() {
  using diagnose = in_frame_set<Groups...>;
  if constexpr (!(is_frames<Groups>::value && ...)) {
    return diagnose::template groups_are_frames<false>();
  } else {
    using first_layout = typename std::tuple_element_t<0, std::tuple<Groups...>>::protocol_type::layout_type;
    return diagnose::template has_frames<((Groups::count + ... + 0) > 0)>() &&
           diagnose::template protocols_share_one_layout<(
               std::is_same_v<typename Groups::protocol_type::layout_type, first_layout> && ...)>();
  }
}

}  // namespace detail

template <class... Groups>
requires(sizeof...(Groups) > 0 && detail::frame_set_is_valid<Groups...>()) class frame_set {
  using groups = std::tuple<Groups...>;

 public:
  // The frames<Protocol, Count> groups, as a tuple type.
  using group_types = groups;

 private:
  // The group each frame belongs to, by frame index.
  static constexpr auto group_of_frame = [] {
    std::array<std::size_t, (Groups::count + ... + 0)> out{};
    const std::array<std::size_t, sizeof...(Groups)> counts{Groups::count...};
    std::size_t at = 0;
    for (std::size_t g = 0; g < counts.size(); ++g) {
      for (std::size_t i = 0; i < counts[g]; ++i) out[at++] = g;
    }
    return out;
  }();

 public:
  using layout_type = typename std::tuple_element_t<0, groups>::protocol_type::layout_type;
  using state_type = typename layout_type::state_type;
  using mailbox_type = Mailbox<layout_type>;
  using array_type = mailbox_array<layout_type>;

  // The number of frames.
  static constexpr std::size_t count = (Groups::count + ... + 0);

  // The protocol frame I runs.
  template <std::size_t I>
  using protocol_at = typename std::tuple_element_t<group_of_frame[I], groups>::protocol_type;

  // The bytes the frames take without a header, and with one.
  static constexpr std::size_t required_size = array_type::stride * count;
  static constexpr std::size_t size_with_header = header_size<layout_type> + required_size;
  static constexpr std::size_t required_alignment = layout_type::alignment;

  // Which protocol each frame runs, as one fingerprint (the header records
  // it): for a set of one group, that protocol's fingerprint, so a region
  // made for one protocol and a frame set of it meet; otherwise every
  // group's count and protocol fingerprint, in order.
  template <std::uint32_t UserVersion = 0>
  static constexpr std::uint64_t fingerprint = [] {
    if constexpr (sizeof...(Groups) == 1) {
      return protocol_fingerprint<typename std::tuple_element_t<0, groups>::protocol_type, UserVersion>;
    } else {
      std::uint64_t h = detail::mix(mailbox::fingerprint<layout_type, UserVersion>,
                                    std::string_view("mailbox frame set v1"));
      h = detail::mix(h, sizeof...(Groups));
      ((h = detail::mix(detail::mix(h, Groups::count),
                        protocol_fingerprint<typename Groups::protocol_type, UserVersion>)),
       ...);
      return h;
    }
  }();

  // Views the frames of an array that holds them (count mailboxes); writes
  // nothing, checks nothing about the protocols: initialize() and
  // attach_with_header() do. Throws region_error for an array of another size.
  explicit frame_set(array_type array) : array_(checked_size(array)) {}

  // Views the frames in a region without a header (required_size bytes).
  explicit frame_set(std::span<std::byte> region) : frame_set(array_type(region, count)) {}

  // Prepares a fresh region without a header: every frame zeroed and given
  // its protocol's first initial state. Nobody else may use it meanwhile.
  [[nodiscard]] static frame_set initialize(std::span<std::byte> region) {
    array_type array(region, count);
    initialize_frames(region);
    return frame_set(array);
  }

  // The same behind a region header (size_with_header bytes) that records
  // the layout's fingerprint, count, stride and the set's fingerprint.
  template <std::uint32_t UserVersion = 0>
  [[nodiscard]] static frame_set initialize_with_header(std::span<std::byte> region) {
    detail::check_header_region(region, size_with_header, layout_type::alignment,
                                "frame_set::initialize_with_header");
    std::span<std::byte> frame_bytes = region.subspan(header_size<layout_type>);
    detail::write_header(region,
                         header_identity_of<layout_type, UserVersion>(count, fingerprint<UserVersion>),
                         [&] { initialize_frames(frame_bytes); });
    return frame_set(array_type(frame_bytes, count));
  }

  // Views a region that initialize_with_header() prepared (here or in
  // another process), waiting until `until` for its header. header_error if
  // the header records another layout, user version, number of frames or
  // frame set (which frames run which protocol): the message shows both
  // fingerprints.
  template <std::uint32_t UserVersion = 0>
  [[nodiscard]] static frame_set attach_with_header(std::span<std::byte> region, deadline until = {}) {
    return frame_set(
        attach_array_with_header<layout_type, UserVersion>(region, count, until, fingerprint<UserVersion>));
  }

  // Frame I's endpoint for Role, under the protocol frame I runs.
  template <std::size_t I, fixed_string Role>
  [[nodiscard]] mailbox::endpoint<protocol_at<I>, Role> endpoint() const {
    return mailbox::endpoint<protocol_at<I>, Role>(array_[I]);
  }

  // Frame I's endpoint for Role under Protocol, which must be the one frame
  // I runs: a compile error naming the frame otherwise.
  template <class Protocol, fixed_string Role, std::size_t I>
  [[nodiscard]] mailbox::endpoint<Protocol, Role> endpoint() const {
    static_assert(detail::in_frame<I>::template is_in_the_set<(I < count)>());
    if constexpr (I < count) {
      static_assert(
          detail::in_frame<I>::template runs_the_protocol_asked_for<std::is_same_v<Protocol, protocol_at<I>>,
                                                                    Protocol>());
    }
    return mailbox::endpoint<Protocol, Role>(array_[I]);
  }

  // Frame `index`'s endpoint for Role under Protocol, checked at run time:
  // index_error past the last frame, protocol_error if the frame runs
  // another protocol (naming both fingerprints).
  template <class Protocol, fixed_string Role>
  [[nodiscard]] mailbox::endpoint<Protocol, Role> endpoint(std::size_t index) const {
    const mailbox_type box = array_[index];  // index_error past the end
    if (!runs<Protocol>(index)) {
      throw protocol_error("mailbox::frame_set: frame " + std::to_string(index) + " runs the protocol " +
                           detail::hex(fingerprint_of_frame(index)) + ", not the one asked for (" +
                           detail::hex(protocol_fingerprint<Protocol>) + ")");
    }
    return mailbox::endpoint<Protocol, Role>(box);
  }

  // Whether frame `index` runs Protocol.
  template <class Protocol>
  [[nodiscard]] static constexpr bool runs(std::size_t index) noexcept {
    if (index >= count) return false;
    constexpr std::array<bool, sizeof...(Groups)> matches{
        std::is_same_v<Protocol, typename Groups::protocol_type>...};
    return matches[group_of_frame[index]];
  }

  // The raw mailbox of frame `index` (index_error past the end): the
  // unchecked level, as mailbox_array's.
  [[nodiscard]] mailbox_type operator[](std::size_t index) const { return array_[index]; }

  [[nodiscard]] const array_type& array() const noexcept { return array_; }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return count; }

 private:
  static array_type checked_size(const array_type& array) {
    if (array.size() != count) {
      throw region_error("mailbox::frame_set: the array holds " + std::to_string(array.size()) +
                         " mailboxes; the frame set has " + std::to_string(count) + " frames");
    }
    return array;
  }

  // Every frame zeroed (stride padding included) and given its protocol's
  // first initial state, group by group.
  static void initialize_frames(std::span<std::byte> region) {
    std::size_t first_frame = 0;
    (
        [&] {
          if constexpr (Groups::count > 0) {
            (void)array_type::initialize(region.subspan(first_frame * array_type::stride), Groups::count,
                                         Groups::protocol_type::initial_states[0]);
          }
          first_frame += Groups::count;
        }(),
        ...);
  }

  static constexpr std::uint64_t fingerprint_of_frame(std::size_t index) noexcept {
    constexpr std::array<std::uint64_t, sizeof...(Groups)> prints{
        protocol_fingerprint<typename Groups::protocol_type>...};
    return prints[group_of_frame[index]];
  }

  array_type array_;
};

namespace detail {
template <class T>
inline constexpr bool is_frame_set_v = false;
template <class... Groups>
inline constexpr bool is_frame_set_v<frame_set<Groups...>> = true;

template <class... Groups>
std::string dot_frame_set(std::string_view graph_name, std::tuple<Groups...>*) {
  std::string out = dot_graph_head(graph_name);
  std::size_t first = 0;
  std::size_t group = 0;
  (
      [&] {
        const std::size_t last = first + Groups::count - 1;
        const std::string frames_label = Groups::count == 1
                                             ? "frame " + std::to_string(first)
                                             : "frames " + std::to_string(first) + "-" + std::to_string(last);
        out += "  subgraph \"cluster_" + std::to_string(group) +
               "\" {\n    label=" + dot_quoted(frames_label) + ";\n    fontname=\"Helvetica\";\n";
        dot_protocol<typename Groups::protocol_type>(out, std::to_string(group) + ":", "    ");
        out += "  }\n";
        first += Groups::count;
        ++group;
      }(),
      ...);
  return out + "}\n";
}
}  // namespace detail

// A frame set as a Graphviz digraph: one cluster per group of frames, with
// its protocol drawn as to_dot<Protocol>() draws it.
template <class FrameSet>
requires detail::is_frame_set_v<FrameSet>
[[nodiscard]] std::string to_dot(std::string_view graph_name = "frames") {
  return detail::dot_frame_set(graph_name, static_cast<typename FrameSet::group_types*>(nullptr));
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
