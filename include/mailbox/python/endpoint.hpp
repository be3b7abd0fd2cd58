// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// add_endpoint<Protocol, "role", Version>(module, "Name"): one role of a
// protocol as a Python class. Made over a mailbox of the protocol's layout,
// it makes at run time the checks mailbox::endpoint makes at compile time
// and raises the module's ProtocolError (a ValueError) naming the state or
// field: acquiring a state the role does not own (or one with several
// owners, which only try_transition leaves), touching a field in an overlay
// the held states do not view, publishing a state their next<...> does not
// list or gives to another owner (by<"role", ...>), a try_transition the
// protocol does not allow, raising or clearing a flag its flag_rule keeps
// from the role. A token of terminal states has no publish and ends
// without a warning. It hands out no way around them: no raw mailbox, no
// unchecked token.
//
//   parent = frames.ParentEnd(region[0])
//   with parent.acquire(State.idle, timeout=1.0) as t:
//       t["arg0"] = 7                             # ProtocolError unless idle views arg0's overlay
//       t.publish(State.control_request)          # ProtocolError unless idle -> control_request
//   t = parent.acquire_any([State.done, State.failed])
//   done = t.narrow(State.done)                   # the token for the state it got, or None
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../abi.hpp"
#include "../protocol.hpp"
#include "box.hpp"
#include "keyed_fields.hpp"
#include "module.hpp"
#include "objects.hpp"
#include "rules.hpp"
#include "token.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

namespace detail {

inline endpoint_object* as_endpoint(PyObject* self) noexcept {
  return reinterpret_cast<endpoint_object*>(self);
}

inline const endpoint_binding* endpoint_binding_of(PyObject* cls) {
  ref capsule(PyObject_GetAttrString(cls, "_mailbox_endpoint"));
  if (!capsule) return nullptr;
  return static_cast<const endpoint_binding*>(
      PyCapsule_GetPointer(capsule.get(), "mailbox.endpoint_binding"));
}

// Name(mailbox): the role's side of the protocol over a mailbox of its layout.
inline PyObject* endpoint_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_binding* e = endpoint_binding_of(reinterpret_cast<PyObject*>(type));
    if (e == nullptr) return nullptr;
    static const char* keywords[] = {"mailbox", nullptr};
    PyObject* box = nullptr;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O", const_cast<char**>(keywords), &box)) return nullptr;
    if (Py_TYPE(box) != e->layout->box_type) {
      return fail(PyExc_TypeError, e->name + ": needs a mailbox of the protocol's layout (" +
                                       e->layout->name + ", from a region or a buffer); got " +
                                       type_name_of(box));
    }
    auto* self = reinterpret_cast<endpoint_object*>(type->tp_alloc(type, 0));
    if (self == nullptr) return nullptr;
    self->endpoint = e;
    Py_INCREF(box);
    self->box = as_box(box);
    return reinterpret_cast<PyObject*>(self);
  });
}

inline void endpoint_dealloc(PyObject* self) noexcept {
  Py_XDECREF(reinterpret_cast<PyObject*>(as_endpoint(self)->box));
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

inline PyObject* endpoint_state(PyObject* self, PyObject*) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_object* p = as_endpoint(self);
    if (!region_open(p->box->region, who{p->endpoint->name, ".state()"})) return nullptr;
    return p->endpoint->states->to_python(p->box->layout->ops->state(p->box->base));
  });
}

inline PyObject* endpoint_try_acquire(PyObject* self, PyObject* state) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_object* p = as_endpoint(self);
    const endpoint_binding& e = *p->endpoint;
    std::uint64_t s = 0;
    if (!e.states->from_python(state, s, who{e.name, ".try_acquire(state)"}) ||
        !may_take(e, s, "try_acquire")) {
      return nullptr;
    }
    if (!region_open(p->box->region, who{e.name, ".try_acquire"})) return nullptr;
    if (e.layout->ops->state(p->box->base) != s) Py_RETURN_NONE;
    ref token(reinterpret_cast<PyObject*>(new_token(p->box, &e)));
    if (!token) return nullptr;
    token_object* t = as_token(token.get());
    t->held_count = 1;
    t->held[0] = s;
    if (!e.layout->ops->try_acquire(p->box->base, s, t->cxx)) Py_RETURN_NONE;
    return filled(token, s);
  });
}

