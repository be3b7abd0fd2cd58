"""The Python parent of the C++-worker handoff test:
handoff_parent.py COUNT HANDOFF_PEER... Creates the segment with
multiprocessing.shared_memory, starts `HANDOFF_PEER... work SEGMENT` (the
command may start with an emulator), hands it
COUNT messages checking every field of every reply, then shuts it down."""

import os
import subprocess
import sys
from multiprocessing import shared_memory

import mailbox_test_module as m
from handoff_common import differences, reply, request, write


def main(peer, count):
    shm = shared_memory.SharedMemory(create=True, size=m.Handoff.size_with_header,
                                     name=f"mailbox-pyparent-{os.getpid()}")
    worker = None
    try:
        box = m.Handoff.initialize_with_header(shm.buf, m.Handoff.State.idle)
        worker = subprocess.Popen(peer + ["work", "/" + shm.name])
        t = box.acquire(m.Handoff.State.idle, timeout=0)
        for n in range(1, count + 1):
            write(t, request(n))
            t.publish(m.Handoff.State.task_ready)
            t = box.acquire(m.Handoff.State.task_done, timeout=60, alive=lambda: worker.poll() is None)
            bad = differences(t, reply(n))
            if bad:
                print(f"handoff_parent.py: reply {n}: fields {bad} differ", file=sys.stderr)
                return 1
        t.publish(m.Handoff.State.shutdown)
        status = worker.wait(timeout=60)
        worker = None
        del t, box
        if status != 0:
            print(f"handoff_parent.py: the C++ worker exited with {status}", file=sys.stderr)
            return 1
        print(f"handed {count} messages to the C++ worker and back, every field checked")
        return 0
    finally:
        if worker is not None:
            worker.kill()
            worker.wait()
        try:
            shm.close()
        except BufferError:
            pass  # a traceback still holds a view; the mapping goes with the process
        shm.unlink()


if __name__ == "__main__":
    sys.exit(main(sys.argv[2:], int(sys.argv[1])))
