// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Round-trip latency between two fork()ed processes pinned to different
// CPUs, over MAP_SHARED memory that the parent created, pre-faulted and
// first-touched (descriptors and shared-memory names made before the fork),
// through one mailbox and through what people use instead, every variant
// taking turns within one run (support/interleaved.hpp). Names:
// processes/interleaved/<payload bytes>; each variant's figures are counters
// "<variant>.<figure>". "floor" is the same protocol hand-written with
// std::atomic_ref acquire/release on one cache line.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string_view>

#include "support/channels.hpp"
#include "support/environment.hpp"
#include "support/peers.hpp"
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
  using protocol = bench::interleaved_protocol<
      bench::mailbox_channel<Bytes>, bench::floor_channel<Bytes>, bench::floor_control_channel<Bytes>,
      bench::mailbox_channel<Bytes, true>, bench::seq_cst_channel<Bytes>, bench::futex_channel<Bytes, true>,
      bench::pshared_mutex_channel<Bytes>, bench::pipe_channel<Bytes>, bench::eventfd_channel<Bytes>,
      bench::unix_socket_channel<Bytes>
#if MAILBOX_BENCH_HAVE_BOOST
      ,
      bench::boost_ipc_atomic_ref_channel<Bytes>, bench::boost_message_queue_channel<Bytes>
#endif
#if MAILBOX_BENCH_HAVE_ZEROMQ
      ,
      bench::zeromq_channel<Bytes, true>
#endif
      >;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("peers_left_out", bench::peers_left_out());
  bench::pingpong_suite<processes>::register_all();
  return bench::run_main(argc, argv);
}
