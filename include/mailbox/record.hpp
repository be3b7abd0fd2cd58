// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::record<"name", T>: a committed record inside a layout, for a
// writer that may die in the middle of writing it (a child killed by
// SIGKILL while it writes its teardown report). It is a second ordered
// hand-off in the mailbox, outside the state word's token discipline: the
// writer needs no token, and a reader gets the record's value only when a
// whole write of the generation it expects was committed, and "unknown"
// otherwise, never a torn value.
//
//   struct Teardown { std::int32_t exit_code; std::uint32_t signal; char reason[64]; };
//   using Frame = mailbox::layout<mailbox::state<"state", S>, ...,
//                                 mailbox::record<"teardown", Teardown>>;
//   box.write_record<"teardown">(generation, report);           // the child
//   if (auto r = box.read_record<"teardown">(generation)) use(*r);   // the parent
//   else why(r.status());                  // empty, writing, torn, other_schema, other_generation
//
// In memory (offsets from the record's start, all native byte order):
//   0   std::uint64_t sequence    odd while a write is in progress (or its writer died)
//   8   std::uint32_t schema      record_schema<T> when valid, 0 when empty or cleared
//   12  std::uint32_t generation  the writer's generation key
//   16  body                      sizeof(T) bytes, rounded up to whole 8-byte words
//
// The protocol (a seqlock whose readers never retry): the writer makes the
// sequence odd, then release-stores schema, generation and the body word by
// word, then release-stores the next even sequence last. A reader
// acquire-loads the sequence, acquire-loads every word of the copy, loads
// the sequence again, and keeps the copy only if both loads saw the same
// even value, the schema is this body type's and the generation the one it
// asked for. Every access is an atomic 8-byte load or store, so a reader
// racing a writer is no data race in the C++ memory model (and
// ThreadSanitizer checks it as it is); docs/payloads.md explains why no
// torn copy passes.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "abi.hpp"
#include "arch/atomic_ref.hpp"
#include "description.hpp"
#include "detail/description_hash.hpp"
#include "field.hpp"
#include "fixed_string.hpp"
#include "members.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

template <class T>
struct record_storage;

}  // namespace detail

// A committed record of type T at an offset of the layout (computed, or
// pinned as a field's). T follows the payload rules (trivially copyable, no
// bool, no pointer); describe its members (MAILBOX_DESCRIBE) to export them.
// Not reachable through a token: Mailbox::write_record, read_record and
// clear_record reach it, each an atomic protocol of its own.
template <fixed_string Name, class T, std::size_t Offset = computed_offset>
struct record {
  static constexpr fixed_string name = Name;
  using body_type = T;
  using type = detail::record_storage<T>;
  static constexpr std::size_t pinned_offset = Offset;
  static constexpr bool is_state = false;
  static constexpr bool is_flag = false;
};

// What a read found. Only `valid` carries a value; every other status is
// "unknown" to the reader.
enum class record_status : std::uint8_t {
  valid,
  empty,             // never written, or cleared
  writing,           // a write is in progress, or its writer died during it
  torn,              // a writer changed the record while it was copied
  other_schema,      // written for another body type (another build), or garbage
  other_generation,  // a whole record, of a generation the reader did not ask for
};

[[nodiscard]] constexpr std::string_view to_string(record_status s) noexcept {
  switch (s) {
    case record_status::valid:
      return "valid";
    case record_status::empty:
      return "empty";
    case record_status::writing:
      return "writing";
    case record_status::torn:
      return "torn";
    case record_status::other_schema:
      return "other_schema";
    case record_status::other_generation:
      return "other_generation";
  }
  return "unknown";
}

// The result of Mailbox::read_record: the record's value when it is valid,
// otherwise why it is unknown. Used like a std::optional<T>.
template <class T>
class record_result {
 public:
  record_result(record_status why) noexcept : status_(why) {}  // NOLINT: implicit on purpose
  explicit record_result(const T& value) noexcept : value_(value), status_(record_status::valid) {}

  [[nodiscard]] bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] record_status status() const noexcept { return status_; }

  // The value; has_value() must be true (as for std::optional's *).
  [[nodiscard]] const T& operator*() const noexcept { return *value_; }
  [[nodiscard]] const T* operator->() const noexcept { return &*value_; }
  // The value, or std::bad_optional_access.
  [[nodiscard]] const T& value() const { return value_.value(); }
  [[nodiscard]] T value_or(const T& other) const { return value_.value_or(other); }
  [[nodiscard]] const std::optional<T>& as_optional() const noexcept { return value_; }

 private:
  std::optional<T> value_;
  record_status status_;
};

