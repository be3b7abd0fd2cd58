// Round-trip latency between two fork()ed processes pinned to different
// CPUs, over MAP_SHARED memory that the parent created, pre-faulted and
// first-touched, through one mailbox and through what people write instead.
// Names:
// processes/<variant>/<payload bytes>; "floor" is the same protocol
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
  bench::with_statistics(benchmark::RegisterBenchmark(
                             ("processes/" + std::string(variant) + "/" + std::to_string(Bytes)).c_str(),
                             bench::process_pingpong<bench::single_protocol<Channel>, Bytes>))
      ->UseRealTime()
      ->Unit(benchmark::kNanosecond);
}

// <a>_vs_<b>: a and b take turns every 1024 round trips in one run (see
// paired_protocol). floor_vs_floor is the control: the method's own noise.
template <class A, class B, std::size_t Bytes>
void add_pair() {
  bench::with_statistics(
      benchmark::RegisterBenchmark(
          ("processes/" + std::string(A::name) + "_vs_" + std::string(B::name) + "/" + std::to_string(Bytes))
              .c_str(),
          bench::process_pingpong<bench::paired_protocol<A, B>, Bytes>))
      ->UseRealTime()
      ->Unit(benchmark::kNanosecond);
}

template <std::size_t Bytes>
void add_paired() {
  add_pair<bench::mailbox_channel<Bytes>, bench::floor_channel<Bytes>, Bytes>();
  add_pair<bench::floor_channel<Bytes>, bench::floor_channel<Bytes>, Bytes>();
}

template <std::size_t Bytes>
void add_every_variant() {
  add<bench::mailbox_channel<Bytes>, Bytes>();
  add<bench::floor_channel<Bytes>, Bytes>();
  add<bench::seq_cst_channel<Bytes>, Bytes>();
  add<bench::pshared_mutex_channel<Bytes>, Bytes>();
  add<bench::futex_channel<Bytes, true>, Bytes>();
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
  // The library against the floor, alternating within one run: the steadiest
  // ratio on a noisy machine.
  add_paired<8>();
  add_paired<64>();
  add_paired<256>();
  add_paired<4096>();
  return bench::run_main(argc, argv);
}
