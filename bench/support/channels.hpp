// The ways two parties can hand a payload back and forth, each over a region
// of memory it does not own (a local buffer for threads, a MAP_SHARED mapping
// for processes). Every channel runs the same protocol: wait until it is my
// turn, read the whole payload, write the whole payload, give the turn away.
// They differ only in how the turn is waited for and handed over.
//
// A channel provides
//   static constexpr std::size_t size;            bytes of region it needs
//   static void initialize(std::span<std::byte>); first-touch, first state
//   static void destroy(std::span<std::byte>);
//   explicit channel(std::span<std::byte>);       a view
//   template <class Body> void handoff(turn mine, turn next, Body&& body);
// where body gets the payload as std::span<std::uint64_t, words>.
#pragma once

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <mailbox/mailbox.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <span>
#include <string_view>

namespace bench {

enum class turn : std::uint32_t { pinger, ponger };

inline constexpr std::size_t cache_line = 64;

// The spin-wait hint a careful hand-written loop uses: the same one the
// library's acquire() uses, so only the ordered accesses differ.
[[gnu::always_inline]] inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

// --- the library ------------------------------------------------------------

// The state word at offset 0; the payload right after it (one cache line
// with the state for payloads up to 56 bytes), or pinned to the next line.
template <std::size_t Bytes, bool StateOnOwnLine>
struct mailbox_layout_for {
  using type =
      mailbox::layout<mailbox::state<"turn", turn>, mailbox::field<"payload", std::uint64_t[Bytes / 8]>>;
};
template <std::size_t Bytes>
struct mailbox_layout_for<Bytes, true> {
  using type = mailbox::layout<mailbox::state<"turn", turn>,
                               mailbox::field<"payload", std::uint64_t[Bytes / 8], cache_line>>;
};

template <std::size_t Bytes, bool StateOnOwnLine = false>
class mailbox_channel {
  using layout = typename mailbox_layout_for<Bytes, StateOnOwnLine>::type;

 public:
  static constexpr std::string_view name = StateOnOwnLine ? "mailbox_state_own_line" : "mailbox";
  static constexpr std::size_t size = layout::size;
  static constexpr std::size_t state_offset = layout::state_offset;
  static constexpr std::size_t payload_offset = layout::template offset_of<"payload">;

  static void initialize(std::span<std::byte> region) {
    (void)mailbox::Mailbox<layout>::initialize(region, turn::pinger);
  }
  static void destroy(std::span<std::byte>) noexcept {}

  explicit mailbox_channel(std::span<std::byte> region) : box_(region) {}

  template <class Body>
  [[gnu::always_inline]] void handoff(turn mine, turn next, Body&& body) {
    auto token = box_.acquire(mine);
    // The body takes a std::span: checked against the token once, here.
    body(std::span<std::uint64_t, Bytes / 8>(token.template span<"payload">()));
    std::move(token).publish(next);
  }

 private:
  mailbox::Mailbox<layout> box_;
};

// --- hand-written with std::atomic_ref ----------------------------------------

// The same bytes as mailbox_channel's one-line layout: a 4-byte turn at 0, the
// payload at 8.
template <std::size_t Bytes>
struct alignas(cache_line) plain_block {
  turn state;
  std::uint64_t payload[Bytes / 8];
};

// With acquire/release this is the floor: the cheapest correct way to write
// the protocol by hand. With seq_cst it is what `std::atomic<T>` gives by
// default.
template <std::size_t Bytes, std::memory_order Load, std::memory_order Store>
class atomic_ref_channel {
  using block = plain_block<Bytes>;

 public:
  static constexpr std::string_view name = Store == std::memory_order_seq_cst ? "seq_cst" : "floor";
  static constexpr std::size_t size = sizeof(block);
  static constexpr std::size_t state_offset = offsetof(block, state);
  static constexpr std::size_t payload_offset = offsetof(block, payload);

  static void initialize(std::span<std::byte> region) {
    block* b = ::new (region.data()) block{};
    std::atomic_ref<turn>(b->state).store(turn::pinger, std::memory_order_release);
  }
  static void destroy(std::span<std::byte>) noexcept {}

  explicit atomic_ref_channel(std::span<std::byte> region)
      : block_(std::launder(reinterpret_cast<block*>(region.data()))) {}

  template <class Body>
  [[gnu::always_inline]] void handoff(turn mine, turn next, Body&& body) {
    std::atomic_ref<turn> state(block_->state);
    // Pairs with the other side's store below: their payload writes are
    // visible once we see `mine`.
    while (state.load(Load) != mine) spin_pause();
    body(std::span<std::uint64_t, Bytes / 8>(block_->payload));
    // Pairs with the other side's load above: our payload writes are visible
    // to them once they see `next`.
    state.store(next, Store);
  }

