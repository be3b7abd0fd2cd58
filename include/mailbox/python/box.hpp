// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A mailbox as Python holds it (an instance of the layout's class, Name):
// the state word's acquire-load, tokens (try_acquire, acquire, acquire_any),
// flags and compare-and-swap transitions, and the waits, which release the
// GIL.
//
//   box = region[1]
//   box.state()                                       # Name.State member, or an int nobody declared
//   t = box.try_acquire(State.idle)                   # a token or None
//   t = box.acquire(State.task_done, timeout=2.0, alive=lambda: worker.poll() is None,
//                   policy="spin_then_block", spins=2000)
//   box.wait_stats                                    # {"waits": ..., "sleeps": ..., ...}
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "../abi.hpp"
#include "../wait.hpp"
#include "objects.hpp"
#include "rules.hpp"
#include "token.hpp"
#include "transition.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

namespace detail {

inline box_object* as_box(PyObject* self) noexcept { return reinterpret_cast<box_object*>(self); }

// A wait releases the GIL for at most this long at a time, then takes it
// back to let Python run its signal handlers (Ctrl-C: KeyboardInterrupt)
// and to ask alive().
inline constexpr std::chrono::milliseconds signal_check_interval{20};

// A wait first spins this long holding the GIL: releasing and retaking it
// costs more than a busy peer takes to answer.
inline constexpr std::chrono::microseconds spin_holding_gil{20};

// A timeout in seconds (None: forever) as a deadline.
inline bool deadline_after(PyObject* timeout, const who& who, deadline& out) {
  if (timeout == nullptr || timeout == Py_None) {
    out = no_deadline;
    return true;
  }
  if (!PyFloat_Check(timeout) && !PyLong_Check(timeout)) {
    fail(PyExc_TypeError,
         who + ": timeout must be a number of seconds or None, got " + type_name_of(timeout));
    return false;
  }
  const double seconds = PyFloat_AsDouble(timeout);
  if (seconds == -1.0 && PyErr_Occurred()) return false;
  if (std::isnan(seconds)) {
    fail(PyExc_ValueError, who + ": timeout is NaN");
    return false;
  }
  // Beyond a century the arithmetic below could overflow; it is forever.
  if (seconds > 3.0e9) {
    out = no_deadline;
    return true;
  }
  out = wait_clock::now() + std::chrono::duration_cast<wait_clock::duration>(
                                std::chrono::duration<double>(std::max(seconds, 0.0)));
  return true;
}

// How to wait: policy= and spins= keyword arguments.
inline bool wait_policy_from(const layout_binding& l, PyObject* policy, PyObject* spins, const who& who,
                             wait_request& out) {
  out.policy = l.ops->blocking ? policy_kind::spin_then_block : policy_kind::spin_then_yield;
  if (policy != nullptr && policy != Py_None) {
    std::string_view name;
    if (!PyUnicode_Check(policy) || !utf8_of(policy, name)) {
      if (!PyErr_Occurred()) {
        fail(PyExc_TypeError, who + ": policy is \"spin\", \"spin_then_yield\" or \"spin_then_block\", got " +
                                  type_name_of(policy));
      }
      return false;
    }
    if (name == "spin") {
      out.policy = policy_kind::spin;
    } else if (name == "spin_then_yield") {
      out.policy = policy_kind::spin_then_yield;
    } else if (name == "spin_then_block") {
      if (!l.ops->blocking) {
        fail(PyExc_ValueError, who +
                                   ": policy \"spin_then_block\" needs a layout that declares "
                                   "mailbox::blocking_waiters (or publish() would not wake the sleeper)");
        return false;
      }
      out.policy = policy_kind::spin_then_block;
    } else {
      fail(PyExc_ValueError, who + ": policy is \"spin\", \"spin_then_yield\" or \"spin_then_block\", got '" +
                                 std::string(name) + "'");
      return false;
    }
  }
  if (spins != nullptr && spins != Py_None) {
    Py_ssize_t n = 0;
    if (!index_of(spins, n, "spins")) return false;
    if (n < 0 || static_cast<unsigned long long>(n) > 0xffffffffull) {
      fail(PyExc_ValueError, who + ": spins must be in [0, 4294967295], got " + std::to_string(n));
      return false;
    }
    out.spins = static_cast<std::uint32_t>(n);
  }
  return true;
}

// A token object for `box`, not yet holding anything: made before the
// acquire, so that nothing can fail between taking the C++ token and
// handing it to Python.
inline token_object* new_token(box_object* box, const endpoint_binding* endpoint) {
  if (endpoint != nullptr)
    return alloc_token(endpoint->token_type, endpoint->tokens, box->layout, endpoint, box);
  return alloc_token(box->layout->token_type, box->layout->tokens, box->layout, nullptr, box);
}
inline PyObject* filled(ref& token, std::uint64_t state) noexcept {
  token_object* t = as_token(token.get());
  t->acquired = state;
  t->status = token_status::live;
  return token.release();
}

inline who who_of(const box_object* box, const endpoint_binding* e, std::string_view method) {
  return who{e != nullptr ? std::string_view(e->name) : std::string_view(box->layout->name), ".", method};
}

// The wait behind acquire and acquire_any (of a mailbox or an endpoint):
// the state there already, then a short spin with the GIL, then slices of
// signal_check_interval with the GIL released, the GIL taken back between
// them for signals and alive().
inline PyObject* acquire_token(box_object* box, const endpoint_binding* e, const std::uint64_t* wanted,
                               std::size_t count, PyObject* timeout, PyObject* alive, PyObject* policy,
                               PyObject* spins, const char* method) {
  const layout_binding& l = *box->layout;
  const who who = who_of(box, e, method);
  wait_request request;
  deadline until{};
  if (!deadline_after(timeout, who, until) || !wait_policy_from(l, policy, spins, who, request))
    return nullptr;
  if (alive != nullptr && alive != Py_None && !PyCallable_Check(alive)) {
    return fail(PyExc_TypeError, who + ": alive must be a callable or None, got " + type_name_of(alive));
  }
  if (!region_open(box->region, who)) return nullptr;
  ref token(reinterpret_cast<PyObject*>(new_token(box, e)));
  if (!token) return nullptr;
  token_object* t = as_token(token.get());
  t->held_count = count;
  std::copy_n(wanted, count, t->held);

  // A state that is there already costs no clock read and no GIL hand-over.
  for (std::size_t i = 0; i < count; ++i) {
    if (l.ops->try_acquire(box->base, wanted[i], t->cxx)) return filled(token, wanted[i]);
  }
  ++box->stats.waits;
  request.wanted = wanted;
  request.count = count;
  request.is_valid = e != nullptr ? e->is_state : nullptr;
  const state_codec& states = e != nullptr ? *e->states : *l.states;
  const auto invalid = [&](std::uint64_t seen) {
    return fail(PyExc_ValueError,
                who + ": the state word holds " + states.shown(seen) + ", which is not " +
                    (e != nullptr ? "a state of the protocol" : "one of the layout's valid_states"));
  };
  {
    // A peer that answers within microseconds (a busy exchange) is caught
    // without handing the GIL over, which costs more than such a wait.
    wait_request held = request;
    held.policy = policy_kind::spin;
    held.until = std::min(until, wait_clock::now() + spin_holding_gil);
    const wait_outcome got = l.ops->wait(box->base, held, t->cxx);
    if (got.acquired) return filled(token, got.seen);
    if (got.error == wait_error::invalid_state) return invalid(got.seen);
  }
  for (;;) {
    pinned_memory* memory = box->region->f.memory;
    ++memory->pins;
    wait_outcome got;
    wait_stats stats;
    request.stats = &stats;
    {
      gil_released unlocked;
      request.until = std::min(until, wait_clock::now() + signal_check_interval);
      got = l.ops->wait(box->base, request, t->cxx);
    }
    unpin(memory);
    ++box->stats.slices;
    box->stats.sleeps += stats.sleeps;
    box->stats.timeouts += stats.timeouts;
    if (stats.futex_errno != 0) box->stats.futex_errno = stats.futex_errno;
    if (got.acquired) {
      if (!region_open(box->region, who)) {
        t->layout->ops->abandon(t->cxx);  // closed meanwhile: the token is of no use
        return nullptr;
      }
      return filled(token, got.seen);
    }
    if (got.error == wait_error::invalid_state) return invalid(got.seen);
    if (got.error == wait_error::futex_failed) {
      errno = stats.futex_errno;
      PyErr_SetFromErrno(PyExc_OSError);
      return nullptr;
    }
    if (!region_open(box->region, who)) return nullptr;
    if (PyErr_CheckSignals() != 0) return nullptr;
    if (alive != nullptr && alive != Py_None) {
      ref answer(PyObject_CallNoArgs(alive));
      if (!answer) return nullptr;
      const int is_alive = PyObject_IsTrue(answer.get());
      if (is_alive < 0) return nullptr;
      if (is_alive == 0) {
        if (!region_open(box->region, who)) return nullptr;
        // A peer that published and then died still handed us the state.
        for (std::size_t i = 0; i < count; ++i) {
          if (l.ops->try_acquire(box->base, wanted[i], t->cxx)) return filled(token, wanted[i]);
        }
        return fail(l.peer_gone, who + ": alive() says the peer is gone; the state is " +
                                     states.shown(l.ops->state(box->base)));
      }
    }
    if (wait_clock::now() >= until) {
      if (!region_open(box->region, who)) return nullptr;
      return fail(PyExc_TimeoutError, who + ": timed out waiting for " + states.shown(wanted, count, " or ") +
                                          "; the state is " + states.shown(l.ops->state(box->base)));
    }
  }
}

// The states of acquire_any(states): a sequence of 1 to max_wanted.
inline bool states_from(const state_codec& states, PyObject* sequence, const who& who,
                        std::uint64_t (&out)[max_wanted], std::size_t& count) {
  ref items(PySequence_Fast(sequence, (who + " takes a sequence of states").c_str()));
  if (!items) return false;
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(items.get());
  if (n < 1 || n > static_cast<Py_ssize_t>(max_wanted)) {
    fail(PyExc_ValueError,
         who + ": takes 1 to " + std::to_string(max_wanted) + " states, got " + std::to_string(n));
    return false;
  }
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (!states.from_python(PySequence_Fast_GET_ITEM(items.get(), i), out[i], who)) return false;
  }
  count = static_cast<std::size_t>(n);
  return true;
}

