// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// What users would pick instead of a mailbox, each running the same
// request/reply as the channels in channels.hpp (see there for the
// interface): every payload byte written by the sender and checked by the
// receiver. Between processes, descriptors and shared-memory names are made
// by initialize() before the fork, so both sides inherit them.
//
// The Boost and ZeroMQ peers exist only where their Debian packages were
// found at configure time (MAILBOX_BENCH_HAVE_BOOST, MAILBOX_BENCH_HAVE_ZEROMQ);
// peers_left_out() says which are missing, for the results' context.
#pragma once

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "channels.hpp"

#if MAILBOX_BENCH_HAVE_BOOST
#include <boost/atomic/ipc_atomic_ref.hpp>
#include <boost/interprocess/ipc/message_queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#endif
#if MAILBOX_BENCH_HAVE_ZEROMQ
#include <zmq.h>
#endif

namespace bench {

inline std::string peers_left_out() {
  std::string missing;
#if !MAILBOX_BENCH_HAVE_BOOST
  missing += "boost_ipc_atomic_ref boost_message_queue boost_spsc_queue ";
#endif
#if !MAILBOX_BENCH_HAVE_ZEROMQ
  missing += "zeromq ";
#endif
  if (missing.empty()) return "none";
#if MAILBOX_BENCH_CROSS_BUILD
  return missing + "(a cross build: the host's Boost and libzmq cannot link it)";
#else
  return missing +
         "(their Debian packages, libboost1.81-dev and libzmq3-dev, were not found at configure time)";
#endif
}

[[noreturn]] inline void system_error(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// A name no other run uses at the same time: for shared-memory objects and
// socket files.
inline std::string unique_name(std::string_view what) {
  static std::atomic<unsigned> counter{0};
  return "mailbox-bench-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + "-" +
         std::string(what);
}

// Reads or writes exactly `bytes`, whatever the kernel splits them into.
inline void write_all(int fd, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const std::byte*>(data);
  while (bytes != 0) {
    const ssize_t n = ::write(fd, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) system_error("write");
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}
inline void read_all(int fd, void* data, std::size_t bytes) {
  auto* p = static_cast<std::byte*>(data);
  while (bytes != 0) {
    const ssize_t n = ::read(fd, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) throw std::runtime_error("read: the other side closed");
    if (n < 0) system_error("read");
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

// The message itself travels: a local buffer written whole, copied into the
// kernel and out again. Between the two, each side's buffer is its own, so
// the reply is written into the buffer the request arrived in.
template <std::size_t Bytes>
class stream_buffer {
 public:
  payload_span<Bytes> span() noexcept { return payload_span<Bytes>(words_); }
  void* data() noexcept { return words_; }

 private:
  alignas(cache_line) std::uint64_t words_[Bytes / 8]{};
};

// --- peers that talk through a pair of descriptors -----------------------------------------

// Each direction's two ends, kept in the region so that both sides (threads,
// or a forked child) find them. A pipe has a read and a write end; a socket
// pair's ends are both, crosswise; an eventfd is one descriptor for both.
struct descriptor_block {
  int to_ponger_read, to_ponger_write;
  int to_pinger_read, to_pinger_write;
};

// A pipe each way; the message travels through the kernel.
struct pipe_descriptors {
  static constexpr std::string_view name = "pipe";
  static constexpr bool carries_payload = true;
  static void open(descriptor_block& d) {
    int to_ponger[2], to_pinger[2];
    if (::pipe(to_ponger) != 0 || ::pipe(to_pinger) != 0) system_error("pipe");
    d = {to_ponger[0], to_ponger[1], to_pinger[0], to_pinger[1]};
  }
};

// A UNIX stream socket pair: the pinger's end is both its way out and in.
struct unix_socket_descriptors {
  static constexpr std::string_view name = "unix_socket";
  static constexpr bool carries_payload = true;
  static void open(descriptor_block& d) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) system_error("socketpair");
    d = {ends[1], ends[0], ends[0], ends[1]};
  }
};

// The payload in shared memory, the turn as an event count: each direction
// has its own eventfd; writing 1 hands the turn over, a blocking read waits
// for it. The kernel's wake-up orders the payload: the writes before write()
// are visible after the other side's read() returns.
struct eventfd_descriptors {
  static constexpr std::string_view name = "eventfd";
  static constexpr bool carries_payload = false;
  static void open(descriptor_block& d) {
    const int to_ponger = ::eventfd(0, 0);
    const int to_pinger = ::eventfd(0, 0);
    if (to_ponger < 0 || to_pinger < 0) system_error("eventfd");
    d = {to_ponger, to_ponger, to_pinger, to_pinger};
  }
};

// The request/reply over a descriptor pair: with a Kind that carries the
// payload, the whole message is written and read through the descriptors;
// otherwise it stays in the region and an 8-byte count hands the turn over.
template <std::size_t Bytes, class Kind>
class descriptor_channel {
  struct block {
    descriptor_block descriptors;
    alignas(cache_line) std::uint64_t payload[Kind::carries_payload ? 1 : Bytes / 8];
  };

 public:
  static constexpr std::string_view name = Kind::name;
  static constexpr bool spins = false;
  static constexpr std::size_t size = Kind::carries_payload ? sizeof(descriptor_block) : sizeof(block);

  static void initialize(std::span<std::byte> region) {
    auto* d = ::new (region.data()) descriptor_block{-1, -1, -1, -1};
    Kind::open(*d);
  }
  static void destroy(std::span<std::byte> region) noexcept {
    const descriptor_block& d = *as_descriptors(region);
    const std::array<int, 4> ends{d.to_ponger_read, d.to_ponger_write, d.to_pinger_read, d.to_pinger_write};
    for (std::size_t i = 0; i < ends.size(); ++i) {
      // An end that serves both ways is closed once.
      if (ends[i] >= 0 && std::find(ends.begin(), ends.begin() + i, ends[i]) == ends.begin() + i)
        ::close(ends[i]);
    }
  }

  descriptor_channel(std::span<std::byte> region, side s)
      : region_(region),
        in_(s == side::pinger ? as_descriptors(region)->to_pinger_read
                              : as_descriptors(region)->to_ponger_read),
        out_(s == side::pinger ? as_descriptors(region)->to_ponger_write
                               : as_descriptors(region)->to_pinger_write) {}

  template <class Fill, class Check>
  void request(Fill&& fill, Check&& check) {
    fill(payload());
    send();
    receive();
    check(payload());
  }
  template <class Body>
  void serve(Body&& body) {
    receive();
    body(payload());
    send();
  }

 private:
  static descriptor_block* as_descriptors(std::span<std::byte> region) {
    return std::launder(reinterpret_cast<descriptor_block*>(region.data()));
  }
  payload_span<Bytes> payload() noexcept {
    if constexpr (Kind::carries_payload) {
      return buffer_.span();
    } else {
      return payload_span<Bytes>(std::launder(reinterpret_cast<block*>(region_.data()))->payload);
    }
  }
  void send() {
    if constexpr (Kind::carries_payload) {
      write_all(out_, buffer_.data(), Bytes);
    } else {
      const std::uint64_t one = 1;
      write_all(out_, &one, sizeof one);
    }
  }
  void receive() {
    if constexpr (Kind::carries_payload) {
      read_all(in_, buffer_.data(), Bytes);
    } else {
      std::uint64_t count = 0;
      read_all(in_, &count, sizeof count);
    }
  }

  std::span<std::byte> region_;
  int in_;
  int out_;
  stream_buffer<Kind::carries_payload ? Bytes : 8> buffer_;
};

template <std::size_t Bytes>
using pipe_channel = descriptor_channel<Bytes, pipe_descriptors>;
template <std::size_t Bytes>
using unix_socket_channel = descriptor_channel<Bytes, unix_socket_descriptors>;
template <std::size_t Bytes>
using eventfd_channel = descriptor_channel<Bytes, eventfd_descriptors>;

#if MAILBOX_BENCH_HAVE_BOOST

// --- Boost.Atomic ipc_atomic_ref with wait/notify: the like-for-like state word ---------

// The same bytes as the floor; the waiter sleeps in ipc_atomic_ref::wait (a
// futex on Linux, header-only) and every hand-over calls notify_one.
struct boost_ipc_atomic_ref_waiting {
  using word = boost::atomics::ipc_atomic_ref<turn>;
  static_assert(word::always_has_native_wait_notify, "ipc_atomic_ref must wait in the kernel here");
  static constexpr std::string_view name = "boost_ipc_atomic_ref";
  static constexpr bool spins = false;
  // The acquire load (and wait's acquire) pairs with give()'s release store.
  static void wait_for(turn& state, turn mine) noexcept {
    word w(state);
    for (turn seen = w.load(boost::memory_order_acquire); seen != mine;) {
      seen = w.wait(seen, boost::memory_order_acquire);
    }
  }
  static void give(turn& state, turn next) noexcept {
    word w(state);
    w.store(next, boost::memory_order_release);
    w.notify_one();
  }
};

template <std::size_t Bytes>
using boost_ipc_atomic_ref_channel = turn_word_channel<Bytes, boost_ipc_atomic_ref_waiting>;

// --- Boost.Interprocess message_queue --------------------------------------------------

// Two named queues of one message each, in POSIX shared memory; the sender
// copies the message in, the receiver copies it out (a process-shared mutex
// and condition variables inside).
template <std::size_t Bytes>
class boost_message_queue_channel {
  struct names {
    char to_ponger[96];
    char to_pinger[96];
  };
  using queue = boost::interprocess::message_queue;

 public:
  static constexpr std::string_view name = "boost_message_queue";
  static constexpr bool spins = false;
  static constexpr std::size_t size = sizeof(names);

  static void initialize(std::span<std::byte> region) {
    auto* n = ::new (region.data()) names{};
    std::snprintf(n->to_ponger, sizeof n->to_ponger, "%s", unique_name("to-ponger").c_str());
    std::snprintf(n->to_pinger, sizeof n->to_pinger, "%s", unique_name("to-pinger").c_str());
    for (const char* queue_name : {n->to_ponger, n->to_pinger}) {
      queue::remove(queue_name);
      queue(boost::interprocess::create_only, queue_name, 1, Bytes);
    }
  }
  static void destroy(std::span<std::byte> region) noexcept {
    const auto* n = std::launder(reinterpret_cast<names*>(region.data()));
    queue::remove(n->to_ponger);
    queue::remove(n->to_pinger);
  }

  boost_message_queue_channel(std::span<std::byte> region, side s)
      : in_(boost::interprocess::open_only,
            s == side::pinger ? names_of(region)->to_pinger : names_of(region)->to_ponger),
        out_(boost::interprocess::open_only,
             s == side::pinger ? names_of(region)->to_ponger : names_of(region)->to_pinger) {}

  template <class Fill, class Check>
  void request(Fill&& fill, Check&& check) {
    fill(buffer_.span());
    out_.send(buffer_.data(), Bytes, 0);
    receive();
    check(buffer_.span());
  }
  template <class Body>
  void serve(Body&& body) {
    receive();
    body(buffer_.span());
    out_.send(buffer_.data(), Bytes, 0);
  }

 private:
  static names* names_of(std::span<std::byte> region) {
    return std::launder(reinterpret_cast<names*>(region.data()));
  }
  void receive() {
    queue::size_type received = 0;
    unsigned priority = 0;
    in_.receive(buffer_.data(), Bytes, received, priority);
    if (received != Bytes) throw std::runtime_error("boost message_queue: a short message");
  }

  queue in_;
  queue out_;
  stream_buffer<Bytes> buffer_;
};

// --- boost::lockfree::spsc_queue (threads) ----------------------------------------------

// Two single-producer single-consumer queues of whole messages; both sides
// spin on push and pop, as a user of a lock-free queue would.
template <std::size_t Bytes>
class boost_spsc_queue_channel {
  using message = std::array<std::uint64_t, Bytes / 8>;
  using queue = boost::lockfree::spsc_queue<message, boost::lockfree::capacity<1>>;
  struct block {
    queue to_ponger;
    queue to_pinger;
  };

 public:
  static constexpr std::string_view name = "boost_spsc_queue";
  static constexpr bool spins = true;
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) { ::new (region.data()) block{}; }
  static void destroy(std::span<std::byte> region) noexcept {
    std::launder(reinterpret_cast<block*>(region.data()))->~block();
  }

  boost_spsc_queue_channel(std::span<std::byte> region, side s) {
    auto* b = std::launder(reinterpret_cast<block*>(region.data()));
    in_ = s == side::pinger ? &b->to_pinger : &b->to_ponger;
    out_ = s == side::pinger ? &b->to_ponger : &b->to_pinger;
  }

  template <class Fill, class Check>
  void request(Fill&& fill, Check&& check) {
    fill(payload_span<Bytes>(message_));
    while (!out_->push(message_)) spin_pause();
    while (!in_->pop(message_)) spin_pause();
    check(payload_span<Bytes>(message_));
  }
  template <class Body>
  void serve(Body&& body) {
    while (!in_->pop(message_)) spin_pause();
    body(payload_span<Bytes>(message_));
    while (!out_->push(message_)) spin_pause();
  }

 private:
  queue* in_ = nullptr;
  queue* out_ = nullptr;
  alignas(cache_line) message message_{};
};

#endif  // MAILBOX_BENCH_HAVE_BOOST

#if MAILBOX_BENCH_HAVE_ZEROMQ

// --- ZeroMQ REQ/REP ---------------------------------------------------------------------

// inproc between threads (one context, shared through the region), ipc (a
// UNIX socket file) between processes, where each process makes its own
// context after the fork (a ZeroMQ context does not survive one).
template <std::size_t Bytes, bool BetweenProcesses>
class zeromq_channel {
  struct block {
    void* shared_context;  // threads only
    char endpoint[120];
  };

 public:
  static constexpr std::string_view name = "zeromq";
  static constexpr bool spins = false;
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) {
    auto* b = ::new (region.data()) block{};
    if constexpr (BetweenProcesses) {
      std::snprintf(b->endpoint, sizeof b->endpoint, "ipc:///tmp/%s", unique_name("zmq").c_str());
    } else {
      b->shared_context = ::zmq_ctx_new();
      if (b->shared_context == nullptr) system_error("zmq_ctx_new");
      std::snprintf(b->endpoint, sizeof b->endpoint, "inproc://%s", unique_name("zmq").c_str());
    }
  }
  static void destroy(std::span<std::byte> region) noexcept {
    auto* b = block_of(region);
    if constexpr (BetweenProcesses) {
      ::unlink(b->endpoint + std::strlen("ipc://"));
    } else {
      ::zmq_ctx_term(b->shared_context);
    }
  }

  zeromq_channel(std::span<std::byte> region, side s) {
    block* b = block_of(region);
    context_ = BetweenProcesses ? ::zmq_ctx_new() : b->shared_context;
    socket_ = ::zmq_socket(context_, s == side::pinger ? ZMQ_REQ : ZMQ_REP);
    if (socket_ == nullptr) system_error("zmq_socket");
    const int no_linger = 0;
    ::zmq_setsockopt(socket_, ZMQ_LINGER, &no_linger, sizeof no_linger);
    // The ponger binds, the pinger connects (ZeroMQ retries until the bind).
    const int result =
        s == side::ponger ? ::zmq_bind(socket_, b->endpoint) : ::zmq_connect(socket_, b->endpoint);
    if (result != 0)
      throw std::runtime_error(std::string("zmq bind/connect: ") + ::zmq_strerror(::zmq_errno()));
  }
  zeromq_channel(zeromq_channel&& other) noexcept
      : context_(std::exchange(other.context_, nullptr)), socket_(std::exchange(other.socket_, nullptr)) {}
  zeromq_channel& operator=(zeromq_channel&&) = delete;
  ~zeromq_channel() {
    if (socket_ != nullptr) ::zmq_close(socket_);
    if (BetweenProcesses && context_ != nullptr) ::zmq_ctx_term(context_);
  }

  template <class Fill, class Check>
  void request(Fill&& fill, Check&& check) {
    fill(buffer_.span());
    send();
    receive();
    check(buffer_.span());
  }
  template <class Body>
  void serve(Body&& body) {
    receive();
    body(buffer_.span());
    send();
  }

 private:
  static block* block_of(std::span<std::byte> region) {
    return std::launder(reinterpret_cast<block*>(region.data()));
  }
  void send() {
    while (::zmq_send(socket_, buffer_.data(), Bytes, 0) < 0) {
      if (::zmq_errno() != EINTR)
        throw std::runtime_error(std::string("zmq_send: ") + ::zmq_strerror(::zmq_errno()));
    }
  }
  void receive() {
    int n;
    while ((n = ::zmq_recv(socket_, buffer_.data(), Bytes, 0)) < 0) {
      if (::zmq_errno() != EINTR)
        throw std::runtime_error(std::string("zmq_recv: ") + ::zmq_strerror(::zmq_errno()));
    }
    if (static_cast<std::size_t>(n) != Bytes)
      throw std::runtime_error("zmq_recv: a message of the wrong size");
  }

  void* context_ = nullptr;
  void* socket_ = nullptr;
  stream_buffer<Bytes> buffer_;
};

#endif  // MAILBOX_BENCH_HAVE_ZEROMQ

}  // namespace bench