inline PyObject* endpoint_acquire(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                                  PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_object* p = as_endpoint(self);
    const endpoint_binding& e = *p->endpoint;
    PyObject* a[5];
    if (!parse_arguments("acquire", args, nargs, kwnames, wait_keywords, 3, 1, a)) return nullptr;
    std::uint64_t s = 0;
    if (!e.states->from_python(a[0], s, who{e.name, ".acquire(state)"}) || !may_take(e, s, "acquire"))
      return nullptr;
    return acquire_token(p->box, &e, &s, 1, a[1], a[2], a[3], a[4], "acquire");
  });
}

inline PyObject* endpoint_acquire_any(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                                      PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_object* p = as_endpoint(self);
    const endpoint_binding& e = *p->endpoint;
    PyObject* a[5];
    if (!parse_arguments("acquire_any", args, nargs, kwnames, wait_any_keywords, 3, 1, a)) return nullptr;
    std::uint64_t wanted[max_wanted];
    std::size_t count = 0;
    if (!states_from(*e.states, a[0], who{e.name, ".acquire_any"}, wanted, count)) return nullptr;
    for (std::size_t i = 0; i < count; ++i) {
      if (!may_take(e, wanted[i], "acquire_any")) return nullptr;
    }
    return acquire_token(p->box, &e, wanted, count, a[1], a[2], a[3], a[4], "acquire_any");
  });
}

inline PyObject* endpoint_try_transition(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_object* p = as_endpoint(self);
    const endpoint_binding& e = *p->endpoint;
    std::uint64_t from = 0, to = 0;
    if (!transition_states(p->box, *e.states, args, nargs, who{e.name, ".try_transition"}, from, to))
      return nullptr;
    const state_rule* r = rule_for(e, from);
    if (r == nullptr || !contains(r->owners, e.role)) {
      return protocol_fail(
          e, ".try_transition: role '" + e.role + "' does not own " + e.states->shown(from) +
                 " (its owners: " + (r == nullptr ? std::string("none") : joined(r->owners)) + ")");
    }
    if (r->owners.size() == 1) {
      return protocol_fail(e,
                           ".try_transition: try_transition leaves only a state with several owners; " +
                               e.states->shown(from) + " has one (" + joined(r->owners) +
                               "): leave it with publish() from its token, which writes the payload first");
    }
    const std::size_t k = edge_index(*r, to);
    if (k == r->next.size()) {
      return protocol_fail(e, ".try_transition: " + e.states->shown(from) + " -> " + e.states->shown(to) +
                                  " is not in the protocol (next of " + e.states->shown(from) + ": " +
                                  e.states->shown(r->next.data(), r->next.size(), ", ") + ")");
    }
    if (!edge_is_the_roles(*r, k, e.role)) {
      edge_of_another_owner(e, ".try_transition", *r, k);
      return nullptr;
    }
    return new_transition(*e.layout, p->box->base, from, to);
  });
}

inline PyObject* endpoint_flag(PyObject* self, PyObject* name, flag_action action) noexcept {
  return guarded<PyObject*>(nullptr, [&] {
    const endpoint_object* p = as_endpoint(self);
    return flag_call(p->box, name, action, p->endpoint);
  });
}
inline PyObject* endpoint_raise_flag(PyObject* self, PyObject* name) noexcept {
  return endpoint_flag(self, name, flag_action::raise);
}
inline PyObject* endpoint_clear_flag(PyObject* self, PyObject* name) noexcept {
  return endpoint_flag(self, name, flag_action::clear);
}
inline PyObject* endpoint_is_raised(PyObject* self, PyObject* name) noexcept {
  return endpoint_flag(self, name, flag_action::test);
}

inline PyObject* endpoint_wait_stats(PyObject* self, void*) noexcept {
  return box_wait_stats(reinterpret_cast<PyObject*>(as_endpoint(self)->box), nullptr);
}

