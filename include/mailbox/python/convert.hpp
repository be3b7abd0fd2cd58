// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Conversions between Python values and a member's bytes, driven by its
// field_desc (describe.hpp): no template per field or per user type.
//
// Writing is two steps: the value is converted into a staged_value first,
// which may run Python code (__index__, __float__, a sequence's items, a
// buffer export) and may allocate; only then, after the caller has checked
// that its token still holds the payload, are the bytes copied in. Arrays
// are staged on the heap, whatever their size. Reading copies the member's
// bytes out first, and converts the copy.
//
//   integers           int (anything with __index__); out of range: OverflowError
//   float, double      float (or int, or anything with __float__); beyond float's range: OverflowError
//   enums              int; the layout's state type reads as Name.State (an int)
//   char[N]            str (UTF-8; bytes that are not UTF-8 read as surrogate
//                      escapes and write back unchanged); at most N - 1 bytes,
//                      no NUL: ValueError; the rest is zeroed
//   std::byte[N], unsigned char[N]
//                      bytes; writing takes any bytes-like object of at most
//                      N bytes, the rest is zeroed
//   other 1-D arrays   a list of numbers; writing takes a sequence of exactly N
//   anything else      (structs, multi-dimensional arrays) bytes of exactly its size
// A wrong Python type raises TypeError; every message names the field.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "../abi.hpp"
#include "describe.hpp"
#include "object.hpp"
#include "states.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// Where a conversion happens, for its message; made into text only when
// there is an error.
struct place {
  std::string_view layout;
  const field_desc* field;
  Py_ssize_t index = -1;

  [[nodiscard]] std::string text() const {
    std::string out = std::string(layout) + " field '" + std::string(field->name) + "'";
    if (index >= 0) out += "[" + std::to_string(index) + "]";
    return out + " (" + type_text(*field) + ")";
  }
};

