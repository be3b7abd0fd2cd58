// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The extension module the Python tests import, written with the bare
// CPython C API (no pybind11): the test layouts added with
// mailbox::python::add_layout and add_endpoint. Built twice: as
// mailbox_test_module (with NDEBUG, as a release build) and as
// mailbox_test_debug (without NDEBUG, so MAILBOX_DEBUG_TOKENS is on).
#include <mailbox/python.hpp>

#include <span>
#include <stdexcept>
#include <string_view>

#include "handoff_layout.hpp"
#include "python_layouts.hpp"

#ifndef MAILBOX_TEST_MODULE
#define MAILBOX_TEST_MODULE mailbox_test_module
#endif

namespace {

// The C++ side of the records and keyed unions of python_test::Described,
// for the Python tests to check that both sides agree: cxx_write(buffer,
// generation) writes the teardown record and, through a token of the empty
// state, emplaces "copy" with src = 77 and publishes full; cxx_read(buffer,
// generation) gives (record status, exit_code, reason, limits.hard, key,
// src or None).
// The mailbox over a writable buffer's bytes (the buffer held by `view`).
mailbox::Mailbox<python_test::Described> described_at(const Py_buffer& view) {
  return mailbox::Mailbox<python_test::Described>(
      std::span<std::byte>(static_cast<std::byte*>(view.buf), static_cast<std::size_t>(view.len)));
}

void write_both(const Py_buffer& view, unsigned int generation) {
  auto box = described_at(view);
  const python_test::Teardown report{-6, 9, "cxx", {1, 2}};
  box.write_record<"teardown">(generation, report);
  if (auto t = box.try_acquire(python_test::L::empty)) {
    t->emplace<"command", python_test::Command::copy>().set<"src">(std::uint64_t{77});
    std::move(*t).publish(python_test::L::full);
  }
}

PyObject* read_both(const Py_buffer& view, unsigned int generation) {
  auto box = described_at(view);
  const auto r = box.read_record<"teardown">(generation);
  auto t = box.try_acquire(box.state());
  if (!t) return PyErr_Format(PyExc_RuntimeError, "cxx_read: the state changed under it");
  const auto key = static_cast<int>(t->key<"command">());
  PyObject* src = Py_None;
  if (auto copy = t->alternative<"command", python_test::Command::copy>()) {
    src = PyLong_FromUnsignedLongLong(copy->get<"src">());
  } else {
    Py_INCREF(src);
  }
  std::move(*t).abandon();
  const std::string_view status = mailbox::to_string(r.status());
  return Py_BuildValue("(s#isIiN)", status.data(), static_cast<Py_ssize_t>(status.size()),
                       r ? r->exit_code : 0, r ? r->reason : "", r ? r->limits.hard : 0u, key, src);
}

PyObject* cxx_call(PyObject* args, bool write) {
  PyObject* buffer = nullptr;
  unsigned int generation = 0;
  if (!PyArg_ParseTuple(args, "OI", &buffer, &generation)) return nullptr;
  Py_buffer view;
  if (PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE) != 0) return nullptr;
  PyObject* out = nullptr;
  try {
    if (write) {
      write_both(view, generation);
      Py_INCREF(Py_None);
      out = Py_None;
    } else {
      out = read_both(view, generation);
    }
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  PyBuffer_Release(&view);
  return out;
}

PyObject* cxx_write(PyObject*, PyObject* args) { return cxx_call(args, true); }
PyObject* cxx_read(PyObject*, PyObject* args) { return cxx_call(args, false); }

PyMethodDef cxx_functions[] = {{"cxx_write", &cxx_write, METH_VARARGS, nullptr},
                               {"cxx_read", &cxx_read, METH_VARARGS, nullptr},
                               {nullptr, nullptr, 0, nullptr}};

}  // namespace

MAILBOX_PYTHON_MODULE(MAILBOX_TEST_MODULE, m) {
  if (PyModule_AddFunctions(m, cxx_functions) != 0) return -1;
  namespace mp = mailbox::python;
  if (mp::add_layout<python_test::Handoff>(m, "Handoff") != 0 ||
      // The same layout under another version number: another fingerprint.
      mp::add_layout<python_test::Handoff, 2>(m, "HandoffV2") != 0 ||
      mp::add_layout<python_test::BlockingHandoff>(m, "BlockingHandoff") != 0 ||
      mp::add_layout<python_test::Frame>(m, "Frame") != 0 ||
      mp::add_endpoint<python_test::Proto, "parent">(m, "FrameParent") != 0 ||
      mp::add_endpoint<python_test::Proto, "child">(m, "FrameChild") != 0 ||
      mp::add_layout<python_test::Large>(m, "Large") != 0 ||
      mp::add_layout<python_test::Shapes>(m, "Shapes") != 0 ||
      mp::add_layout<python_test::Counter>(m, "Counter") != 0 ||
      mp::add_layout<python_test::Described>(m, "Described") != 0) {
    return -1;
  }
  return PyModule_AddStringConstant(m, "backend", std::string(mailbox::backend_name).c_str());
}

#if defined(MAILBOX_TEST_EXPECTS_DEBUG_TOKENS)
static_assert(mailbox::debug_tokens,
              "mailbox_test_debug must be built without NDEBUG (MAILBOX_DEBUG_TOKENS on)");
#endif
