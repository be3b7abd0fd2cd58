// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A two-party ping-pong whose payload spans several cache lines and carries
// the sequence number in every word, so a payload read that overtakes the
// state word shows up as a word with the wrong number.
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace test_support {

enum class Turn : std::uint32_t { ping, pong };

inline constexpr std::size_t payload_words = 24;  // three cache lines

using PingPong = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"sequence", std::uint64_t>,
                                 mailbox::field<"words", std::uint64_t[payload_words]>>;
using PingPongBox = mailbox::Mailbox<PingPong>;

// The number of handoffs a test makes: its default, or MAILBOX_HANDOFFS from
// the environment for the stress presets.
inline std::uint64_t handoffs(std::uint64_t default_count) {
  if (const char* text = std::getenv("MAILBOX_HANDOFFS")) {
    const std::uint64_t parsed = std::strtoull(text, nullptr, 10);
    if (parsed > 0) return parsed;
  }
  return default_count;
}

// What the reply to ping number n carries in every word.
constexpr std::uint64_t reply_to(std::uint64_t n) { return ~n; }

struct pingpong_result {
  std::uint64_t mismatches = 0;
  std::uint64_t first_bad_round = 0;
  std::uint64_t first_bad_value = 0;

  void record(std::uint64_t round, std::uint64_t value) {
    if (mismatches++ == 0) {
      first_bad_round = round;
      first_bad_value = value;
    }
  }
  std::string describe(const char* side) const {
    if (mismatches == 0) return {};
    return std::string(side) + ": " + std::to_string(mismatches) + " stale words, first in round " +
           std::to_string(first_bad_round) + " (read " + std::to_string(first_bad_value) + ")";
  }
};

// Sends pings 1..count and checks each pong's words carry the reply.
inline pingpong_result run_pinger(PingPongBox box, std::uint64_t count) {
  pingpong_result result;
  for (std::uint64_t n = 1; n <= count; ++n) {
    auto token = box.acquire(Turn::ping);
    if (n > 1) {
      const std::uint64_t expected = reply_to(n - 1);
      if (token.get<"sequence">() != expected) result.record(n, token.get<"sequence">());
      for (std::uint64_t word : token.span<"words">()) {
        if (word != expected) result.record(n, word);
      }
    }
    token.set<"sequence">(n);
    for (std::uint64_t& word : token.span<"words">()) word = n;
    std::move(token).publish(Turn::pong);
  }
  return result;
}

// Answers count pings, checking each one's words carry its number.
inline pingpong_result run_ponger(PingPongBox box, std::uint64_t count) {
  pingpong_result result;
  for (std::uint64_t n = 1; n <= count; ++n) {
    auto token = box.acquire(Turn::pong);
    if (token.get<"sequence">() != n) result.record(n, token.get<"sequence">());
    for (std::uint64_t word : token.span<"words">()) {
      if (word != n) result.record(n, word);
    }
    token.set<"sequence">(reply_to(n));
    for (std::uint64_t& word : token.span<"words">()) word = reply_to(n);
    std::move(token).publish(Turn::ping);
  }
  return result;
}

}  // namespace test_support
