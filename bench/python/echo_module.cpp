// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The Python module of the benchmark (the bare C API): Echo and Page; and,
// as the baseline, the native helper a Python peer without the binding
// calls for its state word: load_acquire_u32(address) and
// store_release_u32(address, value), a C function each (METH_FASTCALL, the
// cheapest call CPython makes into C), the fields being left to struct.
#include <mailbox/python.hpp>

#include <atomic>
#include <cstdint>
#include <string>

#include "echo.hpp"

namespace {

std::uint32_t* word_at(PyObject* address) {
  return static_cast<std::uint32_t*>(PyLong_AsVoidPtr(address));
}

PyObject* load_acquire_u32(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 1) return PyErr_Format(PyExc_TypeError, "load_acquire_u32(address)");
  std::uint32_t* word = word_at(args[0]);
  if (word == nullptr) return nullptr;
  return PyLong_FromUnsignedLong(std::atomic_ref<std::uint32_t>(*word).load(std::memory_order_acquire));
}

PyObject* store_release_u32(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) return PyErr_Format(PyExc_TypeError, "store_release_u32(address, value)");
  std::uint32_t* word = word_at(args[0]);
  const unsigned long value = PyLong_AsUnsignedLong(args[1]);
  if (word == nullptr || (value == static_cast<unsigned long>(-1) && PyErr_Occurred())) return nullptr;
  std::atomic_ref<std::uint32_t>(*word).store(static_cast<std::uint32_t>(value), std::memory_order_release);
  Py_RETURN_NONE;
}

PyMethodDef helpers[] = {
    {"load_acquire_u32", mailbox::python::detail::as_method(&load_acquire_u32), METH_FASTCALL,
     "The state word at `address`, acquire-loaded."},
    {"store_release_u32", mailbox::python::detail::as_method(&store_release_u32), METH_FASTCALL,
     "Release-stores `value` into the state word at `address`."},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

MAILBOX_PYTHON_MODULE(mailbox_bench, m) {
  if (mailbox::python::add_layout<bench_python::Echo>(m, "Echo") != 0 ||
      mailbox::python::add_layout<bench_python::Page>(m, "Page") != 0 || PyModule_AddFunctions(m, helpers) != 0) {
    return -1;
  }
  return PyModule_AddStringConstant(m, "backend", std::string(mailbox::backend_name).c_str());
}