namespace detail {

inline bool out_of_range(const place& where, PyObject* value, const std::string& range) {
  fail(PyExc_OverflowError, where.text() + ": " + repr_of(value) + " is out of range" + range);
  return false;
}

// An integer of `size` bytes (1, 2, 4, 8) in native byte order: its low
// bits stored, and loaded zero-extended.
[[gnu::always_inline]] inline void store_bits(std::byte* out, std::uint64_t bits, std::size_t size) noexcept {
  switch (size) {
    case 1: {
      const auto v = static_cast<std::uint8_t>(bits);
      std::memcpy(out, &v, 1);
      break;
    }
    case 2: {
      const auto v = static_cast<std::uint16_t>(bits);
      std::memcpy(out, &v, 2);
      break;
    }
    case 4: {
      const auto v = static_cast<std::uint32_t>(bits);
      std::memcpy(out, &v, 4);
      break;
    }
    default:
      std::memcpy(out, &bits, 8);
      break;
  }
}

[[gnu::always_inline]] inline std::uint64_t load_bits(const std::byte* in, std::size_t size) noexcept {
  switch (size) {
    case 1: {
      std::uint8_t v;
      std::memcpy(&v, in, 1);
      return v;
    }
    case 2: {
      std::uint16_t v;
      std::memcpy(&v, in, 2);
      return v;
    }
    case 4: {
      std::uint32_t v;
      std::memcpy(&v, in, 4);
      return v;
    }
    default: {
      std::uint64_t v;
      std::memcpy(&v, in, 8);
      return v;
    }
  }
}

// One integer element of `size` bytes (1, 2, 4, 8), range-checked, stored
// at `out` in native byte order.
inline bool integer_into(PyObject* value, bool is_signed, std::size_t size, std::byte* out,
                         const place& where) {
  ref index;
  PyObject* number = value;
  if (!PyLong_Check(value)) {  // an int or a subclass (State) is read as it is: no Python code runs
    if (PyFloat_Check(value) || !PyIndex_Check(value)) {
      fail(PyExc_TypeError, where.text() + " takes an int, got " + type_name_of(value));
      return false;
    }
    index = ref(PyNumber_Index(value));
    if (!index) return false;
    number = index.get();
  }
  const auto range = [&] {
    if (is_signed) {
      const long long low = size == 8 ? std::numeric_limits<long long>::min() : -(1ll << (size * 8 - 1));
      const long long high = size == 8 ? std::numeric_limits<long long>::max() : (1ll << (size * 8 - 1)) - 1;
      return " [" + std::to_string(low) + ", " + std::to_string(high) + "]";
    }
    const unsigned long long high = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
    return " [0, " + std::to_string(high) + "]";
  };
  int overflow = 0;
  const long long small = PyLong_AsLongLongAndOverflow(number, &overflow);
  if (small == -1 && PyErr_Occurred()) return false;
  std::uint64_t bits = 0;
  if (overflow != 0) {
    if (overflow < 0 || is_signed || size != 8) return out_of_range(where, value, range());
    const unsigned long long large = PyLong_AsUnsignedLongLong(number);
    if (large == ~0ull && PyErr_Occurred()) {
      PyErr_Clear();
      return out_of_range(where, value, range());
    }
    bits = large;
  } else if (is_signed) {
    if (size < 8 && (small < -(1ll << (size * 8 - 1)) || small > (1ll << (size * 8 - 1)) - 1)) {
      return out_of_range(where, value, range());
    }
    bits = static_cast<std::uint64_t>(small);
  } else {
    if (small < 0 || (size < 8 && static_cast<unsigned long long>(small) > (1ull << (size * 8)) - 1)) {
      return out_of_range(where, value, range());
    }
    bits = static_cast<std::uint64_t>(small);
  }
  store_bits(out, bits, size);
  return true;
}

inline bool float_into(PyObject* value, std::size_t size, std::byte* out, const place& where) {
  double d = 0;
  if (PyFloat_CheckExact(value)) {
    d = PyFloat_AS_DOUBLE(value);
  } else {
    const PyNumberMethods* number = Py_TYPE(value)->tp_as_number;
    if (!PyFloat_Check(value) && !PyLong_Check(value) &&
        !(number != nullptr && number->nb_float != nullptr)) {
      fail(PyExc_TypeError, where.text() + " takes a float, got " + type_name_of(value));
      return false;
    }
    d = PyFloat_AsDouble(value);
    if (d == -1.0 && PyErr_Occurred()) {
      if (!PyErr_ExceptionMatches(PyExc_OverflowError)) return false;
      PyErr_Clear();
      return out_of_range(where, value, "");
    }
  }
  if (size == 4) {
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
      return out_of_range(where, value, "");
    }
    const auto f = static_cast<float>(d);
    std::memcpy(out, &f, sizeof f);
  } else {
    std::memcpy(out, &d, sizeof d);
  }
  return true;
}

inline bool number_into(PyObject* value, const field_desc& d, std::byte* out, const place& where) {
  if (d.kind == element_kind::floating) return float_into(value, d.element_size, out, where);
  return integer_into(value, d.kind == element_kind::signed_integer, d.element_size, out, where);
}

inline PyObject* number_from(const field_desc& d, const std::byte* in, const state_codec& states) noexcept {
  if (d.kind == element_kind::floating) {
    if (d.element_size == 4) {
      float f;
      std::memcpy(&f, in, sizeof f);
      return PyFloat_FromDouble(f);
    }
    double v;
    std::memcpy(&v, in, sizeof v);
    return PyFloat_FromDouble(v);
  }
  const std::uint64_t bits = load_bits(in, d.element_size);
  if (d.is_state_type) return states.to_python(bits);
  if (d.kind == element_kind::unsigned_integer) return PyLong_FromUnsignedLongLong(bits);
  const int shift = static_cast<int>(64 - d.element_size * 8);
  // Sign-extends the element's bits.
  return PyLong_FromLongLong(static_cast<long long>(bits << shift) >> shift);
}

// The elements of a numeric array into a new list's slots: one loop per
// element type, the common ones without a switch per element.
template <class E>
bool fill_list(const std::byte* in, std::size_t count, PyObject* list) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    E v;
    std::memcpy(&v, in + i * sizeof(E), sizeof(E));
    PyObject* item = nullptr;
    if constexpr (std::is_floating_point_v<E>) {
      item = PyFloat_FromDouble(static_cast<double>(v));
    } else if constexpr (std::is_signed_v<E>) {
      item = PyLong_FromLongLong(v);
    } else {
      item = PyLong_FromUnsignedLongLong(v);
    }
    if (item == nullptr) return false;
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
  }
  return true;
}

