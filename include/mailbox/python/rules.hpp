// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
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
  // Per next state: the one owner the edge is reserved for (next<by<"role",
  // ...>>), or empty when any owner may take it.
  std::vector<std::string_view> next_by;
};

// What one role may do with one flag of the layout (its flag_rule, or
// anything when it has none), in the order of layout_ops::flags.
struct flag_permission {
  bool may_raise = true;
  bool may_clear = true;
  const flag_rule_info* rule = nullptr;  // the protocol's (static storage); null: none
};

// One role of a protocol as bound into a module (add_endpoint).
struct endpoint_binding {
  std::string name;  // the class name: "ChildEnd"
  std::string role;
  layout_binding* layout = nullptr;  // its state codec may gain the protocol's names
  std::vector<state_rule> rules;
  std::vector<flag_permission> flags;   // one per layout flag, as layout_ops::flags
  std::vector<std::uint64_t> initial;   // Protocol::initial_states
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
    for (const S n : Protocol::next_of(s)) {
      r.next.push_back(bits_of<S>(n));
      r.next_by.push_back(Protocol::taker_of(s, n));
    }
    out.push_back(std::move(r));
  }
  return out;
}

template <class Protocol>
std::vector<flag_permission> flag_permissions_of(std::string_view role, std::span<const flag_ops> flags) {
  std::vector<flag_permission> out;
  for (const flag_ops& f : flags) {
    out.push_back(flag_permission{Protocol::may_raise(role, f.name), Protocol::may_clear(role, f.name),
                                  Protocol::flag_rule_of(f.name)});
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

// Where the edge from -> to is in the rule's next<...>; next.size() if not.
inline std::size_t edge_index(const state_rule& r, std::uint64_t to) noexcept {
  std::size_t k = 0;
  while (k < r.next.size() && r.next[k] != to) ++k;
  return k;
}

// Whether `role` may take edge k of the rule (Protocol::allows_by, the
// owner already checked): not reserved for another owner.
inline bool edge_is_the_roles(const state_rule& r, std::size_t k, std::string_view role) noexcept {
  return r.next_by[k].empty() || r.next_by[k] == role;
}

// The states `role` may move to from the rule's state.
inline std::vector<std::uint64_t> next_by_role(const state_rule& r, std::string_view role) {
  std::vector<std::uint64_t> out;
  for (std::size_t k = 0; k < r.next.size(); ++k) {
    if (edge_is_the_roles(r, k, role)) out.push_back(r.next[k]);
  }
  return out;
}

// The ProtocolError for edge k of the rule, which the protocol gives to
// another owner than e's role.
[[gnu::cold]] inline void edge_of_another_owner(const endpoint_binding& e, const char* who,
                                                const state_rule& r, std::size_t k) {
  const std::vector<std::uint64_t> own = next_by_role(r, e.role);
  protocol_fail(
      e, std::string(who) + ": the protocol gives " + e.states->shown(r.bits) + " -> " +
             e.states->shown(r.next[k]) + " to role '" + std::string(r.next_by[k]) + "', not to '" + e.role +
             "' (role '" + e.role + "' may take from " + e.states->shown(r.bits) + ": " +
             (own.empty() ? std::string("nothing") : e.states->shown(own.data(), own.size(), ", ")) + ")");
}

// Whether `next` may be published from every held state by e's role.
inline bool allows_next(const endpoint_binding& e, const std::uint64_t* held, std::size_t count,
                        std::uint64_t next) {
  for (std::size_t i = 0; i < count; ++i) {
    const state_rule* r = rule_for(e, held[i]);
    const std::size_t k = r != nullptr ? edge_index(*r, next) : 0;
    if (r != nullptr && k < r->next.size()) [[likely]] {
      if (edge_is_the_roles(*r, k, e.role)) [[likely]]
        continue;
      edge_of_another_owner(e, " token: publish()", *r, k);
      return false;
    }
    if (r != nullptr && r->next.empty()) {
      protocol_fail(e, " token: publish(" + e.states->shown(next) + "): " + e.states->shown(held[i]) +
                           " is terminal (no next state): its token has no publish; read it and let it "
                           "go (abandon(), or leave its with block)");
      return false;
    }
    const std::vector<std::uint64_t> none;
    const std::vector<std::uint64_t>& listed = r != nullptr ? r->next : none;
    protocol_fail(e, " token: publish(" + e.states->shown(next) + ") from " + e.states->shown(held[i]) +
                         " is not in the protocol (next of " + e.states->shown(held[i]) + ": " +
                         e.states->shown(listed.data(), listed.size(), ", ") + ")");
    return false;
  }
  return true;
}

// Whether every held state is terminal (owned, no next state): such a
// token has no publish, and ends without a warning however it ends, as an
// endpoint_token of terminal states may be dropped in C++.
inline bool holds_only_terminal_states(const endpoint_binding& e, const std::uint64_t* held,
                                       std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    const state_rule* r = rule_for(e, held[i]);
    if (r == nullptr || !r->next.empty()) return false;
  }
  return count > 0;
}

// Whether e's role may raise (clear) the flag at `index` of layout_ops::flags;
// a ProtocolError naming the rule if not.
inline bool may_change_flag(const endpoint_binding& e, std::size_t index, std::string_view flag, bool raise) {
  const flag_permission& p = e.flags[index];
  if (raise ? p.may_raise : p.may_clear) [[likely]]
    return true;
  const char* verb = raise ? "raise" : "clear";
  std::vector<std::string_view> allowed;
  if (p.rule != nullptr) {
    for (const std::string_view r : raise ? p.rule->raised_by : p.rule->cleared_by) allowed.push_back(r);
  }
  protocol_fail(e, std::string(raise ? ".raise_flag" : ".clear_flag") + ": role '" + e.role + "' may not " +
                       verb + " flag '" + std::string(flag) +
                       "' (its flag_rule: " + (raise ? "raised" : "cleared") + " by " +
                       (allowed.empty() ? std::string("nobody") : joined(allowed)) + ")");
  return false;
}

}  // namespace detail

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
