// Round-trip latency between two fork()ed processes pinned to different
// CPUs, over MAP_SHARED memory that the parent created, pre-faulted and
// first-touched, through one mailbox and through what people write instead.
// Names:
// processes/<variant>/<payload bytes>; "floor" is the same protocol
// hand-written with std::atomic_ref acquire/release on one cache line.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string_view>

#include "support/channels.hpp"
#include "support/environment.hpp"
#include "support/pingpong.hpp"
#include "support/suite.hpp"

namespace {

struct processes {
  static constexpr std::string_view prefix = "processes";
  template <class Protocol, std::size_t Bytes>
  static void run(benchmark::State& state) {
    bench::process_pingpong<Protocol, Bytes>(state);
  }
  template <std::size_t Bytes>
  using mutex = bench::pshared_mutex_channel<Bytes>;
  template <std::size_t Bytes>
  using futex = bench::futex_channel<Bytes, true>;
};

}  // namespace

int main(int argc, char** argv) {
  bench::pingpong_suite<processes>::register_all();
  return bench::run_main(argc, argv);
}
