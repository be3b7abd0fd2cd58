// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
/* The C peer of the payload structures (payload_export.cpp starts it):
 * payload_c_peer SEGMENT ROUNDS. Its own C structs must sit at the offsets
 * the generated header gives (checked at compile time below); at run time
 * it checks every member and alternative field C++ wrote, answers a task by
 * member and a command with the memory_info alternative, and writes the
 * teardown record by the record protocol: the sequence made odd, the header
 * and body words release-stored, the next even sequence release-stored last. */
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "payload_layout.h"

#pragma pack(push, 1)
struct config {
  uint32_t call_id;
  uint8_t lease_kind;
  uint64_t timeout_ms;
  char function[16];
  uint64_t seeds[4];
  int16_t priority;
};
#pragma pack(pop)
struct limits {
  uint32_t cpu;
  uint32_t memory_mb;
};
struct placement {
  struct limits limits;
  uint64_t cores[3];
  int32_t node;
};
struct memory_info {
  uint64_t total_bytes;
  uint64_t free_bytes;
  uint32_t devices;
};
struct span {
  uint64_t offset;
  uint64_t bytes;
};
/* The keyed union, as C writes it: the key, then a union of the alternatives. */
struct control {
  uint32_t sub_command;
  union {
    struct {
      uint64_t src;
      uint64_t dst;
      struct span spans[4];
      uint32_t count;
    } copy;
    struct {
      uint32_t device;
      struct memory_info info;
      char note[24];
    } memory_info;
    struct {
      int32_t code;
    } shutdown;
    struct {
      int32_t rows;
      int32_t columns;
    } resize;
  } as;
};
struct teardown {
  int32_t exit_code;
  uint32_t signal;
  uint64_t tasks_done;
  char reason[40];
};
struct record {
  uint64_t sequence;
  uint32_t schema;
  uint32_t generation;
  struct teardown body;
};

#define AT(base, type, member) ((base) + offsetof(type, member))
/* Members of a described struct. */
_Static_assert(PF_TASK_CONFIG_SIZE == sizeof(struct config), "config");
_Static_assert(PF_TASK_CONFIG_CALL_ID_OFFSET == AT(PF_TASK_CONFIG_OFFSET, struct config, call_id), "call_id");
_Static_assert(PF_TASK_CONFIG_LEASE_KIND_OFFSET == AT(PF_TASK_CONFIG_OFFSET, struct config, lease_kind),
               "lease");
_Static_assert(PF_TASK_CONFIG_TIMEOUT_MS_OFFSET == AT(PF_TASK_CONFIG_OFFSET, struct config, timeout_ms),
               "timeout");
_Static_assert(PF_TASK_CONFIG_FUNCTION_OFFSET == AT(PF_TASK_CONFIG_OFFSET, struct config, function),
               "function");
_Static_assert(PF_TASK_CONFIG_SEEDS_OFFSET == AT(PF_TASK_CONFIG_OFFSET, struct config, seeds), "seeds");
_Static_assert(PF_TASK_CONFIG_PRIORITY_OFFSET == AT(PF_TASK_CONFIG_OFFSET, struct config, priority),
               "priority");
_Static_assert(PF_TASK_PLACEMENT_SIZE == sizeof(struct placement), "placement");
_Static_assert(PF_TASK_PLACEMENT_LIMITS_MEMORY_MB_OFFSET ==
                   AT(PF_TASK_PLACEMENT_OFFSET, struct placement, limits.memory_mb),
               "limits.memory_mb");
_Static_assert(PF_TASK_PLACEMENT_CORES_OFFSET == AT(PF_TASK_PLACEMENT_OFFSET, struct placement, cores),
               "cores");
_Static_assert(PF_TASK_PLACEMENT_NODE_OFFSET == AT(PF_TASK_PLACEMENT_OFFSET, struct placement, node), "node");
/* The keyed union. */
_Static_assert(PF_CONTROL_COMMAND_SIZE == sizeof(struct control), "control");
_Static_assert(PF_CONTROL_COMMAND_SUB_COMMAND_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, sub_command),
               "key");
_Static_assert(PF_CONTROL_COMMAND_COPY_SRC_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, as.copy.src),
               "src");
_Static_assert(PF_CONTROL_COMMAND_COPY_SPANS_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, as.copy.spans),
               "spans");
_Static_assert(PF_CONTROL_COMMAND_COPY_COUNT_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, as.copy.count),
               "count");
_Static_assert(PF_CONTROL_COMMAND_MEMORY_INFO_INFO_FREE_BYTES_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, as.memory_info.info.free_bytes),
               "free_bytes");
_Static_assert(PF_CONTROL_COMMAND_MEMORY_INFO_NOTE_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, as.memory_info.note),
               "note");
