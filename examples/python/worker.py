"""A Python worker for the Job mailbox: python3 worker.py SEGMENT.

Copy it as the start of your own. It attaches to the named POSIX segment a
C++ parent created (mailbox::shared_segment + initialize_with_header), says
it is ready, then serves jobs until told to quit or until the parent dies.
Every state word access is the C++ library's acquire-load or release-store;
the payload is reachable only through the token."""

import os
import sys
from multiprocessing import resource_tracker, shared_memory

import jobs  # the extension module built from jobs_module.cpp


def open_segment(name):
    """Maps a segment another process created and will remove.

    Attaching registers the segment with multiprocessing's resource_tracker,
    which would unlink it when this process exits, under the creator's feet:
    track=False (Python 3.13+) or unregister."""
    name = name.lstrip("/")
    try:
        return shared_memory.SharedMemory(name=name, track=False)
    except TypeError:
        shm = shared_memory.SharedMemory(name=name)
        resource_tracker.unregister(shm._name, "shared_memory")  # pylint: disable=protected-access
        return shm


def serve(box):
    parent = os.getppid()
    box.acquire(jobs.State.starting, timeout=10).publish(jobs.State.idle)
    while True:
        # Waits without the GIL (futex: the layout has blocking_waiters);
        # Ctrl-C interrupts it; PeerGone once the parent is gone.
        t = box.acquire_any([jobs.State.task_ready, jobs.State.quit], alive=lambda: os.getppid() == parent)
        if t.state == jobs.State.quit:
            return
        values = t["values"][: t["count"]]
        op = t["op"]
        if op == jobs.Op.sum:
            t["result"] = sum(values)
        elif op == jobs.Op.mean and values:
            t["result"] = sum(values) / len(values)
        else:
            t["error_msg"] = f"cannot {op.name} {len(values)} values"
            t.publish(jobs.State.task_failed)
            continue
        t.publish(jobs.State.task_done)


def main(segment):
    shm = open_segment(segment)
    try:
        box = jobs.Job.attach_with_header(shm.buf, timeout=10)  # FingerprintMismatch if built apart
        serve(box)
        del box  # a view holds the buffer: drop it before closing
    finally:
        try:
            shm.close()
        except BufferError:
            pass  # an exception's traceback still holds the view
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