inline PyObject* endpoint_repr(PyObject* self) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const endpoint_object* p = as_endpoint(self);
    std::string text = "<" + p->endpoint->name + " (role '" + p->endpoint->role + "'), ";
    if (p->box->region->f.memory == nullptr) {
      text += "region closed>";
    } else {
      text += "state " + p->endpoint->states->shown(p->box->layout->ops->state(p->box->base)) + ">";
    }
    return PyUnicode_FromString(text.c_str());
  });
}

inline PyMethodDef endpoint_methods[] = {
    {"state", as_method(&endpoint_state), METH_NOARGS, "The state (acquire-load)."},
    {"try_acquire", as_method(&endpoint_try_acquire), METH_O,
     "try_acquire(state): a token if the state is `state` now and the role owns it alone; else None."},
    {"acquire", as_method(&endpoint_acquire), METH_FASTCALL | METH_KEYWORDS,
     "acquire(state, timeout=None, alive=None, *, policy=None, spins=None): as the mailbox's acquire(), for "
     "a "
     "state the role owns alone; a value the protocol does not rule in the state word is a ValueError."},
    {"acquire_any", as_method(&endpoint_acquire_any), METH_FASTCALL | METH_KEYWORDS,
     "acquire_any(states, ...): as acquire() for whichever comes first; the token reaches the fields all "
     "their "
     "views allow and publishes what all of them allow next, until narrow()."},
    {"try_transition", as_method(&endpoint_try_transition), METH_FASTCALL,
     "try_transition(from_state, to_state): one compare-and-swap out of a shared state the role owns, along "
     "an edge the protocol gives the role; a Name.Transition, true if it moved the state, whose .found is "
     "the state the word held."},
    {"raise_flag", as_method(&endpoint_raise_flag), METH_O,
     "raise_flag(name): raises a flag (release), if the flag's flag_rule lets the role."},
    {"clear_flag", as_method(&endpoint_clear_flag), METH_O,
     "clear_flag(name): lowers a flag (release), if the flag's flag_rule lets the role."},
    {"is_raised", as_method(&endpoint_is_raised), METH_O,
     "is_raised(name): whether a flag is raised (acquire)."},
    {nullptr, nullptr, 0, nullptr}};

inline PyGetSetDef endpoint_getset[] = {{"wait_stats", &endpoint_wait_stats, nullptr,
                                         "The mailbox's wait counters (see Name.wait_stats).", nullptr},
                                        {nullptr, nullptr, nullptr, nullptr, nullptr}};

inline PyMethodDef endpoint_token_methods[] = {
    {"publish", as_method(&token_publish), METH_O,
     "publish(state): stores a next state the protocol allows from every held state (release); spent."},
    {"abandon", as_method(&token_abandon), METH_NOARGS, "Ends the token without publishing; spent."},
    {"narrow", as_method(&token_narrow), METH_O,
     "narrow(state): if the token was acquired in `state`, the token for that one state (this one is spent); "
     "else None."},
    {"view", as_method(&token_view), METH_O, "view(name): a memoryview of a field the token reaches."},
    {"keys", as_method(&token_keys), METH_NOARGS, "The payload fields the token's states may touch."},
    keyed_key_method,
    keyed_alternative_method,
    keyed_emplace_method,
    {"__enter__", as_method(&token_enter), METH_NOARGS, nullptr},
    {"__exit__", as_method(&token_exit), METH_FASTCALL,
     "Leaving the block without publish() abandons the token, with a ResourceWarning."},
    {nullptr, nullptr, 0, nullptr}};

// The layout binding add_layout made in `module` for these operations.
inline layout_binding* find_layout(PyObject* module, const layout_ops* ops) {
  PyObject* dict = PyModule_GetDict(module);
  Py_ssize_t position = 0;
  PyObject *key = nullptr, *value = nullptr;
  while (PyDict_Next(dict, &position, &key, &value)) {
    if (!PyType_Check(value)) continue;
    PyObject* capsule =
        PyDict_GetItemString(reinterpret_cast<PyTypeObject*>(value)->tp_dict, "_mailbox_binding");
    if (capsule == nullptr || !PyCapsule_IsValid(capsule, "mailbox.layout_binding")) continue;
    auto* l = static_cast<layout_binding*>(PyCapsule_GetPointer(capsule, "mailbox.layout_binding"));
    if (l->ops == ops) return l;
  }
  return nullptr;
}

