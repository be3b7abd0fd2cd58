# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""The Python parent of the C++-worker handoff test:
handoff_parent.py COUNT HANDOFF_PEER... Creates a region by name, starts
`HANDOFF_PEER... work NAME` (the command may start with an emulator), hands
it COUNT messages checking every field of every reply, then shuts it down."""

import os
import subprocess
import sys

import mailbox_test_module as m
from handoff_common import differences, reply, request, write

S = m.Handoff.State


def main(peer, count):
    name = f"/mailbox-pyparent-{os.getpid()}"
    with m.Handoff.create(name, count=1, first=S.idle) as region:
        box = region[0]
        worker = subprocess.Popen(peer + ["work", name])
        try:
            t = box.acquire(S.idle, timeout=0)
            for n in range(1, count + 1):
                write(t, request(n))
                t.publish(S.task_ready)
                t = box.acquire(S.task_done, timeout=60, alive=lambda: worker.poll() is None)
                bad = differences(t, reply(n))
                if bad:
                    t.abandon()
                    print(f"handoff_parent.py: reply {n}: fields {bad} differ", file=sys.stderr)
                    return 1
            t.publish(S.shutdown)
            status = worker.wait(timeout=60)
            worker = None
        finally:
            if worker is not None:
                worker.kill()
                worker.wait()
    if status != 0:
        print(f"handoff_parent.py: the C++ worker exited with {status}", file=sys.stderr)
        return 1
    print(f"handed {count} messages to the C++ worker and back, every field checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[2:], int(sys.argv[1])))
