// mailbox::python::bind_layout: a layout exposed to Python through pybind11,
// from its one C++ declaration, with every state word access made by the
// same C++ backend as on the C++ side (acquire-load, release-store), and
// every payload access made through the library's token.
//
//   PYBIND11_MODULE(frames, m) {
//     pybind11::enum_<S>(m, "S").value("idle", S::idle) /* ... */;
//     mailbox::python::bind_layout<Frame, /*version*/ 3>(m, "Frame");
//   }
//
//   box = frames.Frame(shm.buf)                  # a view; writes nothing
//   t = box.acquire(frames.S.task_ready, timeout=2.0)
//   t["error"] = 0; msg = t["error_msg"]
//   t.publish(frames.S.task_done)                # the token is spent
//
// Not part of the umbrella header: only code that includes this header
// depends on pybind11 and Python.
// Build the module with pybind11_add_module (or -fvisibility=hidden), as
// pybind11 requires.
//
// What Python sees:
//   Name(buffer, offset=0)   a view over any writable contiguous buffer
//                            (bytearray, mmap.mmap, SharedMemory.buf); it
//                            holds a buffer export, so the memory cannot be
//                            unmapped or resized under it (mmap.close() and
//                            SharedMemory.close() raise BufferError until the
//                            view and its tokens are gone).
//   Name.initialize(buffer, state, offset=0)
//   Name.initialize_with_header(buffer, state, offset=0)
//   Name.attach_with_header(buffer, timeout=0.0, offset=0)
//   Name.size, .alignment, .fingerprint, .version, .fields ({name: (offset,
//     size)}), .header_size, .size_with_header, .state_name, .json
//   view.state(), view.try_acquire(state), view.acquire(state, timeout=None,
//     alive=None), view.acquire_any(states, timeout=None, alive=None)
//   exceptions in the module: HeaderError(ValueError), its subclass
//     FingerprintMismatch (.expected, .found), PeerGone(RuntimeError)
//   view.raise_flag(name), view.is_raised(name), view.clear_flag(name),
//   view.try_transition(from, to)        (layouts with flags / protocol support)
//   token[name], token[name] = value, token.publish(state), token.state,
//   token.published, token.keys()
//
// bind_endpoint<Protocol, "role", Version>(m, "Name") adds one role of a
// protocol: Name(view) with state(), try_acquire, acquire, acquire_any,
// try_transition, whose tokens raise ProtocolError where mailbox::endpoint
// would not compile (see bind_endpoint below).
//
// Conversions, both ways, by the field's C++ type:
//   integers           int (anything with __index__); out of range: OverflowError
//   bool               bool (or the ints 0 and 1)
//   float, double      float (or int); beyond float's range: OverflowError
//   enums              the pybind11-bound enum if there is one, else int;
//                      assigning accepts the bound enum or an int
//   char[N]            str (UTF-8; bytes that are not UTF-8 read as
//                      surrogate escapes and write back unchanged); at most
//                      N - 1 bytes, no NUL: ValueError; the rest is zeroed
//   std::byte[N], unsigned char[N]
//                      bytes; assigning takes any bytes-like object of at
//                      most N bytes, the rest is zeroed
//   other 1-D arrays   a list of numbers; assigning takes a sequence of
//                      exactly N of them (all converted before any is stored)
//   anything else      (structs, pointers, multi-dimensional arrays) bytes of
//                      exactly sizeof(T)
// A wrong Python type raises TypeError; every message names the field.
#pragma once

#include <pybind11/pybind11.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "abi.hpp"
#include "export.hpp"
#include "fingerprint.hpp"
#include "layout.hpp"
#include "protocol.hpp"
#include "view.hpp"
#include "wait.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

namespace detail {

namespace py = pybind11;

// Raises a Python exception of `type` from C++ code that pybind11 called.
[[noreturn]] inline void raise(PyObject* type, const std::string& message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

inline std::string type_name_of(py::handle value) { return Py_TYPE(value.ptr())->tp_name; }

inline std::string repr_of(py::handle value) { return py::repr(value); }

// Appends an item to a separated list. (Not `(empty ? "" : ", ") + item`:
// GCC 12 with LTO warns falsely about the memcpy of `const char* + string`.)
inline void append_listed(std::string& list, std::string_view item, std::string_view separator) {
  if (!list.empty()) list += separator;
  list += item;
}

// The C++ type of a field as its error messages spell it: int32, uint64[16],
// char[256], float64, struct of 48 bytes.
template <class T>
std::string type_name() {
  using E = std::remove_all_extents_t<T>;
  std::string out;
  if constexpr (std::is_same_v<E, bool>) {
    out = "bool";
  } else if constexpr (std::is_same_v<E, char>) {
    out = "char";
  } else if constexpr (std::is_same_v<E, std::byte>) {
    out = "byte";
  } else if constexpr (std::is_enum_v<E>) {
    out = "enum of " + type_name<std::underlying_type_t<E>>();
  } else if constexpr (std::is_floating_point_v<E>) {
    out = "float" + std::to_string(sizeof(E) * 8);
  } else if constexpr (std::is_integral_v<E>) {
    out = (std::is_signed_v<E> ? "int" : "uint") + std::to_string(sizeof(E) * 8);
  } else if constexpr (std::is_pointer_v<E>) {
    out = "pointer";
  } else {
    out = "struct of " + std::to_string(sizeof(E)) + " bytes";
  }
  [&]<std::size_t... D>(std::index_sequence<D...>) {
    ((out += "[" + std::to_string(std::extent_v<T, D>) + "]"), ...);
  }
  (std::make_index_sequence<std::rank_v<T>>{});
  return out;
}

// Where a conversion happens, for its error message; built into text only
// when there is an error.
struct place {
  std::string_view layout;
  std::string_view field;
  std::string (*type)();
  std::ptrdiff_t index = -1;

  [[nodiscard]] std::string text() const {
    std::string out = std::string(layout) + " field '" + std::string(field) + "'";
    if (index >= 0) out += "[" + std::to_string(index) + "]";
    return out + " (" + type() + ")";
  }
};

// --- Python values to C++ scalars, range-checked ------------------------

template <class T>
T integer_from(py::handle value, const place& where) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (PyFloat_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    raise(PyExc_TypeError, where.text() + " takes an int, got " + type_name_of(value));
  }
  const auto index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  const auto out_of_range = [&] {
    raise(PyExc_OverflowError, where.text() + ": " + repr_of(value) + " is out of range [" +
                                   std::to_string(std::numeric_limits<T>::min()) + ", " +
                                   std::to_string(std::numeric_limits<T>::max()) + "]");
  };
  int overflow = 0;
  const long long small = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (small == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (overflow == 0) {
    if constexpr (std::is_signed_v<T>) {
      if (small < static_cast<long long>(std::numeric_limits<T>::min()) ||
          small > static_cast<long long>(std::numeric_limits<T>::max())) {
        out_of_range();
      }
    } else {
      if (small < 0 || static_cast<unsigned long long>(small) > std::numeric_limits<T>::max()) out_of_range();
    }
    return static_cast<T>(small);
  }
  if constexpr (std::is_unsigned_v<T> && sizeof(T) == sizeof(unsigned long long)) {
    if (overflow > 0) {
      const unsigned long long large = PyLong_AsUnsignedLongLong(index.ptr());
      if (large == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        out_of_range();
      }
      return static_cast<T>(large);
    }
  }
  out_of_range();
  return T{};  // not reached: out_of_range raises
}

template <class T>
T float_from(py::handle value, const place& where) {
  if (!PyFloat_Check(value.ptr()) && !PyLong_Check(value.ptr()) &&
      !(Py_TYPE(value.ptr())->tp_as_number != nullptr && Py_TYPE(value.ptr())->tp_as_number->nb_float)) {
    raise(PyExc_TypeError, where.text() + " takes a float, got " + type_name_of(value));
  }
  const double d = PyFloat_AsDouble(value.ptr());
  if (d == -1.0 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
      PyErr_Clear();
      raise(PyExc_OverflowError, where.text() + ": " + repr_of(value) + " is out of range");
    }
    throw py::error_already_set();
  }
  if constexpr (sizeof(T) < sizeof(double)) {
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
      raise(PyExc_OverflowError, where.text() + ": " + repr_of(value) + " is out of range");
    }
  }
  return static_cast<T>(d);
}

