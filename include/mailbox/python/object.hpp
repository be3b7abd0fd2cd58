// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The few CPython C API helpers the binding is built from: an owned
// reference, raising an exception with a message, argument parsing for
// vectorcall methods, and turning a C++ exception into a Python one at the
// boundary. Only <Python.h>: no pybind11, no nanobind, so that a module
// written with either (or with neither) can use the binding.
#pragma once

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "../abi.hpp"

#if PY_VERSION_HEX < 0x03090000
#error "mailbox/python.hpp needs Python 3.9 or later"
#endif

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail {

// An owned (strong) reference, released on destruction. Needs the GIL to be
// destroyed, as every Python object does.
class ref {
 public:
  ref() noexcept = default;
  // Takes over a new reference (may be null: a failed call).
  explicit ref(PyObject* owned) noexcept : object_(owned) {}
  ref(const ref&) = delete;
  ref& operator=(const ref&) = delete;
  ref(ref&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  ref& operator=(ref&& other) noexcept {
    if (this != &other) {
      Py_XDECREF(object_);
      object_ = std::exchange(other.object_, nullptr);
    }
    return *this;
  }
  ~ref() { Py_XDECREF(object_); }

  // A new reference to a borrowed object.
  static ref borrow(PyObject* borrowed) noexcept {
    Py_XINCREF(borrowed);
    return ref(borrowed);
  }

  [[nodiscard]] PyObject* get() const noexcept { return object_; }
  [[nodiscard]] PyObject* release() noexcept { return std::exchange(object_, nullptr); }
  explicit operator bool() const noexcept { return object_ != nullptr; }

 private:
  PyObject* object_ = nullptr;
};

// Who reports an error, for its message: up to three pieces, joined only
// when a message is made, so that the paths that succeed build no strings.
struct who {
  std::string_view first;
  std::string_view second = {};
  std::string_view third = {};

  [[nodiscard]] std::string text() const {
    std::string out;
    out.reserve(first.size() + second.size() + third.size());
    out.append(first).append(second).append(third);
    return out;
  }
};

inline std::string operator+(const who& w, std::string_view tail) { return w.text().append(tail); }

// Sets a Python exception; returns nullptr so that a function can
// `return fail(...)`. The message is copied.
inline PyObject* fail(PyObject* type, const std::string& message) noexcept {
  PyErr_SetString(type, message.c_str());
  return nullptr;
}

// The same for functions that return an int status.
inline int fail_status(PyObject* type, const std::string& message) noexcept {
  PyErr_SetString(type, message.c_str());
  return -1;
}

inline std::string type_name_of(PyObject* value) { return Py_TYPE(value)->tp_name; }

// repr(value) as UTF-8, or a placeholder when repr itself fails (the
// failure is cleared: this is for messages only).
inline std::string repr_of(PyObject* value) {
  ref text(PyObject_Repr(value));
  const char* utf8 = text ? PyUnicode_AsUTF8(text.get()) : nullptr;
  if (utf8 == nullptr) {
    PyErr_Clear();
    return "<" + type_name_of(value) + " object>";
  }
  return utf8;
}

// A str's UTF-8 bytes (cached in the str: no copy), or nullopt-like empty
// data with an exception set.
inline bool utf8_of(PyObject* text, std::string_view& out) noexcept {
  Py_ssize_t length = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text, &length);
  if (data == nullptr) return false;
  out = std::string_view(data, static_cast<std::size_t>(length));
  return true;
}

// Appends an item to a separated list. (Not `(empty ? "" : ", ") + item`:
// GCC 12 with LTO warns falsely about the memcpy of `const char* + string`.)
inline void append_listed(std::string& list, std::string_view item, std::string_view separator) {
  if (!list.empty()) list += separator;
  list += item;
}

// A C++ exception caught at the boundary, as a Python exception. Nothing
// in the binding throws on purpose across it; this covers std::bad_alloc
// from building a message and the library's own exceptions.
inline void set_error_from_exception() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::invalid_argument& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const std::out_of_range& e) {
    PyErr_SetString(PyExc_IndexError, e.what());
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "mailbox: unknown C++ exception");
  }
}

// Runs f() and turns a C++ exception into a Python one: for every function
// CPython calls. `failed` is what the function returns with an exception
// set (nullptr or -1).
template <class R, class F>
R guarded(R failed, F&& f) noexcept {
  try {
    return f();
  } catch (...) {
    set_error_from_exception();
    return failed;
  }
}

// A function with the vectorcall signature that METH_FASTCALL | METH_KEYWORDS
// methods have; cast through void(*)() into PyMethodDef's PyCFunction (the
// cast CPython's own modules make, and that -Wcast-function-type accepts).
using fastcall_function = PyObject* (*)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*);
using noargs_function = PyObject* (*)(PyObject*, PyObject*);

template <class F>
PyCFunction as_method(F function) noexcept {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(function));
}

// Arguments of a METH_FASTCALL | METH_KEYWORDS method, by name: positional
// first, then keywords. `names` lists every parameter; the first `positional`
// of them may be given by position. Missing ones stay null (the caller's
// defaults); an unknown keyword, a duplicate or too many positionals is a
// TypeError naming the method, as Python's own functions say it.
template <std::size_t N>
bool parse_arguments(const char* method, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                     const char* const (&names)[N], std::size_t positional, std::size_t required,
                     PyObject* (&out)[N]) noexcept {
  for (auto& o : out) o = nullptr;
  const auto given = static_cast<std::size_t>(nargs);
  if (given > positional) {
    PyErr_Format(PyExc_TypeError, "%s() takes at most %zu positional arguments (%zu given)", method,
                 positional, given);
    return false;
  }
  for (std::size_t i = 0; i < given; ++i) out[i] = args[i];
  const Py_ssize_t keywords = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t k = 0; k < keywords; ++k) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, k);
    std::string_view name;
    if (!utf8_of(key, name)) return false;
    std::size_t i = 0;
    while (i < N && name != names[i]) ++i;
    if (i == N) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", method, key);
      return false;
    }
    if (out[i] != nullptr) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", method, names[i]);
      return false;
    }
    out[i] = args[nargs + k];
  }
  for (std::size_t i = 0; i < required; ++i) {
    if (out[i] == nullptr) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", method, names[i]);
      return false;
    }
  }
  return true;
}

// The module's exception class `name` (a subclass of `base`), made once per
// module and found there afterwards. Returns a borrowed reference (the
// module holds it), or null with an exception set.
inline PyObject* module_exception(PyObject* module, const char* name, PyObject* base, const char* doc) {
  PyObject* dict = PyModule_GetDict(module);  // borrowed
  if (dict == nullptr) return nullptr;
  if (PyObject* existing = PyDict_GetItemString(dict, name)) return existing;
  const char* module_name = PyModule_GetName(module);
  if (module_name == nullptr) return nullptr;
  const std::string qualified = std::string(module_name) + "." + name;
  ref type(PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr));
  if (!type) return nullptr;
  if (PyDict_SetItemString(dict, name, type.get()) != 0) return nullptr;
  return type.get();  // the module's dict keeps it alive
}

// Releases the GIL for its lifetime.
class gil_released {
 public:
  gil_released() noexcept : state_(PyEval_SaveThread()) {}
  gil_released(const gil_released&) = delete;
  gil_released& operator=(const gil_released&) = delete;
  ~gil_released() { PyEval_RestoreThread(state_); }

 private:
  PyThreadState* state_;
};

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail
