# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""The quick start's Python worker: squares what the C++ parent sends."""
import sys

import quickstart  # built from quickstart_module.cpp

S = quickstart.Square.State
with quickstart.Square.open(sys.argv[1], timeout=10) as region:
    box = region[0]
    while True:
        with box.acquire_any([S.request, S.done], timeout=10) as t:
            if t.state == S.done:
                t.abandon()  # done is the last state
                break
            t["x"] = t["x"] ** 2
            t.publish(S.reply)  # release: the parent sees x