// The Python type pybind11 bound for a C++ type, or nullptr.
template <class T>
PyTypeObject* bound_type() {
  const py::detail::type_info* info = py::detail::get_type_info(typeid(T));
  return info == nullptr ? nullptr : info->type;
}

template <class E>
E enum_from(py::handle value, const place& where) {
  if (PyTypeObject* type = bound_type<E>()) {
    const int is_instance = PyObject_IsInstance(value.ptr(), reinterpret_cast<PyObject*>(type));
    if (is_instance < 0) throw py::error_already_set();
    if (is_instance == 1) return value.cast<E>();
    if (!PyLong_Check(value.ptr())) {
      raise(PyExc_TypeError, where.text() + " takes a " + std::string(type->tp_name) + " or an int, got " +
                                 type_name_of(value));
    }
  }
  return static_cast<E>(integer_from<std::underlying_type_t<E>>(value, where));
}

template <class T>
inline constexpr bool is_python_scalar_v = std::is_arithmetic_v<T> ||
                                           (std::is_enum_v<T> && !std::is_same_v<T, std::byte>);

template <class T>
T scalar_from(py::handle value, const place& where) {
  if constexpr (std::is_same_v<T, bool>) {
    if (PyBool_Check(value.ptr())) return value.ptr() == Py_True;
    if (PyLong_Check(value.ptr())) {
      const auto v = integer_from<long long>(value, where);
      if (v == 0 || v == 1) return v == 1;
      raise(PyExc_OverflowError,
            where.text() + ": " + repr_of(value) + " is not a bool (True, False, 0 or 1)");
    }
    raise(PyExc_TypeError, where.text() + " takes a bool, got " + type_name_of(value));
  } else if constexpr (std::is_enum_v<T>) {
    return enum_from<T>(value, where);
  } else if constexpr (std::is_integral_v<T>) {
    return integer_from<T>(value, where);
  } else {
    static_assert(std::is_floating_point_v<T>);
    return float_from<T>(value, where);
  }
}

// The member of the bound enum for a value. pybind11 makes a new instance on
// every cast (an allocation and an entry in its instance registry, which
// made state() cost several times a field read); the members listed in
// __members__ are made once and handed out again.
template <class E>
py::object enum_member(E value, PyTypeObject* type) {
  struct members {
    PyTypeObject* type = nullptr;
    std::vector<std::pair<E, PyObject*>> objects;  // strong references
  };
  // Leaked on purpose: it holds Python objects, which must not be released
  // after the interpreter has finalised.
  static members* const cache = new members;
  if (cache->type != type) {
    cache->objects.clear();
    for (const auto& item : py::reinterpret_borrow<py::dict>(
             py::handle(reinterpret_cast<PyObject*>(type)).attr("__members__"))) {
      cache->objects.emplace_back(item.second.cast<E>(), item.second.inc_ref().ptr());
    }
    cache->type = type;
  }
  for (const auto& [v, object] : cache->objects) {
    if (v == value) return py::reinterpret_borrow<py::object>(object);
  }
  return py::cast(value);  // a value the enum does not name
}

template <class T>
py::object scalar_to(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return py::bool_(value);
  } else if constexpr (std::is_enum_v<T>) {
    if (PyTypeObject* type = bound_type<T>()) return enum_member(value, type);
    return py::int_(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_integral_v<T>) {
    return py::int_(value);
  } else {
    return py::float_(static_cast<double>(value));
  }
}

// A writable or readable contiguous buffer export, released on destruction
// (the exporter stays alive as long as the export: Py_buffer owns a
// reference to it). Needs the GIL to be made and destroyed.
class buffer_export {
 public:
  buffer_export(py::handle object, int flags) {
    if (PyObject_GetBuffer(object.ptr(), &view_, flags) != 0) throw py::error_already_set();
  }
  buffer_export(const buffer_export&) = delete;
  buffer_export& operator=(const buffer_export&) = delete;
  ~buffer_export() { PyBuffer_Release(&view_); }

