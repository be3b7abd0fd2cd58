// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The Python objects of a bound layout, as C structs, and what ties them
// together: a region (the memory: a mapped segment or a user's buffer), its
// mailboxes (Name instances), their tokens, and the memoryviews of a
// token's fields. And the layout_binding every one of them points to: the
// layout's descriptions, operations, state codec and Python types.
//
// Lifetimes. A token holds its mailbox, a mailbox its region; the region
// holds the memory until close(). A wait that releases the GIL and a
// memoryview of a field also hold ("pin") the memory, so closing the region
// meanwhile (from another thread) never unmaps it under them: the last pin
// unmaps. Every access checks that the region is open first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "../abi.hpp"
#include "describe.hpp"
#include "layout_ops.hpp"
#include "object.hpp"
#include "states.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// Memory that mailboxes live in, type-erased: a mailbox::region, a
// Python buffer export. Destroying it unmaps (or releases) the memory; it
// is destroyed with the GIL held.
class mapping {
 public:
  mapping() = default;
  mapping(const mapping&) = delete;
  mapping& operator=(const mapping&) = delete;
  virtual ~mapping() = default;

  std::byte* first = nullptr;  // mailbox 0
  std::size_t count = 0;
  std::size_t stride = 0;
};

// The memory and who uses it: the region until close(), and every wait or
// memoryview in progress. The last one to let go deletes it.
struct pinned_memory {
  std::unique_ptr<mapping> owner;
  Py_ssize_t pins = 1;
};

inline void unpin(pinned_memory* memory) noexcept {
  if (memory != nullptr && --memory->pins == 0) delete memory;
}

struct layout_binding;
struct endpoint_binding;

enum class region_kind : std::uint8_t { created, opened, anonymous, buffer };

struct region_fields {
  const layout_binding* layout = nullptr;
  pinned_memory* memory = nullptr;  // null once closed
  std::byte* first = nullptr;
  std::size_t count = 0;
  std::size_t stride = 0;
  region_kind kind = region_kind::buffer;
  std::string name;  // a named segment's
};

struct region_object {
  PyObject_HEAD region_fields f;
};

// Counters of the waits made through one mailbox object.
struct wait_totals {
  unsigned long long waits = 0;   // acquires that did not find the state at once
  unsigned long long slices = 0;  // times the GIL was released to wait
  unsigned long long sleeps = 0;  // FUTEX_WAIT calls (spin_then_block)
  unsigned long long timeouts = 0;
  int futex_errno = 0;
};

struct box_object {
  PyObject_HEAD const layout_binding* layout;
  region_object* region;  // strong
  std::byte* base;
  wait_totals stats;
  PyObject* spare[2];  // spent tokens of this mailbox, for reuse (token.hpp's end_token)
};

enum class token_status : std::uint8_t { empty, live, published, abandoned };

// The most states an acquire_any waits for.
inline constexpr std::size_t max_wanted = 16;

struct token_object {
  PyObject_HEAD const layout_binding* layout;
  const endpoint_binding* endpoint;  // null for a layout's token
  box_object* box;                   // strong
  std::byte* base;
  std::uint64_t acquired;  // the state it was acquired in
  token_status status;
  Py_ssize_t views;             // memoryviews of its fields still exported
  const field_desc* exporting;  // the field t.view() is making a memoryview of, for a moment
  // An endpoint's token: the states it acts for (several after
  // acquire_any, until narrow()).
  std::size_t held_count;
  std::uint64_t held[max_wanted];
  token_slot cxx;  // the C++ token, while status is live
};

// Token objects kept for reuse once dropped (as CPython keeps floats): a
// turn makes one or two tokens, and allocating them cost as much as the
// rest of an acquire.
struct token_pool {
  static constexpr int capacity = 4;
  PyObject* free[capacity] = {};
  int count = 0;
};

struct endpoint_object {
  PyObject_HEAD const endpoint_binding* endpoint;
  box_object* box;  // strong
};

// One layout as bound into a module: made by add_layout and kept for the
// life of the process (the types it made refer to it).
struct layout_binding {
  std::string name;         // the class name: "Frame"
  std::string module_name;  // the module's __name__
  const layout_ops* ops = nullptr;
  // Every member, declaration order, then the paths into described struct
  // fields ("config.timeout_ms").
  std::vector<field_desc> fields;
  std::deque<std::string> path_names;  // the paths' names, which fields' views point into
  std::size_t declared = 0;            // the members declared (fields[0, declared)); paths follow
  std::vector<std::size_t> payload;    // the payload fields among them
  std::size_t stride = 0;              // mailbox_array<Layout>::stride
  state_codec* states = nullptr;
  PyObject* field_index = nullptr;    // dict: name -> index into fields
  std::vector<PyObject*> field_keys;  // the interned names, for lookups by identity (small layouts)
  PyTypeObject* box_type = nullptr;
  PyTypeObject* token_type = nullptr;
  PyTypeObject* region_type = nullptr;
  PyTypeObject* transition_type = nullptr;
  PyObject* header_error = nullptr;
  PyObject* fingerprint_mismatch = nullptr;
  PyObject* peer_gone = nullptr;
  std::string json;
  mutable token_pool tokens;
  // Regions (mailbox::region): create, open, anonymous, with a protocol
  // fingerprint to record or check (0: none). Throw the library's exceptions.
  std::unique_ptr<mapping> (*create)(const std::string& name, std::size_t count, std::uint64_t first,
                                     std::uint64_t protocol) = nullptr;
  std::unique_ptr<mapping> (*open)(const std::string& name, std::size_t count, deadline until,
                                   std::uint64_t protocol) = nullptr;
  std::unique_ptr<mapping> (*anonymous)(std::size_t count, std::uint64_t first,
                                        std::uint64_t protocol) = nullptr;
  std::uint64_t default_first = 0;  // create()'s and anonymous()'s first state: the first valid one, or 0
  // PyType_Spec keeps its name: the types' names live here (a deque never moves them).
  std::deque<std::string> type_names;
};

namespace detail {

inline bool region_open(const region_object* r, const who& w) {
  if (r->f.memory != nullptr) [[likely]]
    return true;
  fail(PyExc_ValueError, w + ": the region is closed");
  return false;
}

// The number of a PyObject as a Py_ssize_t, or an exception.
inline bool index_of(PyObject* value, Py_ssize_t& out, const char* who) {
  if (!PyIndex_Check(value) || PyFloat_Check(value)) {
    PyErr_Format(PyExc_TypeError, "%s takes an int, got %s", who, Py_TYPE(value)->tp_name);
    return false;
  }
  out = PyNumber_AsSsize_t(value, PyExc_OverflowError);
  return !(out == -1 && PyErr_Occurred());
}

}  // namespace detail

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
