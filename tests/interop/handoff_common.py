# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""What each side of the handoff tests writes for message n (the C++ side
computes the same in handoff_layout.hpp)."""

import struct

import mailbox_test_module as m

MASK64 = (1 << 64) - 1


def request(n):
    return {
        "error": n % 1000 - 500,
        "sequence": n,
        "args": [(n * 0x10001 + i * 0x9E3779B97F4A7C15) & MASK64 for i in range(16)],
        "ratio": n + 0.25,
        "scale": (n % 4096) * 0.5,
        "small": n % 256 - 128,
        "port": (n * 7) & 0xFFFF,
        "ok": 1 if n % 2 == 0 else 0,
        "mode": m.Handoff.State(n % 4),
        "blob": bytes((n + j * 3) & 0xFF for j in range(32)),
        "pair": struct.pack("=if", n, (n % 1024) * 0.125),
        "error_msg": f"task {n}",
    }


def reply(n):
    r = request(n)
    count, weight = struct.unpack("=if", r["pair"])
    r.update(
        error=-r["error"],
        args=[~a & MASK64 for a in r["args"]],
        ratio=r["ratio"] * 2,
        scale=r["scale"] + 1.0,
        small=-(r["small"] + 1),
        port=r["port"] ^ 0xFFFF,
        ok=1 - r["ok"],
        mode=m.Handoff.State((n + 1) % 4),
        blob=bytes(255 - b for b in r["blob"]),
        pair=struct.pack("=if", -count, weight * 2),
        error_msg=f"done {n} \u00e9",
    )
    return r


def write(token, message):
    for name, value in message.items():
        token[name] = value


def differences(token, message):
    """The fields whose value differs from message: empty when every word matches."""
    return [name for name, value in message.items() if token[name] != value]
