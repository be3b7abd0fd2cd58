# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""What the Python side of a mailbox costs, against the way a Python peer
reaches shared memory without the binding: struct.pack_into / unpack_from
for the fields and a small native helper for the state word's acquire-load
and release-store (a C function of an extension module, or a C library
through ctypes). Three groups, every variant of every group
run interleaved with the others, `--repeats` times:

round_trip  a Python client against a C++ echo process (another CPU): write
            four fields (sequence, code, weight, words[8]), publish ping,
            wait for pong, check every word of the answer.
                            mailbox        the binding: box.acquire, t["field"], t.publish
              struct_native  struct per field, the native helper (a C extension function) for the state word
              struct_ctypes  the same with the helper called through ctypes
              ctypes_fields  one ctypes call per field too
              cxx            the same loop in C++ (the floor)
turn        the Python-side work of one turn, measured alone (no peer):
            acquire pong, read four fields, write two, publish ping, and the
            hand-back (acquire ping, publish pong).
                            mailbox_turn, struct_native_turn, struct_ctypes_turn
call        the cost of one call:
              mailbox_get_int / struct_get_int     read a uint64 field
              mailbox_set_int / struct_set_int     write it
              mailbox_view_64k                     t.view("page")[0]: one byte of a 64 KiB field
              mailbox_copy_64k                     t["page"][0]: the same through a copy

round_trip_ns is the median (the median trip of a run for round trips, the
median of 200-iteration batch means for turns and calls; median over runs),
p99_ns the 99th percentile of the same samples, vs_mailbox the ratio to the
group's mailbox row (mailbox, mailbox_turn, mailbox_get_int).

  python3 bench/python/bench_python.py --build build/gcc [--count N] [--repeats R] [--json FILE] [--quick]
