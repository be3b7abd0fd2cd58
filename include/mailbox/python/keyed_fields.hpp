// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Keyed unions (mailbox::keyed) through a token, as the C++ token reaches
// them: the key read as it is, an alternative's fields only under the key
// that selects it, and emplace() setting an alternative and its key in one
// call. Everything is walked from the field's keyed_description.
//
//   key = t.key("command")                       # the key word, whatever a peer stored
//   alt = t.alternative("command")               # ("copy", {"src": 1, ...}), or None: no alternative
//   t.emplace("command", "copy", {"src": 1})     # the alternative's bytes zeroed, fields, then the key
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../abi.hpp"
#include "../description.hpp"
#include "convert.hpp"
#include "objects.hpp"
#include "records.hpp"
#include "token.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail {

// The keyed field `name` names, reachable by the token; TypeError for a
// field that is not a keyed union.
inline const field_desc* find_keyed(token_object* t, PyObject* name, const char* what) {
  const field_desc* d = find_field(t, name);
  if (d == nullptr) return nullptr;
  if (d->type == nullptr || d->type->keyed == nullptr || !d->type->shape.empty()) {
    fail(PyExc_TypeError, token_owner_name(t) + "." + what + ": field '" + std::string(d->name) +
                              "' is not a keyed union (mailbox::keyed)");
    return nullptr;
  }
  return d;
}

// The key's bits at `at`, converted as alternative_info::key is: sign-
// extended for a signed key.
inline std::uint64_t key_bits(const keyed_description& k, const std::byte* at) noexcept {
  const std::size_t n = k.key.type->size;
  const std::uint64_t bits = load_bits(at, n);
  if (!k.key_is_signed || n >= 8) return bits;
  const int shift = static_cast<int>(64 - n * 8);
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(bits << shift) >> shift);
}

inline const alternative_info* alternative_of_key(const keyed_description& k, std::uint64_t key) noexcept {
  for (const alternative_info& a : k.alternatives) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

// t.key(field): the key word as an int.
inline PyObject* token_key(PyObject* self, PyObject* name) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    if (!token_usable(t, "key()")) return nullptr;
    const field_desc* d = find_keyed(t, name, "key");
    if (d == nullptr) return nullptr;
    const keyed_description& k = *d->type->keyed;
    return number_from(describe_path(k.key.name, {}, 0, *k.key.type), t->base + d->offset + k.key.offset,
                       states_of(t));
  });
}

// t.alternative(field): (name, {field: value}) of the alternative the key
// selects, read from a copy; None when the key selects none.
inline PyObject* token_alternative(PyObject* self, PyObject* name) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    if (!token_usable(t, "alternative()")) return nullptr;
    const field_desc* d = find_keyed(t, name, "alternative");
    if (d == nullptr) return nullptr;
    const keyed_description& k = *d->type->keyed;
    // Copied first: building the values may run code that ends the token.
    std::vector<std::byte> copy(d->size);
    if (!token_usable(t, "alternative()")) return nullptr;
    std::memcpy(copy.data(), t->base + d->offset, d->size);
    const alternative_info* a = alternative_of_key(k, key_bits(k, copy.data()));
    if (a == nullptr) Py_RETURN_NONE;
    ref fields(members_value(a->fields, copy.data(), states_of(t)));
    if (!fields) return nullptr;
    return Py_BuildValue("(s#O)", a->name.data(), static_cast<Py_ssize_t>(a->name.size()), fields.get());
  });
}

// t.emplace(field, alternative, values=None): as the C++ token's emplace:
// the alternative's bytes zeroed, the fields given written, the key stored.
inline PyObject* token_emplace(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    if (nargs < 2 || nargs > 3) {
      return fail(PyExc_TypeError,
                  token_owner_name(t) + ".emplace takes 2 or 3 arguments (field, alternative, values=None)");
    }
    if (!token_usable(t, "emplace()")) return nullptr;
    const field_desc* d = find_keyed(t, args[0], "emplace");
    if (d == nullptr) return nullptr;
    const keyed_description& k = *d->type->keyed;
    std::string_view wanted;
    if (!PyUnicode_Check(args[1])) {
      return fail(PyExc_TypeError, token_owner_name(t) + ".emplace: alternatives are named by str, got " +
                                       type_name_of(args[1]));
    }
    if (!utf8_of(args[1], wanted)) return nullptr;
    const alternative_info* a = nullptr;
    std::string known;
    for (const alternative_info& alt : k.alternatives) {
      if (alt.name == wanted) a = &alt;
      append_listed(known, alt.name, ", ");
    }
    if (a == nullptr) {
      const std::string message = t->layout->name + " field '" + std::string(d->name) +
                                  "' has no alternative '" + std::string(wanted) +
                                  "' (its alternatives: " + known + ")";
      PyErr_SetObject(PyExc_KeyError, ref(PyUnicode_FromString(message.c_str())).get());
      return nullptr;
    }
    // Converted into a zeroed copy of the alternative's bytes before anything is stored.
    const std::size_t begin = k.alternatives_offset;
    std::vector<std::byte> staged(a->end > begin ? a->end - begin : 0);
    if (nargs == 3 && args[2] != Py_None &&
        !members_from(*t->layout, std::string(d->name) + "." + std::string(a->name), a->fields, args[2],
                      staged.data(), begin)) {
      return nullptr;
    }
    if (!token_usable(t, "emplace()")) [[unlikely]] {
      (void)spent_while_converting(t, *d);  // sets the exception
      return nullptr;
    }
    std::byte* at = t->base + d->offset;
    if (!staged.empty()) std::memcpy(at + begin, staged.data(), staged.size());
    store_bits(at + k.key.offset, a->key, k.key.type->size);
    Py_RETURN_NONE;
  });
}

// The three methods of every token type (a layout's and an endpoint's).
inline const PyMethodDef keyed_key_method = {
    "key", as_method(&token_key), METH_O,
    "key(field): the key word of a keyed union field, as an int (whatever a peer stored)."};
inline const PyMethodDef keyed_alternative_method = {
    "alternative", as_method(&token_alternative), METH_O,
    "alternative(field): (name, {field: value}) of the alternative the key selects, or None when it selects "
    "none."};
inline const PyMethodDef keyed_emplace_method = {
    "emplace", as_method(&token_emplace), METH_FASTCALL,
    "emplace(field, alternative, values=None): makes `alternative` the one the field holds: its bytes "
    "zeroed, the fields given written, the key stored."};

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python::detail
