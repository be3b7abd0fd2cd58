# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""What a Python program does must never kill its interpreter with abort()
or a crash, however the extension module was built. Each case runs in a
child interpreter (an abort would otherwise take the test runner with it),
once with mailbox_test_module (built with NDEBUG) and once with
mailbox_test_debug (built without NDEBUG: MAILBOX_DEBUG_TOKENS on, where
the C++ token aborts when it is dropped or used after publish):

  - a value whose __index__ or __float__ (or a sequence item's) publishes the
    token it is being stored through, or has another thread publish it: the
    assignment is a RuntimeError, nothing is written;
  - a token dropped without publish, unwound past by an exception, or still
    held when the interpreter exits: abandoned, with a ResourceWarning;
  - a large numeric array (16 MiB of floats) assigned to a field: converted on
    the heap, not on the C stack."""

import os
import subprocess
import sys
import textwrap
import unittest

MODULES = ("mailbox_test_module", "mailbox_test_debug")

PRELUDE = """
import gc, sys, threading, warnings
import {module} as m
warnings.simplefilter("always", ResourceWarning)
H = m.Handoff
S = H.State
buf = bytearray(H.size)
box = H.initialize(buf, S.idle)
"""


def run(module, code):
    """Runs PRELUDE + code in a child interpreter; returns (status, stdout, stderr)."""
    source = PRELUDE.format(module=module) + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONFAULTHANDLER="1"), check=False)
    return done.returncode, done.stdout, done.stderr


class NoAbort(unittest.TestCase):
    def check(self, code, stdout=None, stderr=None):
        """Runs code with both modules: exit status 0, and the output patterns."""
        for module in MODULES:
            with self.subTest(module=module):
                status, out, err = run(module, code)
                self.assertEqual(status, 0, f"exit status {status}; stderr:\n{err}")
                if stdout is not None:
                    self.assertRegex(out, stdout)
                if stderr is not None:
                    self.assertRegex(err, stderr)
                self.assertNotIn("mailbox: a token was", err)  # the C++ token's abort messages

    def test_the_debug_module_has_debug_tokens(self):
        # The static_assert in mailbox_test_module.cpp checks it at build time;
        # this checks that the debug module is what gets imported.
        status, _, err = run("mailbox_test_debug", "assert m.__name__ == 'mailbox_test_debug'")
        self.assertEqual(status, 0, err)

    def test_index_that_publishes_the_token(self):
        self.check("""
            t = box.acquire(S.idle)
            class Evil:
                def __index__(self):
                    t.publish(S.task_ready)
                    return 5
            try:
                t["sequence"] = Evil()
            except RuntimeError as e:
                print("RuntimeError:", e)
            assert box.state() == S.task_ready
            with box.acquire(S.task_ready) as u:
                assert u["sequence"] == 0, u["sequence"]  # nothing was written
                u.publish(S.idle)
            """, stdout=r"RuntimeError: Handoff token: the token was spent while the value for 'sequence' was "
                        r"converted .*nothing was written")

    def test_float_and_sequence_items_that_abandon_or_publish(self):
        self.check("""
            t = box.acquire(S.idle)
            class Sinks:
                def __float__(self):
                    t.abandon()
                    return 1.0
            try:
                t["ratio"] = Sinks()
            except RuntimeError as e:
                print("ratio:", e)
            t = box.acquire(S.idle)
            class Item:
                def __index__(self):
                    t.publish(S.task_done)
                    return 1
            try:
                t["args"] = [0] * 15 + [Item()]
            except RuntimeError as e:
                print("args:", e)
            """, stdout=r"ratio: .*spent while the value for 'ratio'.*\nargs: .*spent while the value for 'args'")

    def test_publish_whose_state_publishes_the_token(self):
        self.check("""
            t = box.acquire(S.idle)
            class Next:
                def __index__(self):
                    t.publish(S.task_ready)
                    return 2
            try:
                t.publish(Next())
            except RuntimeError as e:
                print("RuntimeError:", e)
            print(repr(box.state()))
            """, stdout=r"RuntimeError: Handoff token: publish\(\) after publish\(\).*\n<State.task_ready: 1>")

    def test_another_thread_publishes_during_the_conversion(self):
        self.check("""
            t = box.acquire(S.idle)
            class Slow:
                def __index__(self):
                    other = threading.Thread(target=t.publish, args=(S.task_ready,))
                    other.start()
                    other.join()
                    return 7
            try:
                t["error"] = Slow()
            except RuntimeError as e:
                print("RuntimeError:", e)
            """, stdout=r"RuntimeError: .*spent while the value for 'error'")

    def test_a_dropped_token(self):
        self.check("""
            t = box.acquire(S.idle)
            t["error"] = 3
            del t
            gc.collect()
            print("alive, state", repr(box.state()))
            """, stdout=r"alive, state <State.idle: 0>",
                   stderr=r"ResourceWarning: Handoff token acquired in State.idle was dropped without publish")

    def test_an_exception_unwinding_past_a_token(self):
        self.check("""
            def work():
                t = box.acquire(S.idle)
                t["error"] = 1
                raise ValueError("in the middle")
            try:
                work()
            except ValueError as e:
                print("caught:", e)
            gc.collect()
            """, stdout=r"caught: in the middle", stderr=r"ResourceWarning: .*was dropped")

    def test_a_token_held_at_interpreter_exit(self):
        self.check("""
            held = box.acquire(S.idle)
            held["error"] = 2
            also = m.Frame.initialize(bytearray(m.Frame.size), 0)
            child_token = m.FrameParent(also).acquire(0)
            print("exiting with tokens")
            """, stdout=r"exiting with tokens")

    def test_sys_exit_while_a_token_is_held(self):
        self.check("""
            t = box.acquire(S.idle)
            sys.exit(0)
            """)

    def test_a_large_array_is_converted_on_the_heap(self):
        self.check("""
            L = m.Large
            large = L.initialize(bytearray(L.size), 0)
            values = [float(i % 1000) for i in range(1 << 22)]
            with large.acquire(0) as t:
                t["samples"] = values
                assert t["samples"][-1] == 303.0
                try:
                    t["samples"] = values[:-1] + ["x"]
                except TypeError as e:
                    print("TypeError:", e)
                assert t["samples"][-1] == 303.0  # all or nothing
                t.publish(1)
            print("stored", len(values))
            """, stdout=r"TypeError: Large field 'samples'\[4194303\] \(float32\[4194304\]\) takes a float.*\n"
                        r"stored 4194304")


if __name__ == "__main__":
    unittest.main()
