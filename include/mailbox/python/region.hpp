// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Regions: `count` mailboxes of one layout in one mapping, with the region
// header (fingerprint, count, stride) in front, made by the library's
// mailbox::region, so that a C++ peer creates or opens the same region by
// name. Python never gets a writable buffer of it: only mailboxes, tokens
// and the memoryviews a token hands out for one field.
//
//   with Frame.create("/sp-1234", count=3, first=Frame.State.idle) as region:  # a new named region
//       box = region[1]; len(region)
//   region = Frame.open("/sp-1234", count=3, timeout=5.0)   # waits for the name and the header
//   region = Frame.anonymous(count=3, first=0)               # shared with fork()ed children
//   region.close()      # unmaps; the creator's close() also removes the name
//
// The older buffer forms stay for memory the caller maps itself:
// Name(buffer, offset=0), Name.initialize(buffer, state, offset=0),
// Name.initialize_with_header(buffer, state, offset=0),
// Name.attach_with_header(buffer, timeout=0.0, offset=0).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <system_error>

#include "../abi.hpp"
#include "../fingerprint.hpp"
#include "../segment.hpp"
#include "../view.hpp"
#include "box.hpp"
#include "objects.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

namespace detail {

inline region_object* as_region(PyObject* self) noexcept { return reinterpret_cast<region_object*>(self); }

// A writable, contiguous Python buffer as a region's memory.
class buffer_mapping final : public mapping {
 public:
  buffer_mapping() = default;
  ~buffer_mapping() override {
    if (held_) PyBuffer_Release(&view_);
  }

  // Exports `object`'s buffer; TypeError saying what would do otherwise.
  bool open(PyObject* object, const std::string& layout) {
    if (!PyObject_CheckBuffer(object)) {
      fail(PyExc_TypeError, layout +
                                ": needs a writable buffer (bytearray, mmap.mmap, "
                                "multiprocessing.shared_memory.SharedMemory.buf), got " +
                                type_name_of(object));
      return false;
    }
    if (PyObject_GetBuffer(object, &view_, PyBUF_WRITABLE) != 0) {
      PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
      PyErr_Fetch(&type, &value, &traceback);
      const std::string why = value != nullptr ? repr_of(value) : std::string("refused");
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(traceback);
      fail(PyExc_TypeError,
           layout + ": needs a writable, contiguous buffer; " + type_name_of(object) + " refused: " + why);
      return false;
    }
    held_ = true;
    return true;
  }

  [[nodiscard]] std::span<std::byte> bytes() const noexcept {
    return {static_cast<std::byte*>(view_.buf), static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

inline PyObject* new_region(const layout_binding& l, std::unique_ptr<mapping> memory, region_kind kind,
                            std::string name) {
  auto* r = reinterpret_cast<region_object*>(l.region_type->tp_alloc(l.region_type, 0));
  if (r == nullptr) return nullptr;
  ::new (static_cast<void*>(&r->f)) region_fields{};
  r->f.layout = &l;
  r->f.first = memory->first;
  r->f.count = memory->count;
  r->f.stride = memory->stride;
  r->f.kind = kind;
  r->f.name = std::move(name);
  r->f.memory = new pinned_memory{std::move(memory), 1};
  return reinterpret_cast<PyObject*>(r);
}

inline void region_close_memory(region_object* r) noexcept {
  pinned_memory* memory = r->f.memory;
  r->f.memory = nullptr;
  unpin(memory);
}

inline void region_dealloc(PyObject* self) noexcept {
  region_object* r = as_region(self);
  region_close_memory(r);
  r->f.~region_fields();
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

inline Py_ssize_t region_length(PyObject* self) noexcept {
  return static_cast<Py_ssize_t>(as_region(self)->f.count);
}

inline PyObject* region_item(PyObject* self, Py_ssize_t index) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    region_object* r = as_region(self);
    if (index < 0 || static_cast<std::size_t>(index) >= r->f.count) {
      return fail(PyExc_IndexError, r->f.layout->name + " region: index " + std::to_string(index) +
                                        " out of range for " + std::to_string(r->f.count) + " mailboxes");
    }
    if (!region_open(r, who{r->f.layout->name, " region[]"})) return nullptr;
    return new_box(r, static_cast<std::size_t>(index));
  });
}

// close(): unmaps the region (once no wait and no memoryview uses it) and,
// in the process that created a named region, removes the name. Mailboxes
// and tokens of it raise ValueError afterwards. Closing twice is harmless.
inline PyObject* region_close(PyObject* self, PyObject*) noexcept {
  region_close_memory(as_region(self));
  Py_RETURN_NONE;
}

inline PyObject* region_enter(PyObject* self, PyObject*) noexcept {
  region_object* r = as_region(self);
  if (!region_open(r, who{r->f.layout->name, " region: with"})) return nullptr;
  Py_INCREF(self);
  return self;
}

inline PyObject* region_exit(PyObject* self, PyObject* const*, Py_ssize_t) noexcept {
  region_close_memory(as_region(self));
  Py_RETURN_FALSE;
}

inline PyObject* region_closed(PyObject* self, void*) noexcept {
  return PyBool_FromLong(as_region(self)->f.memory == nullptr);
}

inline PyObject* region_name(PyObject* self, void*) noexcept {
  const region_object* r = as_region(self);
  if (r->f.name.empty()) Py_RETURN_NONE;
  return PyUnicode_FromStringAndSize(r->f.name.data(), static_cast<Py_ssize_t>(r->f.name.size()));
}

inline PyObject* region_repr(PyObject* self) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const region_object* r = as_region(self);
    static const char* const kinds[] = {"created", "opened", "anonymous", "buffer"};
    std::string text = "<" + r->f.layout->name + " region";
    if (!r->f.name.empty()) text += " '" + r->f.name + "'";
    text += ", " + std::to_string(r->f.count) + " mailbox" + (r->f.count == 1 ? "" : "es") + ", " +
            kinds[static_cast<int>(r->f.kind)] + (r->f.memory == nullptr ? ", closed>" : ">");
    return PyUnicode_FromString(text.c_str());
  });
}

