// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Committed records (mailbox::record) from Python, on the mailbox object
// and without a token, as Mailbox::write_record, read_record and
// clear_record are in C++: the record protocol of record.hpp on raw bytes
// (write_record_bytes, read_record_bytes), with the body converted by its
// description. A body whose struct is described (MAILBOX_DESCRIBE) is a
// dict of its members (nested described structs as dicts); any other body
// is its bytes.
//
//   box.write_record("teardown", generation, {"exit_code": 3, "reason": "oom"})   # members left out: 0
//   report = box.read_record("teardown", generation)     # a dict, or None: "unknown"
//   status, report = box.read_record_status("teardown", generation)   # "valid", "empty", "torn", ...
//   box.clear_record("teardown")
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../abi.hpp"
#include "../record.hpp"
#include "convert.hpp"
#include "describe.hpp"
#include "objects.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail {

// The record `name` names; KeyError naming the layout's records otherwise.
inline const field_desc* find_record(const layout_binding& l, PyObject* name, const who& where) {
  std::string_view wanted;
  if (!PyUnicode_Check(name)) {
    fail(PyExc_TypeError, where + ": record names are str, got " + type_name_of(name));
    return nullptr;
  }
  if (!utf8_of(name, wanted)) return nullptr;
  std::string known;
  for (std::size_t i = 0; i < l.declared; ++i) {
    const field_desc& d = l.fields[i];
    if (d.role != field_role::record) continue;
    if (d.name == wanted && d.type != nullptr && d.type->record != nullptr) return &d;
    append_listed(known, d.name, ", ");
  }
  PyErr_SetObject(PyExc_KeyError,
                  ref(PyUnicode_FromString((l.name + " has no record '" + std::string(wanted) +
                                            "' (its records: " + (known.empty() ? "none" : known) + ")")
                                               .c_str()))
                      .get());
  return nullptr;
}

inline bool described_struct(const type_description& t) noexcept {
  return t.kind == "struct" && t.shape.empty() && !t.members.empty();
}

inline PyObject* body_value(const type_description& t, const std::byte* bytes, const state_codec& states);

// The members' values as a dict, from a copy of their bytes: a described
// struct's members, a keyed alternative's fields.
inline PyObject* members_value(std::span<const member_info> members, const std::byte* bytes,
                               const state_codec& states) {
  ref out(PyDict_New());
  if (!out) return nullptr;
  for (const member_info& m : members) {
    ref value(described_struct(*m.type)
                  ? body_value(*m.type, bytes + m.offset, states)
                  : value_from(describe_path(m.name, {}, 0, *m.type), bytes + m.offset, states));
    ref key(PyUnicode_FromStringAndSize(m.name.data(), static_cast<Py_ssize_t>(m.name.size())));
    if (!value || !key || PyDict_SetItem(out.get(), key.get(), value.get()) != 0) return nullptr;
  }
  return out.release();
}

// The body's value from a copy of its bytes.
inline PyObject* body_value(const type_description& t, const std::byte* bytes, const state_codec& states) {
  if (!described_struct(t))
    return PyBytes_FromStringAndSize(reinterpret_cast<const char*>(bytes), static_cast<Py_ssize_t>(t.size));
  return members_value(t.members, bytes, states);
}

inline bool members_from(const layout_binding& l, const std::string& path,
                         std::span<const member_info> members, PyObject* value, std::byte* out,
                         std::size_t base);

// Converts `value` into the body's bytes at `out` (t.size of them, zeroed):
// a mapping of members (those left out stay 0) for a described struct, or
// bytes of exactly its size. `path` names it in messages ("teardown").
inline bool body_from(const layout_binding& l, const std::string& path, const type_description& t,
                      PyObject* value, std::byte* out) {
  if (!described_struct(t) || !PyMapping_Check(value) || PyBytes_Check(value) || PyByteArray_Check(value)) {
    field_desc whole = describe_path(path, {}, 0, t);
    staged_value staged;
    if (!staged.stage(whole, value, place{l.name, &whole})) return false;
    staged.store(out, t.size);
    return true;
  }
  return members_from(l, path, t.members, value, out, 0);
}