"""

import argparse
import ctypes
import glob
import json
import os
import platform
import statistics
import struct
import subprocess
import sys
import time
from multiprocessing import shared_memory

MASK64 = (1 << 64) - 1
BATCH = 200  # iterations per timed batch (turns and calls)


def find(build, pattern):
    hits = glob.glob(os.path.join(build, "bench", "python", pattern))
    if not hits:
        sys.exit(f"bench_python.py: no {pattern} under {build}/bench/python: build the bench_python target")
    return hits[0]


def words_of(n):
    return [n * 8 + i for i in range(8)]


def answers_of(n):
    return [~(n * 8 + i) & MASK64 for i in range(8)]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Helper:
    """The native helper as such a peer calls it: one ctypes call per state
    word access (acquire-load, release-store), or per field."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        lib.mailbox_bench_load_acquire_u32.argtypes = [ctypes.c_size_t]
        lib.mailbox_bench_load_acquire_u32.restype = ctypes.c_uint32
        lib.mailbox_bench_store_release_u32.argtypes = [ctypes.c_size_t, ctypes.c_uint32]
        lib.mailbox_bench_store_release_u32.restype = None
        for name in ("mailbox_bench_write", "mailbox_bench_read"):
            getattr(lib, name).argtypes = [ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
            getattr(lib, name).restype = None
        self.load = lib.mailbox_bench_load_acquire_u32
        self.store = lib.mailbox_bench_store_release_u32
        self.write = lib.mailbox_bench_write
        self.read = lib.mailbox_bench_read


class Native:
    """The same helper as a C extension's functions (mailbox_bench's)."""

    def __init__(self, mb):
        self.load = mb.load_acquire_u32
        self.store = mb.store_release_u32


class Raw:
    """A region as such a peer sees it: a buffer, its address, the offsets."""

    def __init__(self, layout, buf):
        self.buf = buf
        self.fields = layout.fields
        self.base = ctypes.c_char.from_buffer(buf)  # holds an export of buf until close()
        self.address = ctypes.addressof(self.base)

    def at(self, name):
        return self.fields[name][0]

    def close(self):
        del self.base


# --- round trips against the C++ echo ----------------------------------------

def trip_mailbox(mb, box, count):
    S = mb.Echo.State
    ping, pong = S.ping, S.pong
    clock = time.perf_counter_ns
    trips = []
    t = box.acquire(pong)
    first = t["sequence"] + 1
    for n in range(first, first + count):
        start = clock()
        t["sequence"] = n
        t["code"] = n & 0xFFFF
        t["weight"] = n * 0.5
        t["words"] = words_of(n)
        t.publish(ping)
        t = box.acquire(pong)
        if (t["sequence"] != n or t["code"] != -(n & 0xFFFF) or t["weight"] != float(n)
                or t["words"] != answers_of(n)):
            raise RuntimeError(f"mailbox: reply {n} is wrong")
        trips.append(clock() - start)
    t.publish(pong)
    return trips


def trip_struct_ctypes(raw, helper, ping, pong, count):
    """struct for the fields, helper.load / helper.store for the state word."""
    buf, load, store = raw.buf, helper.load, helper.store
    state_at = raw.address + raw.at("turn")
    seq_at, code_at, weight_at, words_at = (raw.at(n) for n in ("sequence", "code", "weight", "words"))
    unpack, pack = struct.unpack_from, struct.pack_into
    clock = time.perf_counter_ns
    trips = []
    while load(state_at) != pong:
        pass
    first = unpack("=Q", buf, seq_at)[0] + 1
    for n in range(first, first + count):
        start = clock()
        pack("=Q", buf, seq_at, n)
        pack("=i", buf, code_at, n & 0xFFFF)
        pack("=d", buf, weight_at, n * 0.5)
        pack("=8Q", buf, words_at, *words_of(n))
        store(state_at, ping)
        while load(state_at) != pong:
            pass
        if (unpack("=Q", buf, seq_at)[0] != n or unpack("=i", buf, code_at)[0] != -(n & 0xFFFF)
                or unpack("=d", buf, weight_at)[0] != float(n) or list(unpack("=8Q", buf, words_at)) != answers_of(n)):
            raise RuntimeError(f"struct: reply {n} is wrong")
        trips.append(clock() - start)
    return trips


def trip_ctypes_fields(raw, helper, ping, pong, count):
    load, store, write, read = helper.load, helper.store, helper.write, helper.read
    state_at = raw.address + raw.at("turn")
    seq_at, code_at, weight_at, words_at = (raw.address + raw.at(n) for n in ("sequence", "code", "weight", "words"))
    seq, code, weight, words = ctypes.c_uint64(), ctypes.c_int32(), ctypes.c_double(), (ctypes.c_uint64 * 8)()
    refs = [ctypes.byref(x) for x in (seq, code, weight, words)]
    clock = time.perf_counter_ns
    trips = []
    while load(state_at) != pong:
        pass
    read(seq_at, refs[0], 8)
    first = seq.value + 1
    for n in range(first, first + count):
        start = clock()
        seq.value = n
        code.value = n & 0xFFFF
        weight.value = n * 0.5
        words[:] = words_of(n)
        write(seq_at, refs[0], 8)
        write(code_at, refs[1], 4)
        write(weight_at, refs[2], 8)
        write(words_at, refs[3], 64)
        store(state_at, ping)
        while load(state_at) != pong:
            pass
        read(seq_at, refs[0], 8)
        read(code_at, refs[1], 4)
        read(weight_at, refs[2], 8)
        read(words_at, refs[3], 64)
        if seq.value != n or code.value != -(n & 0xFFFF) or weight.value != float(n) or words[:] != answers_of(n):
            raise RuntimeError(f"ctypes_fields: reply {n} is wrong")
        trips.append(clock() - start)
    return trips


def trip_cxx(peer, segment, count, cpu):
    out = subprocess.run([peer, "client", segment, str(count)] + ([str(cpu)] if cpu is not None else []),
                         check=True, capture_output=True, text=True).stdout
    median, _, p99 = (float(x) for x in out.split())
    return median, p99


# --- one turn's Python-side work, alone ---------------------------------------

def batches(step, count):
    """Runs step(BATCH) count // BATCH times; the mean of each batch in ns."""
    clock = time.perf_counter_ns
    out = []
    for _ in range(max(1, count // BATCH)):
        start = clock()
        step(BATCH)
        out.append((clock() - start) / BATCH)
    return out


def turn_mailbox(box, S):
    acquire, try_acquire, ping, pong = box.acquire, box.try_acquire, S.ping, S.pong

    def step(n):
        for _ in range(n):
            t = acquire(pong)
            sequence = t["sequence"]
            code = t["code"]
            weight = t["weight"]
            words = t["words"]
            t["sequence"] = sequence + 1
            t["weight"] = weight + code + words[0]
            t.publish(ping)
            try_acquire(ping).publish(pong)  # the hand-back
    return step


def turn_struct_ctypes(raw, helper, ping, pong):
    buf, load, store = raw.buf, helper.load, helper.store
    state_at = raw.address + raw.at("turn")
    seq_at, code_at, weight_at, words_at = (raw.at(n) for n in ("sequence", "code", "weight", "words"))
    unpack, pack = struct.unpack_from, struct.pack_into

    def step(n):
        for _ in range(n):
            while load(state_at) != pong:
                pass
            sequence = unpack("=Q", buf, seq_at)[0]
            code = unpack("=i", buf, code_at)[0]
            weight = unpack("=d", buf, weight_at)[0]
            words = list(unpack("=8Q", buf, words_at))
            pack("=Q", buf, seq_at, sequence + 1)
            pack("=d", buf, weight_at, weight + code + words[0])
            store(state_at, ping)
            while load(state_at) != ping:  # the hand-back
                pass
            store(state_at, pong)
    return step


# --- single calls ---------------------------------------------------------------

def calls(t_echo, t_page, raw):
    buf, at = raw.buf, raw.at("sequence")
    unpack, pack = struct.unpack_from, struct.pack_into

    def get_int(n):
        for _ in range(n):
            t_echo["sequence"]

    def set_int(n):
        for i in range(n):
            t_echo["sequence"] = i

    def struct_get(n):
        for _ in range(n):
            unpack("=Q", buf, at)[0]

    def struct_set(n):
        for i in range(n):
            pack("=Q", buf, at, i)

    def view_64k(n):
        for _ in range(n):
            t_page.view("page")[0]

    def copy_64k(n):
        for _ in range(n):
            t_page["page"][0]

    return {"mailbox_get_int": (get_int, 8), "struct_get_int": (struct_get, 8), "mailbox_set_int": (set_int, 8),
            "struct_set_int": (struct_set, 8), "mailbox_view_64k": (view_64k, 65536),
            "mailbox_copy_64k": (copy_64k, 65536)}


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/gcc", help="the CMake build directory (default build/gcc)")
    parser.add_argument("--count", type=int, default=20000, help="round trips (and turns, calls) per run")
    parser.add_argument("--repeats", type=int, default=7, help="runs per variant, interleaved")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 400 of each, once")
    args = parser.parse_args()
    if args.quick:
        args.count, args.repeats = 400, 1

    sys.path.insert(0, os.path.dirname(find(args.build, "mailbox_bench*.so")))
    import mailbox_bench as mb  # pylint: disable=import-outside-toplevel

    peer = find(args.build, "echo_peer")
    helper = Helper(find(args.build, "libmailbox_bench_ctypes*.so"))
    native = Native(mb)
    cpus = sorted(os.sched_getaffinity(0))
    client_cpu, echo_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})
    load_before = os.getloadavg()

    E, P = mb.Echo, mb.Page
    S = E.State
    ping, pong = int(S.ping), int(S.pong)
    # The round trip's region: a segment the echo process opens by name.
    shm = shared_memory.SharedMemory(create=True, size=E.size, name=f"mailbox-bench-py-{os.getpid()}")
    echo = None
    samples = {}

    def add(name, values, p99=None, group="", payload=0):
        entry = samples.setdefault(name, {"medians": [], "p99s": [], "group": group, "payload": payload})
        entry["medians"].append(statistics.median(values) if p99 is None else values)
        entry["p99s"].append(percentile(values, 0.99) if p99 is None else p99)

    try:
        box = E.initialize(shm.buf, S.pong)
        raw = Raw(E, shm.buf)
        echo = subprocess.Popen([peer, "echo", "/" + shm.name] + ([str(echo_cpu)] if echo_cpu is not None else []))
        # The turn's and the calls' mailboxes: this process's memory, no peer.
        turn_buf = bytearray(E.size)
        turn_box = E.initialize(turn_buf, S.pong)
        turn_raw = Raw(E, bytearray(E.size))
        struct.pack_into("=I", turn_raw.buf, turn_raw.at("turn"), pong)
        page_box = P.initialize(bytearray(P.size), P.State.pong)
        t_echo = E.initialize(bytearray(E.size), S.pong).acquire(S.pong)
        t_page = page_box.acquire(P.State.pong)
        single = calls(t_echo, t_page, Raw(E, bytearray(E.size)))
        round_trips = {
            "mailbox": lambda n: trip_mailbox(mb, box, n),
            "struct_native": lambda n: trip_struct_ctypes(raw, native, ping, pong, n),
            "struct_ctypes": lambda n: trip_struct_ctypes(raw, helper, ping, pong, n),
            "ctypes_fields": lambda n: trip_ctypes_fields(raw, helper, ping, pong, n),
        }
        turns = {"mailbox_turn": turn_mailbox(turn_box, S),
                 "struct_native_turn": turn_struct_ctypes(turn_raw, native, ping, pong),
                 "struct_ctypes_turn": turn_struct_ctypes(turn_raw, helper, ping, pong)}
        for run in round_trips.values():  # warm up: page faults, caches, the echo's spin
            run(max(args.count // 10, 10))
        for _ in range(args.repeats):
            for name, run in round_trips.items():
                add(name, run(args.count), group="round_trip", payload=84)
            median, p99 = trip_cxx(peer, "/" + shm.name, args.count, client_cpu)
            add("cxx", median, p99, group="round_trip", payload=84)
            for name, step in turns.items():
                add(name, batches(step, args.count), group="turn", payload=84)
            for name, (step, payload) in single.items():
                add(name, batches(step, args.count), group="call", payload=payload)
        t_echo.abandon()
        t_page.abandon()
        box.acquire(S.pong).publish(S.quit)
        if echo.wait(timeout=30) != 0:
            sys.exit("bench_python.py: the echo process failed")
        echo = None
        raw.close()
        turn_raw.close()
        del box, raw, turn_raw
    finally:
        if echo is not None:
            echo.kill()
            echo.wait()
        try:
            shm.close()
        except BufferError:
            pass  # a traceback holds the buffer; the mapping goes with the process
        shm.unlink()

    reference = {"round_trip": "mailbox", "turn": "mailbox_turn", "call": "mailbox_get_int"}
    results = []
    for name, s in samples.items():
        results.append({"transport": "python", "variant": name, "group": s["group"], "payload_bytes": s["payload"],
                        "round_trip_ns": statistics.median(s["medians"]), "p99_ns": statistics.median(s["p99s"]),
                        "min_ns": min(s["medians"]), "max_ns": max(s["medians"])})
    by_name = {r["variant"]: r for r in results}
    for r in results:
        r["vs_mailbox"] = r["round_trip_ns"] / by_name[reference[r["group"]]]["round_trip_ns"]
    context = {"python": platform.python_version(), "implementation": platform.python_implementation(),
               "backend": mb.backend, "machine": machine(), "architecture": platform.machine(),
               "cpus": len(cpus), "client_cpu": client_cpu, "echo_cpu": echo_cpu,
               "load_average_before": [round(x, 2) for x in load_before],
               "load_average_after": [round(x, 2) for x in os.getloadavg()], "count": args.count,
               "repeats": args.repeats, "batch": BATCH}
    print(f"Python {context['python']} on {context['machine']} ({context['cpus']} CPUs), backend {mb.backend}, "
          f"{args.count} x {args.repeats} interleaved, load average {context['load_average_before'][0]} -> "
          f"{context['load_average_after'][0]}")
    print(f"{'group':10} {'variant':20} {'median ns':>10} {'range':>15} {'p99 ns':>9} {'vs mailbox':>10}")
    for r in results:
        spread = f"{r['min_ns']:.0f}-{r['max_ns']:.0f}"
        print(f"{r['group']:10} {r['variant']:20} {r['round_trip_ns']:10.0f} {spread:>15} {r['p99_ns']:9.0f} "
              f"{r['vs_mailbox']:10.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"context": context, "results": results}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