inline PyObject* box_state(PyObject* self, PyObject*) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = as_box(self);
    if (!region_open(box->region, who{box->layout->name, ".state()"})) return nullptr;
    return box->layout->states->to_python(box->layout->ops->state(box->base));
  });
}

inline PyObject* box_try_acquire(PyObject* self, PyObject* state) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = as_box(self);
    const layout_binding& l = *box->layout;
    std::uint64_t s = 0;
    if (!l.states->from_python(state, s, who{l.name, ".try_acquire(state)"})) return nullptr;
    if (!region_open(box->region, who{l.name, ".try_acquire"})) return nullptr;
    if (l.ops->state(box->base) != s) Py_RETURN_NONE;  // no token object made for nothing
    ref token(reinterpret_cast<PyObject*>(new_token(box, nullptr)));
    if (!token) return nullptr;
    token_object* t = as_token(token.get());
    t->held_count = 1;
    t->held[0] = s;
    if (!l.ops->try_acquire(box->base, s, t->cxx)) Py_RETURN_NONE;
    return filled(token, s);
  });
}

inline const char* const wait_keywords[] = {"state", "timeout", "alive", "policy", "spins"};
inline const char* const wait_any_keywords[] = {"states", "timeout", "alive", "policy", "spins"};

inline PyObject* box_acquire(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                             PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = as_box(self);
    const layout_binding& l = *box->layout;
    std::uint64_t s = 0;
    if (nargs == 1 && kwnames == nullptr) {
      // acquire(state) alone, the state there already (a busy exchange): no
      // other argument to parse, no wait to prepare.
      if (!l.states->from_python(args[0], s, who{l.name, ".acquire(state)"})) return nullptr;
      if (box->region->f.memory != nullptr && l.ops->state(box->base) == s) {
        ref token(reinterpret_cast<PyObject*>(new_token(box, nullptr)));
        if (!token) return nullptr;
        token_object* t = as_token(token.get());
        t->held_count = 1;
        t->held[0] = s;
        if (l.ops->try_acquire(box->base, s, t->cxx)) return filled(token, s);
      }
      return acquire_token(box, nullptr, &s, 1, nullptr, nullptr, nullptr, nullptr, "acquire");
    }
    PyObject* a[5];
    if (!parse_arguments("acquire", args, nargs, kwnames, wait_keywords, 3, 1, a)) return nullptr;
    if (!l.states->from_python(a[0], s, who{l.name, ".acquire(state)"})) return nullptr;
    return acquire_token(box, nullptr, &s, 1, a[1], a[2], a[3], a[4], "acquire");
  });
}

