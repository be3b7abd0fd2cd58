// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layout the Python tests hand back and forth: one field of every kind
// the bindings convert, so that a handoff checks every conversion in both
// directions, and what each side writes for message n.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace python_test {

enum class Step : std::int32_t { idle, task_ready, task_done, shutdown };

// An opaque struct: Python sees its bytes.
struct Pair {
  std::int32_t count;
  float weight;
};

using Handoff =
    mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                    mailbox::field<"sequence", std::uint64_t>, mailbox::field<"args", std::uint64_t[16]>,
                    mailbox::field<"ratio", double>, mailbox::field<"scale", float>,
                    mailbox::field<"small", std::int8_t>, mailbox::field<"port", std::uint16_t>,
                    mailbox::field<"ok", std::uint8_t>, mailbox::field<"mode", Step>,
                    mailbox::field<"blob", std::byte[32]>, mailbox::field<"pair", Pair>,
                    mailbox::field<"error_msg", char[64]>,
                    mailbox::valid_states<Step::idle, Step::task_ready, Step::task_done, Step::shutdown>>;

// The same with a blocking state word (futex waits).
using BlockingHandoff =
    mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"sequence", std::uint64_t>,
                    mailbox::field<"words", std::uint64_t[8]>, mailbox::blocking_waiters>;

// What the parent writes for message n, and what the worker answers. The
// Python side computes the same in handoff_common.py.
struct message {
  std::int32_t error;
  std::uint64_t sequence;
  std::uint64_t args[16];
  double ratio;
  float scale;
  std::int8_t small;
  std::uint16_t port;
  std::uint8_t ok;  // 0 or 1 (a bool field would be undefined for any other byte a peer stores)
  Step mode;
  std::byte blob[32];
  Pair pair;
  std::string error_msg;
};

inline message request(std::uint64_t n) {
  message m{};
  m.error = static_cast<std::int32_t>(n % 1000) - 500;
  m.sequence = n;
  for (std::uint64_t i = 0; i < 16; ++i) m.args[i] = n * 0x10001ull + i * 0x9e3779b97f4a7c15ull;
  m.ratio = static_cast<double>(n) + 0.25;
  m.scale = static_cast<float>(n % 4096) * 0.5f;
  m.small = static_cast<std::int8_t>(static_cast<int>(n % 256) - 128);
  m.port = static_cast<std::uint16_t>(n * 7);
  m.ok = n % 2 == 0 ? 1 : 0;
  m.mode = static_cast<Step>(n % 4);
  for (std::size_t j = 0; j < 32; ++j) m.blob[j] = static_cast<std::byte>((n + j * 3) & 0xff);
  m.pair = Pair{static_cast<std::int32_t>(n), static_cast<float>(n % 1024) * 0.125f};
  m.error_msg = "task " + std::to_string(n);
  return m;
}

inline message reply(std::uint64_t n) {
  message m = request(n);
  m.error = -m.error;
  for (auto& a : m.args) a = ~a;
  m.ratio = m.ratio * 2;
  m.scale = m.scale + 1.0f;
  m.small = static_cast<std::int8_t>(-(m.small + 1));
  m.port = static_cast<std::uint16_t>(m.port ^ 0xffff);
  m.ok = m.ok ? 0 : 1;
  m.mode = static_cast<Step>((n + 1) % 4);
  for (auto& b : m.blob) b = ~b;
  m.pair = Pair{-m.pair.count, m.pair.weight * 2};
  m.error_msg = "done " + std::to_string(n) + " \xc3\xa9";  // UTF-8 e-acute: text is bytes, not ASCII
  return m;
}

template <class Token>
void write(Token& t, const message& m) {
  t.template set<"error">(m.error);
  t.template set<"sequence">(m.sequence);
  t.template set<"args">(m.args);
  t.template set<"ratio">(m.ratio);
  t.template set<"scale">(m.scale);
  t.template set<"small">(m.small);
  t.template set<"port">(m.port);
  t.template set<"ok">(m.ok);
  t.template set<"mode">(m.mode);
  t.template set<"blob">(m.blob);
  t.template set<"pair">(m.pair);
  t.template set_text<"error_msg">(m.error_msg);
}

// The first field that differs from m, or empty when every word matches.
template <class Token>
std::string first_difference(const Token& t, const message& m) {
  if (t.template get<"error">() != m.error) return "error";
  if (t.template get<"sequence">() != m.sequence) return "sequence";
  for (std::size_t i = 0; i < 16; ++i) {
    if (t.template span<"args">()[i] != m.args[i]) return "args[" + std::to_string(i) + "]";
  }
  if (t.template get<"ratio">() != m.ratio) return "ratio";
  if (t.template get<"scale">() != m.scale) return "scale";
  if (t.template get<"small">() != m.small) return "small";
  if (t.template get<"port">() != m.port) return "port";
  if (t.template get<"ok">() != m.ok) return "ok";
  if (t.template get<"mode">() != m.mode) return "mode";
  if (std::memcmp(t.template span<"blob">().data(), m.blob, sizeof m.blob) != 0) return "blob";
  const Pair p = t.template get<"pair">();
  if (p.count != m.pair.count || p.weight != m.pair.weight) return "pair";
  if (t.template text<"error_msg">() != m.error_msg) return "error_msg";
  return {};
}

}  // namespace python_test
