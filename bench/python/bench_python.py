"""Round-trip latency of a Python client against a C++ echo process, three ways:

  mailbox_python   mailbox/python.hpp: box.acquire, t["field"] = ..., t.publish
  struct_ctypes    how the client's Python side does it today: struct.pack_into /
                   unpack_from per field, the state word through a ctypes helper
                   (acquire-load, release-store: one ctypes call per access)
  ctypes_fields    the same with every field through a ctypes call too
  cxx              the C++ client doing the same work (the floor)

Each round trip (timed one by one) writes four fields (sequence, code, weight, words[8]),
publishes ping, waits for pong and checks every word of the answer. The
variants run interleaved, `--repeats` times each, so that a noisy machine
slows them alike; the report gives each variant's median trip and its ratio
to cxx and to mailbox_python.

  python3 bench/python/bench_python.py --build build/gcc [--count N] [--repeats R] [--json FILE]
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


def find(build, pattern):
    hits = glob.glob(os.path.join(build, "bench", "python", pattern))
    if not hits:
        sys.exit(f"bench_python.py: no {pattern} under {build}/bench/python: build the bench_python targets")
    return hits[0]


def words_of(n):
    return [n * 8 + i for i in range(8)]


def answers_of(n):
    return [~(n * 8 + i) & MASK64 for i in range(8)]


def run_mailbox_python(mb, box, count):
    Turn = mb.Turn
    t = box.acquire(Turn.pong)
    first = t["sequence"] + 1
    clock = time.perf_counter_ns
    trips = []
    for n in range(first, first + count):
        start = clock()
        t["sequence"] = n
        t["code"] = n & 0xFFFF
        t["weight"] = n * 0.5
        t["words"] = words_of(n)
        t.publish(Turn.ping)
        t = box.acquire(Turn.pong)
        if (t["sequence"] != n or t["code"] != -(n & 0xFFFF) or t["weight"] != float(n)
                or t["words"] != answers_of(n)):
            raise RuntimeError(f"mailbox_python: reply {n} is wrong")
        trips.append(clock() - start)
    t.publish(Turn.pong)
    return trips


class Raw:
    """The region as the client's Python side sees it today: offsets, the
    buffer, and a ctypes helper for the state word."""

    def __init__(self, mb, buf, helper_path):
        self.buf = buf
        self.fields = mb.Echo.fields
        self.base = ctypes.c_char.from_buffer(buf)  # holds an export of buf until deleted
        self.address = ctypes.addressof(self.base)
        lib = ctypes.CDLL(helper_path)
        lib.mailbox_bench_load_acquire_u32.argtypes = [ctypes.c_size_t]
        lib.mailbox_bench_load_acquire_u32.restype = ctypes.c_uint32
        lib.mailbox_bench_store_release_u32.argtypes = [ctypes.c_size_t, ctypes.c_uint32]
        lib.mailbox_bench_store_release_u32.restype = None
        for name in ("mailbox_bench_write", "mailbox_bench_read"):
            getattr(lib, name).argtypes = [ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
            getattr(lib, name).restype = None
        self.lib = lib
        self.ping = int(mb.Turn.ping)
        self.pong = int(mb.Turn.pong)

    def close(self):
        del self.base


def run_struct_ctypes(raw, count):
    buf, f, lib = raw.buf, raw.fields, raw.lib
    state_at = raw.address + f["turn"][0]
    load, store = lib.mailbox_bench_load_acquire_u32, lib.mailbox_bench_store_release_u32
    seq_at, code_at, weight_at, words_at = f["sequence"][0], f["code"][0], f["weight"][0], f["words"][0]
    pong, ping = raw.pong, raw.ping
    while load(state_at) != pong:
        pass
    first = struct.unpack_from("=Q", buf, seq_at)[0] + 1
    clock = time.perf_counter_ns
    trips = []
    for n in range(first, first + count):
        start = clock()
        struct.pack_into("=Q", buf, seq_at, n)
        struct.pack_into("=i", buf, code_at, n & 0xFFFF)
        struct.pack_into("=d", buf, weight_at, n * 0.5)
        struct.pack_into("=8Q", buf, words_at, *words_of(n))
        store(state_at, ping)
        while load(state_at) != pong:
            pass
        if (struct.unpack_from("=Q", buf, seq_at)[0] != n or struct.unpack_from("=i", buf, code_at)[0] != -(n & 0xFFFF)
                or struct.unpack_from("=d", buf, weight_at)[0] != float(n)
                or list(struct.unpack_from("=8Q", buf, words_at)) != answers_of(n)):
            raise RuntimeError(f"struct_ctypes: reply {n} is wrong")
        trips.append(clock() - start)
    return trips


def run_ctypes_fields(raw, count):
    f, lib = raw.fields, raw.lib
    base = raw.address
    state_at = base + f["turn"][0]
    load, store, write, read = (lib.mailbox_bench_load_acquire_u32, lib.mailbox_bench_store_release_u32,
                                lib.mailbox_bench_write, lib.mailbox_bench_read)
    seq_at, code_at, weight_at, words_at = (base + f[name][0] for name in ("sequence", "code", "weight", "words"))
    seq, code, weight, words = ctypes.c_uint64(), ctypes.c_int32(), ctypes.c_double(), (ctypes.c_uint64 * 8)()
    refs = [ctypes.byref(x) for x in (seq, code, weight, words)]
    sizes = [8, 4, 8, 64]
    pong, ping = raw.pong, raw.ping
    while load(state_at) != pong:
        pass
    read(seq_at, refs[0], 8)
    first = seq.value + 1
    clock = time.perf_counter_ns
    trips = []
    for n in range(first, first + count):
        start = clock()
        seq.value = n
        code.value = n & 0xFFFF
        weight.value = n * 0.5
        words[:] = words_of(n)
        write(seq_at, refs[0], sizes[0])
        write(code_at, refs[1], sizes[1])
        write(weight_at, refs[2], sizes[2])
        write(words_at, refs[3], sizes[3])
        store(state_at, ping)
        while load(state_at) != pong:
            pass
        read(seq_at, refs[0], sizes[0])
        read(code_at, refs[1], sizes[1])
        read(weight_at, refs[2], sizes[2])
        read(words_at, refs[3], sizes[3])
        if seq.value != n or code.value != -(n & 0xFFFF) or weight.value != float(n) or words[:] != answers_of(n):
            raise RuntimeError(f"ctypes_fields: reply {n} is wrong")
        trips.append(clock() - start)
    return trips


def run_cxx(peer, segment, count, cpu):
    out = subprocess.run([peer, "client", segment, str(count)] + ([str(cpu)] if cpu is not None else []),
                         check=True, capture_output=True, text=True).stdout
    return [float(x) for x in out.split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/gcc", help="the CMake build directory (default build/gcc)")
    parser.add_argument("--count", type=int, default=20000, help="round trips per measurement")
    parser.add_argument("--repeats", type=int, default=7, help="measurements per variant, interleaved")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(find(args.build, "mailbox_bench*.so")))
    import mailbox_bench as mb  # pylint: disable=import-outside-toplevel

    peer = find(args.build, "echo_peer")
    helper = find(args.build, "libmailbox_bench_ctypes*.so")
    cpus = sorted(os.sched_getaffinity(0))
    client_cpu, echo_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})

    shm = shared_memory.SharedMemory(create=True, size=mb.Echo.size, name=f"mailbox-bench-py-{os.getpid()}")
    echo = None
    results = {}
    try:
        box = mb.Echo.initialize(shm.buf, mb.Turn.pong)
        raw = Raw(mb, shm.buf, helper)
        echo = subprocess.Popen([peer, "echo", "/" + shm.name] + ([str(echo_cpu)] if echo_cpu is not None else []))
        variants = {
            "cxx": lambda n: run_cxx(peer, "/" + shm.name, n, client_cpu),
            "mailbox_python": lambda n: run_mailbox_python(mb, box, n),
            "struct_ctypes": lambda n: run_struct_ctypes(raw, n),
            "ctypes_fields": lambda n: run_ctypes_fields(raw, n),
        }
        for run in variants.values():  # warm up: page faults, caches, the echo's spin
            run(max(args.count // 10, 10))
        # Per run: the median trip (robust to the trips a preemption stretched
        # to milliseconds on a shared machine) and the mean trip.
        samples = {name: {"median": [], "mean": []} for name in variants}
        for _ in range(args.repeats):
            for name, run in variants.items():
                trips = run(args.count)
                samples[name]["median"].append(statistics.median(trips) if name != "cxx" else trips[0])
                samples[name]["mean"].append(statistics.fmean(trips) if name != "cxx" else trips[1])
        box.acquire(mb.Turn.pong).publish(mb.Turn.quit)
        if echo.wait(timeout=30) != 0:
            sys.exit("bench_python.py: the echo process failed")
        echo = None
        raw.close()
        del box, raw
        for name, values in samples.items():
            results[name] = {"round_trip_ns": statistics.median(values["median"]),
                             "mean_ns": statistics.median(values["mean"]),
                             "min_median_ns": min(values["median"]), "max_median_ns": max(values["median"]),
                             "medians_ns": values["median"], "means_ns": values["mean"]}
    finally:
        if echo is not None:
            echo.kill()
            echo.wait()
        try:
            shm.close()
        except BufferError:
            pass
        shm.unlink()

    cxx = results["cxx"]["round_trip_ns"]
    ours = results["mailbox_python"]["round_trip_ns"]
    print(f"Python {platform.python_version()}, backend {mb.backend}, {args.count} round trips x {args.repeats} "
          f"interleaved, client CPU {client_cpu}, echo CPU {echo_cpu}")
    print("round_trip: the median trip of a run (median over runs; range over runs); mean: the mean trip")
    print(f"{'variant':16} {'round_trip ns':>13} {'range':>17} {'mean ns':>9} {'vs cxx':>7} {'vs mailbox_python':>18}")
    for name, r in results.items():
        r["vs_cxx"] = r["round_trip_ns"] / cxx
        r["vs_mailbox_python"] = r["round_trip_ns"] / ours
        spread = f"{r['min_median_ns']:.0f}-{r['max_median_ns']:.0f}"
        print(f"{name:16} {r['round_trip_ns']:13.0f} {spread:>17} {r['mean_ns']:9.0f} {r['vs_cxx']:7.2f} "
              f"{r['vs_mailbox_python']:18.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"context": {"python": platform.python_version(), "backend": mb.backend, "count": args.count,
                                   "repeats": args.repeats, "machine": platform.machine()},
                       "results": results}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
