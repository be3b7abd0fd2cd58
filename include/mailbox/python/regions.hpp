// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Name.create, Name.open and Name.anonymous: regions made by the library's
// mailbox::region<Layout, Version> (region.hpp), so that a C++ process and a
// Python one create or open the same region by name. Nothing here registers
// with multiprocessing's resource tracker: a region's name is removed by the
// close() of the process that created it, and by nobody else.
//
//   region = Frame.create("/sp-1234", count=3, first=Frame.State.idle)
//   region = Frame.open("/sp-1234", count=3, timeout=5.0)      # count=0: as many as the header says
//   region = Frame.anonymous(count=3, first=Frame.State.idle)  # for fork()
//   # protocol_fingerprint=ChildEnd.fingerprint records (create) or checks (open) the protocol too
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "../abi.hpp"
#include "../array.hpp"
#include "../header.hpp"
#include "../region.hpp"
#include "../segment.hpp"
#include "objects.hpp"
#include "region.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail {

// A mailbox::region as a region object's memory.
template <class Layout, std::uint32_t Version>
class region_mapping final : public mapping {
 public:
  explicit region_mapping(mailbox::region<Layout, Version> region) : region_(std::move(region)) {
    first = region_.array().bytes().data();
    count = region_.size();
    stride = mailbox_array<Layout>::stride;
  }

 private:
  mailbox::region<Layout, Version> region_;  // unmapped (and, by its creator, unlinked) when destroyed
};

template <class Layout, std::uint32_t Version>
void region_functions(layout_binding& l) {
  using S = typename Layout::state_type;
  using R = mailbox::region<Layout, Version>;
  l.create = [](const std::string& name, std::size_t count, std::uint64_t first,
                std::uint64_t protocol) -> std::unique_ptr<mapping> {
    return std::make_unique<region_mapping<Layout, Version>>(
        R::create(name, count, state_from_bits<S>(first), region_options{protocol, {}}));
  };
  l.open = [](const std::string& name, std::size_t count, deadline until,
              std::uint64_t protocol) -> std::unique_ptr<mapping> {
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(until - wait_clock::now());
    return std::make_unique<region_mapping<Layout, Version>>(
        R::open(name, count, std::max(left, std::chrono::nanoseconds::zero()), protocol));
  };
  l.anonymous = [](std::size_t count, std::uint64_t first,
                   std::uint64_t protocol) -> std::unique_ptr<mapping> {
    return std::make_unique<region_mapping<Layout, Version>>(
        R::anonymous(count, state_from_bits<S>(first), region_options{protocol, {}}));
  };
  if constexpr (Layout::declares_valid_states) {
    l.default_first = bits_of<S>(Layout::valid_state_values[0]);
  }
}

// count= as a number of mailboxes (0 allowed for open: the header's).
inline bool count_from(PyObject* value, std::size_t& out, bool zero_allowed, const who& w) {
  if (value == nullptr) return true;
  Py_ssize_t n = 0;
  if (!index_of(value, n, "count")) return false;
  if (n < (zero_allowed ? 0 : 1) || static_cast<unsigned long long>(n) > 0xffffffffull) {
    fail(PyExc_ValueError,
         w + ": count must be in [" + (zero_allowed ? "0" : "1") + ", 4294967295], got " + std::to_string(n));
    return false;
  }
  out = static_cast<std::size_t>(n);
  return true;
}

inline bool protocol_from(PyObject* value, std::uint64_t& out) {
  if (value == nullptr || value == Py_None) return true;
  out = PyLong_AsUnsignedLongLong(value);
  return !(out == static_cast<std::uint64_t>(-1) && PyErr_Occurred());
}

// The first state of create() and anonymous(): given, or the layout's
// first valid state (0 when it declares none); checked as publish() checks.
inline bool first_state_from(const layout_binding& l, PyObject* value, std::uint64_t& out, const who& w) {
  out = l.default_first;
  if (value != nullptr && !l.states->from_python(value, out, w)) return false;
  if (l.states->uses_waiter_mark(out) || !l.ops->is_valid_state(out)) {
    fail(PyExc_ValueError,
         w + ": " + l.states->shown(out) +
             (l.states->uses_waiter_mark(out) ? " uses the top bit of the state word, which marks "
                                                "a sleeping waiter"
                                              : " is not one of the layout's valid_states"));
    return false;
  }
  return true;
}

