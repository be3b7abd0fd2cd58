// Name.create / Name.open / Name.anonymous (placeholder until
// mailbox::region lands).
#pragma once

#include "objects.hpp"
#include "region.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail {

template <class Layout, std::uint32_t Version>
void region_functions(layout_binding&) {}

inline PyObject* region_create(PyObject*, PyObject* const*, Py_ssize_t, PyObject*) noexcept {
  return fail(PyExc_NotImplementedError, "regions: not yet");
}
inline PyObject* region_open_named(PyObject*, PyObject* const*, Py_ssize_t, PyObject*) noexcept {
  return fail(PyExc_NotImplementedError, "regions: not yet");
}
inline PyObject* region_anonymous(PyObject*, PyObject* const*, Py_ssize_t, PyObject*) noexcept {
  return fail(PyExc_NotImplementedError, "regions: not yet");
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail
