# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""A Python worker for the Job mailbox: python3 worker.py NAME.

Copy it as the start of your own. It opens the region NAME that a C++ parent
created (mailbox::region<Job, version>::create), says it is ready, then
serves jobs until told to quit or until the parent dies. Every state word
access is the C++ library's acquire-load or release-store; the payload is
reachable only through a token, and only inside its `with` block."""

import os
import sys

import jobs  # the extension module built from jobs_module.cpp

S = jobs.Job.State


def serve(box):
    parent = os.getppid()
    with box.acquire(S.starting, timeout=10) as t:
        t.publish(S.idle)
    while True:
        # Waits without the GIL (futex: the layout has blocking_waiters);
        # Ctrl-C interrupts it; PeerGone once the parent is gone.
        with box.acquire_any([S.task_ready, S.quit], alive=lambda: os.getppid() == parent) as t:
            if t.state == S.quit:
                t.abandon()  # quit is the last state: nobody takes it after us
                return
            values = t["values"][: t["count"]]
            op = jobs.Op(t["op"])
            if op == jobs.Op.sum:
                t["result"] = sum(values)
            elif op == jobs.Op.mean and values:
                t["result"] = sum(values) / len(values)
            else:
                t["error_msg"] = f"cannot {op.name} {len(values)} values"
                t.publish(S.task_failed)
                continue
            t.publish(S.task_done)


def main(name):
    # FingerprintMismatch if the parent was built from another declaration or version.
    with jobs.Job.open(name, timeout=10) as region:
        serve(region[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