namespace detail {

template <class Decl>
inline constexpr bool is_record_decl = false;
template <fixed_string N, class T, std::size_t O>
inline constexpr bool is_record_decl<record<N, T, O>> = true;

template <fixed_string N, class T, std::size_t O>
struct is_member_decl<record<N, T, O>> : std::true_type {};

// The type a member declaration's payload rules apply to: a record's body,
// any other member's type.
template <class Decl>
struct payload_type_of {
  using type = typename Decl::type;
};
template <fixed_string N, class T, std::size_t O>
struct payload_type_of<record<N, T, O>> {
  using type = T;
};

// Where the parts of a record are, from its start.
inline constexpr std::size_t record_sequence_offset = 0;
inline constexpr std::size_t record_schema_offset = 8;
inline constexpr std::size_t record_generation_offset = 12;
inline constexpr std::size_t record_body_offset = 16;

// The schema number of a body type: a 32-bit hash of its description
// (kind, size, members), never 0, which marks an empty record.
template <class T>
inline constexpr std::uint32_t record_schema = [] {
  if constexpr (is_sized_object_v<T>) {
    const std::uint64_t h =
        mix_type(mix(fnv_offset, std::string_view("mailbox record v1")), description_of<T>);
    const auto folded = static_cast<std::uint32_t>(h ^ (h >> 32));
    return folded == 0 ? std::uint32_t{1} : folded;
  } else {
    return std::uint32_t{1};
  }
}();

// The bytes a record<Name, T> takes in the layout: what the layout places
// (size, alignment), and its description for exporters.
template <class T>
struct alignas(8) record_storage {
  using body_type = T;
  static constexpr std::size_t body_words = (size_of_or_zero<T>() + 7) / 8;
  std::uint64_t words[2 + body_words];

  static constexpr record_description mailbox_record_description = {
      record_sequence_offset,  record_schema_offset, record_generation_offset,
      record_body_offset,      body_words,           record_schema<T>,
      description_pointer<T>()};
};

// Writes nothing if told to stop: for the tests that kill the writer before
// each of its stores in turn.
struct never_stop {
  constexpr bool operator()(std::size_t) const noexcept { return false; }
};

// Whether this target has what a record needs; a template, so that only a
// program that uses records on a target without it fails to compile.
template <class>
inline constexpr bool lock_free_record_words = atomic_ref<std::uint64_t>::is_always_lock_free;

[[gnu::always_inline]] inline std::uint64_t* record_words(std::byte* at) noexcept {
  return std::launder(reinterpret_cast<std::uint64_t*>(at));
}

}  // namespace detail

// The record protocol on raw bytes, for code that knows a record from its
// description (record_description) rather than its C++ type: a language
// binding. `at` is where the record starts (aligned to 8), `body` the body's
// bytes (at most body_words * 8); `schema` the record_description's.
// Mailbox::write_record and read_record are these with the body type's.
//
// The writer (see the top of this file). `stop(i)` is asked before store i
// (0: the odd sequence, 1: schema and generation, then the body words, then
// the even sequence); true ends the write there, as a writer killed at that
// point would: for the tests.
template <class Stop = detail::never_stop>
[[gnu::always_inline]] inline void write_record_bytes(std::byte* at, std::uint32_t schema,
                                                      std::uint32_t generation,
                                                      std::span<const std::byte> body,
                                                      Stop stop = {}) noexcept {
  static_assert(detail::lock_free_record_words<Stop>,
                "mailbox::record needs lock-free 8-byte atomics (the sequence word and the body's words)");
  std::uint64_t* words = detail::record_words(at);
  detail::atomic_ref<std::uint64_t> sequence(words[0]);
  // Odd: a write is in progress. Relaxed: every store below is a release,
  // which orders this one before it for any reader that sees that store.
  const std::uint64_t odd = (sequence.load(std::memory_order_relaxed) + 1) | 1;
  if (stop(0)) return;
  sequence.store(odd, std::memory_order_relaxed);
  std::uint64_t header = 0;
  std::memcpy(reinterpret_cast<std::byte*>(&header), &schema, 4);
  std::memcpy(reinterpret_cast<std::byte*>(&header) + 4, &generation, 4);
  if (stop(1)) return;
  // Pairs with the reader's acquire-load of this word: a reader that sees
  // any word of this write also sees the odd sequence when it loads the
  // sequence again, and throws its copy away.
  detail::atomic_ref<std::uint64_t>(words[1]).store(header, std::memory_order_release);
  const std::size_t body_words = (body.size() + 7) / 8;
  for (std::size_t i = 0; i < body_words; ++i) {
    std::uint64_t word = 0;
    const std::size_t n = body.size() - 8 * i < 8 ? body.size() - 8 * i : 8;
    std::memcpy(&word, body.data() + 8 * i, n);
    if (stop(2 + i)) return;
    detail::atomic_ref<std::uint64_t>(words[2 + i]).store(word, std::memory_order_release);
  }
  if (stop(2 + body_words)) return;
  // The commit, last. Pairs with the reader's first acquire-load of the
  // sequence: a reader that sees this even value sees every word above.
  sequence.store(odd + 1, std::memory_order_release);
}