_Static_assert(PF_CONTROL_COMMAND_RESIZE_COLUMNS_OFFSET ==
                   AT(PF_CONTROL_COMMAND_OFFSET, struct control, as.resize.columns),
               "columns");
_Static_assert(PF_CONTROL_COMMAND_USER_FIRST_KEY == 1000 && PF_CONTROL_COMMAND_USER_LAST_KEY == 1999,
               "group");
/* The committed record. */
_Static_assert(PF_TEARDOWN_SIZE == sizeof(struct record), "record");
_Static_assert(PF_TEARDOWN_SEQUENCE_OFFSET == AT(PF_TEARDOWN_OFFSET, struct record, sequence), "sequence");
_Static_assert(PF_TEARDOWN_SCHEMA_OFFSET == AT(PF_TEARDOWN_OFFSET, struct record, schema), "schema");
_Static_assert(PF_TEARDOWN_GENERATION_OFFSET == AT(PF_TEARDOWN_OFFSET, struct record, generation),
               "generation");
_Static_assert(PF_TEARDOWN_BODY_OFFSET == AT(PF_TEARDOWN_OFFSET, struct record, body), "body");
_Static_assert(PF_TEARDOWN_BODY_SIZE == sizeof(struct teardown), "body size");
_Static_assert(PF_TEARDOWN_BODY_WORDS * 8 >= sizeof(struct teardown), "body words");
_Static_assert(PF_TEARDOWN_REASON_OFFSET == AT(PF_TEARDOWN_OFFSET, struct record, body.reason), "reason");

static unsigned char* box;

static int32_t load_state(void) {
  return __atomic_load_n((int32_t*)(box + PF_STATE_OFFSET), __ATOMIC_ACQUIRE);
}
static void store_state(int32_t s) {
  __atomic_store_n((int32_t*)(box + PF_STATE_OFFSET), s, __ATOMIC_RELEASE);
}

static uint64_t u64_at(size_t offset) {
  uint64_t v;
  memcpy(&v, box + offset, 8);
  return v;
}
static uint32_t u32_at(size_t offset) {
  uint32_t v;
  memcpy(&v, box + offset, 4);
  return v;
}
static void put(size_t offset, const void* value, size_t size) { memcpy(box + offset, value, size); }

static int fail(uint64_t n, const char* what) {
  fprintf(stderr, "payload_c_peer: round %llu: %s\n", (unsigned long long)n, what);
  return 1;
}

/* The record protocol (docs/payloads.md), in C. */
static void write_record(uint32_t generation, const struct teardown* body) {
  uint64_t* words = (uint64_t*)(box + PF_TEARDOWN_OFFSET);
  const uint64_t odd = (__atomic_load_n(&words[0], __ATOMIC_RELAXED) + 1) | 1;
  __atomic_store_n(&words[0], odd, __ATOMIC_RELAXED);
  uint32_t header[2] = {PF_TEARDOWN_SCHEMA, generation};
  uint64_t word;
  memcpy(&word, header, 8);
  __atomic_store_n(&words[1], word, __ATOMIC_RELEASE);
  unsigned char bytes[PF_TEARDOWN_BODY_WORDS * 8];
  memset(bytes, 0, sizeof bytes);
  memcpy(bytes, body, sizeof *body);
  for (size_t i = 0; i < PF_TEARDOWN_BODY_WORDS; ++i) {
    memcpy(&word, bytes + 8 * i, 8);
    __atomic_store_n(&words[2 + i], word, __ATOMIC_RELEASE);
  }
  __atomic_store_n(&words[0], odd + 1, __ATOMIC_RELEASE);
}

