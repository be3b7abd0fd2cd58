// Registers the whole ping-pong suite for one transport (two threads, or two
// processes), so both executables measure exactly the same variants.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "channels.hpp"
#include "environment.hpp"
#include "pingpong.hpp"

namespace bench {

// A Transport names its benchmarks, runs a protocol over them, and says
// which blocking channels fit it:
//   static constexpr std::string_view prefix;
//   template <class Protocol, std::size_t Bytes> static void run(benchmark::State&);
//   template <std::size_t Bytes> using mutex = ...;  template <std::size_t Bytes> using futex = ...;
template <class Transport>
class pingpong_suite {
 public:
  static void register_all() {
    every_variant<8>();
    every_variant<64>();
    every_variant<256>();
    every_variant<4096>();
    // The layout effect: the state word on its own cache line instead of
    // sharing the payload's first line.
    add<mailbox_channel<8, true>, 8>();
    add<mailbox_channel<256, true>, 256>();
    // The library against the floor, alternating within one run: the
    // steadiest ratio on a noisy machine.
    paired<8>();
    paired<64>();
    paired<256>();
    paired<4096>();
  }

 private:
  template <class Protocol, std::size_t Bytes>
  static void register_one(std::string_view variant) {
    const std::string name =
        std::string(Transport::prefix) + "/" + std::string(variant) + "/" + std::to_string(Bytes);
    with_statistics(benchmark::RegisterBenchmark(name.c_str(), &Transport::template run<Protocol, Bytes>))
        ->UseRealTime()
        ->Unit(benchmark::kNanosecond);
  }

  template <class Channel, std::size_t Bytes>
  static void add() {
    register_one<single_protocol<Channel>, Bytes>(Channel::name);
  }

  // <a>_vs_<b>: a and b take turns every 1024 round trips in one run (see
  // paired_protocol). floor_vs_floor is the control: the method's own noise.
  template <class A, class B, std::size_t Bytes>
  static void add_pair() {
    register_one<paired_protocol<A, B>, Bytes>(std::string(A::name) + "_vs_" + std::string(B::name));
  }

  template <std::size_t Bytes>
  static void paired() {
    add_pair<mailbox_channel<Bytes>, floor_channel<Bytes>, Bytes>();
    add_pair<floor_channel<Bytes>, floor_channel<Bytes>, Bytes>();
  }

  template <std::size_t Bytes>
  static void every_variant() {
    add<mailbox_channel<Bytes>, Bytes>();
    add<floor_channel<Bytes>, Bytes>();
    add<seq_cst_channel<Bytes>, Bytes>();
    add<typename Transport::template mutex<Bytes>, Bytes>();
    add<typename Transport::template futex<Bytes>, Bytes>();
  }
};

}  // namespace bench
