// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Name.Token: exclusive access to a mailbox's payload, from the acquire
// that saw the state to publish() or abandon(). It holds the library's C++
// token and reaches the payload at the layout's offsets only while that
// token is live; the C++ token is ended (published or abandoned) before it
// is destroyed, so nothing here can abort the interpreter, however the
// module was built.
//
//   with box.acquire(State.idle, timeout=2.0) as t:   # leaving unpublished: abandon + ResourceWarning
//       t["arg0"] = 7; v = t["arg0"]
//       with t.view("args") as args:                    # a memoryview of the field's bytes
//           args[0] = 1
//       t.publish(State.task_ready)                     # BufferError while a view is exported
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "../abi.hpp"
#include "convert.hpp"
#include "objects.hpp"
#include "rules.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

namespace detail {

inline token_object* as_token(PyObject* self) noexcept { return reinterpret_cast<token_object*>(self); }

inline const state_codec& states_of(const token_object* t) noexcept {
  return t->endpoint != nullptr ? *t->endpoint->states : *t->layout->states;
}

inline std::string_view owner_name(const token_object* t) noexcept {
  return t->endpoint != nullptr ? t->endpoint->name : t->layout->name;
}

inline std::string token_owner_name(const token_object* t) { return std::string(owner_name(t)) + " token"; }

// A token that holds the payload, in an open region; RuntimeError or
// ValueError saying why not.
[[gnu::cold, gnu::noinline]] inline bool token_unusable(const token_object* t, std::string_view what) {
  if (t->status != token_status::live) {
    const char* how = t->status == token_status::published   ? "publish()"
                      : t->status == token_status::abandoned ? "abandon()"
                      : t->status == token_status::empty     ? "narrow() handed it on"
                                                             : "";
    fail(PyExc_RuntimeError, token_owner_name(t) + ": " + std::string(what) + " after " + how +
                                 ": a token is spent once it is published, abandoned or narrowed");
    return false;
  }
  return region_open(t->box->region, who{owner_name(t), " token: ", what});
}

inline bool token_usable(const token_object* t, std::string_view what) {
  if (t->status == token_status::live && t->box->region->f.memory != nullptr) [[likely]]
    return true;
  return token_unusable(t, what);
}
// The payload field `key` names; KeyError (or, through an endpoint, a
// ProtocolError for a field the token's states do not view) otherwise.
[[gnu::cold, gnu::noinline]] inline const field_desc* no_such_field(const token_object* t, PyObject* key) {
  const layout_binding& l = *t->layout;
  if (!PyUnicode_Check(key)) {
    fail(PyExc_TypeError, token_owner_name(t) + ": field names are str, got " + type_name_of(key));
    return nullptr;
  }
  std::string known;
  for (const std::size_t i : l.payload) append_listed(known, l.fields[i].name, ", ");
  std::string_view name;
  if (!utf8_of(key, name)) return nullptr;
  PyErr_SetObject(PyExc_KeyError,
                  ref(PyUnicode_FromString((l.name + " has no payload field '" + std::string(name) +
                                            "' (its payload fields: " + known + ")")
                                               .c_str()))
                      .get());
  return nullptr;
}

// The member `key` names: by identity first (a name written in Python code
// is interned, and so are the binding's), then by value.
inline const field_desc* member_named(const layout_binding& l, PyObject* key) {
  for (std::size_t i = 0; i < l.field_keys.size(); ++i) {
    if (l.field_keys[i] == key) return &l.fields[i];
  }
  if (!PyUnicode_Check(key)) return nullptr;
  PyObject* found = PyDict_GetItemWithError(l.field_index, key);  // borrowed
  return found == nullptr ? nullptr : &l.fields[PyLong_AsSize_t(found)];
}

[[gnu::cold, gnu::noinline]] inline const field_desc* not_a_payload_field(const token_object* t,
                                                                          const field_desc& d) {
  const std::string why =
      d.role == field_role::state
          ? "' is the state word, not a payload field: read it with state(), store it with publish()"
      : d.role == field_role::record
          ? "' is a committed record, not a payload field: the mailbox's write_record(), read_record(), "
            "clear_record() reach it, without a token"
          : "' is a flag, not a payload field: raise_flag(), is_raised(), clear_flag()";
  PyErr_SetObject(
      PyExc_KeyError,
      ref(PyUnicode_FromString((t->layout->name + ": '" + std::string(d.name) + why).c_str())).get());
  return nullptr;
}

[[gnu::cold, gnu::noinline]] inline const field_desc* out_of_view(const token_object* t,
                                                                  const field_desc& d) {
  (void)reaches(*t->endpoint, t->held, t->held_count, d, true);  // sets the ProtocolError
  return nullptr;
}

inline const field_desc* find_field(const token_object* t, PyObject* key) {
  const field_desc* d = member_named(*t->layout, key);
  if (d == nullptr) [[unlikely]]
    return PyErr_Occurred() ? nullptr : no_such_field(t, key);
  if (d->role != field_role::payload) [[unlikely]]
    return not_a_payload_field(t, *d);
  if (t->endpoint != nullptr && !reaches(*t->endpoint, t->held, t->held_count, *d, false)) [[unlikely]]
    return out_of_view(t, *d);
  return d;
}
inline PyObject* token_read(token_object* t, const field_desc& d) {
  if (d.shape == field_shape::scalar) {
    if (!token_usable(t, "read")) return nullptr;
    return number_from(d, t->base + d.offset, states_of(t));
  }
  if (d.shape == field_shape::numbers) {
    // Building the list may run Python code (a collection, a finalizer)
    // that could publish this token: copy the elements out first (on the
    // stack if they are few, never a large array).
    alignas(8) std::byte small[256];
    std::unique_ptr<std::byte[]> large;
    std::byte* copy = small;
    if (d.size > sizeof small) {
      large = std::make_unique<std::byte[]>(d.size);
      copy = large.get();
    }
    if (!token_usable(t, "read")) return nullptr;
    std::memcpy(copy, t->base + d.offset, d.size);
    return value_from(d, copy, states_of(t));
  }
  if (!token_usable(t, "read")) return nullptr;
  return value_from(d, t->base + d.offset, states_of(t));
}

inline PyObject* token_subscript(PyObject* self, PyObject* key) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    const field_desc* d = find_field(t, key);
    if (d == nullptr) return nullptr;
    return token_read(t, *d);
  });
}

