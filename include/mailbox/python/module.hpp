// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// add_layout<Layout, Version>(module, "Name"): the layout's Python classes
// (Name, Name.Token, Name.Region, Name.State) made with the CPython C API
// and added to any module: one written with the bare C API, nanobind
// (m.ptr()) or pybind11 (m.ptr()).
//
//   MAILBOX_PYTHON_MODULE(frames, m) {                 // or your own PyInit_frames
//     return mailbox::python::add_layout<Frame, 3>(m, "Frame");
//   }
//   NB_MODULE(frames, m) { if (mailbox::python::add_layout<Frame, 3>(m.ptr(), "Frame") != 0)
//                            throw nanobind::python_error(); }
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../abi.hpp"
#include "../array.hpp"
#include "../export.hpp"
#include "../fingerprint.hpp"
#include "../layout.hpp"
#include "box.hpp"
#include "describe.hpp"
#include "keyed_fields.hpp"
#include "layout_ops.hpp"
#include "objects.hpp"
#include "records.hpp"
#include "region.hpp"
#include "regions.hpp"
#include "states.hpp"
#include "token.hpp"
#include "transition.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

namespace detail {

// A heap type named module.qualname. PyType_Spec keeps a pointer to the
// name, so `names` (the binding's, never freed) keeps the string.
inline PyTypeObject* make_type(std::deque<std::string>& names, const std::string& module,
                               const std::string& qualname, std::size_t basicsize,
                               std::vector<PyType_Slot> slots, bool instantiable) {
  names.push_back(module + "." + qualname);
  slots.push_back({0, nullptr});
  PyType_Spec spec{names.back().c_str(), static_cast<int>(basicsize), 0, Py_TPFLAGS_DEFAULT, slots.data()};
  ref type(PyType_FromSpec(&spec));
  if (!type) return nullptr;
  // Name.Token, not module.Name.Token's module "module.Name".
  ref module_name(PyUnicode_FromString(module.c_str()));
  ref qualified(PyUnicode_FromString(qualname.c_str()));
  if (!module_name || !qualified ||
      PyObject_SetAttrString(type.get(), "__module__", module_name.get()) != 0 ||
      PyObject_SetAttrString(type.get(), "__qualname__", qualified.get()) != 0) {
    return nullptr;
  }
  auto* t = reinterpret_cast<PyTypeObject*>(type.get());
  if (!instantiable) {
    // Made only by the binding (Py_TPFLAGS_DISALLOW_INSTANTIATION is 3.10+).
    t->tp_new = nullptr;
    PyType_Modified(t);
  }
  return reinterpret_cast<PyTypeObject*>(type.release());
}

inline bool set_attribute(PyObject* owner, const char* name, PyObject* value) {
  ref held(value);
  return held && PyObject_SetAttrString(owner, name, held.get()) == 0;
}

inline PyMethodDef box_methods[] = {
    {"state", as_method(&box_state), METH_NOARGS,
     "The state (acquire-load): a Name.State member, or an int."},
    {"try_acquire", as_method(&box_try_acquire), METH_O,
     "try_acquire(state): a token if the state is `state` now (acquire-load), else None."},
    {"acquire", as_method(&box_acquire), METH_FASTCALL | METH_KEYWORDS,
     "acquire(state, timeout=None, alive=None, *, policy=None, spins=None): waits until the state is "
     "`state`, "
     "then returns a token. timeout: seconds, None for ever (TimeoutError). alive: a callable asked about "
     "every 20 ms whether the peer lives (PeerGone once it says no). policy: \"spin\", \"spin_then_yield\" "
     "or "
     "\"spin_then_block\" (blocking_waiters layouts; their default); spins before yielding or sleeping. "
     "Releases the GIL while it waits; Ctrl-C interrupts it."},
    {"acquire_any", as_method(&box_acquire_any), METH_FASTCALL | METH_KEYWORDS,
     "acquire_any(states, timeout=None, alive=None, *, policy=None, spins=None): as acquire() for whichever "
     "of "
     "`states` comes first; token.state says which."},
    {"raise_flag", as_method(&box_raise_flag), METH_O,
     "raise_flag(name): raises a flag (release-store of 1)."},
    {"clear_flag", as_method(&box_clear_flag), METH_O,
     "clear_flag(name): lowers a flag (release-store of 0)."},
    {"is_raised", as_method(&box_is_raised), METH_O,
     "is_raised(name): whether a flag is raised (acquire-load)."},
    {"write_record", as_method(&box_write_record), METH_FASTCALL,
     "write_record(name, generation, value): writes a committed record, no token needed: `value` is a dict "
     "of the body's members (a described struct; members left out are 0) or its bytes."},
    {"read_record", as_method(&box_read_record), METH_FASTCALL,
     "read_record(name, generation): the record's body (a dict of its members, or bytes) if a whole write "
     "of that generation was committed; else None (unknown)."},
    {"read_record_status", as_method(&box_read_record_status), METH_FASTCALL,
     "read_record_status(name, generation): (status, body or None); status is 'valid', 'empty', "
     "'writing', 'torn', 'other_schema' or 'other_generation'."},
    {"clear_record", as_method(&box_clear_record), METH_O,
     "clear_record(name): marks the record empty (a committed write of no body)."},
    {"try_transition", as_method(&box_try_transition), METH_FASTCALL,
     "try_transition(from_state, to_state): one compare-and-swap (acq_rel); a Name.Transition, true if it "
     "moved the state, whose .found is the state the word held."},
    {"reset_wait_stats", as_method(&box_reset_wait_stats), METH_NOARGS, "Zeroes wait_stats."},
    {"initialize", as_method(&box_initialize), METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "initialize(buffer, state, offset=0): zeroes the layout's bytes in a writable buffer, stores the first "
     "state and returns its mailbox."},
    {"initialize_with_header", as_method(&box_initialize_with_header),
     METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "initialize_with_header(buffer, state, offset=0): writes the region header, then initialises the "
     "mailbox "
     "after it."},
    {"attach_with_header", as_method(&box_attach_with_header), METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "attach_with_header(buffer, timeout=0.0, offset=0): the mailbox of a buffer that initialize_with_header "
     "prepared, waiting up to `timeout` seconds for its header. FingerprintMismatch shows both "
     "fingerprints."},
    {"create", as_method(&region_create), METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "create(name, count=1, first=...): a new named region of `count` mailboxes, each in state `first`, with "
     "its header. The creator's close() removes the name."},
    {"open", as_method(&region_open_named), METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "open(name, count=1, timeout=0.0): the named region another process created, waiting up to `timeout` "
     "seconds for it and its header; HeaderError or FingerprintMismatch if it was made for something else."},
    {"anonymous", as_method(&region_anonymous), METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "anonymous(count=1, first=...): a region without a name, shared with the children fork()ed after it."},
    {nullptr, nullptr, 0, nullptr}};

inline PyGetSetDef box_getset[] = {
    {"wait_stats", &box_wait_stats, nullptr,
     "Counters of this object's waits: waits (acquires that did not find the state at once), slices (GIL "
     "releases), sleeps and timeouts (FUTEX_WAIT calls and those that timed out), futex_errno.",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

inline PyMethodDef token_methods[] = {
    {"publish", as_method(&token_publish), METH_O,
     "publish(state): stores the next state (release): the payload written through this token is visible to "
     "whoever acquires it. The token is spent. BufferError while a view() of it is exported."},
    {"abandon", as_method(&token_abandon), METH_NOARGS,
     "Ends the token without publishing: the state word is not touched. The token is spent."},
    {"view", as_method(&token_view), METH_O,
     "view(name): a memoryview of the field's bytes (typed by its element for numeric arrays), valid while "
     "the token holds the payload; release() it before publish() or abandon()."},
    {"keys", as_method(&token_keys), METH_NOARGS, "The payload fields this token reaches."},
    keyed_key_method,
    keyed_alternative_method,
    keyed_emplace_method,
    {"__enter__", as_method(&token_enter), METH_NOARGS, nullptr},
    {"__exit__", as_method(&token_exit), METH_FASTCALL,
     "Leaving the block without publish() abandons the token, with a ResourceWarning."},
    {nullptr, nullptr, 0, nullptr}};

inline PyGetSetDef token_getset[] = {
    {"state", &token_state, nullptr, "The state the token was acquired in.", nullptr},
    {"published", &token_published, nullptr, "Whether publish() spent it.", nullptr},
    {"abandoned", &token_abandoned, nullptr, "Whether abandon() (or leaving a with block) spent it.",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

inline PyMethodDef region_methods[] = {
    {"close", as_method(&region_close), METH_NOARGS,
     "Unmaps the region (once no wait and no memoryview uses it); the creator's close() removes the name. "
     "Its mailboxes and tokens raise ValueError afterwards."},
    {"__enter__", as_method(&region_enter), METH_NOARGS, nullptr},
    {"__exit__", as_method(&region_exit), METH_FASTCALL, "Closes the region."},
    {nullptr, nullptr, 0, nullptr}};

inline PyGetSetDef region_getset[] = {
    {"closed", &region_closed, nullptr, "Whether close() was called.", nullptr},
    {"name", &region_name, nullptr, "The segment's name; None for an anonymous region or a buffer.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

// A token class (a layout's or an endpoint's, with its own methods).
inline PyTypeObject* make_token_type(std::deque<std::string>& names, const std::string& module,
                                     const std::string& qualname, PyMethodDef* methods, const char* doc) {
  return make_type(names, module, qualname, sizeof(token_object),
                   {{Py_tp_dealloc, reinterpret_cast<void*>(&token_dealloc)},
                    {Py_tp_finalize, reinterpret_cast<void*>(&token_finalize)},
                    {Py_tp_repr, reinterpret_cast<void*>(&token_repr)},
                    {Py_tp_methods, methods},
                    {Py_tp_getset, token_getset},
                    {Py_mp_subscript, reinterpret_cast<void*>(&token_subscript)},
                    {Py_mp_ass_subscript, reinterpret_cast<void*>(&token_assign)},
                    {Py_bf_getbuffer, reinterpret_cast<void*>(&token_get_buffer)},
                    {Py_bf_releasebuffer, reinterpret_cast<void*>(&token_release_buffer)},
                    {Py_tp_doc, const_cast<char*>(doc)}},
                   false);
}

inline std::string layout_json(const std::string& base, const state_codec& states) {
  // Name.json is to_json's object with the state names added.
  std::string names = "[";
  for (const named_state& s : states.states()) {
    if (names.size() > 1) names += ", ";
    if (is_identifier(s.name)) {
      mailbox::detail::append_json_string(names, s.name);
    } else {
      names += "null";
    }
  }
  names += "]";
  return base.substr(0, base.size() - 1) + ", \"state_names\": " + names + "}";
}

// The class attributes that describe the layout.
inline bool add_layout_attributes(const layout_binding& l, PyObject* cls) {
  ref fields(PyDict_New());
  if (!fields) return false;
  for (const field_desc& d : l.fields) {
    ref entry(Py_BuildValue("(nn)", static_cast<Py_ssize_t>(d.offset), static_cast<Py_ssize_t>(d.size)));
    if (!entry || PyDict_SetItemString(fields.get(), std::string(d.name).c_str(), entry.get()) != 0)
      return false;
  }
  std::string_view state_name;
  for (const field_desc& d : l.fields) {
    if (d.role == field_role::state) state_name = d.name;
  }
  PyObject* state_enum = l.states->enum_type() != nullptr ? l.states->enum_type() : Py_None;
  Py_INCREF(state_enum);
  Py_INCREF(reinterpret_cast<PyObject*>(l.token_type));
  Py_INCREF(reinterpret_cast<PyObject*>(l.region_type));
  Py_INCREF(reinterpret_cast<PyObject*>(l.transition_type));
  return set_attribute(cls, "size", PyLong_FromSize_t(l.ops->size)) &&
         set_attribute(cls, "alignment", PyLong_FromSize_t(l.ops->alignment)) &&
         set_attribute(cls, "fingerprint", PyLong_FromUnsignedLongLong(l.ops->fingerprint)) &&
         set_attribute(cls, "version", PyLong_FromUnsignedLong(l.ops->version)) &&
         set_attribute(cls, "fields", fields.release()) &&
         set_attribute(cls, "header_size", PyLong_FromSize_t(l.ops->header_size)) &&
         set_attribute(cls, "size_with_header", PyLong_FromSize_t(l.ops->header_size + l.ops->size)) &&
         set_attribute(cls, "stride", PyLong_FromSize_t(l.stride)) &&
         set_attribute(
             cls, "state_name",
             PyUnicode_FromStringAndSize(state_name.data(), static_cast<Py_ssize_t>(state_name.size()))) &&
         set_attribute(cls, "json", PyUnicode_FromString(l.json.c_str())) &&
         set_attribute(cls, "State", state_enum) &&
         set_attribute(cls, "Token", reinterpret_cast<PyObject*>(l.token_type)) &&
         set_attribute(cls, "Region", reinterpret_cast<PyObject*>(l.region_type)) &&
         set_attribute(cls, "Transition", reinterpret_cast<PyObject*>(l.transition_type)) &&
         set_attribute(cls, "_mailbox_binding",
                       PyCapsule_New(const_cast<layout_binding*>(&l), "mailbox.layout_binding", nullptr));
}

inline int add_binding(PyObject* module, layout_binding& l) {
  const char* module_name = PyModule_GetName(module);
  if (module_name == nullptr) return -1;
  l.module_name = module_name;
  l.header_error = module_exception(
      module, "HeaderError", PyExc_ValueError,
      "A region's header is missing, is not a mailbox header, or was written for another layout.");
  l.fingerprint_mismatch =
      l.header_error == nullptr
          ? nullptr
          : module_exception(module, "FingerprintMismatch", l.header_error,
                             "The region was made for another layout or version: .expected is this side's "
                             "fingerprint, .found the region's.");
  l.peer_gone = module_exception(module, "PeerGone", PyExc_RuntimeError,
                                 "A wait ended because its alive() callable said the peer is gone.");
  if (l.fingerprint_mismatch == nullptr || l.peer_gone == nullptr) return -1;
  if (!l.states->make_enum(module_name, l.name + ".State")) return -1;
  ref index(PyDict_New());
  if (!index) return -1;
  for (std::size_t i = 0; i < l.fields.size(); ++i) {
    ref key(PyUnicode_FromStringAndSize(l.fields[i].name.data(),
                                        static_cast<Py_ssize_t>(l.fields[i].name.size())));
    ref value(PyLong_FromSize_t(i));
    if (!key || !value) return -1;
    PyObject* interned = key.release();
    PyUnicode_InternInPlace(&interned);
    key = ref(interned);
    if (PyDict_SetItem(index.get(), key.get(), value.get()) != 0) return -1;
    // Compared by identity before the dictionary is asked: a pointer scan
    // costs less than a lookup for the first few dozen members.
    if (i < 32) l.field_keys.push_back(key.get());  // the dictionary keeps it alive
    if (i < l.declared && l.fields[i].role == field_role::payload) l.payload.push_back(i);
  }
  l.field_index = index.release();

  const std::string box_doc = "A mailbox of the layout " + l.name + ": payload access only through a token.";
  l.token_type =
      make_token_type(l.type_names, l.module_name, l.name + ".Token", token_methods,
                      "Exclusive access to the payload until publish() or abandon(); a context manager.");
  if (l.token_type == nullptr) return -1;
  l.region_type =
      make_type(l.type_names, l.module_name, l.name + ".Region", sizeof(region_object),
                {{Py_tp_dealloc, reinterpret_cast<void*>(&region_dealloc)},
                 {Py_tp_repr, reinterpret_cast<void*>(&region_repr)},
                 {Py_tp_methods, region_methods},
                 {Py_tp_getset, region_getset},
                 {Py_sq_length, reinterpret_cast<void*>(&region_length)},
                 {Py_sq_item, reinterpret_cast<void*>(&region_item)},
                 {Py_tp_doc, const_cast<char*>("count mailboxes in one mapping; a context manager "
                                               "that closes it.")}},
                false);
  if (l.region_type == nullptr) return -1;
  l.transition_type =
      make_type(l.type_names, l.module_name, l.name + ".Transition", sizeof(transition_object),
                {{Py_tp_dealloc, reinterpret_cast<void*>(&transition_dealloc)},
                 {Py_tp_repr, reinterpret_cast<void*>(&transition_repr)},
                 {Py_tp_getset, transition_getset},
                 {Py_nb_bool, reinterpret_cast<void*>(&transition_bool)},
                 {Py_tp_doc, const_cast<char*>("What try_transition did: true if it moved the state; "
                                               ".moved, .found (the state the word held).")}},
                false);
  if (l.transition_type == nullptr) return -1;
  l.box_type = make_type(l.type_names, l.module_name, l.name, sizeof(box_object),
                         {{Py_tp_dealloc, reinterpret_cast<void*>(&box_dealloc)},
                          {Py_tp_new, reinterpret_cast<void*>(&box_new)},
                          {Py_tp_repr, reinterpret_cast<void*>(&box_repr)},
                          {Py_tp_methods, box_methods},
                          {Py_tp_getset, box_getset},
                          {Py_tp_doc, const_cast<char*>(box_doc.c_str())}},
                         true);
  if (l.box_type == nullptr) return -1;
  PyObject* cls = reinterpret_cast<PyObject*>(l.box_type);
  if (!add_layout_attributes(l, cls)) return -1;
  Py_INCREF(cls);
  if (PyModule_AddObject(module, l.name.c_str(), cls) != 0) {
    Py_DECREF(cls);
    return -1;
  }
  return 0;
}

}  // namespace detail

// Adds the class `name` for Layout (with the fingerprint of Version) to
// `module`. Returns 0, or -1 with a Python exception set. The module gets
// the exceptions HeaderError (a ValueError), FingerprintMismatch (a
// HeaderError) and PeerGone (a RuntimeError) if it has none yet.
template <valid_layout Layout, std::uint32_t Version = 0>
int add_layout(PyObject* module, const char* name) noexcept {
  return detail::guarded(-1, [&]() -> int {
    // Kept for the life of the process: the classes point to it.
    auto* l = new layout_binding;
    l->name = name;
    l->ops = &operations_of<Layout, Version>();
    l->fields = detail::with_paths(field_descs<Layout>, Layout::fields, l->path_names);
    l->declared = field_descs<Layout>.size();
    l->stride = mailbox_array<Layout>::stride;
    const auto& named = named_valid_states<Layout>;
    l->states = new state_codec(
        detail::describe_state_word<typename Layout::state_type>(Layout::has_blocking_waiters),
        std::vector<named_state>(named.begin(), named.end()));
    l->json = detail::layout_json(to_json<Layout, Version>(), *l->states);
    detail::region_functions<Layout, Version>(*l);
    return detail::add_binding(module, *l);
  });
}

// Adds an enum.IntEnum `name` to `module` whose members are Values... (of
// one enum type), named as their enumerators are in C++: for the enums of
// payload fields, which read back as ints (Name.State is made for the
// state word's). Returns 0, or -1 with a Python exception set.
//
//   mailbox::python::add_enum<Op::sum, Op::mean, Op::fail>(m, "Op");   // Op.sum == 0
template <auto First, auto... Rest>
int add_enum(PyObject* module, const char* name) noexcept {
  using E = decltype(First);
  static_assert(std::is_enum_v<E> && (std::is_same_v<decltype(Rest), E> && ...),
                "mailbox::python::add_enum: enumerators of one enum type");
  return detail::guarded(-1, [&]() -> int {
    const char* module_name = PyModule_GetName(module);
    detail::ref members(PyList_New(0));
    if (module_name == nullptr || !members) return -1;
    for (const auto& [text, value] :
         {std::pair{mailbox::detail::enumerator_name<First>(), static_cast<long long>(First)},
          std::pair{mailbox::detail::enumerator_name<Rest>(), static_cast<long long>(Rest)}...}) {
      detail::ref number(PyLong_FromLongLong(value));
      if (!number || !detail::append_member(members.get(), text, number.get())) return -1;
    }
    PyObject* type = detail::make_int_enum(module_name, name, members.get());
    if (type == nullptr) return -1;
    if (PyModule_AddObject(module, name, type) != 0) {
      Py_DECREF(type);
      return -1;
    }
    return 0;
  });
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python

// A module written with the bare C API, in one line per layout:
//
//   MAILBOX_PYTHON_MODULE(frames, m) {
//     if (mailbox::python::add_layout<Frame, 3>(m, "Frame") != 0) return -1;
//     return mailbox::python::add_endpoint<Worker, "child", 3>(m, "ChildEnd");
//   }
//
// defines PyInit_frames; the block gets the new module as `m` and returns 0,
// or -1 with a Python exception set.
#define MAILBOX_PYTHON_MODULE(name, module) MAILBOX_PYTHON_DETAIL_MODULE(name, module)
// (Two steps, so that `name` may itself be a macro.)
#define MAILBOX_PYTHON_DETAIL_MODULE(name, module)                                               \
  static int mailbox_python_module_body_##name(PyObject* module);                                \
  PyMODINIT_FUNC PyInit_##name() {                                                               \
    static PyModuleDef definition = {                                                            \
        PyModuleDef_HEAD_INIT, #name, nullptr, -1, nullptr, nullptr, nullptr, nullptr, nullptr}; \
    PyObject* created = PyModule_Create(&definition);                                            \
    if (created == nullptr) return nullptr;                                                      \
    if (mailbox_python_module_body_##name(created) != 0) {                                       \
      Py_DECREF(created);                                                                        \
      return nullptr;                                                                            \
    }                                                                                            \
    return created;                                                                              \
  }                                                                                              \
  static int mailbox_python_module_body_##name(PyObject* module)