// Marks the record empty (schema 0), through a write of its own.
inline void clear_record_bytes(std::byte* at) noexcept { write_record_bytes(at, 0, 0, {}); }

// The reader. Copies body.size() bytes of the body into `body` and keeps
// them only if the sequence was the same even value before and after the
// copy: if any word of the copy came from a later write, that write's odd
// sequence happens-before the second load (the word's release store and our
// acquire load order them), so the second load sees it or something later.
// If the first load saw an even value, every word of that write
// happens-before the copy, which sees it or later. Anything but
// record_status::valid leaves `body` unspecified.
[[gnu::always_inline]] inline record_status read_record_bytes(const std::byte* at, std::uint32_t schema,
                                                              std::uint32_t generation,
                                                              std::span<std::byte> body) noexcept {
  // The words are objects in writable shared memory; atomic_ref has no const
  // form in C++20, and a load writes nothing.
  std::uint64_t* words = detail::record_words(const_cast<std::byte*>(at));
  detail::atomic_ref<std::uint64_t> sequence(words[0]);
  const std::uint64_t before = sequence.load(std::memory_order_acquire);
  if (before == 0) return record_status::empty;
  if (before & 1) return record_status::writing;
  const std::uint64_t header = detail::atomic_ref<std::uint64_t>(words[1]).load(std::memory_order_acquire);
  const std::size_t body_words = (body.size() + 7) / 8;
  for (std::size_t i = 0; i < body_words; ++i) {
    const std::uint64_t word =
        detail::atomic_ref<std::uint64_t>(words[2 + i]).load(std::memory_order_acquire);
    const std::size_t n = body.size() - 8 * i < 8 ? body.size() - 8 * i : 8;
    std::memcpy(body.data() + 8 * i, &word, n);
  }
  // Relaxed: the acquire loads above keep it after them.
  if (sequence.load(std::memory_order_relaxed) != before) return record_status::torn;
  std::uint32_t found_schema = 0;
  std::uint32_t found_generation = 0;
  std::memcpy(&found_schema, reinterpret_cast<const std::byte*>(&header), 4);
  std::memcpy(&found_generation, reinterpret_cast<const std::byte*>(&header) + 4, 4);
  if (found_schema == 0) return record_status::empty;
  if (found_schema != schema) return record_status::other_schema;
  if (found_generation != generation) return record_status::other_generation;
  return record_status::valid;
}

namespace detail {

// The typed forms Mailbox uses.
template <class T, class Stop = never_stop>
[[gnu::always_inline]] inline void write_record_words(std::byte* at, std::uint32_t schema,
                                                      std::uint32_t generation, const T& value,
                                                      Stop stop = {}) noexcept {
  write_record_bytes(at, schema, generation, std::as_bytes(std::span<const T, 1>(&value, 1)), stop);
}

template <class T>
[[gnu::always_inline]] inline record_result<T> read_record_words(const std::byte* at, std::uint32_t schema,
                                                                 std::uint32_t generation) noexcept {
  std::byte bytes[sizeof(T)];
  const record_status status = read_record_bytes(at, schema, generation, bytes);
  if (status != record_status::valid) return status;
  return record_result<T>(std::bit_cast<T>(bytes));
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