inline std::string endpoint_json(const endpoint_binding& e) {
  using mailbox::detail::append_json_string;
  const auto bits = [&](std::uint64_t b) {
    ref value(e.states->to_int(b));
    const long long v = value ? PyLong_AsLongLong(value.get()) : 0;
    return std::to_string(v);
  };
  std::string out = ", \"protocol\": {\"role\": ";
  const auto list = [&](const char* key, const std::vector<std::string_view>& names) {
    out += std::string(", \"") + key + "\": [";
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (k > 0) out += ", ";
      append_json_string(out, names[k]);
    }
    out += "]";
  };
  append_json_string(out, e.role);
  out += ", \"fingerprint\": \"" + mailbox::detail::hex(e.fingerprint) + "\", \"states\": [";
  for (std::size_t i = 0; i < e.rules.size(); ++i) {
    const state_rule& r = e.rules[i];
    out += i == 0 ? "{" : ", {";
    out += "\"state\": " + bits(r.bits) + ", \"name\": ";
    append_json_string(out, r.name);
    list("owners", r.owners);
    list("views", r.views);
    out += ", \"next\": [";
    for (std::size_t k = 0; k < r.next.size(); ++k) out += (k > 0 ? ", " : "") + bits(r.next[k]);
    out += "]";
    // Per next state, the one owner the edge is reserved for, or null.
    out += ", \"next_by\": [";
    for (std::size_t k = 0; k < r.next_by.size(); ++k) {
      if (k > 0) out += ", ";
      if (r.next_by[k].empty()) {
        out += "null";
      } else {
        append_json_string(out, r.next_by[k]);
      }
    }
    out += "]}";
  }
  out += "], \"initial\": [";
  for (std::size_t k = 0; k < e.initial.size(); ++k) out += (k > 0 ? ", " : "") + bits(e.initial[k]);
  out += "], \"flag_rules\": [";
  bool first_rule = true;
  for (const flag_permission& f : e.flags) {
    if (f.rule == nullptr) continue;
    out += first_rule ? "{\"flag\": " : ", {\"flag\": ";
    first_rule = false;
    append_json_string(out, f.rule->flag);
    list("raised_by", std::vector<std::string_view>(f.rule->raised_by.begin(), f.rule->raised_by.end()));
    list("cleared_by", std::vector<std::string_view>(f.rule->cleared_by.begin(), f.rule->cleared_by.end()));
    out += "}";
  }
  out += "]}";
  return e.layout->json.substr(0, e.layout->json.size() - 1) + out + "}";
}