// t[name] = value: converted first (which may run Python code), stored only
// if the token still holds the payload afterwards.
[[gnu::cold, gnu::noinline]] inline int spent_while_converting(const token_object* t, const field_desc& d) {
  if (t->status == token_status::live) return token_usable(t, "write") ? 0 : -1;  // the region closed
  return fail_status(PyExc_RuntimeError,
                     token_owner_name(t) + ": the token was spent while the value for '" +
                         std::string(d.name) +
                         "' was converted (its __index__, __float__ or items ran code that published or "
                         "abandoned it); nothing was written");
}

inline int token_assign(PyObject* self, PyObject* key, PyObject* value) noexcept {
  return guarded(-1, [&]() -> int {
    token_object* t = as_token(self);
    if (!token_usable(t, "write")) return -1;
    const field_desc* d = find_field(t, key);
    if (d == nullptr) return -1;
    if (value == nullptr) {
      return fail_status(PyExc_TypeError,
                         t->layout->name + " field '" + std::string(d->name) + "' cannot be deleted");
    }
    const place where{t->layout->name, d};
    if (d->shape == field_shape::scalar) {
      // A number: converted into eight bytes here, no staging object.
      alignas(8) std::byte converted[8];
      if (!number_into(value, *d, converted, where)) return -1;
      if (!token_usable(t, "write")) [[unlikely]]
        return spent_while_converting(t, *d);
      std::memcpy(t->base + d->offset, converted, d->size);
      return 0;
    }
    staged_value staged;
    if (!staged.stage(*d, value, where)) return -1;
    if (!token_usable(t, "write")) [[unlikely]]
      return spent_while_converting(t, *d);
    staged.store(t->base + d->offset, d->size);
    return 0;
  });
}
// Ends the token without publishing. `why` is for the warning; null: no
// warning (an explicit abandon()).
[[gnu::cold, gnu::noinline]] inline bool views_exported(const token_object* t, const char* what) {
  fail(PyExc_BufferError, token_owner_name(t) + ": " + what + " while " + std::to_string(t->views) +
                              " memoryview(s) of its fields still exist: release() them first (or use "
                              "`with t.view(...) as v:`)");
  return false;
}

