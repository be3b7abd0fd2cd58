// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Name.Transition: what try_transition(from_state, to_state) reports, as
// mailbox::transition_result does in C++. It is true when this call moved
// the state, so `if box.try_transition(a, b):` reads as a bool; .found is
// the state the word held (`from` when it moved, otherwise the state this
// call lost to).
//
//   r = parent.try_transition(State.staged, State.failed)
//   if not r:
//       print("the child took it first:", r.found)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "../abi.hpp"
#include "objects.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail {

struct transition_object {
  PyObject_HEAD const layout_binding* layout;
  std::uint64_t found;  // state bits; made a State member only when asked
  bool moved;
};

inline transition_object* as_transition(PyObject* self) noexcept {
  return reinterpret_cast<transition_object*>(self);
}

// One compare-and-swap from -> to on the mailbox at `base` (checked
// before), reported as a Name.Transition.
inline PyObject* new_transition(const layout_binding& l, std::byte* base, std::uint64_t from,
                                std::uint64_t to) {
  std::uint64_t found = 0;
  const bool moved = l.ops->try_transition(base, from, to, found);
  PyObject* object = l.transition_type->tp_alloc(l.transition_type, 0);
  if (object == nullptr) return nullptr;
  transition_object* r = as_transition(object);
  r->layout = &l;
  r->found = found;
  r->moved = moved;
  return object;
}

inline void transition_dealloc(PyObject* self) noexcept {
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

inline int transition_bool(PyObject* self) noexcept { return as_transition(self)->moved ? 1 : 0; }

inline PyObject* transition_moved(PyObject* self, void*) noexcept {
  return PyBool_FromLong(as_transition(self)->moved);
}

inline PyObject* transition_found(PyObject* self, void*) noexcept {
  const transition_object* r = as_transition(self);
  return r->layout->states->to_python(r->found);
}

inline PyObject* transition_repr(PyObject* self) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const transition_object* r = as_transition(self);
    const std::string text = "<" + r->layout->name + ".Transition " +
                             (r->moved ? "moved from " : "not moved: found ") +
                             r->layout->states->shown(r->found) + ">";
    return PyUnicode_FromString(text.c_str());
  });
}

inline PyGetSetDef transition_getset[] = {
    {"moved", &transition_moved, nullptr, "Whether this call moved the state.", nullptr},
    {"found", &transition_found, nullptr,
     "The state the word held: from_state when it moved, else the state this call lost to.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail
