// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::to_dot<Protocol>(): a protocol as a Graphviz digraph.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "abi.hpp"
#include "protocol.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

inline std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

inline std::string dot_joined(std::span<const std::string_view> names, std::string_view empty = "") {
  std::string out;
  for (const std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out.empty() ? std::string(empty) : out;
}

// One protocol's nodes, edges and flag notes (see to_dot), each line after
// `indent`, every node id after `prefix` (so that several protocols can
// share one graph: frame_set.hpp).
template <class Protocol>
void dot_protocol(std::string& out, std::string_view prefix, std::string_view indent) {
  const auto id = [&](std::string_view name) { return dot_quoted(std::string(prefix) + std::string(name)); };
  out += std::string(indent) + id("(start)") + " [shape=point, label=\"\"];\n";
  for (const auto s : Protocol::states) {
    std::string label(Protocol::name_of(s));
    if (!Protocol::views_of(s).empty()) label += "\\n[" + dot_joined(Protocol::views_of(s)) + "]";
    out += std::string(indent) + id(Protocol::name_of(s)) + " [label=\"" + label + "\"";
    if (Protocol::is_terminal(s)) out += ", peripheries=2";
    if (Protocol::is_shared(s)) out += ", style=\"rounded,dashed\"";
    out += "];\n";
  }
  for (const auto s : Protocol::initial_states) {
    out += std::string(indent) + id("(start)") + " -> " + id(Protocol::name_of(s)) + ";\n";
  }
  for (const auto s : Protocol::states) {
    for (const auto n : Protocol::next_of(s)) {
      const std::string_view taker = Protocol::taker_of(s, n);
      const std::string label = taker.empty() ? dot_joined(Protocol::owners_of(s)) : std::string(taker);
      out += std::string(indent) + id(Protocol::name_of(s)) + " -> " + id(Protocol::name_of(n)) +
             " [label=" + dot_quoted(label) + "];\n";
    }
  }
  for (const field_info& f : Protocol::layout_type::fields) {
    if (!f.is_flag) continue;
    std::string label = "flag " + std::string(f.name);
    if (const flag_rule_info* rule = Protocol::flag_rule_of(f.name)) {
      label += "\\nraised by: " + dot_joined(rule->raised_by, "nobody");
      label += "\\ncleared by: " + dot_joined(rule->cleared_by, "nobody");
    } else {
      label += "\\nraised and cleared by any role";
    }
    out +=
        std::string(indent) + id("flag " + std::string(f.name)) + " [shape=note, label=\"" + label + "\"];\n";
  }
}

inline std::string dot_graph_head(std::string_view graph_name) {
  return "digraph " + dot_quoted(graph_name) +
         " {\n"
         "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
         "  edge [fontname=\"Helvetica\", fontsize=10];\n";
}

}  // namespace detail

// The protocol as a Graphviz digraph. One node per state, with the overlays
// it views under its name: double-bordered when terminal, dashed when it has
// several owners (no token: left by try_transition). A point leads to each
// initial state. One edge per legal transition, labelled with who may take
// it: the role its by<...> reserves it for, or else the owners of the state
// it leaves. One note per flag of the layout, saying who may raise and clear
// it. Render with `dot -Tpng`.
template <valid_protocol Protocol>
[[nodiscard]] std::string to_dot(std::string_view graph_name = "protocol") {
  std::string out = detail::dot_graph_head(graph_name);
  detail::dot_protocol<Protocol>(out, "", "  ");
  return out + "}\n";
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