 private:
  block* block_;
};

template <std::size_t Bytes>
using floor_channel = atomic_ref_channel<Bytes, std::memory_order_acquire, std::memory_order_release>;
template <std::size_t Bytes>
using seq_cst_channel = atomic_ref_channel<Bytes, std::memory_order_seq_cst, std::memory_order_seq_cst>;

// --- a futex wake per message ----------------------------------------------------

// The waiter sleeps in the kernel until woken; the sender stores the turn and
// always makes a FUTEX_WAKE system call. Private futexes between threads,
// shared ones between processes.
template <std::size_t Bytes, bool BetweenProcesses>
class futex_channel {
  using block = plain_block<Bytes>;
  static constexpr int private_flag = BetweenProcesses ? 0 : FUTEX_PRIVATE_FLAG;

 public:
  static constexpr std::string_view name = "futex";
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) {
    block* b = ::new (region.data()) block{};
    std::atomic_ref<turn>(b->state).store(turn::pinger, std::memory_order_release);
  }
  static void destroy(std::span<std::byte>) noexcept {}

  explicit futex_channel(std::span<std::byte> region)
      : block_(std::launder(reinterpret_cast<block*>(region.data()))) {}

  template <class Body>
  void handoff(turn mine, turn next, Body&& body) {
    std::atomic_ref<turn> state(block_->state);
    for (turn seen; (seen = state.load(std::memory_order_acquire)) != mine;) {
      // Sleeps only if the word still holds `seen`, so a wake between the
      // load and the call is not lost.
      ::syscall(SYS_futex, &block_->state, FUTEX_WAIT | private_flag, static_cast<std::uint32_t>(seen),
                nullptr, nullptr, 0);
    }
    body(std::span<std::uint64_t, Bytes / 8>(block_->payload));
    state.store(next, std::memory_order_release);
    ::syscall(SYS_futex, &block_->state, FUTEX_WAKE | private_flag, 1, nullptr, nullptr, 0);
  }

 private:
  block* block_;
};

// --- std::mutex + std::condition_variable (threads) -----------------------------------

template <std::size_t Bytes>
class mutex_channel {
  struct block {
    std::mutex mutex;
    std::condition_variable changed;
    turn state = turn::pinger;
    alignas(cache_line) std::uint64_t payload[Bytes / 8]{};
  };

 public:
  static constexpr std::string_view name = "mutex_condvar";
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) { ::new (region.data()) block{}; }
  static void destroy(std::span<std::byte> region) noexcept {
    std::launder(reinterpret_cast<block*>(region.data()))->~block();
  }

  explicit mutex_channel(std::span<std::byte> region)
      : block_(std::launder(reinterpret_cast<block*>(region.data()))) {}

  template <class Body>
  void handoff(turn mine, turn next, Body&& body) {
    {
      std::unique_lock lock(block_->mutex);
      block_->changed.wait(lock, [&] { return block_->state == mine; });
      body(std::span<std::uint64_t, Bytes / 8>(block_->payload));
      block_->state = next;
    }
    block_->changed.notify_one();
  }

 private:
  block* block_;
};

// --- process-shared pthread mutex + condition variable (processes) ---------------------

// std::mutex cannot be shared between processes; this is what C and C++ code
// uses instead.
template <std::size_t Bytes>
class pshared_mutex_channel {
  struct block {
    pthread_mutex_t mutex;
    pthread_cond_t changed;
    turn state;
    alignas(cache_line) std::uint64_t payload[Bytes / 8];
  };

 public:
  static constexpr std::string_view name = "mutex_condvar";
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) {
    block* b = ::new (region.data()) block{};
    pthread_mutexattr_t mutex_attributes;
    ::pthread_mutexattr_init(&mutex_attributes);
    ::pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED);
    ::pthread_mutex_init(&b->mutex, &mutex_attributes);
    ::pthread_mutexattr_destroy(&mutex_attributes);
    pthread_condattr_t cond_attributes;
    ::pthread_condattr_init(&cond_attributes);
    ::pthread_condattr_setpshared(&cond_attributes, PTHREAD_PROCESS_SHARED);
    ::pthread_cond_init(&b->changed, &cond_attributes);
    ::pthread_condattr_destroy(&cond_attributes);
    b->state = turn::pinger;
  }
  static void destroy(std::span<std::byte> region) noexcept {
    block* b = std::launder(reinterpret_cast<block*>(region.data()));
    ::pthread_cond_destroy(&b->changed);
    ::pthread_mutex_destroy(&b->mutex);
  }

  explicit pshared_mutex_channel(std::span<std::byte> region)
      : block_(std::launder(reinterpret_cast<block*>(region.data()))) {}

  template <class Body>
  void handoff(turn mine, turn next, Body&& body) {
    ::pthread_mutex_lock(&block_->mutex);
    while (block_->state != mine) ::pthread_cond_wait(&block_->changed, &block_->mutex);
    body(std::span<std::uint64_t, Bytes / 8>(block_->payload));
    block_->state = next;
    ::pthread_mutex_unlock(&block_->mutex);
    ::pthread_cond_signal(&block_->changed);
  }

 private:
  block* block_;
};

}  // namespace bench