// Whether the token may end: not while a memoryview of its fields lives.
inline bool token_can_end(const token_object* t, const char* what) {
  if (t->views > 0) [[unlikely]]
    return views_exported(t, what);
  return true;
}
// Ends the C++ token: publish (release-store) or abandon. The spent token
// lets go of its mailbox (it never touches it again), and the mailbox may
// keep the token object to hand out again once nobody else holds it: a
// turn then allocates nothing. (A mailbox holding its tokens, and tokens
// their mailbox, would be a cycle; only spent tokens are kept.) Never kept
// from a deallocation (`reuse` false).
inline void end_token(token_object* t, token_status how, std::uint64_t next, bool reuse = true) noexcept {
  if (how == token_status::published) {
    t->layout->ops->publish(t->cxx, next);
  } else {
    t->layout->ops->abandon(t->cxx);
  }
  t->status = how;
  box_object* box = t->box;
  t->box = nullptr;
  if (reuse) {
    for (PyObject*& spare : box->spare) {
      if (spare == nullptr) {
        Py_INCREF(reinterpret_cast<PyObject*>(t));
        spare = reinterpret_cast<PyObject*>(t);
        break;
      }
    }
  }
  Py_DECREF(reinterpret_cast<PyObject*>(box));
}
// The warning for a token that ends without publish(): it names the state
// the mailbox stays in, which nobody else will take.
inline void warn_abandoned(token_object* t, const char* how) noexcept {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  try {
    const std::string message = token_owner_name(t) + " acquired in " + states_of(t).shown(t->acquired) +
                                " " + how + " without publish(); abandoned: the mailbox stays in " +
                                states_of(t).shown(t->acquired);
    if (PyErr_WarnEx(PyExc_ResourceWarning, message.c_str(), 1) != 0) {
      PyErr_WriteUnraisable(reinterpret_cast<PyObject*>(t));
    }
  } catch (...) {
    PyErr_Clear();
  }
  PyErr_Restore(type, value, traceback);
}

// Whether a state converted from Python may be stored: not the waiter mark
// of a blocking layout, one of the valid states.
[[gnu::noinline]] inline bool storable(const token_object* t, PyObject* state, std::uint64_t next,
                                       const who& where) {
  if (states_of(t).uses_waiter_mark(next)) {
    fail(PyExc_ValueError,
         where + ": " + repr_of(state) +
             " uses the top bit of the state word, which marks a sleeping waiter in a layout "
             "with blocking_waiters");
    return false;
  }
  if (!t->layout->ops->is_valid_state(next)) {
    fail(PyExc_ValueError, where + ": " + repr_of(state) + " is not one of the layout's valid_states");
    return false;
  }
  return true;
}

inline PyObject* token_publish(PyObject* self, PyObject* state) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    if (!token_usable(t, "publish()")) return nullptr;
    const who where{owner_name(t), " token.publish(state)"};
    std::uint64_t next = 0;
    // A State member is a state the word may hold; anything else is
    // converted (which may run __index__: the checks below come after it)
    // and checked.
    const bool member = states_of(t).member_bits(state, next);
    if (!member && !states_of(t).from_python(state, next, where)) return nullptr;
    if (!token_usable(t, "publish()") || !token_can_end(t, "publish()")) return nullptr;
    if (!member && !storable(t, state, next, where))
      return nullptr;  // a member was checked when State was made
    if (t->endpoint != nullptr && !allows_next(*t->endpoint, t->held, t->held_count, next)) return nullptr;
    end_token(t, token_status::published, next);
    Py_RETURN_NONE;
  });
}

inline PyObject* token_abandon(PyObject* self, PyObject*) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    // Abandoning touches no memory: a token of a closed region may end so.
    if (t->status != token_status::live && !token_usable(t, "abandon()")) return nullptr;
    if (!token_can_end(t, "abandon()")) return nullptr;
    end_token(t, token_status::abandoned, 0);
    Py_RETURN_NONE;
  });
}

inline PyObject* token_enter(PyObject* self, PyObject*) noexcept {
  token_object* t = as_token(self);
  if (!token_usable(t, "with")) return nullptr;
  Py_INCREF(self);
  return self;
}

// Whether a token that ends without publish() deserves no warning: an
// endpoint's token of terminal states only, which has no publish (read and
// dropped, as in C++).
inline bool ends_quietly(const token_object* t) noexcept {
  return t->endpoint != nullptr && holds_only_terminal_states(*t->endpoint, t->held, t->held_count);
}

// Leaving a `with` block: a token not yet published or abandoned is
// abandoned, with a ResourceWarning (none for a token of terminal states);
// an exception leaving the block goes on (never suppressed).
inline PyObject* token_exit(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  token_object* t = as_token(self);
  if (t->status == token_status::live) {
    if (!token_can_end(t, "leaving its with block")) return nullptr;
    const bool quiet = ends_quietly(t);
    end_token(t, token_status::abandoned, 0);
    if (quiet) Py_RETURN_FALSE;
    const bool raised = nargs > 0 && args[0] != Py_None;
    warn_abandoned(t, raised ? "left its with block by an exception" : "left its with block");
    if (PyErr_Occurred()) return nullptr;
  }
  Py_RETURN_FALSE;
}

