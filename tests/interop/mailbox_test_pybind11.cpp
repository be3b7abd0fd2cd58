// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The pybind11 adapter: bind_layout and bind_endpoint in a pybind11 module,
// next to pybind11's own classes. Built where Debian's pybind11 supports the
// interpreter.
#include <pybind11/pybind11.h>
// After pybind11: <mailbox/python.hpp> then brings bind_layout and bind_endpoint.
#include <mailbox/python.hpp>

#include "handoff_layout.hpp"
#include "python_layouts.hpp"

PYBIND11_MODULE(mailbox_test_pybind11, m) {
  namespace py = pybind11;
  py::object handoff = mailbox::python::bind_layout<python_test::Handoff>(m, "Handoff");
  mailbox::python::bind_layout<python_test::Frame>(m, "Frame");
  mailbox::python::bind_endpoint<python_test::Proto, "child">(m, "FrameChild");
  // What a pybind11 module adds itself lives beside the binding's classes.
  m.def("size_of_handoff", [handoff] { return handoff.attr("size"); });
}
