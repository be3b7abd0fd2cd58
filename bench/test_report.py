#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Tests of bench/report.py on made-up Google Benchmark results: the verdicts
of a full run and their absence in a --quick one, the layout table, the
Python rows (bench_python.py --json, transport "python") and the markers of
the README and the benchmarks page. No timing is judged: the figures are
invented.

  python3 bench/test_report.py
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "report.py")
sys.path.insert(0, HERE)
import report  # noqa: E402  pylint: disable=wrong-import-position


def variant_counters(name, ns, vs_floor, vs_mailbox, spread=0.02):
    return {f"{name}.round_trip_ns": ns, f"{name}.median_ns": ns, f"{name}.p99_ns": 2 * ns,
            f"{name}.samples": 1000, f"{name}.block_p10_ns": ns * (1 - spread),
            f"{name}.block_p90_ns": ns * (1 + spread), f"{name}.vs_floor": vs_floor,
            f"{name}.vs_floor_p25": vs_floor * 0.99, f"{name}.vs_floor_p75": vs_floor * 1.01,
            f"{name}.vs_mailbox": vs_mailbox, f"{name}.vs_mailbox_p25": vs_mailbox * 0.99,
            f"{name}.vs_mailbox_p75": vs_mailbox * 1.01}


def run_row(name, control, rounds=100, own_line=0.9):
    row = {"name": name + "/real_time", "run_name": name + "/real_time", "run_type": "iteration",
           "real_time": 10.0, "time_unit": "ms", "rounds": rounds, "spin_block": 1024, "blocking_block": 32,
           "pool_buffers": 8}
    row |= variant_counters("mailbox", 70.0, 1.0, 1.0)
    row |= variant_counters("floor", 70.0, 1.0, 1.0)
    row |= variant_counters("floor_control", 70.0 * control, control, control)
    row |= variant_counters(report.OWN_LINE, 70.0 * own_line, own_line, own_line)
    return row


def google_benchmark_file(path, rows):
    with open(path, "w") as f:
        json.dump({"context": {"cpu_model": "Test CPU", "num_cpus": 2, "compiler": "g++ test",
                               "mailbox_backend": "test backend"}, "benchmarks": rows}, f)


