# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""bind_layout and bind_endpoint, the pybind11 conveniences over add_layout
and add_endpoint: the classes they add work as the C API's do, beside the
module's own pybind11 functions."""

import unittest

import mailbox_test_pybind11 as p


class Pybind11Adapter(unittest.TestCase):
    def test_classes_as_the_core_makes_them(self):
        H = p.Handoff
        self.assertEqual(p.size_of_handoff(), H.size)
        self.assertEqual([s.name for s in H.State], ["idle", "task_ready", "task_done", "shutdown"])
        box = H.initialize(bytearray(H.size), H.State.idle)
        with box.acquire(H.State.idle, timeout=1) as t:
            t["args"] = list(range(16))
            with t.view("args") as args:
                self.assertEqual(args[15], 15)
            t.publish(H.State.task_ready)
        self.assertIs(box.state(), H.State.task_ready)
        for name in ("HeaderError", "FingerprintMismatch", "PeerGone", "ProtocolError"):
            self.assertTrue(issubclass(getattr(p, name), Exception))

    def test_an_endpoint(self):
        box = p.Frame.initialize(bytearray(p.Frame.size), 1)  # request: the child's
        child = p.FrameChild(box)
        with child.acquire(p.Frame.State.request, timeout=1) as t:
            t["result"] = 3
            with self.assertRaises(p.ProtocolError):
                t.publish(p.Frame.State.idle)
            t.publish(p.Frame.State.reply)
        self.assertIs(child.state(), p.Frame.State.reply)


if __name__ == "__main__":
    unittest.main()
