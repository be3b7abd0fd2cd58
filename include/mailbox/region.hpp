// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::region<Layout, UserVersion>: `count` mailboxes of one layout in one
// shared segment, behind a header (header.hpp) that records the layout's
// fingerprint, the protocol's, the count and the stride. The one format a
// C++ parent and a worker in another language meet in:
//
//   auto frames = mailbox::region<Frame, 3>::create("/jobs-1234", 3, S::idle);
//   auto frames = mailbox::region<Frame, 3>::open("/jobs-1234", 3, std::chrono::seconds(5));
//   auto frames = mailbox::region<Frame, 3>::anonymous(3, S::idle);   // for fork()
//   frames[1].acquire(S::idle) ...
//
// Python's Frame.create / Frame.open / Frame.anonymous make and open the same
// regions (docs/regions.md describes every byte).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "abi.hpp"
#include "array.hpp"
#include "fingerprint.hpp"
#include "header.hpp"
#include "layout.hpp"
#include "segment.hpp"
#include "view.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// What a region is created with besides its name, count and first state.
struct region_options {
  // The protocol the mailboxes run (protocol_fingerprint<P, V>, or a frame
  // set's); 0 records none. open() with a protocol fingerprint refuses a
  // region that records another one, or none.
  std::uint64_t protocol_fingerprint = 0;
  segment_options segment = {};
};

// A region that was closed is used again.
class region_closed : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

template <valid_layout Layout, std::uint32_t UserVersion = 0>
class region {
 public:
  using layout_type = Layout;
  using state_type = typename Layout::state_type;
  using mailbox_type = Mailbox<Layout>;
  using array_type = mailbox_array<Layout>;

  // The bytes a region of `count` mailboxes takes: the header, then count
  // strides.
  [[nodiscard]] static constexpr std::size_t size_for(std::size_t count) {
    return region_size<Layout>(count);
  }

  // Creates the named segment (failing if the name exists, unless
  // options.segment.replace_existing), initialises every mailbox with
  // `first` and writes the header last. The name is removed when this
  // region is closed or destroyed in the process that created it.
  [[nodiscard]] static region create(std::string name, std::size_t count, state_type first,
                                     region_options options = {}) {
    shared_segment segment = shared_segment::create(std::move(name), size_for(count), options.segment);
    array_type array = initialize_array_with_header<Layout, UserVersion>(segment.bytes(), count, first,
                                                                         options.protocol_fingerprint);
    return region(std::move(segment), array);
  }

  // Opens a region another process created, waiting up to `timeout` for its
  // name to appear, its segment to be sized and its header to be written;
  // then checks the header (header_error: another layout, user version,
  // protocol, count, or mailbox version, naming both sides). `count` 0 takes
  // as many mailboxes as the header says; protocol_fingerprint 0 does not
  // check the protocol. Never removes the name.
  [[nodiscard]] static region open(std::string name, std::size_t count = 0,
                                   std::chrono::nanoseconds timeout = std::chrono::nanoseconds::zero(),
                                   std::uint64_t protocol_fingerprint = 0) {
    const deadline until = wait_clock::now() + timeout;
    const std::size_t minimum = size_for(count == 0 ? 1 : count);
    for (;;) {
      try {
        shared_segment segment = shared_segment::open(name, minimum);
        array_type array = attach_array_with_header<Layout, UserVersion>(segment.bytes(), count, until,
                                                                         protocol_fingerprint);
        return region(std::move(segment), array);
      } catch (const segment_error& e) {
        // Not there yet (ENOENT), or created but not sized yet (EINVAL: the
        // creator's ftruncate comes right after its shm_open).
        const int error = e.code().value();
        if ((error != ENOENT && error != EINVAL) || wait_clock::now() >= until) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  // An anonymous region (no name) for processes fork()ed after this call.
  [[nodiscard]] static region anonymous(std::size_t count, state_type first, region_options options = {}) {
    shared_segment segment = shared_segment::anonymous(size_for(count), options.segment);
    array_type array = initialize_array_with_header<Layout, UserVersion>(segment.bytes(), count, first,
                                                                         options.protocol_fingerprint);
    return region(std::move(segment), array);
  }

  region(region&&) noexcept = default;
  region& operator=(region&&) noexcept = default;
  region(const region&) = delete;
  region& operator=(const region&) = delete;
  ~region() = default;

  // The mailbox at `index`; index_error past the end, region_closed after
  // close(). A mailbox is a view: it must not be used after close().
  [[nodiscard]] mailbox_type operator[](std::size_t index) const { return checked_array()[index]; }

  // The number of mailboxes.
  [[nodiscard]] std::size_t size() const noexcept { return array_ ? array_->size() : 0; }

  // The mailboxes as a mailbox_array (for mailbox::endpoint and frame sets).
  [[nodiscard]] const array_type& array() const { return checked_array(); }

  // The segment's name; empty for an anonymous region.
  [[nodiscard]] const std::string& name() const noexcept { return segment_.name(); }

  [[nodiscard]] bool is_open() const noexcept { return array_.has_value(); }

  // Unmaps the region (and, in the process that created it, removes its
  // name). Every mailbox taken from it is invalid afterwards. Idempotent.
  void close() noexcept {
    array_.reset();
    segment_.close();
  }

 private:
  region(shared_segment segment, array_type array) : segment_(std::move(segment)), array_(array) {}

  [[nodiscard]] const array_type& checked_array() const {
    if (!array_) throw region_closed("mailbox::region: used after close()");
    return *array_;
  }

  shared_segment segment_;
  std::optional<array_type> array_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
