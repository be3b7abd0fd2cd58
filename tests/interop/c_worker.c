// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
/* A C peer of the handoff test, compiled by the C compiler against the
 * header that layout_export generates from the C++ declaration (no offset
 * typed by hand): c_worker SEGMENT COUNT. Attaches to the named segment a
 * C++ side created, checks the header's magic and fingerprint, then answers
 * every task_ready, checking every byte of every request, until shutdown.
 *
 * The state word is read with an acquire load and written with a release
 * store (the GCC/Clang __atomic builtins): the only accesses the C++ side
 * allows itself too. */
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "handoff_layout.h"

_Static_assert(HANDOFF_STATE_SIZE == 4, "the state word is an int32_t");
_Static_assert(HANDOFF_ARGS_SIZE == 16 * 8, "args is uint64_t[16]");
_Static_assert(HANDOFF_PAIR_SIZE == 8, "pair is {int32_t, float}");

struct pair {
  int32_t count;
  float weight;
};

struct message {
  int32_t error;
  uint64_t sequence;
  uint64_t args[16];
  double ratio;
  float scale;
  int8_t small;
  uint16_t port;
  uint8_t ok;
  int32_t mode;
  uint8_t blob[32];
  struct pair pair;
  char error_msg[HANDOFF_ERROR_MSG_SIZE]; /* NUL-filled to the end, as set_text leaves it */
};

/* handoff_layout.hpp's request(n) and reply(n), in C. */
static struct message request(uint64_t n) {
  struct message m;
  memset(&m, 0, sizeof m);
  m.error = (int32_t)(n % 1000) - 500;
  m.sequence = n;
  for (uint64_t i = 0; i < 16; ++i) m.args[i] = n * 0x10001ull + i * 0x9e3779b97f4a7c15ull;
  m.ratio = (double)n + 0.25;
  m.scale = (float)(n % 4096) * 0.5f;
  m.small = (int8_t)((int)(n % 256) - 128);
  m.port = (uint16_t)(n * 7);
  m.ok = n % 2 == 0;
  m.mode = (int32_t)(n % 4);
  for (unsigned j = 0; j < 32; ++j) m.blob[j] = (uint8_t)((n + j * 3) & 0xff);
  m.pair.count = (int32_t)n;
  m.pair.weight = (float)(n % 1024) * 0.125f;
  snprintf(m.error_msg, sizeof m.error_msg, "task %llu", (unsigned long long)n);
  return m;
}

static struct message reply(uint64_t n) {
  struct message m = request(n);
  m.error = -m.error;
  for (unsigned i = 0; i < 16; ++i) m.args[i] = ~m.args[i];
  m.ratio = m.ratio * 2;
  m.scale = m.scale + 1.0f;
  m.small = (int8_t)(-(m.small + 1));
  m.port = (uint16_t)(m.port ^ 0xffff);
  m.ok = !m.ok;
  m.mode = (int32_t)((n + 1) % 4);
  for (unsigned j = 0; j < 32; ++j) m.blob[j] = (uint8_t)~m.blob[j];
  m.pair.count = -m.pair.count;
  m.pair.weight = m.pair.weight * 2;
  memset(m.error_msg, 0, sizeof m.error_msg);
  snprintf(m.error_msg, sizeof m.error_msg, "done %llu \xc3\xa9", (unsigned long long)n);
  return m;
}

static unsigned char* box; /* the layout, after the header */

#define FIELD(name) (box + HANDOFF_##name##_OFFSET)

static int32_t load_state(void) { return __atomic_load_n((int32_t*)FIELD(STATE), __ATOMIC_ACQUIRE); }
static void store_state(int32_t s) { __atomic_store_n((int32_t*)FIELD(STATE), s, __ATOMIC_RELEASE); }

