# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""The Python worker of the C++-parent handoff test:
handoff_worker.py NAME COUNT. Opens the region NAME that the C++ parent
created, answers every task_ready until shutdown, checking every field of
every request; exit status 0 when all COUNT arrived intact."""

import sys

import mailbox_test_module as m
from handoff_common import differences, reply, request, write

S = m.Handoff.State


def main(name, count):
    with m.Handoff.open(name, timeout=60) as region:
        box = region[0]
        n = 0
        while True:
            with box.acquire_any([S.task_ready, S.shutdown], timeout=60) as t:
                if t.state == S.shutdown:
                    t.abandon()  # the last state: nobody takes it after us
                    break
                n += 1
                bad = differences(t, request(n))
                if bad:
                    print(f"handoff_worker.py: request {n}: fields {bad} differ", file=sys.stderr)
                    return 1
                write(t, reply(n))
                t.publish(S.task_done)
    if n != count:
        print(f"handoff_worker.py: shutdown after {n} messages, expected {count}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