inline bool name_from(PyObject* value, std::string& out, const who& w) {
  std::string_view name;
  if (!PyUnicode_Check(value) || !utf8_of(value, name)) {
    if (!PyErr_Occurred())
      fail(PyExc_TypeError, w + ": the name is a str (\"/name\"), got " + type_name_of(value));
    return false;
  }
  out = std::string(name);
  return true;
}

inline const char* const create_keywords[] = {"name", "count", "first", "protocol_fingerprint"};
inline const char* const open_keywords[] = {"name", "count", "timeout", "protocol_fingerprint"};
inline const char* const anonymous_keywords[] = {"count", "first", "protocol_fingerprint"};

// Name.create(name, count=1, first=..., *, protocol_fingerprint=0)
inline PyObject* region_create(PyObject* cls, PyObject* const* args, Py_ssize_t nargs,
                               PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const layout_binding* l = binding_of(cls);
    if (l == nullptr) return nullptr;
    const who w{l->name, ".create"};
    PyObject* a[4];
    std::string name;
    std::size_t count = 1;
    std::uint64_t first = 0, protocol = 0;
    if (!parse_arguments("create", args, nargs, kwnames, create_keywords, 3, 1, a) ||
        !name_from(a[0], name, w) || !count_from(a[1], count, false, w) ||
        !first_state_from(*l, a[2], first, w) || !protocol_from(a[3], protocol)) {
      return nullptr;
    }
    try {
      return new_region(*l, l->create(name, count, first, protocol), region_kind::created, name);
    } catch (...) {
      return raise_library_error(*l);
    }
  });
}

// Name.open(name, count=1, timeout=0.0, *, protocol_fingerprint=0): waits, in
// slices with the GIL released, for the name, its size and its header.
inline PyObject* region_open_named(PyObject* cls, PyObject* const* args, Py_ssize_t nargs,
                                   PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const layout_binding* l = binding_of(cls);
    if (l == nullptr) return nullptr;
    const who w{l->name, ".open"};
    PyObject* a[4];
    std::string name;
    std::size_t count = 1;
    std::uint64_t protocol = 0;
    deadline until = wait_clock::now();
    if (!parse_arguments("open", args, nargs, kwnames, open_keywords, 3, 1, a) || !name_from(a[0], name, w) ||
        !count_from(a[1], count, true, w) || (a[2] != nullptr && !deadline_after(a[2], w, until)) ||
        !protocol_from(a[3], protocol)) {
      return nullptr;
    }
    std::unique_ptr<mapping> opened;
    const auto attempt = [&](deadline slice) -> PyObject* {
      opened = l->open(name, count, slice, protocol);
      return Py_None;
    };
    if (waiting_for(*l, until, attempt, worth_waiting) == nullptr) return nullptr;
    return new_region(*l, std::move(opened), region_kind::opened, name);
  });
}

// Name.anonymous(count=1, first=..., *, protocol_fingerprint=0)
inline PyObject* region_anonymous(PyObject* cls, PyObject* const* args, Py_ssize_t nargs,
                                  PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const layout_binding* l = binding_of(cls);
    if (l == nullptr) return nullptr;
    const who w{l->name, ".anonymous"};
    PyObject* a[3];
    std::size_t count = 1;
    std::uint64_t first = 0, protocol = 0;
    if (!parse_arguments("anonymous", args, nargs, kwnames, anonymous_keywords, 2, 0, a) ||
        !count_from(a[0], count, false, w) || !first_state_from(*l, a[1], first, w) ||
        !protocol_from(a[2], protocol)) {
      return nullptr;
    }
    try {
      return new_region(*l, l->anonymous(count, first, protocol), region_kind::anonymous, {});
    } catch (...) {
      return raise_library_error(*l);
    }
  });
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail
