// Round-trip latency between two threads pinned to different CPUs, through
// one mailbox and through what people write instead. Names:
// threads/<variant>/<payload bytes>; "floor" is the same protocol
// hand-written with std::atomic_ref acquire/release on one cache line.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string_view>

#include "support/channels.hpp"
#include "support/environment.hpp"
#include "support/pingpong.hpp"
#include "support/suite.hpp"

namespace {

struct threads {
  static constexpr std::string_view prefix = "threads";
  template <class Protocol, std::size_t Bytes>
  static void run(benchmark::State& state) {
    bench::thread_pingpong<Protocol, Bytes>(state);
  }
  template <std::size_t Bytes>
  using mutex = bench::mutex_channel<Bytes>;
  template <std::size_t Bytes>
  using futex = bench::futex_channel<Bytes, false>;
};

}  // namespace

int main(int argc, char** argv) {
  bench::pingpong_suite<threads>::register_all();
  return bench::run_main(argc, argv);
}