// A token dropped while it holds the payload (no `with`, no publish, no
// abandon; an exception unwinding past it; still held at interpreter exit).
inline void token_finalize(PyObject* self) noexcept {
  token_object* t = as_token(self);
  if (t->status != token_status::live) return;
  const bool quiet = ends_quietly(t);
  end_token(t, token_status::abandoned, 0, false);
  if (!quiet) warn_abandoned(t, "was dropped");
}

inline token_pool& pool_of(const token_object* t) noexcept {
  return t->endpoint != nullptr ? t->endpoint->tokens : t->layout->tokens;
}

inline void token_dealloc(PyObject* self) noexcept {
  token_object* t = as_token(self);
  if (t->status == token_status::live) {
    if (PyObject_CallFinalizerFromDealloc(self) < 0) return;  // resurrected
    if (t->status == token_status::live) end_token(t, token_status::abandoned, 0, false);
  }
  Py_XDECREF(reinterpret_cast<PyObject*>(t->box));
  PyTypeObject* type = Py_TYPE(self);
  token_pool& pool = pool_of(t);
  if (pool.count < token_pool::capacity) {
    pool.free[pool.count++] = self;  // its memory, for the next token of this type
  } else {
    type->tp_free(self);
  }
  Py_DECREF(type);
}

inline token_object* init_token(PyObject* object, const layout_binding* layout,
                                const endpoint_binding* endpoint, box_object* box) noexcept {
  token_object* t = as_token(object);
  t->layout = layout;
  t->endpoint = endpoint;
  Py_INCREF(reinterpret_cast<PyObject*>(box));
  t->box = box;
  t->base = box->base;
  t->acquired = 0;
  t->status = token_status::empty;
  t->views = 0;
  t->exporting = nullptr;
  t->held_count = 0;
  return t;
}

// A token object of `type` for `box`, not yet holding anything: a spent one
// the mailbox kept that nobody else holds, or one from the type's pool, or a
// new one. Every field is set here.
inline token_object* alloc_token(PyTypeObject* type, token_pool& pool, const layout_binding* layout,
                                 const endpoint_binding* endpoint, box_object* box) noexcept {
  for (PyObject*& spare : box->spare) {
    if (spare != nullptr && Py_REFCNT(spare) == 1 && Py_TYPE(spare) == type) {
      PyObject* reused = spare;  // the mailbox's reference becomes the caller's
      spare = nullptr;
      return init_token(reused, layout, endpoint, box);
    }
  }
  PyObject* object = pool.count > 0 ? PyObject_Init(pool.free[--pool.count], type) : type->tp_alloc(type, 0);
  if (object == nullptr) return nullptr;
  return init_token(object, layout, endpoint, box);
}
// t.view(name): a memoryview of the field's bytes, typed by its element.
// The token itself exports it (no object in between): view() names the
// field for the one PyMemoryView_FromObject call that asks for the buffer.
inline PyObject* token_view(PyObject* self, PyObject* key) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    if (!token_usable(t, "view()")) return nullptr;
    const field_desc* d = find_field(t, key);
    if (d == nullptr) return nullptr;
    t->exporting = d;
    PyObject* view = PyMemoryView_FromObject(self);
    t->exporting = nullptr;
    return view;
  });
}

static_assert(sizeof(Py_ssize_t) == sizeof(std::ptrdiff_t) && alignof(Py_ssize_t) == alignof(std::ptrdiff_t));