inline PyObject* box_acquire_any(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                                 PyObject* kwnames) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = as_box(self);
    PyObject* a[5];
    if (!parse_arguments("acquire_any", args, nargs, kwnames, wait_any_keywords, 3, 1, a)) return nullptr;
    std::uint64_t wanted[max_wanted];
    std::size_t count = 0;
    if (!states_from(*box->layout->states, a[0], who{box->layout->name, ".acquire_any"}, wanted, count))
      return nullptr;
    return acquire_token(box, nullptr, wanted, count, a[1], a[2], a[3], a[4], "acquire_any");
  });
}

// A flag by name; KeyError naming the layout's flags otherwise.
inline const flag_ops* find_flag(const layout_binding& l, PyObject* name) {
  std::string_view wanted;
  if (!PyUnicode_Check(name) || !utf8_of(name, wanted)) {
    if (!PyErr_Occurred()) fail(PyExc_TypeError, l.name + ": flag names are str, got " + type_name_of(name));
    return nullptr;
  }
  for (const flag_ops& f : l.ops->flags) {
    if (f.name == wanted) return &f;
  }
  std::string known;
  for (const flag_ops& f : l.ops->flags) append_listed(known, f.name, ", ");
  PyErr_SetObject(PyExc_KeyError,
                  ref(PyUnicode_FromString((l.name + " has no flag '" + std::string(wanted) +
                                            "' (its flags: " + (known.empty() ? "none" : known) + ")")
                                               .c_str()))
                      .get());
  return nullptr;
}