// The layout a class method was called on.
inline const layout_binding* binding_of(PyObject* cls) {
  PyObject* capsule = PyObject_GetAttrString(cls, "_mailbox_binding");
  if (capsule == nullptr) return nullptr;
  ref owned(capsule);
  return static_cast<const layout_binding*>(PyCapsule_GetPointer(capsule, "mailbox.layout_binding"));
}

// The library's exceptions from a region or header function, as the
// module's: HeaderError (FingerprintMismatch with .expected and .found),
// ValueError for a region that cannot hold the layout, OSError (with its
// errno, so FileNotFoundError and the like) for the system's refusals.
inline PyObject* raise_library_error(const layout_binding& l) noexcept {
  try {
    throw;
  } catch (const header_error& e) {
    const bool mismatch = e.what_kind() == header_error::kind::fingerprint_mismatch;
    PyObject* type = mismatch ? l.fingerprint_mismatch : l.header_error;
    ref exception(PyObject_CallFunction(type, "s", (l.name + ": " + e.what()).c_str()));
    if (!exception) return nullptr;
    ref expected(mismatch ? PyLong_FromUnsignedLongLong(e.expected()) : ref::borrow(Py_None).release());
    ref found(mismatch ? PyLong_FromUnsignedLongLong(e.found()) : ref::borrow(Py_None).release());
    if (!expected || !found || PyObject_SetAttrString(exception.get(), "expected", expected.get()) != 0 ||
        PyObject_SetAttrString(exception.get(), "found", found.get()) != 0) {
      return nullptr;
    }
    PyErr_SetObject(type, exception.get());
  } catch (const region_error& e) {
    PyErr_SetString(PyExc_ValueError, (l.name + ": " + e.what()).c_str());
  } catch (const std::system_error& e) {
    // OSError(errno, text) makes the errno's subclass (FileNotFoundError);
    // raised by its own type, as Python 3.9's `with` needs to match it.
    ref exception(
        PyObject_CallFunction(PyExc_OSError, "is", e.code().value(), (l.name + ": " + e.what()).c_str()));
    if (exception) PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.get())), exception.get());
  } catch (...) {
    set_error_from_exception();
  }
  return nullptr;
}

// The buffer and offset of the buffer forms, as a mapping of one mailbox
// (not yet checked for size and alignment).
inline std::unique_ptr<buffer_mapping> buffer_at(const layout_binding& l, PyObject* buffer,
                                                 PyObject* offset_object, std::span<std::byte>& bytes) {
  Py_ssize_t offset = 0;
  if (offset_object != nullptr && !index_of(offset_object, offset, "offset")) return nullptr;
  auto memory = std::make_unique<buffer_mapping>();
  if (!memory->open(buffer, l.name)) return nullptr;
  bytes = memory->bytes();
  if (offset < 0 || static_cast<std::size_t>(offset) > bytes.size()) {
    fail(PyExc_ValueError, l.name + ": offset " + std::to_string(offset) + " is outside the buffer of " +
                               std::to_string(bytes.size()) + " bytes");
    return nullptr;
  }
  bytes = bytes.subspan(static_cast<std::size_t>(offset));
  return memory;
}

inline PyObject* box_over(const layout_binding& l, std::unique_ptr<buffer_mapping> memory, std::byte* first) {
  memory->first = first;
  memory->count = 1;
  memory->stride = l.stride;
  ref region(new_region(l, std::move(memory), region_kind::buffer, {}));
  if (!region) return nullptr;
  return new_box(as_region(region.get()), 0);
}

// Name(buffer, offset=0): a mailbox over a buffer; writes nothing.
inline PyObject* box_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const layout_binding* l = binding_of(reinterpret_cast<PyObject*>(type));
    if (l == nullptr) return nullptr;
    static const char* keywords[] = {"buffer", "offset", nullptr};
    PyObject *buffer = nullptr, *offset = nullptr;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O", const_cast<char**>(keywords), &buffer, &offset)) {
      return nullptr;
    }
    std::span<std::byte> bytes;
    auto memory = buffer_at(*l, buffer, offset, bytes);
    if (!memory) return nullptr;
    try {
      l->ops->check_region(bytes);
    } catch (...) {
      return raise_library_error(*l);
    }
    return box_over(*l, std::move(memory), bytes.data());
  });
}