inline bool numbers_into_list(const field_desc& d, const std::byte* in, const state_codec& states,
                              PyObject* list) {
  if (!d.is_state_type) {
    const bool is_signed = d.kind == element_kind::signed_integer;
    if (d.kind == element_kind::floating) {
      return d.element_size == 4 ? fill_list<float>(in, d.count, list) : fill_list<double>(in, d.count, list);
    }
    switch (d.element_size) {
      case 1:
        return is_signed ? fill_list<std::int8_t>(in, d.count, list)
                         : fill_list<std::uint8_t>(in, d.count, list);
      case 2:
        return is_signed ? fill_list<std::int16_t>(in, d.count, list)
                         : fill_list<std::uint16_t>(in, d.count, list);
      case 4:
        return is_signed ? fill_list<std::int32_t>(in, d.count, list)
                         : fill_list<std::uint32_t>(in, d.count, list);
      default:
        return is_signed ? fill_list<std::int64_t>(in, d.count, list)
                         : fill_list<std::uint64_t>(in, d.count, list);
    }
  }
  for (std::size_t i = 0; i < d.count; ++i) {
    PyObject* item = number_from(d, in + i * d.element_size, states);
    if (item == nullptr) return false;
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
  }
  return true;
}

// A bytes-like object's bytes, held exported until destruction.
class bytes_source {
 public:
  bytes_source() noexcept = default;
  bytes_source(const bytes_source&) = delete;
  bytes_source& operator=(const bytes_source&) = delete;
  ~bytes_source() {
    if (held_) PyBuffer_Release(&view_);
  }

  bool open(PyObject* value, const place& where) {
    if (PyUnicode_Check(value) || !PyObject_CheckBuffer(value)) {
      fail(PyExc_TypeError,
           where.text() + " takes bytes (or another bytes-like object), got " + type_name_of(value));
      return false;
    }
    if (PyObject_GetBuffer(value, &view_, PyBUF_SIMPLE) != 0) return false;
    held_ = true;
    return true;
  }
  [[nodiscard]] const std::byte* data() const noexcept { return static_cast<const std::byte*>(view_.buf); }
  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(view_.len); }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

}  // namespace detail

// A value converted for one member and not yet stored: the bytes to copy
// and how many of the member's bytes they fill (the rest is zeroed).
class staged_value {
 public:
  staged_value() noexcept = default;
  staged_value(const staged_value&) = delete;
  staged_value& operator=(const staged_value&) = delete;

  // Converts `value` for member `d`. False with a Python exception set.
  bool stage(const field_desc& d, PyObject* value, const place& where) {
    switch (d.shape) {
      case field_shape::scalar:
        data_ = bytes_for(d.size);
        length_ = d.size;
        return detail::number_into(value, d, own_, where);
      case field_shape::text:
        return stage_text(d, value, where);
      case field_shape::bytes:
        if (!source_.open(value, where)) return false;
        if (source_.size() > d.size) {
          detail::fail(PyExc_ValueError, where.text() + " holds at most " + std::to_string(d.size) +
                                             " bytes, got " + std::to_string(source_.size()));
          return false;
        }
        data_ = source_.data();
        length_ = source_.size();
        return true;
      case field_shape::numbers:
        return stage_numbers(d, value, where);
      case field_shape::opaque:
        if (!source_.open(value, where)) return false;
        if (source_.size() != d.size) {
          detail::fail(PyExc_ValueError, where.text() + " takes exactly " + std::to_string(d.size) +
                                             " bytes, got " + std::to_string(source_.size()));
          return false;
        }
        data_ = source_.data();
        length_ = source_.size();
        return true;
    }
    return false;
  }

  // Stores the staged bytes into the member at `target` (d.size bytes) and
  // zeroes what they do not fill. memmove: a bytes-like source may be a view
  // of this very member.
  void store(std::byte* target, std::size_t size) const noexcept {
    std::memmove(target, data_, length_);
    if (length_ < size) std::memset(target + length_, 0, size - length_);
  }

