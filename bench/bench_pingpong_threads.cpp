// Round-trip latency between two threads pinned to different CPUs, through
// one mailbox and through what people write instead. Names:
// threads/<variant>/<payload bytes>; "floor" is the same protocol
// hand-written with std::atomic_ref acquire/release on one cache line.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

#include "support/channels.hpp"
#include "support/environment.hpp"
#include "support/pingpong.hpp"

namespace {

template <class Channel, std::size_t Bytes>
void add(std::string_view variant = Channel::name) {
  bench::with_statistics(
      benchmark::RegisterBenchmark(("threads/" + std::string(variant) + "/" + std::to_string(Bytes)).c_str(),
                                   bench::thread_pingpong<Channel, Bytes>))
      ->UseRealTime()
      ->Unit(benchmark::kNanosecond);
}

template <std::size_t Bytes>
void add_every_variant() {
  add<bench::mailbox_channel<Bytes>, Bytes>();
  add<bench::floor_channel<Bytes>, Bytes>();
  add<bench::seq_cst_channel<Bytes>, Bytes>();
  add<bench::mutex_channel<Bytes>, Bytes>();
  add<bench::futex_channel<Bytes, false>, Bytes>();
}

}  // namespace

int main(int argc, char** argv) {
  add_every_variant<8>();
  add_every_variant<64>();
  add_every_variant<256>();
  add_every_variant<4096>();
  // The layout effect: the state word on its own cache line instead of
  // sharing the payload's first line.
  add<bench::mailbox_channel<8, true>, 8>();
  add<bench::mailbox_channel<256, true>, 256>();
  return bench::run_main(argc, argv);
}
