# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Regions: Name.create, Name.open and Name.anonymous (mailbox::region's
format, so that C++ opens them too: handoff_peer and examples/python do),
their lifetime (with, close, the creator's unlink, no resource tracker),
fingerprints, counts and protocols, fork(), and closing under a wait or a
memoryview."""

import gc
import os
import subprocess
import sys
import threading
import time
import unittest
import warnings

import mailbox_test_module as m

H = m.Handoff
S = H.State
F = m.Frame.State


def unique(tag):
    return f"/mailbox-pytest-{tag}-{os.getpid()}-{time.monotonic_ns()}"


class Regions(unittest.TestCase):
    def test_create_open_and_the_mailboxes(self):
        name = unique("basic")
        with H.create(name, count=3, first=S.idle) as region:
            self.assertEqual(len(region), 3)
            self.assertEqual(region.name, name)
            self.assertFalse(region.closed)
            self.assertRegex(repr(region), r"<Handoff region '/mailbox-pytest-basic-.*', 3 mailboxes, created>")
            self.assertIsInstance(region, H.Region)
            boxes = list(region)
            self.assertEqual(len(boxes), 3)
            self.assertTrue(all(isinstance(b, H) and b.state() is S.idle for b in boxes))
            with region[2].acquire(S.idle) as t:
                t["sequence"] = 42
                t.publish(S.task_ready)
            self.assertIs(region[-1].state(), S.task_ready)
            self.assertIs(region[0].state(), S.idle)
            with self.assertRaisesRegex(IndexError, "index 3 out of range for 3 mailboxes"):
                region[3]
            with H.open(name, count=3) as other:  # the same memory, mapped again
                with other[2].acquire(S.task_ready, timeout=1) as t:
                    self.assertEqual(t["sequence"], 42)
                    t.publish(S.task_done)
                self.assertRegex(repr(other), "opened>$")
            self.assertIs(region[2].state(), S.task_done)
            with H.open(name, count=0) as by_header:  # count 0: the header's
                self.assertEqual(len(by_header), 3)
        self.assertTrue(region.closed)

    def test_defaults(self):
        name = unique("defaults")
        with H.create(name) as region:  # one mailbox, in the first valid state
            self.assertEqual(len(region), 1)
            self.assertIs(region[0].state(), S.idle)
            with H.open(name) as other:
                self.assertEqual(len(other), 1)
        with H.anonymous() as region:
            self.assertIsNone(region.name)
            self.assertIs(region[0].state(), S.idle)

    def test_closing(self):
        name = unique("close")
        region = H.create(name, count=2, first=S.task_ready)
        box = region[1]
        t = box.acquire(S.task_ready)
        region.close()
        region.close()  # harmless
        for use in (box.state, lambda: box.acquire(S.task_ready), lambda: region[0], lambda: t["sequence"],
                    lambda: t.publish(S.task_done)):
            with self.assertRaisesRegex(ValueError, "the region is closed"):
                use()
        self.assertRegex(repr(box), "region closed")
        with self.assertRaises(ValueError):
            with region:
                pass
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            del t
            gc.collect()
        self.assertEqual(len(caught), 1)  # dropped unpublished: abandoned, and said so
        # The creator's close removed the name.
        with self.assertRaises(FileNotFoundError):
            H.open(name)

    def test_only_the_creator_removes_the_name(self):
        name = unique("creator")
        region = H.create(name)
        with self.assertRaises(FileExistsError):
            H.create(name)
        H.open(name).close()
        H.open(name).close()  # still there
        region.close()
        with self.assertRaises(FileNotFoundError):
            H.open(name)

    def test_another_python_process_that_opens_it_does_not_remove_it(self):
        # multiprocessing.shared_memory would register the segment with its
        # resource tracker, which unlinks it when that process exits.
        name = unique("tracker")
        with H.create(name) as region:
            code = f"import mailbox_test_module as m; r = m.Handoff.open({name!r}); print(len(r))"
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                                  check=False)
            self.assertEqual((done.returncode, done.stdout.strip()), (0, "1"), done.stderr)
            with H.open(name) as again:
                self.assertEqual(len(again), len(region))

    def test_open_waits_for_the_creator(self):
        name = unique("wait")
        made = []
        timer = threading.Timer(0.1, lambda: made.append(H.create(name, count=2)))
        timer.start()
        try:
            with H.open(name, count=2, timeout=30) as region:
                self.assertEqual(len(region), 2)
        finally:
            timer.join()
            for r in made:
                r.close()
        started = time.monotonic()
        with self.assertRaises(FileNotFoundError):
            H.open(unique("never"), timeout=0.1)
        self.assertGreaterEqual(time.monotonic() - started, 0.09)

    def test_what_open_refuses(self):
        name = unique("refuse")
        with H.create(name, count=2):
            with self.assertRaises(m.FingerprintMismatch) as caught:
                m.HandoffV2.open(name, count=2)
            self.assertEqual((caught.exception.expected, caught.exception.found), (m.HandoffV2.fingerprint,
                                                                                  H.fingerprint))
            with self.assertRaises(m.HeaderError) as caught:
                H.open(name, count=1)  # the header says 2
            self.assertNotIsInstance(caught.exception, m.FingerprintMismatch)
            with self.assertRaisesRegex(OSError, "segment too small"):
                H.open(name, count=3)
            with self.assertRaises(m.HeaderError):
                m.Counter.open(name)
        with self.assertRaisesRegex(ValueError, "count must be in"):
            H.create(unique("zero"), count=0)
        with self.assertRaisesRegex(ValueError, "valid_states"):
            H.create(unique("state"), first=9)
        with self.assertRaisesRegex(TypeError, "name is a str"):
            H.create(b"/bytes")

    def test_a_region_of_frames_with_its_protocol(self):
        name = unique("frames")
        with m.Frame.create(name, count=3, first=F.idle, protocol_fingerprint=m.FrameParent.fingerprint) as region:
            parent = m.FrameParent(region[1])
            with parent.acquire(F.idle) as t:
                t["command"] = 5
                t.publish(F.request)
            with m.Frame.open(name, count=3, protocol_fingerprint=m.FrameChild.fingerprint) as other:
                child = m.FrameChild(other[1])
                with child.acquire(F.request, timeout=1) as t:
                    self.assertEqual(t["command"], 5)
                    t.publish(F.reply)
            with self.assertRaises(m.FingerprintMismatch):
                m.Frame.open(name, count=3, protocol_fingerprint=m.FrameParent.fingerprint ^ 1)
            with m.Frame.open(name, count=3):  # no protocol given: not checked
                pass
            self.assertIs(region[1].state(), F.reply)

    @unittest.skipUnless(hasattr(os, "fork"), "fork()")
    def test_anonymous_regions_are_shared_with_forked_children(self):
        with H.anonymous(count=2, first=S.idle) as region:
            pid = os.fork()
            if pid == 0:  # the child: answers on mailbox 1, then leaves without cleanup
                status = 1
                try:
                    with region[1].acquire(S.task_ready, timeout=30) as t:
                        t["sequence"] = t["sequence"] * 2
                        t.publish(S.task_done)
                    status = 0
                finally:
                    os._exit(status)
            box = region[1]
            with box.acquire(S.idle) as t:
                t["sequence"] = 21
                t.publish(S.task_ready)
            with box.acquire(S.task_done, timeout=30) as t:
                self.assertEqual(t["sequence"], 42)
                t.publish(S.idle)
            self.assertEqual(os.waitpid(pid, 0)[1], 0)

    def test_a_view_keeps_the_memory_mapped_after_close(self):
        region = H.create(unique("view"))
        t = region[0].acquire(S.idle)
        view = t.view("args")
        view[0] = 7
        region.close()
        self.assertEqual(view[0], 7)  # still mapped: the view pins it
        with self.assertRaisesRegex(ValueError, "closed"):
            t["args"]
        with self.assertRaises(BufferError):
            t.abandon()
        view.release()
        t.abandon()

    def test_closing_under_a_wait(self):
        region = H.create(unique("waiting"))
        errors = []

        def waiter():
            try:
                region[0].acquire(S.task_done, timeout=30)
            except ValueError as e:
                errors.append(str(e))

        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.1)
        region.close()
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertEqual(len(errors), 1)
        self.assertIn("the region is closed", errors[0])


if __name__ == "__main__":
    unittest.main()