enum class flag_action { raise, clear, test };

// A flag's raise, clear or test; through an endpoint (`e`), raise and clear
// only as the protocol's flag rules let its role.
inline PyObject* flag_call(box_object* box, PyObject* name, flag_action action,
                           const endpoint_binding* e = nullptr) {
  const flag_ops* f = find_flag(*box->layout, name);
  if (f == nullptr) return nullptr;
  if (e != nullptr && action != flag_action::test &&
      !may_change_flag(*e, static_cast<std::size_t>(f - box->layout->ops->flags.data()), f->name,
                       action == flag_action::raise)) {
    return nullptr;
  }
  if (!region_open(box->region, who{box->layout->name, " flag"})) return nullptr;
  switch (action) {
    case flag_action::raise:
      f->raise(box->base);
      break;
    case flag_action::clear:
      f->clear(box->base);
      break;
    case flag_action::test:
      return PyBool_FromLong(f->is_raised(box->base));
  }
  Py_RETURN_NONE;
}

inline PyObject* box_raise_flag(PyObject* self, PyObject* name) noexcept {
  return guarded<PyObject*>(nullptr, [&] { return flag_call(as_box(self), name, flag_action::raise); });
}
inline PyObject* box_clear_flag(PyObject* self, PyObject* name) noexcept {
  return guarded<PyObject*>(nullptr, [&] { return flag_call(as_box(self), name, flag_action::clear); });
}
inline PyObject* box_is_raised(PyObject* self, PyObject* name) noexcept {
  return guarded<PyObject*>(nullptr, [&] { return flag_call(as_box(self), name, flag_action::test); });
}