  [[nodiscard]] std::span<std::byte> bytes() const noexcept {
    return {static_cast<std::byte*>(view_.buf), static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
};

// The buffer a view is made on: writable and contiguous, or a TypeError
// that says what would do.
inline std::unique_ptr<buffer_export> writable_buffer(py::handle object, std::string_view layout) {
  if (!PyObject_CheckBuffer(object.ptr())) {
    raise(PyExc_TypeError, std::string(layout) +
                               ": needs a writable buffer (bytearray, mmap.mmap, "
                               "multiprocessing.shared_memory.SharedMemory.buf), got " +
                               type_name_of(object));
  }
  try {
    return std::make_unique<buffer_export>(object, PyBUF_WRITABLE);  // PyBUF_SIMPLE: contiguous bytes
  } catch (py::error_already_set& e) {
    raise(PyExc_TypeError, std::string(layout) + ": needs a writable, contiguous buffer; " +
                               type_name_of(object) + " refused: " + e.what());
  }
}

inline std::span<std::byte> at_offset(std::span<std::byte> bytes, py::ssize_t offset,
                                      std::string_view layout) {
  if (offset < 0 || static_cast<std::size_t>(offset) > bytes.size()) {
    raise(PyExc_ValueError, std::string(layout) + ": offset " + std::to_string(offset) +
                                " is outside the buffer of " + std::to_string(bytes.size()) + " bytes");
  }
  return bytes.subspan(static_cast<std::size_t>(offset));
}

// A timeout in seconds (None: forever) as a deadline.
inline deadline deadline_after(py::handle timeout, std::string_view who) {
  if (timeout.is_none()) return no_deadline;
  if (!PyFloat_Check(timeout.ptr()) && !PyLong_Check(timeout.ptr())) {
    raise(PyExc_TypeError,
          std::string(who) + ": timeout must be a number of seconds or None, got " + type_name_of(timeout));
  }
  const double seconds = PyFloat_AsDouble(timeout.ptr());
  if (seconds == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  if (std::isnan(seconds)) raise(PyExc_ValueError, std::string(who) + ": timeout is NaN");
  // Beyond a century the arithmetic below could overflow; it is forever.
  if (seconds > 3.0e9) return no_deadline;
  const auto span =
      std::chrono::duration_cast<wait_clock::duration>(std::chrono::duration<double>(std::max(seconds, 0.0)));
  return wait_clock::now() + span;
}

// A wait releases the GIL for at most this long at a time, then takes it
// back to let Python run its signal handlers (Ctrl-C: KeyboardInterrupt).
inline constexpr std::chrono::milliseconds signal_check_interval{20};

// A wait first spins this long holding the GIL: releasing and retaking it
// costs more than a busy peer takes to answer.
inline constexpr std::chrono::microseconds spin_holding_gil{20};

// A module-level exception class, made once per module.
inline py::object module_exception(py::module_& m, const char* name, py::handle base, const char* doc) {
  if (py::hasattr(m, name)) return m.attr(name);
  const std::string qualified = py::str(m.attr("__name__")).cast<std::string>() + "." + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  auto owned = py::reinterpret_steal<py::object>(type);
  m.attr(name) = owned;
  return owned;
}

template <class Layout>
using token_of = typename Mailbox<Layout>::token;

// How Python reads and writes one payload field, through the token's typed
// accessors.
template <class Layout>
struct field_access {
  std::string_view name;
  std::string (*type)();
  py::object (*get)(token_of<Layout>& token);
  void (*set)(token_of<Layout>& token, py::handle value, const place& where);
};

enum class field_shape { scalar, text, bytes, numbers, opaque };

template <class T>
constexpr field_shape shape_of() {
  if constexpr (std::rank_v<T> == 0) {
    return is_python_scalar_v<T> ? field_shape::scalar : field_shape::opaque;
  } else if constexpr (std::rank_v<T> > 1) {
    return field_shape::opaque;
  } else {
    using E = std::remove_extent_t<T>;
    if constexpr (std::is_same_v<E, char>) {
      return field_shape::text;
    } else if constexpr (std::is_same_v<E, std::byte> || std::is_same_v<E, unsigned char>) {
      return field_shape::bytes;
    } else if constexpr (is_python_scalar_v<E>) {
      return field_shape::numbers;
    } else {
      return field_shape::opaque;
    }
  }
}

// A bytes-like object's bytes; TypeError naming the field otherwise.
inline std::unique_ptr<buffer_export> readable_bytes(py::handle value, const place& where) {
  if (PyUnicode_Check(value.ptr()) || !PyObject_CheckBuffer(value.ptr())) {
    raise(PyExc_TypeError,
          where.text() + " takes bytes (or another bytes-like object), got " + type_name_of(value));
  }
  return std::make_unique<buffer_export>(value, PyBUF_SIMPLE);
}

template <class Layout, class Decl>
field_access<Layout> make_field_access() {
  using T = typename Decl::type;
  using token = token_of<Layout>;
  field_access<Layout> access{Decl::name.view(), &type_name<T>, nullptr, nullptr};
  constexpr field_shape shape = shape_of<T>();
  if constexpr (shape == field_shape::scalar) {
    access.get = [](token& t) { return scalar_to<T>(t.template get<Decl::name>()); };
    access.set = [](token& t, py::handle value, const place& where) {
      t.template set<Decl::name>(scalar_from<T>(value, where));
    };
  } else if constexpr (shape == field_shape::text) {
    access.get = [](token& t) -> py::object {
      // text() is a std::string_view or (after the token hardening) a copy
      // with data() and size(): either reads the same here.
      const auto text = t.template text<Decl::name>();
      PyObject* decoded =
          PyUnicode_DecodeUTF8(text.data(), static_cast<py::ssize_t>(text.size()), "surrogateescape");
      if (decoded == nullptr) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(decoded);
    };
    access.set = [](token& t, py::handle value, const place& where) {
      constexpr std::size_t capacity = std::extent_v<T>;
      py::object encoded;
      if (PyUnicode_Check(value.ptr())) {
        encoded = py::reinterpret_steal<py::object>(
            PyUnicode_AsEncodedString(value.ptr(), "utf-8", "surrogateescape"));
        if (!encoded) throw py::error_already_set();
      } else if (PyBytes_Check(value.ptr())) {
        encoded = py::reinterpret_borrow<py::object>(value);
      } else {
        raise(PyExc_TypeError, where.text() + " takes a str, got " + type_name_of(value));
      }
      char* data = nullptr;
      py::ssize_t length = 0;
      if (PyBytes_AsStringAndSize(encoded.ptr(), &data, &length) != 0) throw py::error_already_set();
      const std::string_view text(data, static_cast<std::size_t>(length));
      if (text.find('\0') != std::string_view::npos) {
        raise(PyExc_ValueError, where.text() + ": the text contains a NUL character");
      }
      if (text.size() > capacity - 1) {
        raise(PyExc_ValueError, where.text() + " holds at most " + std::to_string(capacity - 1) +
                                    " bytes of UTF-8 (and its NUL), got " + std::to_string(text.size()));
      }
      t.template set_text<Decl::name>(text);
    };
  } else if constexpr (shape == field_shape::bytes) {
    access.get = [](token& t) -> py::object {
      const auto span = std::as_const(t).template span<Decl::name>();
      return py::bytes(reinterpret_cast<const char*>(span.data()), span.size());
    };
    access.set = [](token& t, py::handle value, const place& where) {
      const auto source = readable_bytes(value, where);
      const auto target = t.template span<Decl::name>();
      if (source->bytes().size() > target.size()) {
        raise(PyExc_ValueError, where.text() + " holds at most " + std::to_string(target.size()) +
                                    " bytes, got " + std::to_string(source->bytes().size()));
      }
      std::memcpy(target.data(), source->bytes().data(), source->bytes().size());
      std::memset(target.data() + source->bytes().size(), 0, target.size() - source->bytes().size());
    };
  } else if constexpr (shape == field_shape::numbers) {
    using E = std::remove_extent_t<T>;
    access.get = [](token& t) -> py::object {
      const auto span = std::as_const(t).template span<Decl::name>();
      py::list out(span.size());
      for (std::size_t i = 0; i < span.size(); ++i) out[i] = scalar_to<E>(span[i]);
      return out;
    };
    access.set = [](token& t, py::handle value, const place& where) {
      constexpr std::size_t count = std::extent_v<T>;
      if (PyUnicode_Check(value.ptr()) || PyBytes_Check(value.ptr()) || !PySequence_Check(value.ptr())) {
        raise(PyExc_TypeError, where.text() + " takes a sequence of " + std::to_string(count) +
                                   " numbers, got " + type_name_of(value));
      }
      const auto items = py::reinterpret_steal<py::object>(PySequence_Fast(value.ptr(), "not a sequence"));
      if (!items) throw py::error_already_set();
      const auto length = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(items.ptr()));
      if (length != count) {
        raise(PyExc_ValueError, where.text() + " takes exactly " + std::to_string(count) + " numbers, got " +
                                    std::to_string(length));
      }
      // Every element converted before any is stored: a bad one changes nothing.
      E converted[count];
      PyObject** elements = PySequence_Fast_ITEMS(items.ptr());
      for (std::size_t i = 0; i < count; ++i) {
        place element = where;
        element.index = static_cast<std::ptrdiff_t>(i);
        element.type = &type_name<E>;
        converted[i] = scalar_from<E>(elements[i], element);
      }
      const auto target = t.template span<Decl::name>();
      std::copy_n(converted, count, target.begin());
    };
  } else {
    // Structs, pointers and multi-dimensional arrays: their bytes, whole.
    access.get = [](token& t) -> py::object {
      if constexpr (std::rank_v<T> == 0) {
        const T value = t.template get<Decl::name>();
        return py::bytes(reinterpret_cast<const char*>(&value), sizeof value);
      } else {
        const auto elements = std::as_const(t).template span<Decl::name>();
        return py::bytes(reinterpret_cast<const char*>(elements.data()), sizeof(T));
      }
    };
    access.set = [](token& t, py::handle value, const place& where) {
      const auto source = readable_bytes(value, where);
      if (source->bytes().size() != sizeof(T)) {
        raise(PyExc_ValueError, where.text() + " takes exactly " + std::to_string(sizeof(T)) +
                                    " bytes, got " + std::to_string(source->bytes().size()));
      }
      if constexpr (std::rank_v<T> == 0) {
        T value;
        std::memcpy(&value, source->bytes().data(), sizeof value);
        t.template set<Decl::name>(value);
      } else {
        const auto elements = t.template span<Decl::name>();
        std::memcpy(elements.data(), source->bytes().data(), sizeof(T));
      }
    };
  }
  return access;
}

// Every payload field of the layout (common, in an overlay; not the state
// word, not the flags), in declaration order.
template <class Layout>
const std::vector<field_access<Layout>>& payload_fields() {
  static const std::vector<field_access<Layout>> table = [] {
    std::vector<field_access<Layout>> out;
    Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
      if constexpr (Layout::template has_payload<Decl::name>)
        out.push_back(make_field_access<Layout, Decl>());
    });
    return out;
  }();
  return table;
}

