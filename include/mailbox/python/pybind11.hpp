// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// bind_layout and bind_endpoint: add_layout and add_endpoint for a pybind11
// module, throwing pybind11::error_already_set where they return -1.
// <mailbox/python.hpp> includes this header when pybind11 was included
// before it; include it directly to have both in one line.
//
//   PYBIND11_MODULE(frames, m) {
//     mailbox::python::bind_layout<Frame, 3>(m, "Frame");
//     mailbox::python::bind_endpoint<Worker, "child", 3>(m, "ChildEnd");
//   }
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>

#include "../abi.hpp"
#include "endpoint.hpp"
#include "module.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// Adds Layout's class `name` to `m` (see add_layout) and returns it.
template <valid_layout Layout, std::uint32_t Version = 0>
pybind11::object bind_layout(pybind11::module_& m, const char* name) {
  if (add_layout<Layout, Version>(m.ptr(), name) != 0) throw pybind11::error_already_set();
  return m.attr(name);
}

// Adds the class `name` for one role of Protocol to `m` (see add_endpoint)
// and returns it; bind_layout<Layout, Version> must come first.
template <valid_protocol Protocol, fixed_string Role, std::uint32_t Version = 0>
pybind11::object bind_endpoint(pybind11::module_& m, const char* name) {
  if (add_endpoint<Protocol, Role, Version>(m.ptr(), name) != 0) throw pybind11::error_already_set();
  return m.attr(name);
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
