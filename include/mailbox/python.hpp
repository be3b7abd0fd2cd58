// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox for Python: a layout's Python classes, made from its one C++
// declaration with the CPython C API, so that an extension module written
// with the bare C API, nanobind or pybind11 can add them. Every state word
// access is the C++ library's acquire-load or release-store, and the
// payload is reachable only through a token, as in C++. Not part of the
// umbrella header: only code that includes this one depends on Python.
//
//   MAILBOX_PYTHON_MODULE(frames, m) {                                 // the bare C API
//     if (mailbox::python::add_layout<Frame, 3>(m, "Frame") != 0) return -1;
//     return mailbox::python::add_endpoint<Worker, "child", 3>(m, "ChildEnd");
//   }
//   NB_MODULE(frames, m) {                                            // nanobind (untested here)
//     if (mailbox::python::add_layout<Frame, 3>(m.ptr(), "Frame") != 0) throw nanobind::python_error();
//   }
//   PYBIND11_MODULE(frames, m) {                                      // pybind11: include it first
//     mailbox::python::bind_layout<Frame, 3>(m, "Frame");
//   }
//
//   with frames.Frame.create("/sp-1234", count=3, first=frames.Frame.State.idle) as region:
//       with region[1].acquire(frames.Frame.State.idle, timeout=2.0) as t:
//           t["arg0"] = 7
//           t.publish(frames.Frame.State.task_ready)
//
// docs/python.md describes all of it. The pieces, one concept a header:
//   python/object.hpp      references, errors, argument parsing
//   python/describe.hpp    a layout's members as data (field_desc)
//   python/states.hpp      Name.State and state conversions
//   python/convert.hpp     Python values to and from a member's bytes
//   python/layout_ops.hpp  the per-layout table of Mailbox and token calls
//   python/objects.hpp     the Python objects' structs and the layout binding
//   python/rules.hpp       a protocol's rules as data and their checks
//   python/token.hpp       Name.Token and the memoryviews of its fields
//   python/box.hpp         a mailbox: state, acquire, waits, flags
//   python/region.hpp      regions and the buffer forms
//   python/regions.hpp     Name.create / open / anonymous (mailbox::region)
//   python/module.hpp      add_layout, MAILBOX_PYTHON_MODULE
//   python/endpoint.hpp    add_endpoint
//   python/pybind11.hpp    bind_layout, bind_endpoint (when pybind11 is included)
#pragma once

#include "python/endpoint.hpp"
#include "python/module.hpp"

#if defined(PYBIND11_VERSION_MAJOR)
#include "python/pybind11.hpp"
#endif