// Flags (the protocol issue's raise / is_raised / clear), where the layout
// and the Mailbox have them.
template <class Layout>
struct flag_access {
  std::string_view name;
  void (*raise)(Mailbox<Layout>& box);
  bool (*is_raised)(Mailbox<Layout>& box);
  void (*clear)(Mailbox<Layout>& box);
};

template <class Layout, class Decl>
concept flag_member = requires(Mailbox<Layout>& box) {
  requires Layout::template is_flag<Decl::name>;
  box.template raise<Decl::name>();
  { box.template is_raised<Decl::name>() } -> std::convertible_to<bool>;
  box.template clear<Decl::name>();
};

template <class Layout>
const std::vector<flag_access<Layout>>& flags() {
  static const std::vector<flag_access<Layout>> table = [] {
    std::vector<flag_access<Layout>> out;
    Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
      if constexpr (flag_member<Layout, Decl>) {
        out.push_back(flag_access<Layout>{
            Decl::name.view(),
            [](Mailbox<Layout>& box) { (void)box.template raise<Decl::name>(); },
            [](Mailbox<Layout>& box) { return static_cast<bool>(box.template is_raised<Decl::name>()); },
            [](Mailbox<Layout>& box) { (void)box.template clear<Decl::name>(); },
        });
      }
    });
    return out;
  }();
  return table;
}

template <class Layout>
concept has_try_transition = requires(Mailbox<Layout>& box, typename Layout::state_type s) {
  { box.try_transition(s, s) } -> std::convertible_to<bool>;
};

// A view as Python holds it: the buffer export that keeps the memory mapped
// and the library's Mailbox over it.
template <class Layout, std::uint32_t Version>
struct bound_view {
  std::unique_ptr<buffer_export> buffer;
  Mailbox<Layout> box;
  std::string layout_name;
};

// A token as Python holds it: the library's token, and a reference to the
// view so that the memory outlives the token.
template <class Layout, std::uint32_t Version>
struct bound_token {
  py::object owner;
  const bound_view<Layout, Version>* view;
  std::optional<token_of<Layout>> token;
  typename Layout::state_type acquired;

  token_of<Layout>& use(const char* what) {
    if (!token) {
      raise(PyExc_RuntimeError, view->layout_name + " token: " + what +
                                    " after publish(): publish hands the payload over and spends the token");
    }
    return *token;
  }
};

// The payload field a token subscript names; KeyError naming the fields
// otherwise.
template <class Layout, std::uint32_t Version>
const field_access<Layout>& find_field(const bound_token<Layout, Version>& t, PyObject* key) {
  if (!PyUnicode_Check(key)) {
    raise(PyExc_TypeError, t.view->layout_name + " token: field names are str, got " + type_name_of(key));
  }
  py::ssize_t length = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(key, &length);  // cached in the str: no copy
  if (utf8 == nullptr) throw py::error_already_set();
  const std::string_view field(utf8, static_cast<std::size_t>(length));
  for (const auto& f : payload_fields<Layout>()) {
    if (f.name == field) return f;
  }
  if (field == Layout::state_name) {
    throw py::key_error(t.view->layout_name + ": '" + std::string(field) +
                        "' is the state word, not a payload field: read it with state(), store it "
                        "with publish()");
  }
  std::string known;
  for (const auto& f : payload_fields<Layout>()) detail::append_listed(known, f.name, ", ");
  throw py::key_error(t.view->layout_name + " has no payload field '" + std::string(field) +
                      "' (its payload fields: " + known + ")");
}

// A C++ exception leaving a slot function as the Python exception pybind11
// would have raised for it.
inline void set_python_error() noexcept {
  try {
    throw;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (py::builtin_exception& e) {
    e.set_error();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "mailbox: unknown C++ exception");
  }
}