 private:
  std::byte* bytes_for(std::size_t n) {
    if (n <= sizeof small_) {
      own_ = small_;
    } else {
      heap_ = std::make_unique<std::byte[]>(n);  // arrays: never on the stack
      own_ = heap_.get();
    }
    return own_;
  }

  bool stage_text(const field_desc& d, PyObject* value, const place& where) {
    if (PyUnicode_Check(value)) {
      encoded_ = detail::ref(PyUnicode_AsEncodedString(value, "utf-8", "surrogateescape"));
      if (!encoded_) return false;
    } else if (PyBytes_Check(value)) {
      encoded_ = detail::ref::borrow(value);
    } else {
      detail::fail(PyExc_TypeError, where.text() + " takes a str, got " + detail::type_name_of(value));
      return false;
    }
    const std::string_view text(PyBytes_AS_STRING(encoded_.get()),
                                static_cast<std::size_t>(PyBytes_GET_SIZE(encoded_.get())));
    if (text.find('\0') != std::string_view::npos) {
      detail::fail(PyExc_ValueError, where.text() + ": the text contains a NUL character");
      return false;
    }
    if (text.size() > d.size - 1) {
      detail::fail(PyExc_ValueError, where.text() + " holds at most " + std::to_string(d.size - 1) +
                                         " bytes of UTF-8 (and its NUL), got " + std::to_string(text.size()));
      return false;
    }
    data_ = reinterpret_cast<const std::byte*>(text.data());
    length_ = text.size();
    return true;
  }

  bool stage_numbers(const field_desc& d, PyObject* value, const place& where) {
    if (PyUnicode_Check(value) || PyBytes_Check(value) || !PySequence_Check(value)) {
      detail::fail(PyExc_TypeError, where.text() + " takes a sequence of " + std::to_string(d.count) +
                                        " numbers, got " + detail::type_name_of(value));
      return false;
    }
    detail::ref items(PySequence_Fast(value, "not a sequence"));
    if (!items) return false;
    const auto length = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(items.get()));
    if (length != d.count) {
      detail::fail(PyExc_ValueError, where.text() + " takes exactly " + std::to_string(d.count) +
                                         " numbers, got " + std::to_string(length));
      return false;
    }
    std::byte* out = bytes_for(d.size);
    PyObject** elements = PySequence_Fast_ITEMS(items.get());
    place element = where;
    // Every element converted before any is stored: a bad one changes nothing.
    for (std::size_t i = 0; i < d.count; ++i) {
      element.index = static_cast<Py_ssize_t>(i);
      if (!detail::number_into(elements[i], d, out + i * d.element_size, element)) return false;
    }
    data_ = out;
    length_ = d.size;
    return true;
  }

  alignas(8) std::byte small_[64];
  std::unique_ptr<std::byte[]> heap_;
  std::byte* own_ = nullptr;
  detail::bytes_source source_;
  detail::ref encoded_;
  const std::byte* data_ = nullptr;
  std::size_t length_ = 0;
};

// A member's value from a copy of its bytes (`bytes`: d.size of them).
inline PyObject* value_from(const field_desc& d, const std::byte* bytes, const state_codec& states) {
  switch (d.shape) {
    case field_shape::scalar:
      return detail::number_from(d, bytes, states);
    case field_shape::text: {
      const void* end = std::memchr(bytes, 0, d.size);
      const std::size_t length =
          end == nullptr ? d.size : static_cast<std::size_t>(static_cast<const std::byte*>(end) - bytes);
      return PyUnicode_DecodeUTF8(reinterpret_cast<const char*>(bytes), static_cast<Py_ssize_t>(length),
                                  "surrogateescape");
    }
    case field_shape::numbers: {
      detail::ref list(PyList_New(static_cast<Py_ssize_t>(d.count)));
      if (!list) return nullptr;
      if (!detail::numbers_into_list(d, bytes, states, list.get())) return nullptr;
      return list.release();
    }
    case field_shape::bytes:
    case field_shape::opaque:
      return PyBytes_FromStringAndSize(reinterpret_cast<const char*>(bytes), static_cast<Py_ssize_t>(d.size));
  }
  return nullptr;
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