PYTHON_ROWS = {"context": {"python": "3.11"}, "results": [
    {"transport": "python", "variant": "mailbox", "payload_bytes": 96, "round_trip_ns": 2000.0, "p99_ns": 4000.0,
     "vs_mailbox": 1.0},
    {"transport": "python", "variant": "struct_ctypes", "payload_bytes": 96, "round_trip_ns": 6000.0,
     "p99_ns": 9000.0, "vs_mailbox": 3.0}]}


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.results = self.path("bench_pingpong_threads.json")
        google_benchmark_file(self.results, [run_row("threads/interleaved/8", control=1.00),
                                             run_row("threads/interleaved/64", control=1.05),
                                             run_row("threads/layout/56", control=1.0, own_line=1.8),
                                             run_row("threads/layout/64", control=1.0, own_line=0.93)])

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def report(self, *extra, check=True):
        summary = self.path("summary.json")
        done = subprocess.run([sys.executable, REPORT, self.results, "--summary", summary,
                               "--context", "load_average_before=0.20 0.1 0.1 (on 2 CPUs)",
                               "--context", "load_average_after=0.30 0.2 0.1", *extra],
                              capture_output=True, text=True, check=False)
        if check:
            self.assertEqual(done.returncode, 0, done.stderr)
        if done.returncode != 0:
            return done, None
        with open(summary) as f:
            return done, json.load(f)

    def test_full_run_gives_verdicts_and_explains_them(self):
        done, summary = self.report()
        runs = {r["payload_bytes"]: r for r in summary["runs"]}
        self.assertTrue(runs[8]["ratios_stable"])
        self.assertFalse(runs[64]["ratios_stable"])  # the control strayed by 5 %
        self.assertIn("UNSTABLE RUN", done.stdout)
        self.assertIn("Targets", done.stdout)
        for term in ("x floor:", "x mailbox:", "floor_vs_floor:", "kind:", "x hand-written" if
                     summary["uncontended"] else "round trip ns:"):
            self.assertIn(term, done.stdout)
        self.assertTrue(summary["context"]["machine_quiet"])

    def test_quick_run_says_so_and_gives_no_verdicts(self):
        done, summary = self.report("--quick")
        self.assertIn("PIPELINE CHECK", done.stdout)
        verdicts = done.stdout.split("How to read the tables", 1)[1]
        for verdict in ("UNSTABLE", "MISSED", "met)", "ns mixes speeds", "ratios unstable"):
            self.assertNotIn(verdict, verdicts)
        self.assertEqual(summary["context"]["run"], report.QUICK_RUN)

    def test_layout_rows(self):
        _, summary = self.report()
        layouts = {r["payload_bytes"]: r for r in summary["layouts"]}
        self.assertAlmostEqual(layouts[56]["own_line_vs_mailbox"], 1.8)
        self.assertAlmostEqual(layouts[64]["own_line_vs_mailbox"], 0.93)
        self.assertNotIn(56, {r["payload_bytes"] for r in summary["runs"]})  # not a main-table run

    def test_python_rows_are_merged(self):
        with open(self.path("python.json"), "w") as f:
            json.dump(PYTHON_ROWS, f)
        done, summary = self.report("--python", self.path("python.json"))
        rows = [r for r in summary["results"] if r["transport"] == "python"]
        self.assertEqual([r["variant"] for r in rows], ["mailbox", "struct_ctypes"])
        self.assertEqual(rows[0]["kind"], "library")
        self.assertEqual(rows[1]["vs_mailbox"], 3.0)
        self.assertIn("Python client against a C++ echo", done.stdout)

    def test_python_rows_of_another_shape_are_left_out_with_the_reason(self):
        with open(self.path("python.json"), "w") as f:
            json.dump({"results": {"mailbox_python": {"round_trip_ns": 1.0}}}, f)
        done, summary = self.report("--python", self.path("python.json"))
        self.assertFalse([r for r in summary["results"] if r["transport"] == "python"])
        self.assertIn("left out", done.stderr)
        self.assertIn("left_out", summary["context"]["python_context"])

    def test_readme_and_docs_are_written_between_their_markers(self):
        readme, docs = self.path("README.md"), self.path("benchmarks.md")
        with open(readme, "w") as f:
            f.write("intro\n" + report.README_MARKERS[0] + "\nold\n" + report.README_MARKERS[1] + "\noutro\n")
        with open(docs, "w") as f:
            # The begin marker's comment may say more or less than report.py's.
            f.write("# Benchmarks\n<!-- bench-tables: begin -->\nold\n" + report.DOCS_MARKERS[1] + "\n")
        self.report("--readme", readme, "--docs", docs)
        with open(readme) as f:
            text = f.read()
        self.assertTrue(text.startswith("intro\n") and text.endswith("outro\n"))
        self.assertNotIn("\nold\n", text)
        self.assertIn("Measured on Test CPU", text)
        self.assertIn("| threads, 8 B |", text)
        with open(docs) as f:
            text = f.read()
        self.assertIn("Which layout", text)
        self.assertNotIn("\nold\n", text)

    def test_a_file_without_markers_is_refused(self):
        readme = self.path("README.md")
        with open(readme, "w") as f:
            f.write("no markers here\n")
        done, _ = self.report("--readme", readme, check=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(report.README_MARKERS[0], done.stderr)

    def test_a_quick_run_does_not_go_into_the_readme(self):
        done, _ = self.report("--quick", "--readme", self.path("README.md"), check=False)
        self.assertNotEqual(done.returncode, 0)

    def test_machine_quiet(self):
        self.assertTrue(report.machine_quiet({"load_average_before": "0.1 0 0", "load_average_after": "0.4"}))
        self.assertFalse(report.machine_quiet({"load_average_before": "0.1", "load_average_after": "0.6 1 1"}))
        self.assertIsNone(report.machine_quiet({"load_average_before": "0.1"}))


if __name__ == "__main__":
    unittest.main()