// token[name]: the mapping slot of a bound layout's Token type.
template <class Layout, std::uint32_t Version>
PyObject* token_subscript(PyObject* self, PyObject* key) noexcept {
  try {
    auto& t = py::handle(self).cast<bound_token<Layout, Version>&>();
    auto& token = t.use("read");
    return find_field(t, key).get(token).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

// token[name] = value (value is null for `del token[name]`).
template <class Layout, std::uint32_t Version>
int token_assign(PyObject* self, PyObject* key, PyObject* value) noexcept {
  try {
    auto& t = py::handle(self).cast<bound_token<Layout, Version>&>();
    auto& token = t.use("write");
    const auto& f = find_field(t, key);
    if (value == nullptr) {
      raise(PyExc_TypeError, t.view->layout_name + " field '" + std::string(f.name) + "' cannot be deleted");
    }
    f.set(token, value, place{t.view->layout_name, f.name, f.type});
    return 0;
  } catch (...) {
    set_python_error();
    return -1;
  }
}

}  // namespace detail

// Exposes Layout as the Python class `name` in module `m` (see the top of
// this file), with the fingerprint of `Version`; returns the class so that
// the caller can add to it. The state type, if it is an enum, should be bound
// with pybind11::enum_ first, so that states read as its members.
template <valid_layout Layout, std::uint32_t Version = 0>
pybind11::class_<detail::bound_view<Layout, Version>> bind_layout(pybind11::module_& m, const char* name) {
  namespace py = pybind11;
  using view = detail::bound_view<Layout, Version>;
  using bound_token = detail::bound_token<Layout, Version>;
  using state_type = typename Layout::state_type;
  using detail::place;
  using detail::raise;

  const py::object header_error_type = detail::module_exception(
      m, "HeaderError", PyExc_ValueError,
      "A region's mailbox header is missing, is not a mailbox header, or was written for another layout.");
  const py::object mismatch_type = detail::module_exception(
      m, "FingerprintMismatch", header_error_type,
      "The region was initialised with another layout or version: .expected is this side's "
      "fingerprint, .found the region's.");

  const std::string layout_name = name;
  // A state from Python, checked for what the C++ side would reject. A state
  // to be stored must also be one the layout can hold: not the waiter mark
  // of a blocking layout, and one of its valid_states if it declares them
  // (the peer would report any other value as invalid).
  const auto state_from = [](py::handle value, std::string_view layout, const char* what, bool stored) {
    const place where{layout, what, &detail::type_name<state_type>};
    const state_type s = detail::scalar_from<state_type>(value, where);
    if (!stored) return s;
    if constexpr (Layout::has_blocking_waiters) {
      if (std::bit_cast<std::uint32_t>(s) & mailbox::detail::waiter_mark) {
        raise(PyExc_ValueError, where.text() + ": " + detail::repr_of(value) +
                                    " uses the top bit of the state word, which marks a sleeping "
                                    "waiter in a layout with blocking_waiters");
      }
    }
    if (!Layout::is_valid_state(s)) {
      raise(PyExc_ValueError,
            where.text() + ": " + detail::repr_of(value) + " is not one of the layout's valid_states");
    }
    return s;
  };
  const auto make_view = [layout_name](std::unique_ptr<detail::buffer_export> buffer, Mailbox<Layout> box) {
    return std::make_unique<view>(view{std::move(buffer), box, layout_name});
  };
  const auto region_of = [layout_name](py::handle buffer, py::ssize_t offset,
                                       std::unique_ptr<detail::buffer_export>& out) {
    out = detail::writable_buffer(buffer, layout_name);
    return detail::at_offset(out->bytes(), offset, layout_name);
  };
  const auto raise_header_error = [layout_name, header_error_type, mismatch_type](const header_error& e) {
    const bool mismatch = e.what_kind() == header_error::kind::fingerprint_mismatch;
    const py::object& type = mismatch ? mismatch_type : header_error_type;
    py::object exception = type(layout_name + ": " + e.what());
    exception.attr("expected") = mismatch ? py::object(py::int_(e.expected())) : py::none();
    exception.attr("found") = mismatch ? py::object(py::int_(e.found())) : py::none();
    PyErr_SetObject(type.ptr(), exception.ptr());
    return py::error_already_set();
  };

  py::class_<view> cls(m, name, py::module_local(),
                       ("A view of the mailbox layout " + layout_name +
                        " over a writable buffer; payload access only through a token.")
                           .c_str());
  py::class_<bound_token> token_cls(cls, "Token", py::module_local(),
                                    "Exclusive access to the payload until publish().");

  cls.def(py::init([region_of, make_view, layout_name](py::handle buffer, py::ssize_t offset) {
            std::unique_ptr<detail::buffer_export> held;
            const auto region = region_of(buffer, offset, held);
            try {
              return make_view(std::move(held), Mailbox<Layout>(region));
            } catch (const region_error& e) {
              raise(PyExc_ValueError, layout_name + ": " + e.what());
            }
          }),
          py::arg("buffer"), py::arg("offset") = 0,
          "Views the layout at `offset` in a writable buffer; writes nothing. ValueError if the "
          "buffer is too small or misaligned.");

  cls.def_static(
      "initialize",
      [region_of, make_view, layout_name, state_from](py::handle buffer, py::handle first,
                                                      py::ssize_t offset) {
        const state_type s = state_from(first, layout_name, "initialize(state)", true);
        std::unique_ptr<detail::buffer_export> held;
        const auto region = region_of(buffer, offset, held);
        try {
          return make_view(std::move(held), Mailbox<Layout>::initialize(region, s));
        } catch (const region_error& e) {
          raise(PyExc_ValueError, layout_name + ": " + e.what());
        }
      },
      py::arg("buffer"), py::arg("state"), py::arg("offset") = 0,
      "Zeroes the layout's bytes, stores the first state (release) and returns a view. Nobody else "
      "may use the region meanwhile.");

  cls.def_static(
      "initialize_with_header",
      [region_of, make_view, layout_name, state_from, raise_header_error](py::handle buffer, py::handle first,
                                                                          py::ssize_t offset) {
        const state_type s = state_from(first, layout_name, "initialize_with_header(state)", true);
        std::unique_ptr<detail::buffer_export> held;
        const auto region = region_of(buffer, offset, held);
        try {
          return make_view(std::move(held), initialize_with_header<Layout, Version>(region, s));
        } catch (const header_error& e) {
          throw raise_header_error(e);
        }
      },
      py::arg("buffer"), py::arg("state"), py::arg("offset") = 0,
      "Writes the header (fingerprint, sizes) and initialises the layout after it; returns a view.");

  cls.def_static(
      "attach_with_header",
      [region_of, make_view, layout_name, raise_header_error](py::handle buffer, py::handle timeout,
                                                              py::ssize_t offset) {
        const deadline until = detail::deadline_after(timeout, layout_name + ".attach_with_header");
        std::unique_ptr<detail::buffer_export> held;
        const auto region = region_of(buffer, offset, held);
        for (;;) {
          std::optional<header_error> failed;
          std::optional<Mailbox<Layout>> box;
          {
            py::gil_scoped_release unlocked;
            const deadline slice = std::min(until, wait_clock::now() + detail::signal_check_interval);
            try {
              box.emplace(attach_with_header<Layout, Version>(region, slice));
            } catch (const header_error& e) {
              failed.emplace(e);
            }
          }
          if (box) return make_view(std::move(held), *box);
          if (failed->what_kind() != header_error::kind::not_initialized || wait_clock::now() >= until) {
            throw raise_header_error(*failed);
          }
          if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        }
      },
      py::arg("buffer"), py::arg("timeout") = 0.0, py::arg("offset") = 0,
      "Views a region that initialize_with_header prepared, waiting up to `timeout` seconds "
      "(None: forever) for its header. FingerprintMismatch (a HeaderError, a ValueError) if it "
      "was written for another layout or version; it shows both fingerprints.");

  cls.def(
      "state", [](const view& v) { return detail::scalar_to<state_type>(v.box.state()); },
      "The state (acquire-load).");

  cls.def(
      "try_acquire",
      [state_from](py::object self, py::handle expected) -> py::object {
        const view& v = self.cast<const view&>();
        const state_type s = state_from(expected, v.layout_name, "try_acquire(state)", false);
        auto token = v.box.try_acquire(s);
        if (!token) return py::none();
        return py::cast(bound_token{std::move(self), &v, std::move(token), s});
      },
      py::arg("state"), "A token if the state is `state` now (acquire-load), else None.");

  // The wait behind acquire and acquire_any: in slices of
  // signal_check_interval with the GIL released, the GIL taken back between
  // them to run Python's signal handlers.
  const py::object peer_gone_type = detail::module_exception(
      m, "PeerGone", PyExc_RuntimeError,
      "A wait ended because its alive() callable said the peer is gone (and the state never came).");
  const auto wait_for = [peer_gone_type](py::object self, const std::vector<state_type>& wanted,
                                         py::handle timeout, py::handle alive,
                                         const char* who) -> py::object {
    view& v = self.cast<view&>();
    const deadline until = detail::deadline_after(timeout, v.layout_name + "." + who);
    const auto wait = [&v, &wanted](auto policy, deadline slice) {
      const state_type* w = wanted.data();
      switch (wanted.size()) {
        case 1:
          return v.box.acquire(w[0], policy, slice);
        case 2:
          return v.box.acquire_any({w[0], w[1]}, policy, slice);
        case 3:
          return v.box.acquire_any({w[0], w[1], w[2]}, policy, slice);
        case 4:
          return v.box.acquire_any({w[0], w[1], w[2], w[3]}, policy, slice);
        case 5:
          return v.box.acquire_any({w[0], w[1], w[2], w[3], w[4]}, policy, slice);
        case 6:
          return v.box.acquire_any({w[0], w[1], w[2], w[3], w[4], w[5]}, policy, slice);
        case 7:
          return v.box.acquire_any({w[0], w[1], w[2], w[3], w[4], w[5], w[6]}, policy, slice);
        default:
          return v.box.acquire_any({w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]}, policy, slice);
      }
    };
    const auto invalid = [&](state_type seen) {
      raise(PyExc_ValueError, v.layout_name + "." + who + ": the state word holds " +
                                  detail::repr_of(detail::scalar_to<state_type>(seen)) +
                                  ", which is not one of the layout's valid_states");
    };
    // A peer that answers within microseconds (a busy exchange) is caught
    // without handing the GIL over, which costs more than such a wait.
    {
      auto result = wait(spin{}, std::min(until, wait_clock::now() + detail::spin_holding_gil));
      if (result) {
        const state_type got = result.state();
        return py::cast(bound_token{std::move(self), &v, std::move(result).value(), got});
      }
      if (result.error() == wait_error::invalid_state) invalid(result.state());
    }
    for (;;) {
      std::optional<detail::token_of<Layout>> token;
      wait_error error = wait_error::timed_out;
      state_type seen{};
      {
        py::gil_scoped_release unlocked;
        const deadline slice = std::min(until, wait_clock::now() + detail::signal_check_interval);
        auto result = [&] {
          if constexpr (Layout::has_blocking_waiters && mailbox::detail::has_futex) {
            return wait(spin_then_block{}, slice);
          } else {
            return wait(spin_then_yield{}, slice);
          }
        }();
        seen = result.state();
        if (result) {
          token.emplace(std::move(result).value());
        } else {
          error = result.error();
        }
      }
      if (token) return py::cast(bound_token{std::move(self), &v, std::move(token), seen});
      if (error == wait_error::invalid_state) invalid(seen);
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!alive.is_none() && !alive().cast<bool>()) {
        // A peer that published and then died still handed us the state.
        for (const state_type& w : wanted) {
          if (auto last = v.box.try_acquire(w))
            return py::cast(bound_token{std::move(self), &v, std::move(last), w});
        }
        raise(peer_gone_type.ptr(), v.layout_name + "." + who +
                                        ": alive() says the peer is gone; the state is " +
                                        detail::repr_of(detail::scalar_to<state_type>(v.box.state())));
      }
      if (wait_clock::now() >= until) {
        std::string states;
        for (const state_type& w : wanted) {
          detail::append_listed(states, detail::repr_of(detail::scalar_to<state_type>(w)), " or ");
        }
        raise(PyExc_TimeoutError, v.layout_name + "." + who + ": timed out waiting for " + states +
                                      "; the state is " +
                                      detail::repr_of(detail::scalar_to<state_type>(v.box.state())));
      }
    }
  };

  cls.def(
      "acquire",
      [state_from, wait_for](py::object self, py::handle expected, py::handle timeout,
                             py::handle alive) -> py::object {
        view& v = self.cast<view&>();
        const state_type s = state_from(expected, v.layout_name, "acquire(state)", false);
        // A state that is there already costs no GIL hand-over.
        if (auto token = v.box.try_acquire(s))
          return py::cast(bound_token{std::move(self), &v, std::move(token), s});
        return wait_for(std::move(self), {s}, timeout, alive, "acquire");
      },
      py::arg("state"), py::arg("timeout") = py::none(), py::arg("alive") = py::none(),
      "Waits until the state is `state`, then returns a token. timeout: seconds, None for ever; "
      "TimeoutError when it passes. alive: a callable asked about every 20 ms (with the GIL) "
      "whether the peer lives; PeerGone once it returns false. Releases the GIL while it "
      "waits; Ctrl-C interrupts it.");

  cls.def(
      "acquire_any",
      [state_from, wait_for](py::object self, py::sequence states, py::handle timeout,
                             py::handle alive) -> py::object {
        view& v = self.cast<view&>();
        std::vector<state_type> wanted;
        for (const py::handle s : states)
          wanted.push_back(state_from(s, v.layout_name, "acquire_any(states)", false));
        if (wanted.empty() || wanted.size() > 8) {
          raise(PyExc_ValueError,
                v.layout_name + ".acquire_any: takes 1 to 8 states, got " + std::to_string(wanted.size()));
        }
        for (const state_type& s : wanted) {
          if (auto token = v.box.try_acquire(s)) {
            return py::cast(bound_token{std::move(self), &v, std::move(token), s});
          }
        }
        return wait_for(std::move(self), wanted, timeout, alive, "acquire_any");
      },
      py::arg("states"), py::arg("timeout") = py::none(), py::arg("alive") = py::none(),
      "Waits until the state is any of `states` (1 to 8), then returns a token; token.state says "
      "which. Otherwise as acquire().");

  cls.def("__repr__", [](const view& v) {
    return "<" + v.layout_name + " view, state " +
           detail::repr_of(detail::scalar_to<state_type>(v.box.state())) + ">";
  });

  // Flags and transitions: bound when the layout and Mailbox provide them.
  if constexpr (requires { Layout::flag_count; }) {
    const auto find_flag = [](view& v, const std::string& flag) -> const detail::flag_access<Layout>& {
      for (const auto& f : detail::flags<Layout>()) {
        if (f.name == flag) return f;
      }
      std::string known;
      for (const auto& f : detail::flags<Layout>()) detail::append_listed(known, f.name, ", ");
      throw py::key_error(v.layout_name + " has no flag '" + flag +
                          "' (its flags: " + (known.empty() ? std::string("none") : known) + ")");
    };
    cls.def(
        "raise_flag", [find_flag](view& v, const std::string& flag) { find_flag(v, flag).raise(v.box); },
        py::arg("name"), "Raises a flag (release).");
    cls.def(
        "is_raised",
        [find_flag](view& v, const std::string& flag) { return find_flag(v, flag).is_raised(v.box); },
        py::arg("name"), "Whether a flag is raised (acquire).");
    cls.def(
        "clear_flag", [find_flag](view& v, const std::string& flag) { find_flag(v, flag).clear(v.box); },
        py::arg("name"), "Lowers a flag.");
  }
  if constexpr (detail::has_try_transition<Layout>) {
    cls.def(
        "try_transition",
        [state_from](view& v, py::handle from, py::handle to) {
          const state_type a = state_from(from, v.layout_name, "try_transition(from)", false);
          const state_type b = state_from(to, v.layout_name, "try_transition(to)", true);
          return static_cast<bool>(v.box.try_transition(a, b));
        },
        py::arg("from_state"), py::arg("to_state"),
        "Moves the state from `from_state` to `to_state` in one compare-and-swap (acq_rel); "
        "True if it did.");
  }

  // Class attributes: what the layout is, for checks and other languages.
  py::dict fields;
  for (const field_info& f : Layout::fields) {
    fields[py::str(std::string(f.name))] = py::make_tuple(f.offset, f.size);
  }
  cls.attr("size") = py::int_(Layout::size);
  cls.attr("alignment") = py::int_(Layout::alignment);
  cls.attr("fingerprint") = py::int_(fingerprint<Layout, Version>);
  cls.attr("version") = py::int_(Version);
  cls.attr("fields") = fields;
  cls.attr("header_size") = py::int_(header_size<Layout>);
  cls.attr("size_with_header") = py::int_(size_with_header<Layout>);
  cls.attr("state_name") = py::str(std::string(Layout::state_name));
  cls.attr("json") = py::str(to_json<Layout, Version>());

  // The token. t[name] and t[name] = v are the mapping slots themselves
  // (token_subscript): through pybind11's dispatcher they cost several times
  // the conversion they make. __getitem__ and __setitem__ are the same
  // functions, for help() and for explicit calls.
  token_cls.def(
      "__getitem__",
      [](py::object t, py::object name) {
        PyObject* value = detail::token_subscript<Layout, Version>(t.ptr(), name.ptr());
        if (value == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(value);
      },
      py::arg("name"));
  token_cls.def(
      "__setitem__",
      [](py::object t, py::object name, py::object value) {
        if (detail::token_assign<Layout, Version>(t.ptr(), name.ptr(), value.ptr()) != 0)
          throw py::error_already_set();
      },
      py::arg("name"), py::arg("value"));
  {
    auto* type = reinterpret_cast<PyTypeObject*>(token_cls.ptr());
    type->tp_as_mapping->mp_subscript = &detail::token_subscript<Layout, Version>;
    type->tp_as_mapping->mp_ass_subscript = &detail::token_assign<Layout, Version>;
    PyType_Modified(type);
  }
  token_cls.def(
      "publish",
      [state_from](bound_token& t, py::handle next) {
        auto& token = t.use("publish()");
        const state_type s = state_from(next, t.view->layout_name, "publish(state)", true);
        std::move(token).publish(s);
        t.token.reset();
      },
      py::arg("state"),
      "Stores the next state (release): the payload written through this token is visible to whoever "
      "acquires it. The token is spent: any later use raises RuntimeError.");
  token_cls.def_property_readonly(
      "state",
      [](bound_token& t) {
        (void)t.use("state");
        return detail::scalar_to<state_type>(t.acquired);
      },
      "The state this token was acquired in.");
  token_cls.def_property_readonly(
      "published", [](const bound_token& t) { return !t.token.has_value(); }, "Whether publish() spent it.");
  token_cls.def("keys", [](const bound_token&) {
    py::list names;
    for (const auto& f : detail::payload_fields<Layout>()) names.append(py::str(std::string(f.name)));
    return names;
  });
  token_cls.def("__repr__", [](const bound_token& t) {
    return "<" + t.view->layout_name + " token, " +
           (t.token ? "acquired in " + detail::repr_of(detail::scalar_to<state_type>(t.acquired))
                    : std::string("spent")) +
           ">";
  });
  return cls;
}

