// Registers the ping-pong suite for one transport (two threads, or two
// processes): per payload size, one benchmark in which every variant the
// transport supports takes turns (interleaved.hpp), so both executables
// measure the same way and every ratio comes from one run.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <string_view>

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
  }

 private:
  // <prefix>/interleaved/<bytes>; one iteration is one round of blocks.
  template <std::size_t Bytes>
  static void add() {
    const std::string name = std::string(Transport::prefix) + "/interleaved/" + std::to_string(Bytes);
    benchmark::RegisterBenchmark(
        name.c_str(), &Transport::template run<typename Transport::template protocol<Bytes>, Bytes>)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
};

}  // namespace bench