inline int add_endpoint_binding(PyObject* module, endpoint_binding& e,
                                const std::vector<named_state>& named) {
  const char* module_name = PyModule_GetName(module);
  if (module_name == nullptr) return -1;
  e.protocol_error = module_exception(
      module, "ProtocolError", PyExc_ValueError,
      "A step the protocol does not allow: a state the role does not own, a field outside the "
      "state's views, a next state it does not list.");
  if (e.protocol_error == nullptr) return -1;
  if (e.layout->states->enum_type() == nullptr) {
    // The layout declares no valid_states: the protocol's states name them,
    // as the layout's Name.State, for the layout's mailboxes too.
    auto* named_by_protocol = new state_codec(e.layout->states->word(), named);
    if (!named_by_protocol->make_enum(module_name, e.layout->name + ".State")) return -1;
    if (named_by_protocol->enum_type() != nullptr) {
      Py_INCREF(named_by_protocol->enum_type());
      if (!set_attribute(reinterpret_cast<PyObject*>(e.layout->box_type), "State",
                         named_by_protocol->enum_type())) {
        return -1;
      }
      e.layout->states = named_by_protocol;
    }
  }
  e.states = e.layout->states;
  e.json = endpoint_json(e);
  e.token_type = make_token_type(e.type_names, module_name, e.name + ".Token", endpoint_token_methods,
                                 "A token whose fields and next states the protocol checks.");
  if (e.token_type == nullptr) return -1;
  const std::string doc = "The role '" + e.role + "' of a protocol over a mailbox of " + e.layout->name + ".";
  e.endpoint_type = make_type(e.type_names, module_name, e.name, sizeof(endpoint_object),
                              {{Py_tp_dealloc, reinterpret_cast<void*>(&endpoint_dealloc)},
                               {Py_tp_new, reinterpret_cast<void*>(&endpoint_new)},
                               {Py_tp_repr, reinterpret_cast<void*>(&endpoint_repr)},
                               {Py_tp_methods, endpoint_methods},
                               {Py_tp_getset, endpoint_getset},
                               {Py_tp_doc, const_cast<char*>(doc.c_str())}},
                              true);
  if (e.endpoint_type == nullptr) return -1;
  PyObject* cls = reinterpret_cast<PyObject*>(e.endpoint_type);
  PyObject* state_enum = e.states->enum_type() != nullptr ? e.states->enum_type() : Py_None;
  Py_INCREF(state_enum);
  Py_INCREF(reinterpret_cast<PyObject*>(e.token_type));
  if (!set_attribute(cls, "role", PyUnicode_FromString(e.role.c_str())) ||
      !set_attribute(cls, "fingerprint", PyLong_FromUnsignedLongLong(e.fingerprint)) ||
      !set_attribute(cls, "json", PyUnicode_FromString(e.json.c_str())) ||
      !set_attribute(cls, "State", state_enum) ||
      !set_attribute(cls, "Token", reinterpret_cast<PyObject*>(e.token_type)) ||
      !set_attribute(cls, "_mailbox_endpoint",
                     PyCapsule_New(static_cast<void*>(&e), "mailbox.endpoint_binding", nullptr))) {
    return -1;
  }
  Py_INCREF(cls);
  if (PyModule_AddObject(module, e.name.c_str(), cls) != 0) {
    Py_DECREF(cls);
    return -1;
  }
  return 0;
}

}  // namespace detail

// Adds the class `name` for one role of Protocol to `module`, whose layout
// add_layout<Layout, Version> must have added to the same module first.
// Returns 0, or -1 with a Python exception set. The module gets the
// exception ProtocolError (a ValueError) if it has none yet.
template <valid_protocol Protocol, fixed_string Role, std::uint32_t Version = 0>
int add_endpoint(PyObject* module, const char* name) noexcept {
  using Layout = typename Protocol::layout_type;
  using S = typename Protocol::state_type;
  static_assert(Protocol::has_role(Role.view()),
                "mailbox::python::add_endpoint: the protocol has no such role");
  return detail::guarded(-1, [&]() -> int {
    layout_binding* l = detail::find_layout(module, &operations_of<Layout, Version>());
    if (l == nullptr) {
      return detail::fail_status(PyExc_TypeError,
                                 std::string("mailbox::python::add_endpoint: ") + name +
                                     ": add the protocol's layout first, with add_layout<Layout, " +
                                     std::to_string(Version) + ">, in the same module");
    }
    auto* e = new endpoint_binding;  // kept for the life of the process, like the layout's
    e->name = name;
    e->role = std::string(Role.view());
    e->layout = l;
    e->rules = detail::rules_of<Protocol>();
    e->flags = detail::flag_permissions_of<Protocol>(e->role, l->ops->flags);
    for (const S s : Protocol::initial_states) e->initial.push_back(detail::bits_of<S>(s));
    e->fingerprint = protocol_fingerprint<Protocol, Version>;
    e->is_state = [](std::uint64_t bits) noexcept {
      return Protocol::is_state(detail::state_from_bits<S>(bits));
    };
    std::vector<named_state> named;
    for (const state_rule& r : e->rules) named.push_back({r.bits, r.name});
    return detail::add_endpoint_binding(module, *e, named);
  });
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