// Converts a mapping of some or all of `members` into their bytes: a
// member at offset o goes to out + o - base. `path` names them in messages.
inline bool members_from(const layout_binding& l, const std::string& path,
                         std::span<const member_info> members, PyObject* value, std::byte* out,
                         std::size_t base) {
  if (!PyMapping_Check(value)) {
    fail(PyExc_TypeError, l.name + " '" + path + "' takes a dict of its members, got " + type_name_of(value));
    return false;
  }
  // A snapshot of the items: converting a value may run code that changes
  // the mapping.
  ref items(PyMapping_Items(value));
  if (!items) return false;
  const Py_ssize_t count = PyList_GET_SIZE(items.get());
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* item = PyList_GET_ITEM(items.get(), i);           // borrowed
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {  // a mapping whose items() lies
      fail(PyExc_TypeError, l.name + " '" + path + "': items() of the mapping gave " + repr_of(item) +
                                ", not a (name, value) pair");
      return false;
    }
    PyObject* key = PyTuple_GET_ITEM(item, 0);
    std::string_view name;
    if (!PyUnicode_Check(key)) {
      fail(PyExc_TypeError, l.name + " '" + path + "': member names are str, got " + type_name_of(key));
      return false;
    }
    if (!utf8_of(key, name)) return false;
    const member_info* member = nullptr;
    std::string known;
    for (const member_info& m : members) {
      if (m.name == name) member = &m;
      append_listed(known, m.name, ", ");
    }
    if (member == nullptr) {
      const std::string message = l.name + " '" + path + "' has no member '" + std::string(name) +
                                  "' (its members: " + (known.empty() ? "none" : known) + ")";
      PyErr_SetObject(PyExc_KeyError, ref(PyUnicode_FromString(message.c_str())).get());
      return false;
    }
    const std::string inner = path + "." + std::string(member->name);
    if (!body_from(l, inner, *member->type, PyTuple_GET_ITEM(item, 1), out + member->offset - base))
      return false;
  }
  return true;
}

inline bool generation_from(PyObject* value, const who& where, std::uint32_t& out) {
  if (!PyLong_Check(value)) {
    fail(PyExc_TypeError, where + ": the generation is an int, got " + type_name_of(value));
    return false;
  }
  const unsigned long long g = PyLong_AsUnsignedLongLong(value);
  if (PyErr_Occurred() != nullptr || g > 0xFFFFFFFFull) {
    PyErr_Clear();
    fail(PyExc_OverflowError, where + ": the generation is a 32-bit unsigned int, got " + repr_of(value));
    return false;
  }
  out = static_cast<std::uint32_t>(g);
  return true;
}

// box.write_record(name, generation, value)
inline PyObject* box_write_record(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = reinterpret_cast<box_object*>(self);
    const layout_binding& l = *box->layout;
    const who where{l.name, ".write_record"};
    if (nargs != 3) return fail(PyExc_TypeError, where + " takes 3 arguments (name, generation, value)");
    const field_desc* d = find_record(l, args[0], where);
    std::uint32_t generation = 0;
    if (d == nullptr || !generation_from(args[1], where, generation)) return nullptr;
    const record_description& r = *d->type->record;
    std::vector<std::byte> body(r.body->size);
    if (!body_from(l, std::string(d->name), *r.body, args[2], body.data())) return nullptr;
    // Checked after the conversion, which may run code that closes it.
    if (!region_open(box->region, where)) return nullptr;
    write_record_bytes(box->base + d->offset, r.schema, generation, std::span<const std::byte>(body));
    Py_RETURN_NONE;
  });
}

// The record's status, and its value when valid.
inline PyObject* read_record_call(PyObject* self, PyObject* const* args, Py_ssize_t nargs, bool with_status) {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = reinterpret_cast<box_object*>(self);
    const layout_binding& l = *box->layout;
    const who where{l.name, with_status ? ".read_record_status" : ".read_record"};
    if (nargs != 2) return fail(PyExc_TypeError, where + " takes 2 arguments (name, generation)");
    const field_desc* d = find_record(l, args[0], where);
    std::uint32_t generation = 0;
    if (d == nullptr || !generation_from(args[1], where, generation)) return nullptr;
    if (!region_open(box->region, where)) return nullptr;
    const record_description& r = *d->type->record;
    std::vector<std::byte> body(r.body_words * 8);
    const record_status status = read_record_bytes(box->base + d->offset, r.schema, generation,
                                                   std::span<std::byte>(body.data(), r.body->size));
    ref value;
    if (status == record_status::valid) {
      value = ref(body_value(*r.body, body.data(), *l.states));
      if (!value) return nullptr;
    } else {
      Py_INCREF(Py_None);
      value = ref(Py_None);
    }
    if (!with_status) return value.release();
    const std::string_view name = to_string(status);
    return Py_BuildValue("(s#O)", name.data(), static_cast<Py_ssize_t>(name.size()), value.get());
  });
}

inline PyObject* box_read_record(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  return read_record_call(self, args, nargs, false);
}
inline PyObject* box_read_record_status(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  return read_record_call(self, args, nargs, true);
}

// box.clear_record(name)
inline PyObject* box_clear_record(PyObject* self, PyObject* name) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = reinterpret_cast<box_object*>(self);
    const who where{box->layout->name, ".clear_record"};
    const field_desc* d = find_record(*box->layout, name, where);
    if (d == nullptr || !region_open(box->region, where)) return nullptr;
    clear_record_bytes(box->base + d->offset);
    Py_RETURN_NONE;
  });
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail
