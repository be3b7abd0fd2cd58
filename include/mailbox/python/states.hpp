// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// States between Python and the state word: Name.State, an enum.IntEnum
// made from the layout's valid states and named after their enumerators;
// ints accepted wherever a state is; a value nobody declared read back as a
// plain int. A state travels inside the binding as the bits of its word.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../abi.hpp"
#include "../layout.hpp"
#include "../protocol.hpp"
#include "object.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// One state value and its enumerator's name.
struct named_state {
  std::uint64_t bits;
  std::string_view name;
};

// What the binding knows of a state word's type.
struct state_word_desc {
  std::size_t size = 4;
  bool is_signed = true;
  bool is_enum = false;
  bool blocking = false;  // the top bit of the word marks a sleeping waiter
};

namespace detail {

// The bits of a state value, zero-extended to 64.
template <class State>
constexpr std::uint64_t bits_of(State s) noexcept {
  return static_cast<std::uint64_t>(std::bit_cast<mailbox::detail::word_for<State>>(s));
}

template <class State>
constexpr State state_from_bits(std::uint64_t bits) noexcept {
  return std::bit_cast<State>(static_cast<mailbox::detail::word_for<State>>(bits));
}

template <class State>
constexpr state_word_desc describe_state_word(bool blocking) {
  using U = typename std::conditional_t<std::is_enum_v<State>, std::underlying_type<State>,
                                        std::type_identity<State>>::type;
  return state_word_desc{sizeof(State), std::is_signed_v<U>, std::is_enum_v<State>, blocking};
}

// Whether an enumerator's spelling is a Python identifier (a value with no
// enumerator spells itself as a cast, "(S)7").
constexpr bool is_identifier(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

template <class Layout, std::size_t... I>
constexpr auto valid_states_named(std::index_sequence<I...>) {
  using State = typename Layout::state_type;
  return std::array<named_state, sizeof...(I)>{
      named_state{bits_of(Layout::valid_state_values[I]),
                  std::is_enum_v<State> ? mailbox::detail::enumerator_name<Layout::valid_state_values[I]>()
                                        : std::string_view()}...};
}

// Appends (name, value) to a list of enum members.
inline bool append_member(PyObject* members, std::string_view name, PyObject* value) {
  // (No Py_BuildValue "s#": it needs PY_SSIZE_T_CLEAN, which a module that
  // included Python.h first, as pybind11 does, may not define.)
  ref text(PyUnicode_FromStringAndSize(name.data(), static_cast<Py_ssize_t>(name.size())));
  ref pair(text ? PyTuple_Pack(2, text.get(), value) : nullptr);
  return pair && PyList_Append(members, pair.get()) == 0;
}

// enum.IntEnum(short name, members, module=..., qualname=...): a new reference.
inline PyObject* make_int_enum(const char* module_name, const std::string& qualname, PyObject* members) {
  ref enum_module(PyImport_ImportModule("enum"));
  ref int_enum(enum_module ? PyObject_GetAttrString(enum_module.get(), "IntEnum") : nullptr);
  if (!int_enum) return nullptr;
  const std::string short_name = qualname.substr(qualname.rfind('.') + 1);
  ref args(Py_BuildValue("(sO)", short_name.c_str(), members));
  ref kwargs(Py_BuildValue("{s:s,s:s}", "module", module_name, "qualname", qualname.c_str()));
  if (!args || !kwargs) return nullptr;
  return PyObject_Call(int_enum.get(), args.get(), kwargs.get());
}

}  // namespace detail

// The layout's declared states with their enumerators' names (empty when the
// layout declares no valid_states).
template <valid_layout Layout>
inline constexpr auto named_valid_states =
    detail::valid_states_named<Layout>(std::make_index_sequence<Layout::valid_state_values.size()>{});

// Converts states both ways for one state word type; holds Name.State and
// its members (strong references, kept for the life of the process).
class state_codec {
 public:
  state_codec(state_word_desc word, std::vector<named_state> states)
      : word_(word), states_(std::move(states)) {}

  [[nodiscard]] const state_word_desc& word() const noexcept { return word_; }
  [[nodiscard]] const std::vector<named_state>& states() const noexcept { return states_; }
  [[nodiscard]] PyObject* enum_type() const noexcept { return enum_type_; }

  // Makes the IntEnum `qualname` (e.g. "Frame.State") of module `module_name`
  // from the named states; none when no state has a name (an integer state
  // word, or a layout without valid_states). Returns false with an exception
  // set.
  bool make_enum(const char* module_name, const std::string& qualname) {
    std::vector<const named_state*> named;
    for (const named_state& s : states_) {
      if (detail::is_identifier(s.name)) named.push_back(&s);
    }
    if (named.empty()) return true;
    detail::ref members(PyList_New(0));
    if (!members) return false;
    for (const named_state* s : named) {
      detail::ref value(to_int(s->bits));
      if (!value || !detail::append_member(members.get(), s->name, value.get())) return false;
    }
    detail::ref type(detail::make_int_enum(module_name, qualname, members.get()));
    if (!type) return false;
    for (const named_state* s : named) {
      PyObject* member = PyObject_GetAttrString(type.get(), std::string(s->name).c_str());
      if (member == nullptr) return false;
      members_.emplace_back(s->bits, member);  // keeps the reference
      if (s->bits < dense_.size()) dense_[s->bits] = member;
    }
    enum_type_ = type.release();
    return true;
  }