namespace detail {

// One role's side of a protocol, as Python holds it: the bound view it acts
// through, and the checks mailbox::endpoint makes at compile time, made at
// run time on the states and field names Python passes.
template <class Protocol, fixed_string Role, std::uint32_t Version>
struct bound_endpoint {
  using Layout = typename Protocol::layout_type;
  using state_type = typename Protocol::state_type;

  py::object view_object;
  bound_view<Layout, Version>* view;
  std::string name;
  py::object error_type;

  static std::string joined(std::span<const std::string_view> names) {
    std::string out;
    for (const std::string_view n : names) detail::append_listed(out, n, ", ");
    return out.empty() ? "none" : out;
  }

  static std::string shown(state_type s) { return repr_of(scalar_to<state_type>(s)); }

  static std::string shown(std::span<const state_type> states) {
    std::string out;
    for (const state_type& s : states) detail::append_listed(out, shown(s), ", ");
    return out.empty() ? "none" : out;
  }

  [[noreturn]] void fail(const std::string& message) const { raise(error_type.ptr(), name + message); }

  // What endpoint<P, Role>::acquire<S>() refuses to compile.
  void check_may_take(state_type s, const char* who) const {
    if (!Protocol::is_state(s))
      fail(std::string(".") + who + ": " + shown(s) + " is not a state of the protocol");
    if (!Protocol::owns(Role.view(), s)) {
      fail(std::string(".") + who + ": role '" + std::string(Role.view()) + "' does not own " + shown(s) +
           " (its owners: " + joined(Protocol::owners_of(s)) + ")");
    }
    if (Protocol::owners_of(s).size() != 1) {
      fail(std::string(".") + who + ": " + shown(s) + " has several owners (" +
           joined(Protocol::owners_of(s)) + "), so it has no token: leave it with try_transition(from, to)");
    }
  }
};

template <class Protocol, fixed_string Role, std::uint32_t Version>
struct bound_endpoint_token {
  using Layout = typename Protocol::layout_type;
  using state_type = typename Protocol::state_type;