static int task(uint64_t n) {
  char function[16] = {0};
  snprintf(function, sizeof function, "fn%llu", (unsigned long long)n);
  if (u32_at(PF_TASK_CONFIG_CALL_ID_OFFSET) != n) return fail(n, "config.call_id");
  if (box[PF_TASK_CONFIG_LEASE_KIND_OFFSET] != n % 7) return fail(n, "config.lease_kind");
  if (u64_at(PF_TASK_CONFIG_TIMEOUT_MS_OFFSET) != n * 1000 + 5) return fail(n, "config.timeout_ms");
  if (memcmp(box + PF_TASK_CONFIG_FUNCTION_OFFSET, function, sizeof function) != 0)
    return fail(n, "config.function");
  for (uint64_t i = 0; i < 4; ++i) {
    if (u64_at(PF_TASK_CONFIG_SEEDS_OFFSET + 8 * i) != n * 31 + i) return fail(n, "config.seeds");
  }
  int16_t priority;
  memcpy(&priority, box + PF_TASK_CONFIG_PRIORITY_OFFSET, 2);
  if (priority != -(int)(n % 100)) return fail(n, "config.priority");
  if (u32_at(PF_TASK_PLACEMENT_LIMITS_CPU_OFFSET) != n % 64) return fail(n, "placement.limits.cpu");
  if (u32_at(PF_TASK_PLACEMENT_LIMITS_MEMORY_MB_OFFSET) != n * 3)
    return fail(n, "placement.limits.memory_mb");
  for (uint64_t i = 0; i < 3; ++i) {
    if (u64_at(PF_TASK_PLACEMENT_CORES_OFFSET + 8 * i) != n + i) return fail(n, "placement.cores");
  }
  if (u32_at(PF_TASK_PLACEMENT_NODE_OFFSET) != n % 4) return fail(n, "placement.node");
  const uint32_t call_id = (uint32_t)n + 1;
  const uint64_t timeout = n * 2000;
  const uint32_t memory = (uint32_t)n * 3 + 1;
  const int32_t error = 0;
  put(PF_TASK_CONFIG_CALL_ID_OFFSET, &call_id, 4);
  put(PF_TASK_CONFIG_TIMEOUT_MS_OFFSET, &timeout, 8);
  put(PF_TASK_PLACEMENT_LIMITS_MEMORY_MB_OFFSET, &memory, 4);
  put(PF_ERROR_OFFSET, &error, 4);
  store_state(PF_S_DONE);
  return 0;
}

static int command(uint64_t n) {
  if (u32_at(PF_CONTROL_COMMAND_SUB_COMMAND_OFFSET) != PF_CONTROL_COMMAND_COPY_KEY) return fail(n, "key");
  if (u64_at(PF_CONTROL_COMMAND_COPY_SRC_OFFSET) != n * 4096) return fail(n, "copy.src");
  if (u64_at(PF_CONTROL_COMMAND_COPY_DST_OFFSET) != n * 8192) return fail(n, "copy.dst");
  for (uint64_t i = 0; i < 4; ++i) {
    struct span s;
    memcpy(&s, box + PF_CONTROL_COMMAND_COPY_SPANS_OFFSET + sizeof s * i, sizeof s);
    if (s.offset != n + i || s.bytes != 64 * i) return fail(n, "copy.spans");
  }
  if (u32_at(PF_CONTROL_COMMAND_COPY_COUNT_OFFSET) != 4) return fail(n, "copy.count");
  /* The reply: another alternative, its key and every field of it. */
  const uint32_t key = PF_CONTROL_COMMAND_MEMORY_INFO_KEY;
  const uint32_t device = (uint32_t)(n % 8);
  struct memory_info info = {n << 30, n << 20, 2};
  char note[24] = "from C";
  put(PF_CONTROL_COMMAND_SUB_COMMAND_OFFSET, &key, 4);
  put(PF_CONTROL_COMMAND_MEMORY_INFO_DEVICE_OFFSET, &device, 4);
  put(PF_CONTROL_COMMAND_MEMORY_INFO_INFO_OFFSET, &info, sizeof info);
  put(PF_CONTROL_COMMAND_MEMORY_INFO_NOTE_OFFSET, note, sizeof note);
  struct teardown report;
  memset(&report, 0, sizeof report);
  report.exit_code = (int32_t)(n % 128);
  report.signal = 9;
  report.tasks_done = n * 10;
  snprintf(report.reason, sizeof report.reason, "round %llu", (unsigned long long)n);
  write_record((uint32_t)n, &report);
  store_state(PF_S_REPLY);
  return 0;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: payload_c_peer SEGMENT ROUNDS\n");
    return 2;
  }
  const uint64_t rounds = strtoull(argv[2], NULL, 10);
  const int fd = shm_open(argv[1], O_RDWR, 0);
  if (fd < 0) {
    perror("payload_c_peer: shm_open");
    return 1;
  }
  box = mmap(NULL, PF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (box == MAP_FAILED) {
    perror("payload_c_peer: mmap");
    return 1;
  }
  uint64_t tasks = 0;
  uint64_t commands = 0;
  for (;;) {
    const double give_up = now() + 60;
    int32_t s;
    while ((s = load_state()) != PF_S_TASK && s != PF_S_REQUEST && s != PF_S_OFF) {
      if (now() > give_up) return fail(tasks, "nothing to do within 60 s");
      sched_yield();
    }
    if (s == PF_S_OFF) break;
    if (s == PF_S_TASK ? task(++tasks) : command(++commands)) return 1;
  }
  if (tasks != rounds || commands != rounds) return fail(tasks, "stopped early");
  munmap(box, PF_SIZE);
  return 0;
}
