# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""mailbox::python::add_layout and add_endpoint as Python sees them: the
classes' attributes and Name.State, mailboxes over buffers, conversions and
their errors, tokens (with, abandon, warnings, views), waits (timeouts,
policies, statistics, the GIL, Ctrl-C), flags, endpoints, headers and
fingerprints. Regions: test_regions.py; what must never abort: test_no_abort.py."""

import collections.abc
import gc
import json
import mmap
import os
import signal
import struct
import threading
import time
import unittest
import warnings

import mailbox_test_module as m

H = m.Handoff
S = H.State
F = m.FrameParent.State


def fresh(layout=H, state=S.idle):
    buf = bytearray(layout.size)
    return buf, layout.initialize(buf, state)


class Clean(unittest.TestCase):
    """A test that leaves no token dropped unpublished: a ResourceWarning it
    did not expect fails it. expect_abandoned() collects the expected ones."""

    def setUp(self):
        self._recorder = warnings.catch_warnings(record=True)
        self._warnings = self._recorder.__enter__()
        warnings.simplefilter("always", ResourceWarning)

    def tearDown(self):
        for name in list(vars(self)):
            if not name.startswith("_"):
                value = getattr(self, name)
                if type(value).__name__ == "Token" and not (value.published or value.abandoned):
                    value.abandon()
                delattr(self, name)
        gc.collect()
        self._recorder.__exit__(None, None, None)
        left = [str(w.message) for w in self._warnings if issubclass(w.category, ResourceWarning)]
        self.assertEqual(left, [], "tokens were dropped without publish() or abandon()")

    def expect_abandoned(self, pattern):
        """The ResourceWarnings so far, which must be exactly one matching pattern; cleared."""
        gc.collect()
        got = [str(w.message) for w in self._warnings if issubclass(w.category, ResourceWarning)]
        self._warnings.clear()
        self.assertEqual(len(got), 1, got)
        self.assertRegex(got[0], pattern)


class Attributes(Clean):
    def test_size_alignment_fields(self):
        self.assertEqual(H.alignment, 8)
        self.assertEqual(H.fields["state"], (0, 4))
        self.assertEqual(H.fields["args"][1], 16 * 8)
        self.assertEqual(H.fields["error_msg"][1], 64)
        end = max(offset + size for offset, size in H.fields.values())
        self.assertEqual(H.size, (end + H.alignment - 1) // H.alignment * H.alignment)
        self.assertEqual(H.state_name, "state")
        self.assertEqual(H.size_with_header, H.header_size + H.size)

    def test_versions_have_their_own_fingerprints(self):
        self.assertNotEqual(H.fingerprint, m.HandoffV2.fingerprint)
        self.assertEqual(H.version, 0)
        self.assertEqual(m.HandoffV2.version, 2)
        self.assertEqual(H.fields, m.HandoffV2.fields)

    def test_json_describes_the_same_layout(self):
        layout = json.loads(H.json)
        self.assertEqual(int(layout["fingerprint"], 16), H.fingerprint)
        self.assertEqual(layout["size"], H.size)
        self.assertEqual(layout["alignment"], H.alignment)
        self.assertEqual(layout["header_size"], H.header_size)
        self.assertEqual({f["name"]: (f["offset"], f["size"]) for f in layout["fields"]}, H.fields)
        by_name = {f["name"]: f for f in layout["fields"]}
        self.assertEqual(by_name["state"]["role"], "state")
        self.assertEqual(by_name["args"]["shape"], [16])
        self.assertEqual(by_name["args"]["kind"], "uint")
        self.assertEqual(by_name["blob"]["kind"], "byte")
        self.assertEqual(by_name["error_msg"]["kind"], "char")
        self.assertEqual(by_name["pair"]["kind"], "struct")
        self.assertEqual(layout["valid_states"], [0, 1, 2, 3])
        self.assertEqual(json.loads(m.HandoffV2.json)["version"], 2)


class Buffers(Clean):
    def test_too_small_names_expected_and_given_size(self):
        with self.assertRaisesRegex(ValueError, rf"Handoff.*expected at least {H.size} bytes, got 10 bytes"):
            H(bytearray(10))

    def test_misaligned_names_the_alignment(self):
        buf = bytearray(H.size + 8)
        with self.assertRaisesRegex(ValueError, r"misaligned.*aligned to 8 bytes, got an address aligned to 1 bytes"):
            H(memoryview(buf)[1:])
        with self.assertRaisesRegex(ValueError, "misaligned"):
            H(buf, offset=1)

    def test_offset_outside_the_buffer(self):
        with self.assertRaisesRegex(ValueError, "offset"):
            H(bytearray(H.size), offset=H.size + 1)
        with self.assertRaisesRegex(ValueError, "offset"):
            H(bytearray(H.size), offset=-8)

    def test_read_only_and_non_buffers_are_type_errors(self):
        with self.assertRaisesRegex(TypeError, "writable"):
            H(bytes(H.size))
        with self.assertRaisesRegex(TypeError, "writable buffer"):
            H([0] * H.size)

    def test_the_view_keeps_its_buffer_alive(self):
        buf = bytearray(H.size)
        box = H.initialize(buf, S.task_ready)
        del buf
        self.assertEqual(box.state(), S.task_ready)
        t = box.try_acquire(S.task_ready)
        del box
        t["sequence"] = 5
        self.assertEqual(t["sequence"], 5)
        t.abandon()

    def test_an_mmap_cannot_be_closed_under_a_view(self):
        region = mmap.mmap(-1, H.size)
        box = H.initialize(region, S.idle)
        with self.assertRaises(BufferError):
            region.close()
        del box
        region.close()

    def test_initialize_zeroes_the_payload_and_stores_the_state(self):
        buf = bytearray(b"\xff" * H.size)
        box = H.initialize(buf, S.task_done)
        self.assertEqual(box.state(), S.task_done)
        self.assertEqual(bytes(buf[4:]), bytes(H.size - 4))

    def test_a_view_reads_what_another_view_wrote(self):
        buf = bytearray(2 * H.size)
        a = H.initialize(buf, S.idle, offset=H.size)
        b = H(buf, offset=H.size)
        t = a.acquire(S.idle)
        t["sequence"] = 77
        t.publish(S.task_ready)
        with b.acquire(S.task_ready, timeout=1) as t:
            self.assertEqual(t["sequence"], 77)
            t.publish(S.task_done)
        self.assertEqual(struct.unpack_from("=i", buf, H.size)[0], int(S.task_done))


class Conversions(Clean):
    def setUp(self):
        super().setUp()
        self.buf, self.box = fresh()
        self.t = self.box.try_acquire(S.idle)

    def test_round_trips(self):
        values = {
            "error": -2**31, "sequence": 2**64 - 1, "args": list(range(2**64 - 16, 2**64)),
            "ratio": -1.5e300, "scale": 3.25, "small": -128, "port": 65535, "ok": 255,
            "mode": S.task_done, "blob": bytes(range(32)), "pair": struct.pack("=if", 7, 0.5),
            "error_msg": "x" * 63,
        }
        for name, value in values.items():
            with self.subTest(name):
                self.t[name] = value
                self.assertEqual(self.t[name], value)
                self.assertIs(type(self.t[name]), type(value))

    def test_text_is_utf8_and_shorter_bytes_are_zero_filled(self):
        self.t["error_msg"] = "x" * 40
        self.t["error_msg"] = "\u00e9t\u00e9"
        self.assertEqual(self.t["error_msg"], "\u00e9t\u00e9")
        start = H.fields["error_msg"][0]
        self.assertEqual(bytes(self.buf[start:start + 64]), "\u00e9t\u00e9".encode() + bytes(59))
        self.t["blob"] = b"\x01\x02"
        self.assertEqual(self.t["blob"], b"\x01\x02" + bytes(30))
        self.t["blob"] = bytearray(b"\x03")
        self.assertEqual(self.t["blob"][:2], b"\x03\x00")

    def test_ints_accept_index_and_bools(self):
        self.t["error"] = True
        self.assertEqual(self.t["error"], 1)
        self.t["mode"] = 2
        self.assertEqual(self.t["mode"], S.task_done)
        self.t["ratio"] = 3
        self.assertEqual(self.t["ratio"], 3.0)
        self.t["ok"] = True
        self.assertIs(type(self.t["ok"]), int)
        self.assertEqual(self.t["ok"], 1)

    def test_out_of_range_is_overflow_error_naming_the_field(self):
        cases = [("error", 2**31), ("error", -2**31 - 1), ("sequence", -1), ("sequence", 2**64),
                 ("small", 128), ("port", 65536), ("scale", 1e39), ("mode", 2**31), ("ok", 256),
                 ("ratio", 10**400)]
        for name, value in cases:
            with self.subTest(name=name, value=value):
                with self.assertRaisesRegex(OverflowError, f"Handoff field '{name}'"):
                    self.t[name] = value

    def test_wrong_types_are_type_errors_naming_the_field(self):
        cases = [("error", 1.0), ("error", "1"), ("sequence", None), ("ratio", "1.0"), ("ok", "yes"),
                 ("mode", "idle"), ("mode", 1.0), ("args", "abc"), ("args", 5), ("blob", "text"),
                 ("pair", 12), ("error_msg", 12), ("error_msg", ["a"])]
        for name, value in cases:
            with self.subTest(name=name, value=value):
                with self.assertRaisesRegex(TypeError, f"Handoff field '{name}'"):
                    self.t[name] = value

    def test_wrong_sizes_are_value_errors_and_change_nothing(self):
        self.t["args"] = [1] * 16
        cases = [("args", [0] * 15), ("args", [0] * 17), ("blob", bytes(33)), ("pair", bytes(7)),
                 ("error_msg", "y" * 64), ("error_msg", "a\0b")]
        for name, value in cases:
            with self.subTest(name=name):
                with self.assertRaisesRegex(ValueError, f"Handoff field '{name}'"):
                    self.t[name] = value
        with self.assertRaisesRegex(OverflowError, r"'args'\[3\]"):
            self.t["args"] = [0, 0, 0, -1] + [0] * 12
        self.assertEqual(self.t["args"], [1] * 16)

    def test_unknown_names_and_the_state_word_are_key_errors(self):
        with self.assertRaisesRegex(KeyError, "no payload field 'nope'"):
            self.t["nope"]
        with self.assertRaisesRegex(KeyError, "no payload field 'nope'"):
            self.t["nope"] = 1
        with self.assertRaisesRegex(KeyError, "'state' is the state word"):
            self.t["state"] = 1
        self.assertEqual(self.t.keys(), [name for name in H.fields if name != "state"])


class Tokens(Clean):
    def test_publish_spends_the_token(self):
        _, box = fresh()
        t = box.try_acquire(S.idle)
        self.assertEqual(t.state, S.idle)
        t.publish(S.task_ready)
        self.assertTrue(t.published)
        self.assertEqual(box.state(), S.task_ready)
        for use in (lambda: t["error"], lambda: t.__setitem__("error", 1), lambda: t.publish(S.idle),
                    lambda: t.state):
            with self.assertRaisesRegex(RuntimeError, "after publish"):
                use()
        self.assertEqual(box.state(), S.task_ready)

    def test_try_acquire_in_another_state_gives_none(self):
        _, box = fresh()
        self.assertIsNone(box.try_acquire(S.task_done))
        t = box.try_acquire(S.idle)
        self.assertIsNotNone(t)
        t.abandon()

    def test_states_are_checked(self):
        _, box = fresh()
        with self.assertRaisesRegex(TypeError, "acquire"):
            box.try_acquire("idle")
        with box.try_acquire(S.idle) as t:
            with self.assertRaisesRegex(OverflowError, "publish"):
                t.publish(2**40)
            t.abandon()
        with self.assertRaisesRegex(TypeError, "initialize"):
            H.initialize(bytearray(H.size), None)
        self.assertEqual(box.state(), S.idle)

    def test_only_declared_states_are_stored(self):
        _, box = fresh()
        t = box.try_acquire(S.idle)
        with self.assertRaisesRegex(ValueError, "publish.*99 is not one of the layout's valid_states"):
            t.publish(99)
        with self.assertRaisesRegex(ValueError, "valid_states"):
            H.initialize(bytearray(H.size), 7)
        self.assertIsNone(box.try_acquire(99))  # waiting for one is merely pointless
        t.publish(S.task_ready)
        self.assertEqual(box.state(), S.task_ready)

    def test_a_bad_publish_keeps_the_token(self):
        _, box = fresh()
        t = box.try_acquire(S.idle)
        with self.assertRaises(TypeError):
            t.publish("done")
        t.publish(S.task_done)
        self.assertEqual(box.state(), S.task_done)

    def test_an_undeclared_state_from_a_peer_is_reported(self):
        buf, box = fresh()
        struct.pack_into("=i", buf, 0, 99)  # a hostile peer
        with self.assertRaisesRegex(ValueError, "valid_states"):
            box.acquire(S.task_ready, timeout=1)

    def test_blocking_layouts_refuse_the_waiter_mark(self):
        _, box = fresh(m.BlockingHandoff)
        t = box.try_acquire(S.idle)
        with self.assertRaisesRegex(ValueError, "top bit"):
            t.publish(-2**31)
        t.publish(S.task_ready)


class Waiting(Clean):
    def test_timeouts(self):
        _, box = fresh()
        for timeout in (0, 0.0, 0.05, -1):
            with self.subTest(timeout=timeout):
                with self.assertRaisesRegex(TimeoutError, "State.task_done"):
                    box.acquire(S.task_done, timeout=timeout)
                with self.assertRaisesRegex(TimeoutError, "task_ready.* or .*task_done"):
                    box.acquire_any([S.task_ready, S.task_done], timeout=timeout)
        with self.assertRaisesRegex(ValueError, "NaN"):
            box.acquire(S.task_done, timeout=float("nan"))
        with self.assertRaisesRegex(TypeError, "timeout"):
            box.acquire(S.task_done, timeout="1")

    def test_a_dead_peer_ends_the_wait(self):
        _, box = fresh()
        calls = []

        def alive():
            calls.append(1)
            return len(calls) < 3

        with self.assertRaisesRegex(m.PeerGone, "alive"):
            box.acquire(S.task_done, timeout=60, alive=alive)
        self.assertEqual(len(calls), 3)
        with self.assertRaises(m.PeerGone):
            box.acquire_any([S.task_done, S.shutdown], timeout=60, alive=lambda: False)
        self.assertIsInstance(m.PeerGone(), RuntimeError)

    def test_alive_errors_propagate(self):
        _, box = fresh()

        def broken():
            raise ZeroDivisionError("from alive")

        with self.assertRaisesRegex(ZeroDivisionError, "from alive"):
            box.acquire(S.task_done, timeout=60, alive=broken)

    def test_acquire_any_says_which_state(self):
        _, box = fresh(state=S.task_done)
        with box.acquire_any([S.task_ready, S.task_done, S.shutdown], timeout=1) as t:
            self.assertEqual(t.state, S.task_done)
            t.publish(S.idle)
        with self.assertRaisesRegex(ValueError, "1 to 16"):
            box.acquire_any([], timeout=1)

    def _hand_over_from_a_thread(self, layout):
        _, box = fresh(layout)
        got = {}

        def waiter():
            try:
                t = box.acquire(S.task_ready, timeout=30)
                got["sequence"] = t["sequence"]
                t.publish(S.task_done)
            except Exception as e:  # reported below
                got["error"] = e

        thread = threading.Thread(target=waiter)
        thread.start()
        # The waiter holds no GIL while it waits, or this thread could not run.
        t = box.acquire(S.idle)
        time.sleep(0.05)
        t["sequence"] = 1234
        t.publish(S.task_ready)
        box.acquire(S.task_done, timeout=30).abandon()
        thread.join()
        self.assertEqual(got, {"sequence": 1234})

    def test_waiting_releases_the_gil(self):
        self._hand_over_from_a_thread(H)

    def test_blocking_waits_are_woken(self):
        self._hand_over_from_a_thread(m.BlockingHandoff)

    def test_ctrl_c_interrupts_a_wait(self):
        _, box = fresh()
        # A shell may start us with SIGINT ignored; Ctrl-C is Python's default handler.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        timer = threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with self.assertRaises(KeyboardInterrupt):
                box.acquire(S.task_done, timeout=60)
        finally:
            timer.cancel()
            signal.signal(signal.SIGINT, previous)


class FlagsAndTransitions(Clean):
    def setUp(self):
        super().setUp()
        self.buf = bytearray(m.Frame.size)
        self.box = m.Frame.initialize(self.buf, F.idle)

    def test_flags_are_words_outside_the_tokens(self):
        box = self.box
        self.assertFalse(box.is_raised("stop"))
        box.raise_flag("stop")
        self.assertTrue(box.is_raised("stop"))
        self.assertFalse(box.is_raised("seen"))
        self.assertEqual(struct.unpack_from("=i", self.buf, m.Frame.fields["stop"][0])[0], 1)
        box.clear_flag("stop")
        self.assertFalse(box.is_raised("stop"))
        struct.pack_into("=Q", self.buf, m.Frame.fields["seen"][0], 7)  # another language's non-zero
        self.assertTrue(box.is_raised("seen"))
        self.assertEqual(box.state(), F.idle)  # the state word untouched

    def test_only_flags_are_flags(self):
        for name in ("error", "state", "nope"):
            with self.subTest(name=name):
                with self.assertRaisesRegex(KeyError, f"no flag '{name}' \\(its flags: stop, seen\\)"):
                    self.box.raise_flag(name)
        t = self.box.try_acquire(F.idle)
        with self.assertRaisesRegex(KeyError, "'stop' is a flag, not a payload field"):
            t["stop"] = 1
        t.abandon()

    def test_try_transition(self):
        self.assertFalse(self.box.try_transition(F.staged, F.running))
        self.assertEqual(self.box.state(), F.idle)
        self.assertTrue(self.box.try_transition(F.idle, F.staged))
        self.assertEqual(self.box.state(), F.staged)
        if not self.box.try_transition(F.idle, F.staged):  # still reads as a bool
            pass
        else:
            self.fail("moved from a state the word did not hold")
        with self.assertRaises(TypeError):
            self.box.try_transition("staged", F.running)

    def test_try_transition_says_which_state_it_lost_to(self):
        moved = self.box.try_transition(F.idle, F.staged)
        self.assertIs(type(moved), m.Frame.Transition)
        self.assertTrue(moved.moved)
        self.assertEqual(moved.found, F.idle)  # `from` when it moved
        self.assertIs(type(moved.found), m.Frame.State)
        lost = self.box.try_transition(F.idle, F.request)
        self.assertFalse(lost)
        self.assertFalse(lost.moved)
        self.assertEqual(lost.found, F.staged)  # the state it lost to
        self.assertEqual(repr(lost), "<Frame.Transition not moved: found State.staged>")
        self.assertEqual(repr(moved), "<Frame.Transition moved from State.idle>")
        # A value nobody declared is read back as the int it is.
        struct.pack_into("=i", self.buf, m.Frame.fields["state"][0], 99)
        self.assertEqual(self.box.try_transition(F.idle, F.staged).found, 99)
        with self.assertRaises(TypeError):
            m.Frame.Transition()

    def test_overlay_fields_share_bytes(self):
        with self.box.try_acquire(F.idle) as t:
            t["command"] = 5
            self.assertEqual(m.Frame.fields["command"][0], m.Frame.fields["words"][0])
            self.assertEqual(t["words"][0], 5)
            t.abandon()
        layout = json.loads(m.Frame.json)
        self.assertEqual(layout["overlays"], ["control", "task"])
        self.assertEqual(layout["flags"], ["stop", "seen"])
        by_name = {f["name"]: f for f in layout["fields"]}
        self.assertEqual(by_name["sum"]["overlay"], "task")
        self.assertEqual(by_name["stop"]["role"], "flag")
        self.assertIsNone(by_name["note"]["overlay"])


class Endpoints(Clean):
    def setUp(self):
        super().setUp()
        self.box = m.Frame.initialize(bytearray(m.Frame.size), F.idle)
        self.parent = m.FrameParent(self.box)
        self.child = m.FrameChild(self.box)

    def test_a_round_through_the_protocol(self):
        t = self.parent.acquire(F.idle, timeout=1)
        t["command"] = 3
        t.publish(F.request)
        t = self.child.acquire(F.request, timeout=1)
        self.assertEqual(t["command"], 3)
        t["result"] = 9
        t.publish(F.reply)
        t = self.parent.acquire_any([F.reply, F.done, F.failed], timeout=1)
        self.assertEqual(t.state, F.reply)
        # Acquired for three states, the token reaches what all of them view
        # (reply views control, done views task, failed views nothing) and
        # publishes what all of them allow next, as endpoint::acquire_any's does.
        self.assertEqual(t.keys(), ["error", "note"])
        with self.assertRaisesRegex(m.ProtocolError, "field 'result' is in overlay 'control'.*State.done"):
            t["result"]
        self.assertIsNone(t.narrow(F.done))  # acquired in reply, not done
        with self.assertRaisesRegex(m.ProtocolError, "narrow\\(State.running\\) names a state the token was not acquired for"):
            t.narrow(F.running)
        reply = t.narrow(F.reply)
        with self.assertRaisesRegex(RuntimeError, "after narrow"):
            t["error"]
        self.assertEqual(reply["result"], 9)
        self.assertEqual(reply.state, F.reply)
        reply.publish(F.idle)
        self.assertEqual(self.parent.state(), F.idle)
        self.assertEqual(self.box.state(), F.idle)
        self.assertIs(type(self.box.state()), m.Frame.State)  # the protocol named the layout's states

    def test_states_the_role_does_not_own(self):
        with self.assertRaisesRegex(m.ProtocolError, "role 'child' does not own State.idle \\(its owners: parent\\)"):
            self.child.try_acquire(F.idle)
        with self.assertRaisesRegex(m.ProtocolError, "role 'parent' does not own State.off \\(its owners: child\\)"):
            self.parent.acquire(F.off, timeout=0)
        with self.assertRaisesRegex(m.ProtocolError, "does not own"):
            self.parent.acquire_any([F.reply, F.request], timeout=0)
        with self.assertRaisesRegex(m.ProtocolError, "several owners \\(parent, child\\).*try_transition"):
            self.parent.acquire(F.staged, timeout=0)
        self.assertIsInstance(m.ProtocolError(), ValueError)

    def test_fields_outside_the_views(self):
        t = self.parent.acquire(F.idle)
        t.publish(F.request)
        t = self.child.acquire(F.request)
        self.assertEqual(t.keys(), ["error", "command", "result", "note"])
        for name in ("words", "sum"):
            with self.subTest(name=name):
                with self.assertRaisesRegex(m.ProtocolError, f"field '{name}' is in overlay 'task'.*State.request \\(control\\)"):
                    t[name] = 1
                with self.assertRaisesRegex(m.ProtocolError, f"field '{name}'"):
                    t[name]
        t["error"] = 1  # common fields are always in view
        with self.assertRaisesRegex(KeyError, "nope"):
            t["nope"]
        t.publish(F.reply)

    def test_next_states(self):
        t = self.parent.acquire(F.idle)
        with self.assertRaisesRegex(m.ProtocolError, "publish\\(State.done\\) from State.idle.*next of State.idle: State.request, State.staged, State.off"):
            t.publish(F.done)
        self.assertEqual(self.box.state(), F.idle)
        t.publish(F.staged)
        with self.assertRaisesRegex(RuntimeError, "after publish"):
            t["error"]
        with self.assertRaisesRegex(m.ProtocolError, "State.staged -> State.done is not in the protocol"):
            self.parent.try_transition(F.staged, F.done)
        with self.assertRaisesRegex(m.ProtocolError, "role 'parent' does not own State.running"):
            self.parent.try_transition(F.running, F.done)
        self.assertTrue(self.child.try_transition(F.staged, F.running))
        lost = self.parent.try_transition(F.staged, F.failed)
        self.assertFalse(lost)
        self.assertEqual(lost.found, F.running)  # the child won
        self.assertEqual(self.box.state(), F.running)

    def test_edges_given_to_one_owner(self):
        t = self.parent.acquire(F.idle)
        t.publish(F.staged)
        # staged is shared; next<by<"child", running>, by<"parent", failed>>.
        with self.assertRaisesRegex(
                m.ProtocolError,
                "FrameParent.try_transition: the protocol gives State.staged -> State.running to role 'child', "
                "not to 'parent' \\(role 'parent' may take from State.staged: State.failed\\)"):
            self.parent.try_transition(F.staged, F.running)
        with self.assertRaisesRegex(
                m.ProtocolError,
                "the protocol gives State.staged -> State.failed to role 'parent', not to 'child' "
                "\\(role 'child' may take from State.staged: State.running\\)"):
            self.child.try_transition(F.staged, F.failed)
        self.assertEqual(self.box.state(), F.staged)  # neither refused call moved it
        moved = self.parent.try_transition(F.staged, F.failed)
        self.assertTrue(moved)
        self.assertEqual(moved.found, F.staged)
        self.assertEqual(self.box.state(), F.failed)

    def test_try_transition_leaves_only_shared_states(self):
        # As endpoint::try_transition: a state with one owner is left by
        # publish() from its token, which writes the payload first.
        with self.assertRaisesRegex(
                m.ProtocolError,
                "try_transition leaves only a state with several owners; State.idle has one \\(parent\\): "
                "leave it with publish\\(\\) from its token"):
            self.parent.try_transition(F.idle, F.request)
        self.assertEqual(self.box.state(), F.idle)

    def test_flag_rules(self):
        # stop: raised and cleared by the parent; seen: raised by the child,
        # cleared by nobody. Every role reads every flag.
        self.parent.raise_flag("stop")
        self.assertTrue(self.child.is_raised("stop"))
        with self.assertRaisesRegex(
                m.ProtocolError,
                "FrameChild.clear_flag: role 'child' may not clear flag 'stop' \\(its flag_rule: cleared by parent\\)"):
            self.child.clear_flag("stop")
        with self.assertRaisesRegex(
                m.ProtocolError, "role 'child' may not raise flag 'stop' \\(its flag_rule: raised by parent\\)"):
            self.child.raise_flag("stop")
        self.assertTrue(self.box.is_raised("stop"))
        self.parent.clear_flag("stop")
        self.assertFalse(self.parent.is_raised("stop"))
        with self.assertRaisesRegex(
                m.ProtocolError, "role 'parent' may not raise flag 'seen' \\(its flag_rule: raised by child\\)"):
            self.parent.raise_flag("seen")
        self.assertFalse(self.box.is_raised("seen"))
        self.child.raise_flag("seen")
        for end in (self.parent, self.child):
            with self.subTest(role=end.role):
                with self.assertRaisesRegex(
                        m.ProtocolError, f"role '{end.role}' may not clear flag 'seen' \\(its flag_rule: cleared by nobody\\)"):
                    end.clear_flag("seen")
        self.assertTrue(self.box.is_raised("seen"))
        with self.assertRaisesRegex(KeyError, "no flag 'error'"):
            self.parent.raise_flag("error")
        with self.assertRaisesRegex(KeyError, "no flag 'nope'"):
            self.child.is_raised("nope")

    def test_a_terminal_state_is_read_and_dropped(self):
        t = self.parent.acquire(F.idle, timeout=1)
        t["command"] = 11
        t.publish(F.off)
        # off is the child's and has no next state: its token has no
        # publish, and ends without a warning however it ends.
        t = self.child.acquire(F.off, timeout=1)
        self.assertEqual(t["command"], 11)
        with self.assertRaisesRegex(m.ProtocolError, "State.off is terminal \\(no next state\\): its token has no publish"):
            t.publish(F.idle)
        with self.child.acquire(F.off, timeout=1) as t:
            self.assertEqual(t["command"], 11)
        self.assertTrue(t.abandoned)
        t = self.child.acquire(F.off, timeout=1)
        del t
        gc.collect()
        self.assertEqual([str(w.message) for w in self._warnings], [])
        self.assertEqual(self.box.state(), F.off)
        # A token acquired for several states warns unless all are terminal.
        child = m.FrameChild(m.Frame.initialize(bytearray(m.Frame.size), F.request))
        with self.assertWarnsRegex(ResourceWarning, "acquired in State.request left its with block"):
            with child.acquire_any([F.request, F.off], timeout=1):
                pass

    def test_the_json_has_the_protocols_rules(self):
        protocol = json.loads(m.FrameParent.json)["protocol"]
        states = {st["name"]: st for st in protocol["states"]}
        self.assertEqual((states["staged"]["next"], states["staged"]["next_by"]),
                         ([int(F.running), int(F.failed)], ["child", "parent"]))
        self.assertEqual(states["idle"]["next_by"], [None, None, None])
        self.assertEqual(protocol["initial"], [int(F.idle)])
        self.assertEqual(protocol["flag_rules"], [
            {"flag": "stop", "raised_by": ["parent"], "cleared_by": ["parent"]},
            {"flag": "seen", "raised_by": ["child"], "cleared_by": []}])

    def test_roles_and_the_protocol_fingerprint(self):
        self.assertEqual((m.FrameParent.role, m.FrameChild.role), ("parent", "child"))
        self.assertEqual(m.FrameParent.fingerprint, m.FrameChild.fingerprint)
        self.assertNotEqual(m.FrameParent.fingerprint, m.Frame.fingerprint)
        # No way around the protocol's checks: the endpoint hands out no mailbox.
        self.assertFalse(hasattr(self.parent, "view") or hasattr(self.parent, "mailbox"))
        self.assertIs(m.FrameParent.State, m.FrameChild.State)
        self.assertEqual([s.name for s in F], ["idle", "request", "reply", "staged", "running", "done", "failed", "off"])

    def test_an_endpoint_needs_a_view_of_its_layout(self):
        with self.assertRaisesRegex(TypeError, "FrameParent: needs a mailbox of the protocol's layout \\(Frame"):
            m.FrameParent(H(bytearray(H.size)))


class StructMembers(Clean):
    """A struct field described by member (MAILBOX_DESCRIBE) is reached by path."""

    def setUp(self):
        super().setUp()
        self.buf = bytearray(m.Described.size)
        self.box = m.Described.initialize(self.buf, 0)

    def test_paths_name_members_at_the_structs_offsets(self):
        D = m.Described
        base = D.fields["config"][0]
        self.assertEqual(D.fields["config"][1], 52)
        self.assertEqual(D.fields["config.call_id"], (base, 4))
        self.assertEqual(D.fields["config.timeout_ms"], (base + 5, 8))  # packed: misaligned
        self.assertEqual(D.fields["config.function"], (base + 13, 16))
        self.assertEqual(D.fields["config.limits"], (base + 43, 8))
        self.assertEqual(D.fields["config.limits.hard"], (base + 47, 4))
        self.assertNotIn("opaque.a", D.fields)  # no description: its bytes only
        # The JSON export lists the members with the same offsets.
        config = {f["name"]: f for f in json.loads(D.json)["fields"]}["config"]
        members = {mm["name"]: mm for mm in config["members"]}
        self.assertEqual(members["timeout_ms"]["offset"], 5)
        self.assertEqual([mm["name"] for mm in members["limits"]["members"]], ["soft", "hard"])

    def test_read_and_write_by_path(self):
        with self.box.acquire(0, timeout=1) as t:
            t["config.call_id"] = 7
            t["config.timeout_ms"] = 2**64 - 1
            t["config.function"] = "resize"
            t["config.seeds"] = [1, -2, 3]
            t["config.weight"] = 0.5
            t["config.limits.hard"] = 9
            t["config.mode"] = 1
            self.assertEqual(t["config.call_id"], 7)
            self.assertEqual(t["config.timeout_ms"], 2**64 - 1)
            self.assertEqual(t["config.function"], "resize")
            self.assertEqual(t["config.seeds"], [1, -2, 3])
            self.assertEqual(t["config.weight"], 0.5)
            self.assertEqual(t["config.limits.hard"], 9)
            self.assertEqual(t["config.mode"], 1)
            self.assertEqual(t["config.lease_kind"], 0)
            # The bytes are where the C++ struct has them.
            self.assertEqual(struct.unpack("=IBQ16s3hdIIB", t["config"]),
                             (7, 0, 2**64 - 1, b"resize" + bytes(10), 1, -2, 3, 0.5, 0, 9, 1))
            t["config.limits"] = struct.pack("=II", 4, 5)  # a nested struct whole: its bytes
            self.assertEqual((t["config.limits.soft"], t["config.limits.hard"]), (4, 5))
            with self.assertRaises(OverflowError):
                t["config.lease_kind"] = 256
            with self.assertRaisesRegex(ValueError, "config.function"):
                t["config.function"] = "x" * 16
            with self.assertRaisesRegex(KeyError, "has no payload field 'config.nope'"):
                t["config.nope"]
            with self.assertRaisesRegex(KeyError, "'opaque.a'"):
                t["opaque.a"] = 1
            with t.view("config.seeds") as v:
                self.assertEqual((v.format, v.tolist()), ("h", [1, -2, 3]))
            self.assertEqual(t.keys(), ["config", "opaque", "count", "command"])  # the fields, not the paths
            t.publish(1)


class Records(Clean):
    """Committed records through the raw-byte record protocol, on the mailbox, without a token."""

    def setUp(self):
        super().setUp()
        self.buf = bytearray(m.Described.size)
        self.box = m.Described.initialize(self.buf, 0)

    def test_write_read_and_clear(self):
        box = self.box
        self.assertIsNone(box.read_record("teardown", 1))
        self.assertEqual(box.read_record_status("teardown", 1), ("empty", None))
        box.write_record("teardown", 1, {"exit_code": -9, "reason": "killed", "limits": {"hard": 4}})
        report = {"exit_code": -9, "signal": 0, "reason": "killed", "limits": {"soft": 0, "hard": 4}}
        self.assertEqual(box.read_record("teardown", 1), report)
        self.assertEqual(box.read_record_status("teardown", 1), ("valid", report))
        self.assertEqual(box.read_record_status("teardown", 2), ("other_generation", None))
        # In memory: the sequence word (even once committed), schema, generation, body.
        at = m.Described.fields["teardown"][0]
        sequence, schema, generation, exit_code = struct.unpack_from("=QIIi", self.buf, at)
        self.assertEqual((sequence % 2, generation, exit_code), (0, 1, -9))
        self.assertNotEqual(schema, 0)
        struct.pack_into("=Q", self.buf, at, sequence + 1)  # a writer that died in the middle
        self.assertEqual(box.read_record_status("teardown", 1), ("writing", None))
        self.assertIsNone(box.read_record("teardown", 1))
        struct.pack_into("=Q", self.buf, at, sequence)
        struct.pack_into("=I", self.buf, at + 8, schema ^ 1)  # another build's body type
        self.assertEqual(box.read_record_status("teardown", 1), ("other_schema", None))
        box.write_record("teardown", 1, struct.pack("=iI24sII", 3, 15, b"term", 1, 2))  # bytes work too
        self.assertEqual(box.read_record("teardown", 1)["reason"], "term")
        box.clear_record("teardown")
        self.assertEqual(box.read_record_status("teardown", 1), ("empty", None))
        # A body without a description is its bytes.
        box.write_record("raw", 7, struct.pack("=II", 1, 2))
        self.assertEqual(box.read_record("raw", 7), struct.pack("=II", 1, 2))
        self.assertEqual(box.state(), 0)  # no token, no state change

    def test_records_are_not_payload(self):
        with self.box.acquire(0, timeout=1) as t:
            for name in ("teardown", "raw"):
                with self.subTest(name=name):
                    with self.assertRaisesRegex(KeyError, f"'{name}' is a committed record, not a payload field"):
                        t[name]
                    with self.assertRaisesRegex(KeyError, f"'{name}' is a committed record"):
                        t[name] = bytes(8)
            self.assertEqual(t.keys(), ["config", "opaque", "count", "command"])
            t.abandon()

    def test_mistakes_are_exceptions_and_write_nothing(self):
        box = self.box
        with self.assertRaisesRegex(KeyError, "has no record 'count' \\(its records: teardown, raw\\)"):
            box.read_record("count", 1)
        with self.assertRaisesRegex(KeyError, "Described 'teardown' has no member 'nope' \\(its members: exit_code, signal, reason, limits\\)"):
            box.write_record("teardown", 1, {"nope": 1})
        with self.assertRaisesRegex(KeyError, "'teardown.limits' has no member 'x'"):
            box.write_record("teardown", 1, {"limits": {"x": 1}})
        with self.assertRaises(TypeError):
            box.write_record("teardown", 1, {"exit_code": "3"})
        with self.assertRaises(OverflowError):
            box.write_record("teardown", 1, {"exit_code": 2**31})
        with self.assertRaisesRegex(ValueError, "teardown.reason"):
            box.write_record("teardown", 1, {"reason": "x" * 24})
        with self.assertRaisesRegex(ValueError, "takes exactly 8 bytes"):
            box.write_record("raw", 1, b"short")
        with self.assertRaisesRegex(OverflowError, "32-bit"):
            box.write_record("raw", -1, bytes(8))
        with self.assertRaisesRegex(OverflowError, "32-bit"):
            box.read_record("raw", 2**32)
        with self.assertRaisesRegex(TypeError, "takes 3 arguments"):
            box.write_record("raw", 1)

        class Lying(collections.abc.Mapping):  # items() that are not pairs
            def __getitem__(self, key):
                raise KeyError(key)

            def __iter__(self):
                return iter(())

            def __len__(self):
                return 0

            def items(self):
                return [1, ("exit_code", 2, 3)]
        with self.assertRaisesRegex(TypeError, "items\\(\\) of the mapping gave 1, not a \\(name, value\\) pair"):
            box.write_record("teardown", 1, Lying())
        with self.assertRaisesRegex(TypeError, "record names are str"):
            box.clear_record(1)
        self.assertEqual(box.read_record_status("teardown", 1), ("empty", None))
        self.assertEqual(bytes(self.buf[m.Described.fields["teardown"][0]:][:8]), bytes(8))


class KeyedUnions(Clean):
    """A keyed union through a token: the key, the alternative it selects, emplace."""

    def setUp(self):
        super().setUp()
        self.buf = bytearray(m.Described.size)
        self.box = m.Described.initialize(self.buf, 0)

    def test_emplace_then_read_under_the_key(self):
        at = m.Described.fields["command"][0]
        with self.box.acquire(0, timeout=1) as t:
            self.assertEqual(t.key("command"), 0)
            self.assertIsNone(t.alternative("command"))  # 0 selects no alternative
            t.emplace("command", "copy", {"src": 5, "tag": "abc"})
            self.assertEqual(t.key("command"), 2)
            self.assertEqual(t.alternative("command"), ("copy", {"src": 5, "dst": 0, "tag": "abc"}))
            t.emplace("command", "info", {"limits": {"soft": 1, "hard": 2}})
            self.assertEqual(t.key("command"), -3)  # signed, 2 bytes
            self.assertEqual(struct.unpack_from("=h", self.buf, at)[0], -3)
            self.assertEqual(t.alternative("command"), ("info", {"limits": {"soft": 1, "hard": 2}}))
            t.emplace("command", "copy")  # the alternative's bytes zeroed
            self.assertEqual(t.alternative("command"), ("copy", {"src": 0, "dst": 0, "tag": ""}))
            t.emplace("command", "ping", {})
            self.assertEqual(t.alternative("command"), ("ping", {}))
            struct.pack_into("=h", self.buf, at, 99)  # a key this side does not know
            self.assertEqual(t.key("command"), 99)
            self.assertIsNone(t.alternative("command"))
            t.publish(1)
        layout = {f["name"]: f for f in json.loads(m.Described.json)["fields"]}
        self.assertEqual([a["name"] for a in layout["command"]["keyed"]["alternatives"]], ["ping", "copy", "info"])

    def test_mistakes_are_exceptions_and_write_nothing(self):
        at = m.Described.fields["command"][0]
        with self.box.acquire(0, timeout=1) as t:
            t.emplace("command", "copy", {"src": 5})
            before = bytes(self.buf)
            with self.assertRaisesRegex(KeyError, "has no alternative 'move' \\(its alternatives: ping, copy, info\\)"):
                t.emplace("command", "move")
            with self.assertRaisesRegex(KeyError, "'command.copy' has no member 'limits'"):
                t.emplace("command", "copy", {"limits": 1})
            with self.assertRaises(OverflowError):
                t.emplace("command", "copy", {"dst": -1})
            with self.assertRaisesRegex(TypeError, "takes a dict"):
                t.emplace("command", "copy", 3)
            with self.assertRaisesRegex(TypeError, "field 'count' is not a keyed union"):
                t.key("count")
            with self.assertRaisesRegex(TypeError, "takes 2 or 3 arguments"):
                t.emplace("command")
            self.assertEqual(bytes(self.buf), before)
            self.assertEqual(struct.unpack_from("=h", self.buf, at)[0], 2)
            t.abandon()
        with self.assertRaisesRegex(RuntimeError, "after abandon"):
            t.key("command")


class RecordsAndKeyedWithCxx(Clean):
    """What Python writes, C++ reads (Mailbox::read_record, token::alternative), and the reverse."""

    def test_both_ways(self):
        buf = bytearray(m.Described.size)
        box = m.Described.initialize(buf, 0)
        m.cxx_write(buf, 5)  # the record, then "copy" with src 77 through a token, published full
        self.assertEqual(box.read_record("teardown", 5),
                         {"exit_code": -6, "signal": 9, "reason": "cxx", "limits": {"soft": 1, "hard": 2}})
        self.assertIsNone(box.read_record("teardown", 4))
        with box.acquire(1, timeout=1) as t:
            self.assertEqual(t.alternative("command"), ("copy", {"src": 77, "dst": 0, "tag": ""}))
            t.emplace("command", "info", {"limits": {"hard": 3}})
            t.publish(0)
        box.write_record("teardown", 6, {"exit_code": 12, "reason": "python", "limits": {"hard": 8}})
        self.assertEqual(m.cxx_read(buf, 6), ("valid", 12, "python", 8, -3, None))
        self.assertEqual(m.cxx_read(buf, 5)[0], "other_generation")
        with box.acquire(0, timeout=1) as t:
            t.emplace("command", "copy", {"src": 2**64 - 1})
            t.publish(1)
        self.assertEqual(m.cxx_read(buf, 6)[4:], (2, 2**64 - 1))


class States(Clean):
    def test_state_is_an_int_enum_of_the_valid_states(self):
        import enum  # pylint: disable=import-outside-toplevel
        self.assertTrue(issubclass(S, enum.IntEnum))
        self.assertEqual([(s.name, int(s)) for s in S],
                         [("idle", 0), ("task_ready", 1), ("task_done", 2), ("shutdown", 3)])
        self.assertEqual(S.__qualname__, "Handoff.State")
        self.assertEqual(S.__module__, "mailbox_test_module")
        self.assertIs(m.HandoffV2.State, m.HandoffV2.State)

    def test_states_read_as_members_and_ints_are_accepted(self):
        _, box = fresh(state=2)
        self.assertIs(box.state(), S.task_done)
        with box.acquire(2, timeout=0) as t:
            self.assertIs(t.state, S.task_done)
            t["mode"] = 3
            self.assertIs(t["mode"], S.shutdown)  # a field of the state's type reads as State too
            t.publish(0)
        self.assertIs(box.state(), S.idle)

    def test_anything_with_index_is_a_state(self):
        class Like:  # a pybind11 enum member, for instance
            def __index__(self):
                return 1

        _, box = fresh()
        with box.acquire(S.idle) as t:
            t.publish(Like())
        self.assertIs(box.state(), S.task_ready)

    def test_an_undeclared_value_reads_back_as_an_int(self):
        buf, box = fresh()
        struct.pack_into("=i", buf, 0, 99)  # another side stored what nobody declared
        self.assertEqual(box.state(), 99)
        self.assertIs(type(box.state()), int)
        self.assertIn("state 99", repr(box))

    def test_an_integer_state_word(self):
        self.assertIsNone(m.Counter.State)
        buf = bytearray(m.Counter.size)
        box = m.Counter.initialize(buf, 2**64 - 1)
        self.assertEqual(box.state(), 2**64 - 1)
        with box.acquire(2**64 - 1, timeout=0) as t:
            t["value"] = -5
            t.publish(7)
        self.assertEqual(box.state(), 7)
        with self.assertRaisesRegex(OverflowError, "unsigned 64-bit state word"):
            box.try_acquire(-1)

    def test_json_names_the_states(self):
        layout = json.loads(H.json)
        self.assertEqual(layout["state_names"], ["idle", "task_ready", "task_done", "shutdown"])
        self.assertEqual(layout["valid_states"], [0, 1, 2, 3])
        protocol = json.loads(m.FrameChild.json)["protocol"]
        self.assertEqual(protocol["role"], "child")
        self.assertEqual(int(protocol["fingerprint"], 16), m.FrameChild.fingerprint)
        idle = protocol["states"][0]
        self.assertEqual(idle, {"state": 0, "name": "idle", "owners": ["parent"], "views": ["control", "task"],
                                "next": [1, 3, 7], "next_by": [None, None, None]})


class TokenEnds(Clean):
    def test_abandon_leaves_the_state(self):
        _, box = fresh()
        t = box.acquire(S.idle)
        t["sequence"] = 9
        t.abandon()
        self.assertTrue(t.abandoned)
        self.assertFalse(t.published)
        self.assertEqual(box.state(), S.idle)
        for use in (lambda: t["sequence"], lambda: t.publish(S.task_ready), t.abandon, lambda: t.view("args")):
            with self.assertRaisesRegex(RuntimeError, "after abandon"):
                use()
        with box.acquire(S.idle) as again:  # the owner takes it again, and sees the unpublished write
            self.assertEqual(again["sequence"], 9)
            again.publish(S.task_ready)
        self.assertIn("published", repr(again))

    def test_with_publishes_or_abandons_with_a_warning(self):
        _, box = fresh()
        with box.acquire(S.idle) as t:
            self.assertIn("acquired in State.idle", repr(t))
        self.assertTrue(t.abandoned)
        self.expect_abandoned(r"Handoff token acquired in State.idle left its with block without publish\(\); "
                              r"abandoned: the mailbox stays in State.idle")
        self.assertEqual(box.state(), S.idle)

    def test_an_exception_leaving_a_with_block_abandons_the_token(self):
        _, box = fresh()
        with self.assertRaisesRegex(ZeroDivisionError, "inside"):
            with box.acquire(S.idle) as t:
                raise ZeroDivisionError("inside")
        self.assertTrue(t.abandoned)
        self.expect_abandoned("left its with block by an exception")

    def test_a_dropped_token_warns(self):
        _, box = fresh()

        def forgets():
            t = box.acquire(S.idle)
            t["error"] = 1

        def unwinds():
            t = box.acquire(S.idle)  # pylint: disable=unused-variable
            raise KeyError("unwinding")

        forgets()
        self.expect_abandoned("Handoff token acquired in State.idle was dropped without publish")
        with self.assertRaises(KeyError):
            unwinds()
        self.expect_abandoned("was dropped")
        self.assertEqual(box.state(), S.idle)

    def test_keys_state_and_repr(self):
        _, box = fresh()
        with box.acquire(S.idle) as t:
            self.assertEqual(t.keys(), [name for name in H.fields if name != "state"])
            self.assertIs(t.state, S.idle)
            t.publish(S.task_ready)
        self.assertEqual(repr(t), "<Handoff token, published>")
        self.assertRegex(repr(box), r"<Handoff mailbox 0 of 1, state State.task_ready>")

    def test_tokens_are_made_only_by_mailboxes(self):
        with self.assertRaises(TypeError):
            H.Token()
        with self.assertRaises(TypeError):
            m.FrameChild.Token()


class Views(Clean):
    def test_a_view_is_the_fields_memory(self):
        buf, box = fresh()
        with box.acquire(S.idle) as t:
            with t.view("args") as args:
                self.assertEqual((args.format, args.itemsize, args.shape, args.readonly), ("Q", 8, (16,), False))
                args[3] = 2**64 - 1
                self.assertEqual(t["args"][3], 2**64 - 1)
                t["args"] = list(range(16))
                self.assertEqual(args.tolist(), list(range(16)))
            start = H.fields["args"][0]
            self.assertEqual(struct.unpack_from("=Q", buf, start + 8 * 5)[0], 5)
            with t.view("blob") as blob:
                self.assertEqual((blob.format, blob.shape), ("B", (32,)))
                blob[0:3] = b"abc"
            self.assertEqual(t["blob"][:3], b"abc")
            t.publish(S.task_ready)

    def test_views_of_every_shape(self):
        buf = bytearray(m.Shapes.size)
        box = m.Shapes.initialize(buf, 0)
        expected = {"grid": ("d", (3, 4)), "points": ("B", (12,)), "scalar": ("q", (1,)), "text": ("B", (8,)),
                    "small": ("b", (5,)), "halves": ("H", (2,)), "ratio": ("f", (1,)),
                    "deep": ("B", (2, 2, 2, 2, 2))}
        with box.acquire(0) as t:
            for name, (fmt, shape) in expected.items():
                with self.subTest(name=name), t.view(name) as v:
                    self.assertEqual((v.format, v.shape, v.nbytes), (fmt, shape, m.Shapes.fields[name][1]))
                    self.assertTrue(v.c_contiguous)
            with t.view("grid") as grid:
                grid[2, 3] = 1.5
            self.assertEqual(struct.unpack_from("=d", buf, m.Shapes.fields["grid"][0] + 11 * 8)[0], 1.5)
            with t.view("scalar") as scalar:
                scalar[0] = -7
            self.assertEqual(t["scalar"], -7)
            self.assertEqual(bytes(memoryview(t.view("text")).cast("B")), bytes(8))
            t.abandon()

    def test_publish_and_abandon_refuse_while_a_view_lives(self):
        _, box = fresh()
        t = box.acquire(S.idle)
        v = t.view("args")
        w = t.view("error_msg")
        for end in (lambda: t.publish(S.task_ready), t.abandon):
            with self.assertRaisesRegex(BufferError, "2 memoryview"):
                end()
        self.assertEqual(box.state(), S.idle)
        v.release()
        with self.assertRaisesRegex(BufferError, "1 memoryview"):
            t.publish(S.task_ready)
        del w
        gc.collect()
        t.publish(S.task_ready)
        self.assertEqual(box.state(), S.task_ready)

    def test_leaving_a_with_block_with_a_view_alive_is_a_buffer_error(self):
        _, box = fresh()
        with self.assertRaises(BufferError):
            with box.acquire(S.idle) as t:
                v = t.view("args")
        v.release()
        t.abandon()

    def test_unknown_names_and_flags_have_no_view(self):
        _, box = fresh()
        with box.acquire(S.idle) as t:
            with self.assertRaisesRegex(KeyError, "no payload field 'nope'"):
                t.view("nope")
            with self.assertRaisesRegex(KeyError, "state word"):
                t.view("state")
            t.abandon()

    def test_a_large_field_is_not_copied(self):
        buf = bytearray(m.Large.size)
        box = m.Large.initialize(buf, 0)
        with box.acquire(0) as t:
            with t.view("page") as page:
                page[65535] = 7
                self.assertEqual(page[65535], 7)
                self.assertEqual(page.nbytes, 65536)
            with t.view("samples") as samples:
                self.assertEqual((samples.format, samples.shape), ("f", (1 << 22,)))
            t.publish(1)
        self.assertEqual(buf[m.Large.fields["page"][0] + 65535], 7)


class Policies(Clean):
    def test_policies_and_spins(self):
        _, box = fresh()
        for policy in ("spin", "spin_then_yield", None):
            with self.subTest(policy=policy):
                with self.assertRaises(TimeoutError):
                    box.acquire(S.task_done, timeout=0.03, policy=policy, spins=10)
        with self.assertRaisesRegex(ValueError, "spin_then_block.*blocking_waiters"):
            box.acquire(S.task_done, timeout=0, policy="spin_then_block")
        with self.assertRaisesRegex(ValueError, "policy is .*got 'fast'"):
            box.acquire(S.task_done, policy="fast")
        with self.assertRaisesRegex(ValueError, "spins must be"):
            box.acquire(S.task_done, spins=-1)
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument 'spin'"):
            box.acquire(S.task_done, spin=3)

    def test_wait_statistics(self):
        _, box = fresh(m.BlockingHandoff)
        self.assertEqual(box.wait_stats, {"waits": 0, "slices": 0, "sleeps": 0, "timeouts": 0, "futex_errno": 0})
        with self.assertRaises(TimeoutError):
            box.acquire(S.task_done, timeout=0.1, policy="spin_then_block", spins=1)
        stats = box.wait_stats
        self.assertEqual(stats["waits"], 1)
        self.assertGreaterEqual(stats["slices"], 1)
        self.assertGreaterEqual(stats["sleeps"], 1)  # it slept (FUTEX_WAIT, or the portable backend's sleeps)
        self.assertEqual(stats["futex_errno"], 0)
        with box.acquire(S.idle) as t:  # there already: no wait
            t.publish(S.task_ready)
        self.assertEqual(box.wait_stats["waits"], 1)
        box.reset_wait_stats()
        self.assertEqual(box.wait_stats["waits"], 0)



class Headers(Clean):
    def test_attach_after_initialize(self):
        buf = bytearray(H.size_with_header)
        H.initialize_with_header(buf, S.task_ready)
        self.assertEqual(H.attach_with_header(buf).state(), S.task_ready)
        self.assertEqual(struct.unpack_from("=Q", buf, 8)[0], H.fingerprint)

    def test_fingerprint_mismatch_shows_both(self):
        buf = bytearray(H.size_with_header)
        H.initialize_with_header(buf, S.idle)
        with self.assertRaises(m.FingerprintMismatch) as caught:
            m.HandoffV2.attach_with_header(buf)
        e = caught.exception
        self.assertIsInstance(e, m.HeaderError)
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.expected, m.HandoffV2.fingerprint)
        self.assertEqual(e.found, H.fingerprint)
        self.assertIn(f"0x{H.fingerprint:016x}", str(e))
        self.assertIn(f"0x{m.HandoffV2.fingerprint:016x}", str(e))

    def test_no_header_yet(self):
        buf = bytearray(H.size_with_header)
        with self.assertRaisesRegex(m.HeaderError, "not initialised") as caught:
            H.attach_with_header(buf, timeout=0.05)
        self.assertNotIsInstance(caught.exception, m.FingerprintMismatch)
        buf[0:8] = b"NOTMAGIC"
        with self.assertRaisesRegex(m.HeaderError, "magic"):
            H.attach_with_header(buf)

    def test_header_region_too_small(self):
        with self.assertRaisesRegex(m.HeaderError, f"expected at least {H.size_with_header} bytes"):
            H.initialize_with_header(bytearray(H.size), S.idle)

    def test_attach_waits_for_the_initialiser(self):
        buf = bytearray(H.size_with_header)
        timer = threading.Timer(0.05, H.initialize_with_header, (buf, S.task_done))
        timer.start()
        box = H.attach_with_header(buf, timeout=30)
        timer.join()
        self.assertEqual(box.state(), S.task_done)


if __name__ == "__main__":
    unittest.main()