  // A state from Python: an int (Name.State members are ints) or anything
  // with __index__, in the range of the state word's type. Writes the word's
  // bits; false with TypeError or OverflowError naming `where` otherwise.
  // __index__ may run Python code: callers convert before they act.
  bool from_python(PyObject* value, std::uint64_t& bits, const detail::who& where) const {
    if (member_bits(value, bits)) return true;
    if (PyLong_Check(value)) {
      // An int, or an int subclass: read as it is, no Python code runs.
      int overflow = 0;
      const long long small = PyLong_AsLongLongAndOverflow(value, &overflow);
      if (overflow == 0 && fits(small, bits)) return true;
    }
    if (PyFloat_Check(value) || !PyIndex_Check(value)) {
      detail::fail(PyExc_TypeError, where + " takes a state (an int" +
                                        std::string(enum_type_ != nullptr ? " or a State member" : "") +
                                        "), got " + detail::type_name_of(value));
      return false;
    }
    detail::ref index(PyNumber_Index(value));
    if (!index) return false;
    int overflow = 0;
    const long long small = PyLong_AsLongLongAndOverflow(index.get(), &overflow);
    if (small == -1 && PyErr_Occurred()) return false;
    if (overflow == 0) {
      if (fits(small, bits)) return true;
    } else if (overflow > 0 && word_.size == 8 && !word_.is_signed) {
      const unsigned long long large = PyLong_AsUnsignedLongLong(index.get());
      if (!(large == static_cast<unsigned long long>(-1) && PyErr_Occurred())) {
        bits = large;
        return true;
      }
      PyErr_Clear();
    }
    detail::fail(PyExc_OverflowError, where + ": " + detail::repr_of(value) + " is out of range for a " +
                                          (word_.is_signed ? "signed " : "unsigned ") +
                                          std::to_string(word_.size * 8) + "-bit state word");
    return false;
  }

  // Whether `value` is one of Name.State's members; its bits if it is. A
  // member is always a state the word may hold: the layout's valid states,
  // or (without them) the protocol's, none with the waiter mark.
  [[nodiscard]] bool member_bits(PyObject* value, std::uint64_t& bits) const noexcept {
    for (const auto& [b, member] : members_) {
      if (member == value) {
        bits = b;
        return true;
      }
    }
    return false;
  }

  // Whether a value fits the state word's type; its bits if it does.
  [[nodiscard]] bool fits(long long value, std::uint64_t& bits) const noexcept {
    const bool wide = word_.size == 8;
    const long long low = !word_.is_signed ? 0
                          : wide           ? std::numeric_limits<long long>::min()
                                           : std::numeric_limits<std::int32_t>::min();
    const long long high = wide || word_.is_signed ? (wide ? std::numeric_limits<long long>::max()
                                                           : std::numeric_limits<std::int32_t>::max())
                                                   : std::numeric_limits<std::uint32_t>::max();
    if (value < low || value > high) return false;
    bits = static_cast<std::uint64_t>(value) & (wide ? ~std::uint64_t{0} : std::uint64_t{0xffffffff});
    return true;
  }

  // The state as Python sees it: its Name.State member, or an int for a
  // value without one. A new reference, or null with an exception set.
  [[nodiscard]] PyObject* to_python(std::uint64_t bits) const noexcept {
    if (bits < dense_.size()) {
      if (PyObject* member = dense_[bits]) {
        Py_INCREF(member);
        return member;
      }
    } else {
      for (const auto& [b, member] : members_) {
        if (b == bits) {
          Py_INCREF(member);
          return member;
        }
      }
    }
    return to_int(bits);
  }

  [[nodiscard]] PyObject* to_int(std::uint64_t bits) const noexcept {
    if (!word_.is_signed) return PyLong_FromUnsignedLongLong(bits);
    if (word_.size == 4) return PyLong_FromLong(static_cast<std::int32_t>(static_cast<std::uint32_t>(bits)));
    return PyLong_FromLongLong(static_cast<long long>(bits));
  }

  // A state for messages: State.idle, or the number of a value without a
  // name.
  [[nodiscard]] std::string shown(std::uint64_t bits) const {
    for (const named_state& s : states_) {
      if (s.bits == bits && detail::is_identifier(s.name)) return "State." + std::string(s.name);
    }
    if (!word_.is_signed) return std::to_string(bits);
    if (word_.size == 4) return std::to_string(static_cast<std::int32_t>(static_cast<std::uint32_t>(bits)));
    return std::to_string(static_cast<long long>(bits));
  }

  [[nodiscard]] std::string shown(const std::uint64_t* bits, std::size_t n,
                                  std::string_view separator) const {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) detail::append_listed(out, shown(bits[i]), separator);
    return out.empty() ? "none" : out;
  }

  // Whether the word may hold a state: false for the waiter mark of a
  // blocking layout.
  [[nodiscard]] bool uses_waiter_mark(std::uint64_t bits) const noexcept {
    return word_.blocking && (bits & mailbox::detail::waiter_mark) != 0;
  }

 private:
  state_word_desc word_;
  std::vector<named_state> states_;
  PyObject* enum_type_ = nullptr;
  std::vector<std::pair<std::uint64_t, PyObject*>> members_;
  // Members of the small values, by value: state() costs one load here.
  std::array<PyObject*, 64> dense_{};
};

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
