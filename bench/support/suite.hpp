// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Registers the ping-pong suite for one transport (two threads, or two
// processes): per payload size, one benchmark in which every variant the
// transport supports takes turns (interleaved.hpp), so both executables
// measure the same way and every ratio comes from one run; and the layout
// comparison at finer payload sizes.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "channels.hpp"
#include "environment.hpp"
#include "interleaved.hpp"
#include "peers.hpp"
#include "pingpong.hpp"

namespace bench {

// A Transport names its benchmarks, runs a protocol over them, and lists its
// variants:
//   static constexpr std::string_view prefix;
//   template <class Protocol, std::size_t Bytes> static void run(benchmark::State&);
//   template <std::size_t Bytes> using protocol = interleaved_protocol<...>;
template <class Transport>
class pingpong_suite {
 public:
  static void register_all() {
    add<8>();
    add<64>();
    add<256>();
    add<4096>();
    add_layouts(std::index_sequence<8, 16, 24, 32, 40, 48, 56, 64, 72, 96, 120, 128, 192, 256>{});
  }

 private:
  // <prefix>/interleaved/<bytes>; one iteration is one round of blocks.
  template <std::size_t Bytes>
  static void add() {
    add_named<typename Transport::template protocol<Bytes>, Bytes>("interleaved");
  }

  // <prefix>/layout/<bytes>: the library's two layouts (the state word
  // beside the payload, or on its own cache line) and the floor with its
  // control, interleaved, at payload sizes around the one-line and two-line
  // boundaries: where isolating the state word starts to pay.
  template <std::size_t... Bytes>
  static void add_layouts(std::index_sequence<Bytes...>) {
    (add_named<layout_protocol<Bytes>, Bytes>("layout"), ...);
  }
  template <std::size_t Bytes>
  using layout_protocol = interleaved_protocol<mailbox_channel<Bytes>, floor_channel<Bytes>,
                                               floor_control_channel<Bytes>, mailbox_channel<Bytes, true>>;

  template <class Protocol, std::size_t Bytes>
  static void add_named(std::string_view family) {
    const std::string name =
        std::string(Transport::prefix) + "/" + std::string(family) + "/" + std::to_string(Bytes);
    benchmark::RegisterBenchmark(name.c_str(), &Transport::template run<Protocol, Bytes>)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
};

}  // namespace bench