/* The first field of the request that differs from m, or NULL. */
static const char* first_difference(const struct message* m) {
#define CHECK(name, member)                                                                                \
  if (HANDOFF_##name##_SIZE != sizeof m->member || memcmp(FIELD(name), &m->member, sizeof m->member) != 0) \
    return #member;
  CHECK(ERROR, error)
  CHECK(SEQUENCE, sequence)
  CHECK(ARGS, args)
  CHECK(RATIO, ratio)
  CHECK(SCALE, scale)
  CHECK(SMALL, small)
  CHECK(PORT, port)
  CHECK(OK, ok)
  CHECK(MODE, mode)
  CHECK(BLOB, blob)
  CHECK(PAIR, pair)
  CHECK(ERROR_MSG, error_msg)
#undef CHECK
  return NULL;
}

static void write_message(const struct message* m) {
#define PUT(name, member) memcpy(FIELD(name), &m->member, sizeof m->member);
  PUT(ERROR, error)
  PUT(SEQUENCE, sequence)
  PUT(ARGS, args)
  PUT(RATIO, ratio)
  PUT(SCALE, scale)
  PUT(SMALL, small)
  PUT(PORT, port)
  PUT(OK, ok)
  PUT(MODE, mode)
  PUT(BLOB, blob)
  PUT(PAIR, pair)
  PUT(ERROR_MSG, error_msg)
#undef PUT
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: c_worker SEGMENT COUNT\n");
    return 2;
  }
  const uint64_t count = strtoull(argv[2], NULL, 10);
  const int fd = shm_open(argv[1], O_RDWR, 0);
  if (fd < 0) {
    perror("c_worker: shm_open");
    return 1;
  }
  unsigned char* base =
      mmap(NULL, HANDOFF_HEADER_SIZE + HANDOFF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (base == MAP_FAILED) {
    perror("c_worker: mmap");
    return 1;
  }
  /* Pairs with the release store of the magic in initialize_with_header. */
  const uint64_t magic = __atomic_load_n((uint64_t*)(base + HANDOFF_HEADER_MAGIC_OFFSET), __ATOMIC_ACQUIRE);
  uint64_t fingerprint;
  memcpy(&fingerprint, base + HANDOFF_HEADER_FINGERPRINT_OFFSET, sizeof fingerprint);
  if (magic != HANDOFF_HEADER_MAGIC || fingerprint != HANDOFF_FINGERPRINT) {
    fprintf(stderr,
            "c_worker: header magic 0x%016llx, fingerprint 0x%016llx; expected 0x%016llx, 0x%016llx\n",
            (unsigned long long)magic, (unsigned long long)fingerprint,
            (unsigned long long)HANDOFF_HEADER_MAGIC, (unsigned long long)HANDOFF_FINGERPRINT);
    return 1;
  }
  box = base + HANDOFF_HEADER_SIZE;

  uint64_t n = 0;
  for (;;) {
    const double give_up = now() + 60;
    int32_t s;
    while ((s = load_state()) != HANDOFF_STEP_TASK_READY && s != HANDOFF_STEP_SHUTDOWN) {
      if (now() > give_up) {
        fprintf(stderr, "c_worker: no message %llu within 60 s (state %d)\n", (unsigned long long)(n + 1), s);
        return 1;
      }
      sched_yield();
    }
    if (s == HANDOFF_STEP_SHUTDOWN) break;
    ++n;
    const struct message expected = request(n);
    const char* bad = first_difference(&expected);
    if (bad != NULL) {
      fprintf(stderr, "c_worker: request %llu: field %s differs\n", (unsigned long long)n, bad);
      return 1;
    }
    const struct message answer = reply(n);
    write_message(&answer);
    store_state(HANDOFF_STEP_TASK_DONE);
  }
  if (n != count) {
    fprintf(stderr, "c_worker: shutdown after %llu messages, expected %llu\n", (unsigned long long)n,
            (unsigned long long)count);
    return 1;
  }
  munmap(base, HANDOFF_HEADER_SIZE + HANDOFF_SIZE);
  return 0;
}