  py::object endpoint_object;  // keeps the endpoint, its view and the memory alive
  const bound_endpoint<Protocol, Role, Version>* endpoint;
  py::object inner;  // the layout's token
  std::vector<state_type> held;

  // A field the views of every held state allow: common fields always,
  // an overlay's fields where each state's views<...> name the overlay.
  void check_field(PyObject* key) const {
    if (!PyUnicode_Check(key)) return;  // the layout's token reports it
    const char* utf8 = PyUnicode_AsUTF8(key);
    if (utf8 == nullptr) throw py::error_already_set();
    const std::string_view field(utf8);
    for (const field_info& f : Layout::fields) {
      if (f.name != field || f.overlay.empty()) continue;
      for (const state_type& s : held) {
        if (!Protocol::views_overlay(s, f.overlay)) {
          endpoint->fail(" token: field '" + std::string(field) + "' is in overlay '" +
                         std::string(f.overlay) + "', which the views of " + endpoint->shown(s) + " (" +
                         endpoint->joined(Protocol::views_of(s)) + ") do not include");
        }
      }
    }
  }

  void check_spent() const {
    if (inner.cast<const bound_token<Layout, Version>&>().token) return;
    raise(PyExc_RuntimeError, endpoint->name +
                                  " token: used after publish(): publish hands the payload over and spends "
                                  "the token");
  }
};

}  // namespace detail