inline const char* const initialize_keywords[] = {"buffer", "state", "offset"};
inline const char* const attach_keywords[] = {"buffer", "timeout", "offset"};

// Name.initialize(buffer, state, offset=0) and initialize_with_header(...).
inline PyObject* initialize_buffer(PyObject* cls, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                                   bool with_header) {
  const layout_binding* l = binding_of(cls);
  if (l == nullptr) return nullptr;
  const char* method = with_header ? "initialize_with_header" : "initialize";
  PyObject* a[3];
  if (!parse_arguments(method, args, nargs, kwnames, initialize_keywords, 3, 2, a)) return nullptr;
  std::uint64_t first = 0;
  const std::string who = l->name + "." + method + "(state)";
  if (!l->states->from_python(a[1], first, detail::who{who})) return nullptr;
  if (l->states->uses_waiter_mark(first)) {
    return fail(PyExc_ValueError,
                who + ": " + repr_of(a[1]) +
                    " uses the top bit of the state word, which marks a sleeping waiter in a "
                    "layout with blocking_waiters");
  }
  if (!l->ops->is_valid_state(first)) {
    return fail(PyExc_ValueError, who + ": " + repr_of(a[1]) + " is not one of the layout's valid_states");
  }
  std::span<std::byte> bytes;
  auto memory = buffer_at(*l, a[0], a[2], bytes);
  if (!memory) return nullptr;
  std::byte* first_box = bytes.data();
  try {
    if (with_header) {
      first_box = l->ops->initialize_with_header(bytes, first);
    } else {
      l->ops->initialize(bytes, first);
    }
  } catch (...) {
    return raise_library_error(*l);
  }
  return box_over(*l, std::move(memory), first_box);
}

inline PyObject* box_initialize(PyObject* cls, PyObject* const* args, Py_ssize_t nargs,
                                PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&] { return initialize_buffer(cls, args, nargs, kwnames, false); });
}

inline PyObject* box_initialize_with_header(PyObject* cls, PyObject* const* args, Py_ssize_t nargs,
                                            PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&] { return initialize_buffer(cls, args, nargs, kwnames, true); });
}

// Whether the exception being handled says only that the other side is not
// there yet: no header yet, no name yet, or a segment not sized yet.
inline bool worth_waiting() {
  try {
    throw;
  } catch (const header_error& e) {
    return e.what_kind() == header_error::kind::not_initialized;
  } catch (const segment_error& e) {
    return e.code().value() == ENOENT || e.code().value() == EINVAL;
  } catch (...) {
    return false;
  }
}

// Retries `attempt` in slices of signal_check_interval with the GIL
// released, until it succeeds, fails for a reason waiting cannot mend
// (`retry(e)` false), or `until` passes; Ctrl-C interrupts it.
template <class Attempt, class Retry>
PyObject* waiting_for(const layout_binding& l, deadline until, Attempt attempt, Retry retry) {
  for (;;) {
    std::exception_ptr failed;
    PyObject* result = nullptr;
    {
      gil_released unlocked;
      const deadline slice = std::min(until, wait_clock::now() + signal_check_interval);
      try {
        result = attempt(slice);
      } catch (...) {
        failed = std::current_exception();
      }
    }
    if (!failed) return result;
    bool again = false;
    try {
      std::rethrow_exception(failed);
    } catch (...) {
      again = retry() && wait_clock::now() < until;
      if (!again) return raise_library_error(l);
    }
    if (PyErr_CheckSignals() != 0) return nullptr;
  }
}

// Name.attach_with_header(buffer, timeout=0.0, offset=0).
inline PyObject* box_attach_with_header(PyObject* cls, PyObject* const* args, Py_ssize_t nargs,
                                        PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const layout_binding* l = binding_of(cls);
    if (l == nullptr) return nullptr;
    PyObject* a[3];
    if (!parse_arguments("attach_with_header", args, nargs, kwnames, attach_keywords, 3, 1, a))
      return nullptr;
    deadline until = wait_clock::now();  // timeout=0.0: no wait
    if (a[1] != nullptr && !deadline_after(a[1], who{l->name, ".attach_with_header"}, until)) return nullptr;
    std::span<std::byte> bytes;
    auto memory = buffer_at(*l, a[0], a[2], bytes);
    if (!memory) return nullptr;
    std::byte* first_box = nullptr;
    const auto attempt = [&](deadline slice) -> PyObject* {
      first_box = l->ops->attach_with_header(bytes, slice);
      return Py_None;
    };
    if (waiting_for(*l, until, attempt, worth_waiting) == nullptr) return nullptr;
    return box_over(*l, std::move(memory), first_box);
  });
}

}  // namespace detail

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
