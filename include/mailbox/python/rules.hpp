// A protocol's rules as data (protocol.hpp's constexpr queries, read once),
// and the run-time checks an endpoint's Python objects make with them:
// where mailbox::endpoint does not compile, Python gets a ProtocolError
// naming the state or the field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../abi.hpp"
#include "../protocol.hpp"
#include "objects.hpp"
#include "states.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// One in_state<...> rule.
struct state_rule {
  std::uint64_t bits = 0;
  std::string_view name;
  std::vector<std::string_view> owners;
  std::vector<std::string_view> views;
  std::vector<std::uint64_t> next;
};

// One role of a protocol as bound into a module (add_endpoint).
struct endpoint_binding {
  std::string name;  // the class name: "ChildEnd"
  std::string role;
  layout_binding* layout = nullptr;  // its state codec may gain the protocol's names
  std::vector<state_rule> rules;
  const state_codec* states = nullptr;  // the layout's, or the protocol's own names
  std::uint64_t fingerprint = 0;
  bool (*is_state)(std::uint64_t bits) noexcept = nullptr;  // Protocol::is_state
  PyObject* protocol_error = nullptr;
  PyTypeObject* endpoint_type = nullptr;
  PyTypeObject* token_type = nullptr;
  std::string json;
  mutable token_pool tokens;
  std::deque<std::string> type_names;
};

namespace detail {

template <class Protocol>
std::vector<state_rule> rules_of() {
  using S = typename Protocol::state_type;
  std::vector<state_rule> out;
  for (const S s : Protocol::states) {
    state_rule r;
    r.bits = bits_of<S>(s);
    r.name = Protocol::name_of(s);
    for (const std::string_view o : Protocol::owners_of(s)) r.owners.push_back(o);
    for (const std::string_view v : Protocol::views_of(s)) r.views.push_back(v);
    for (const S n : Protocol::next_of(s)) r.next.push_back(bits_of<S>(n));
    out.push_back(std::move(r));
  }
  return out;
}

inline const state_rule* rule_for(const endpoint_binding& e, std::uint64_t bits) noexcept {
  for (const state_rule& r : e.rules) {
    if (r.bits == bits) return &r;
  }
  return nullptr;
}

inline bool contains(const std::vector<std::string_view>& names, std::string_view name) noexcept {
  for (const std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

inline std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (const std::string_view n : names) append_listed(out, n, ", ");
  return out.empty() ? "none" : out;
}

inline PyObject* protocol_fail(const endpoint_binding& e, const std::string& message) {
  return fail(e.protocol_error, e.name + message);
}

// What endpoint<P, Role>::acquire<S>() refuses to compile; null (and a
// ProtocolError) when it would not.
inline bool may_take(const endpoint_binding& e, std::uint64_t s, const char* who) {
  const state_rule* r = rule_for(e, s);
  if (r == nullptr) {
    protocol_fail(e, std::string(".") + who + ": " + e.states->shown(s) + " is not a state of the protocol");
    return false;
  }
  if (!contains(r->owners, e.role)) {
    protocol_fail(e, std::string(".") + who + ": role '" + e.role + "' does not own " + e.states->shown(s) +
                         " (its owners: " + joined(r->owners) + ")");
    return false;
  }
  if (r->owners.size() != 1) {
    protocol_fail(e, std::string(".") + who + ": " + e.states->shown(s) + " has several owners (" +
                         joined(r->owners) + "), so it has no token: leave it with try_transition(from, to)");
    return false;
  }
  return true;
}

// Whether a token holding `held` may touch field `d`: common fields always,
// an overlay's fields where every held state's views<...> name the overlay.
inline bool reaches(const endpoint_binding& e, const std::uint64_t* held, std::size_t count,
                    const field_desc& d, bool report) {
  if (d.overlay.empty()) return true;
  for (std::size_t i = 0; i < count; ++i) {
    const state_rule* r = rule_for(e, held[i]);
    if (r == nullptr || !contains(r->views, d.overlay)) {
      if (report) {
        protocol_fail(e, " token: field '" + std::string(d.name) + "' is in overlay '" +
                             std::string(d.overlay) + "', which the views of " + e.states->shown(held[i]) +
                             " (" + (r == nullptr ? std::string("none") : joined(r->views)) +
                             ") do not include");
      }
      return false;
    }
  }
  return true;
}

// Whether `next` may be published from every held state.
inline bool allows_next(const endpoint_binding& e, const std::uint64_t* held, std::size_t count,
                        std::uint64_t next) {
  for (std::size_t i = 0; i < count; ++i) {
    const state_rule* r = rule_for(e, held[i]);
    bool allowed = false;
    if (r != nullptr) {
      for (const std::uint64_t n : r->next) allowed = allowed || n == next;
    }
    if (!allowed) {
      const std::vector<std::uint64_t> none;
      const std::vector<std::uint64_t>& listed = r != nullptr ? r->next : none;
      protocol_fail(e, " token: publish(" + e.states->shown(next) + ") from " + e.states->shown(held[i]) +
                           " is not in the protocol (next of " + e.states->shown(held[i]) + ": " +
                           e.states->shown(listed.data(), listed.size(), ", ") + ")");
      return false;
    }
  }
  return true;
}

}  // namespace detail

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