// Exposes one role of a protocol as the Python class `name`: made from a
// view of the protocol's layout bound by bind_layout<Layout, Version>, it
// makes at run time the checks mailbox::endpoint makes at compile time, and
// raises the module's ProtocolError (a ValueError) naming the state or field:
// acquiring a state the role does not own (or one with several owners, which
// only try_transition may leave), touching a field in an overlay that the
// state's views<...> do not include, publishing a state that is not in the
// state's next<...>, a try_transition the protocol does not allow.
//
//   mailbox::python::bind_layout<Frame, 3>(m, "Frame");
//   mailbox::python::bind_endpoint<Worker, "parent", 3>(m, "Parent");
//
//   parent = frames.Parent(frames.Frame(shm.buf))
//   t = parent.acquire(frames.S.idle, timeout=1.0)
//   t["arg0"] = 7                           # ProtocolError unless idle views arg0's overlay
//   t.publish(frames.S.control_request)     # ProtocolError unless idle -> control_request
template <valid_protocol Protocol, fixed_string Role, std::uint32_t Version = 0>
pybind11::class_<detail::bound_endpoint<Protocol, Role, Version>> bind_endpoint(pybind11::module_& m,
                                                                                const char* name) {
  namespace py = pybind11;
  using Layout = typename Protocol::layout_type;
  using state_type = typename Protocol::state_type;
  using endpoint = detail::bound_endpoint<Protocol, Role, Version>;
  using endpoint_token = detail::bound_endpoint_token<Protocol, Role, Version>;
  using view = detail::bound_view<Layout, Version>;
  static_assert(Protocol::has_role(Role.view()),
                "mailbox::python::bind_endpoint: the protocol has no such role");

  const py::object error_type = detail::module_exception(
      m, "ProtocolError", PyExc_ValueError,
      "A step the protocol does not allow: a state the role does not own, a field outside the state's "
      "views, a next state it does not list.");
  const std::string endpoint_name = name;

  py::class_<endpoint> cls(
      m, name, py::module_local(),
      ("The role '" + std::string(Role.view()) + "' of a protocol, over a view of its layout.").c_str());
  py::class_<endpoint_token> token_cls(cls, "Token", py::module_local(),
                                       "A token whose fields and next states the protocol checks.");

  cls.def(py::init([error_type, endpoint_name](py::object v) {
            view* checked = nullptr;
            try {
              checked = &v.cast<view&>();
            } catch (const py::cast_error&) {
              detail::raise(PyExc_TypeError, endpoint_name +
                                                 ": needs a view of the protocol's layout, bound by "
                                                 "bind_layout<Layout, " +
                                                 std::to_string(Version) + ">; got " +
                                                 detail::type_name_of(v));
            }
            return std::make_unique<endpoint>(endpoint{std::move(v), checked, endpoint_name, error_type});
          }),
          py::arg("view"), "The role's side of the protocol over `view` (a bound layout's view).");

  const auto wrap = [](py::object self, py::object inner, std::vector<state_type> held) -> py::object {
    if (inner.is_none()) return inner;
    const endpoint& e = self.cast<const endpoint&>();
    if (held.size() > 1) {
      // acquire_any: the token holds the one state it was acquired in.
      held = {inner.attr("state").cast<state_type>()};
    }
    return py::cast(endpoint_token{std::move(self), &e, std::move(inner), std::move(held)});
  };
  const auto states_from = [](const endpoint& e, py::handle states, const char* who) {
    std::vector<state_type> out;
    for (const py::handle s : states) {
      out.push_back(
          detail::scalar_from<state_type>(s, detail::place{e.name, who, &detail::type_name<state_type>}));
    }
    return out;
  };

  cls.def(
      "state", [](const endpoint& e) { return detail::scalar_to<state_type>(e.view->box.state()); },
      "The state (acquire-load).");
  cls.def(
      "try_acquire",
      [wrap](py::object self, py::object state) {
        const endpoint& e = self.cast<const endpoint&>();
        const state_type s = detail::scalar_from<state_type>(
            state, detail::place{e.name, "try_acquire(state)", &detail::type_name<state_type>});
        e.check_may_take(s, "try_acquire");
        py::object inner = e.view_object.attr("try_acquire")(state);
        return wrap(std::move(self), std::move(inner), {s});
      },
      py::arg("state"), "A token if the state is `state` now and the role owns it; else None.");
  cls.def(
      "acquire",
      [wrap](py::object self, py::object state, py::object timeout, py::object alive) {
        const endpoint& e = self.cast<const endpoint&>();
        const state_type s = detail::scalar_from<state_type>(
            state, detail::place{e.name, "acquire(state)", &detail::type_name<state_type>});
        e.check_may_take(s, "acquire");
        py::object inner = e.view_object.attr("acquire")(state, timeout, alive);
        return wrap(std::move(self), std::move(inner), {s});
      },
      py::arg("state"), py::arg("timeout") = py::none(), py::arg("alive") = py::none(),
      "As the view's acquire(), for a state the role owns.");
  cls.def(
      "acquire_any",
      [wrap, states_from](py::object self, py::sequence states, py::object timeout, py::object alive) {
        const endpoint& e = self.cast<const endpoint&>();
        std::vector<state_type> wanted = states_from(e, states, "acquire_any(states)");
        for (const state_type& s : wanted) e.check_may_take(s, "acquire_any");
        py::object inner = e.view_object.attr("acquire_any")(states, timeout, alive);
        return wrap(std::move(self), std::move(inner), std::move(wanted));
      },
      py::arg("states"), py::arg("timeout") = py::none(), py::arg("alive") = py::none(),
      "As the view's acquire_any(), for states the role owns; the token holds the one it got.");
  cls.def(
      "try_transition",
      [](const endpoint& e, py::handle from, py::handle to) {
        const detail::place where{e.name, "try_transition", &detail::type_name<state_type>};
        const state_type a = detail::scalar_from<state_type>(from, where);
        const state_type b = detail::scalar_from<state_type>(to, where);
        if (!Protocol::owns(Role.view(), a)) {
          e.fail(".try_transition: role '" + std::string(Role.view()) + "' does not own " + e.shown(a) +
                 " (its owners: " + e.joined(Protocol::owners_of(a)) + ")");
        }
        if (!Protocol::allows(a, b)) {
          e.fail(".try_transition: " + e.shown(a) + " -> " + e.shown(b) +
                 " is not in the protocol (next of " + e.shown(a) + ": " + e.shown(Protocol::next_of(a)) +
                 ")");
        }
        return static_cast<bool>(e.view->box.try_transition(a, b));
      },
      py::arg("from_state"), py::arg("to_state"),
      "One compare-and-swap from `from_state` to `to_state`, if the role owns the first and the "
      "protocol allows the step; True if it moved the state.");
  cls.def_property_readonly(
      "view", [](const endpoint& e) { return e.view_object; }, "The layout's view it acts through.");
  cls.attr("role") = py::str(std::string(Role.view()));
  // The layout's fingerprint extended with the protocol's rules.
  cls.attr("fingerprint") = py::int_(protocol_fingerprint<Protocol, Version>);

  token_cls.def(
      "__getitem__",
      [](const endpoint_token& t, py::object key) {
        t.check_spent();
        t.check_field(key.ptr());
        PyObject* value = detail::token_subscript<Layout, Version>(t.inner.ptr(), key.ptr());
        if (value == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(value);
      },
      py::arg("name"));
  token_cls.def(
      "__setitem__",
      [](const endpoint_token& t, py::object key, py::object value) {
        t.check_spent();
        t.check_field(key.ptr());
        if (detail::token_assign<Layout, Version>(t.inner.ptr(), key.ptr(), value.ptr()) != 0) {
          throw py::error_already_set();
        }
      },
      py::arg("name"), py::arg("value"));
  token_cls.def(
      "publish",
      [](const endpoint_token& t, py::object next) {
        t.check_spent();
        const endpoint& e = *t.endpoint;
        const state_type n = detail::scalar_from<state_type>(
            next, detail::place{e.name, "publish(state)", &detail::type_name<state_type>});
        for (const state_type& s : t.held) {
          if (!Protocol::allows(s, n)) {
            e.fail(" token: publish(" + e.shown(n) + ") from " + e.shown(s) +
                   " is not in the protocol (next of " + e.shown(s) + ": " + e.shown(Protocol::next_of(s)) +
                   ")");
          }
        }
        t.inner.attr("publish")(next);
      },
      py::arg("state"), "Stores a next state the protocol allows (release); the token is spent.");
  token_cls.def_property_readonly(
      "state", [](const endpoint_token& t) { return t.inner.attr("state"); },
      "The state it was acquired in.");
  token_cls.def_property_readonly(
      "published", [](const endpoint_token& t) { return t.inner.attr("published"); },
      "Whether publish() spent it.");
  token_cls.def(
      "keys",
      [](const endpoint_token& t) {
        py::list names;
        for (const field_info& f : Layout::fields) {
          if (f.is_state || f.is_flag) continue;
          bool visible = true;
          for (const state_type& s : t.held)
            visible = visible && (f.overlay.empty() || Protocol::views_overlay(s, f.overlay));
          if (visible) names.append(py::str(std::string(f.name)));
        }
        return names;
      },
      "The payload fields this token's states may touch.");
  return cls;
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
