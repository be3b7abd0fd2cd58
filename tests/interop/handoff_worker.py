"""The Python worker of the C++-parent handoff test:
handoff_worker.py SEGMENT COUNT. Answers every task_ready until shutdown,
checking every field of every request; exit status 0 when all COUNT arrived
intact."""

import sys

import mailbox_test_module as m
from handoff_common import differences, open_segment, reply, request, write


def main(segment, count):
    shm = open_segment(segment)
    try:
        box = m.Handoff.attach_with_header(shm.buf, timeout=60)
        n = 0
        while True:
            t = box.acquire_any([m.Handoff.State.task_ready, m.Handoff.State.shutdown], timeout=60)
            if t.state == m.Handoff.State.shutdown:
                break
            n += 1
            bad = differences(t, request(n))
            if bad:
                print(f"handoff_worker.py: request {n}: fields {bad} differ", file=sys.stderr)
                return 1
            write(t, reply(n))
            t.publish(m.Handoff.State.task_done)
        del t, box  # release the buffer before closing the segment
        if n != count:
            print(f"handoff_worker.py: shutdown after {n} messages, expected {count}", file=sys.stderr)
            return 1
        return 0
    finally:
        try:
            shm.close()
        except BufferError:
            pass  # a traceback still holds a view; the mapping goes with the process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