// The states of try_transition(from_state, to_state); `to` is checked as
// publish() checks a state.
inline bool transition_states(const box_object* box, const state_codec& states, PyObject* const* args,
                              Py_ssize_t nargs, const who& who, std::uint64_t& from, std::uint64_t& to) {
  if (nargs != 2) {
    fail(PyExc_TypeError, who + " takes 2 arguments (from_state, to_state)");
    return false;
  }
  if (!states.from_python(args[0], from, detail::who{who.first, who.second, "(from_state)"}) ||
      !states.from_python(args[1], to, detail::who{who.first, who.second, "(to_state)"})) {
    return false;
  }
  if (states.uses_waiter_mark(to)) {
    fail(PyExc_ValueError, who + ": " + states.shown(to) +
                               " uses the top bit of the state word, which marks a sleeping waiter");
    return false;
  }
  if (!box->layout->ops->is_valid_state(to)) {
    fail(PyExc_ValueError, who + ": " + states.shown(to) + " is not one of the layout's valid_states");
    return false;
  }
  return region_open(box->region, who);
}

inline PyObject* box_try_transition(PyObject* self, PyObject* const* args, Py_ssize_t nargs) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    box_object* box = as_box(self);
    std::uint64_t from = 0, to = 0;
    if (!transition_states(box, *box->layout->states, args, nargs, who{box->layout->name, ".try_transition"},
                           from, to)) {
      return nullptr;
    }
    return new_transition(*box->layout, box->base, from, to);
  });
}

inline PyObject* box_wait_stats(PyObject* self, void*) noexcept {
  const wait_totals& s = as_box(self)->stats;
  return Py_BuildValue("{s:K,s:K,s:K,s:K,s:i}", "waits", s.waits, "slices", s.slices, "sleeps", s.sleeps,
                       "timeouts", s.timeouts, "futex_errno", s.futex_errno);
}

inline PyObject* box_reset_wait_stats(PyObject* self, PyObject*) noexcept {
  as_box(self)->stats = wait_totals{};
  Py_RETURN_NONE;
}

inline PyObject* box_repr(PyObject* self) noexcept {
  return guarded<PyObject*>(nullptr, [&]() -> PyObject* {
    const box_object* box = as_box(self);
    const layout_binding& l = *box->layout;
    const std::size_t index = static_cast<std::size_t>(box->base - box->region->f.first) / l.stride;
    std::string text = "<" + l.name + " mailbox " + std::to_string(index) + " of " +
                       std::to_string(box->region->f.count) + ", ";
    if (box->region->f.memory == nullptr) {
      text += "region closed>";
    } else {
      text += "state " + l.states->shown(l.ops->state(box->base)) + ">";
    }
    return PyUnicode_FromString(text.c_str());
  });
}

inline void box_dealloc(PyObject* self) noexcept {
  for (PyObject* spare : as_box(self)->spare) Py_XDECREF(spare);
  Py_XDECREF(reinterpret_cast<PyObject*>(as_box(self)->region));
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

// A mailbox object for mailbox `index` of `region`.
inline PyObject* new_box(region_object* region, std::size_t index) {
  const layout_binding& l = *region->f.layout;
  auto* box = reinterpret_cast<box_object*>(l.box_type->tp_alloc(l.box_type, 0));
  if (box == nullptr) return nullptr;
  box->layout = &l;
  Py_INCREF(reinterpret_cast<PyObject*>(region));
  box->region = region;
  box->base = region->f.first + index * region->f.stride;
  box->stats = wait_totals{};
  box->spare[0] = box->spare[1] = nullptr;
  return reinterpret_cast<PyObject*>(box);
}

}  // namespace detail

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