inline int token_get_buffer(PyObject* self, Py_buffer* view, int flags) noexcept {
  token_object* t = as_token(self);
  view->obj = nullptr;
  if (t->exporting == nullptr) {
    PyErr_SetString(PyExc_BufferError, "mailbox: a token's fields are viewed one at a time: t.view(name)");
    return -1;
  }
  if (t->status != token_status::live || t->box->region->f.memory == nullptr) {
    PyErr_SetString(PyExc_BufferError, "mailbox: the token was spent or its region closed");
    return -1;
  }
  const field_desc& d = *t->exporting;
  std::byte* at = t->base + d.offset;
  if ((flags & PyBUF_ND) != PyBUF_ND) {
    // A plain bytes request (PyBUF_SIMPLE): the field's bytes.
    if (PyBuffer_FillInfo(view, self, at, static_cast<Py_ssize_t>(d.size), 0, flags) != 0) return -1;
  } else {
    view->buf = at;
    Py_INCREF(self);
    view->obj = self;
    view->len = static_cast<Py_ssize_t>(d.size);
    view->readonly = 0;
    view->itemsize = static_cast<Py_ssize_t>(d.view_itemsize);
    // Py_buffer's pointers are not const; their readers never write them.
    view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char*>(d.format) : nullptr;
    view->ndim = static_cast<int>(d.view_ndim);
    view->shape = const_cast<Py_ssize_t*>(reinterpret_cast<const Py_ssize_t*>(d.view_shape.data()));
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES
                        ? const_cast<Py_ssize_t*>(reinterpret_cast<const Py_ssize_t*>(d.view_strides.data()))
                        : nullptr;
    view->suboffsets = nullptr;
  }
  // The memory stays mapped while the view lives, even if the region is
  // closed meanwhile.
  pinned_memory* memory = t->box->region->f.memory;
  ++memory->pins;
  view->internal = memory;
  ++t->views;
  return 0;
}

inline void token_release_buffer(PyObject* self, Py_buffer* view) noexcept {
  --as_token(self)->views;
  unpin(static_cast<pinned_memory*>(view->internal));
}

inline PyObject* token_keys(PyObject* self, PyObject*) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const token_object* t = as_token(self);
    ref names(PyList_New(0));
    if (!names) return nullptr;
    for (const std::size_t i : t->layout->payload) {
      const field_desc& d = t->layout->fields[i];
      if (t->endpoint != nullptr && !reaches(*t->endpoint, t->held, t->held_count, d, false)) continue;
      ref name(PyUnicode_FromStringAndSize(d.name.data(), static_cast<Py_ssize_t>(d.name.size())));
      if (!name || PyList_Append(names.get(), name.get()) != 0) return nullptr;
    }
    return names.release();
  });
}

inline PyObject* token_state(PyObject* self, void*) noexcept {
  const token_object* t = as_token(self);
  if (!token_usable(t, "state")) return nullptr;
  return states_of(t).to_python(t->acquired);
}

inline PyObject* token_published(PyObject* self, void*) noexcept {
  return PyBool_FromLong(as_token(self)->status == token_status::published);
}

inline PyObject* token_abandoned(PyObject* self, void*) noexcept {
  return PyBool_FromLong(as_token(self)->status == token_status::abandoned);
}

inline PyObject* token_repr(PyObject* self) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const token_object* t = as_token(self);
    std::string text = "<" + token_owner_name(t) + ", ";
    switch (t->status) {
      case token_status::live:
        text += "acquired in " + states_of(t).shown(t->acquired);
        break;
      case token_status::published:
        text += "published";
        break;
      case token_status::abandoned:
        text += "abandoned";
        break;
      case token_status::empty:
        text += "narrowed";
        break;
    }
    return PyUnicode_FromString((text + ">").c_str());
  });
}

// t.narrow(state), an endpoint token's: the token for the one state it was
// acquired in, taking over from this one (spent); None if it was acquired
// in another of its states.
inline PyObject* token_narrow(PyObject* self, PyObject* state) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    token_object* t = as_token(self);
    const endpoint_binding& e = *t->endpoint;
    std::uint64_t s = 0;
    if (!e.states->from_python(state, s, who{e.name, " token.narrow(state)"})) return nullptr;
    if (!token_usable(t, "narrow()")) return nullptr;
    bool held = false;
    for (std::size_t i = 0; i < t->held_count; ++i) held = held || t->held[i] == s;
    if (!held) {
      return protocol_fail(e, " token: narrow(" + e.states->shown(s) +
                                  ") names a state the token was not acquired for (" +
                                  e.states->shown(t->held, t->held_count, ", ") + ")");
    }
    if (s != t->acquired) Py_RETURN_NONE;
    if (!token_can_end(t, "narrow()")) return nullptr;
    ref narrowed(
        reinterpret_cast<PyObject*>(alloc_token(Py_TYPE(self), pool_of(t), t->layout, t->endpoint, t->box)));
    if (!narrowed) return nullptr;
    token_object* n = as_token(narrowed.get());
    n->acquired = s;
    n->held_count = 1;
    n->held[0] = s;
    t->layout->ops->move(t->cxx, n->cxx);
    n->status = token_status::live;
    t->status = token_status::empty;
    return narrowed.release();
  });
}

}  // namespace detail

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
