#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Summarises the Google Benchmark JSON files written by scripts/bench.sh.

Writes summary.json (the results as data: "context", "results", "runs",
"layouts", "uncontended", "other"), then draws everything else from it: the
table (text and Markdown), the plot's data and gnuplot script, with --readme
the README's headline rows and with --docs the full tables of the benchmarks
page (each between its markers).

  report.py results/*.json --summary summary.json --markdown table.md \
            --plot-data latency.dat --plot-script latency.gp --plot-output latency.png \
            [--python bench_python.json] [--quick] [--readme README.md] [--docs docs/benchmarks.md]

The ping-pong benchmarks are <transport>/interleaved/<payload bytes>: every
variant of one transport and payload took turns in short blocks within one
run, and reports its figures as counters "<variant>.<figure>" (see
bench/support/interleaved.hpp); <transport>/layout/<payload bytes> compare
the library's two layouts the same way. Single accesses are
uncontended/<access>/<variant>; anything else is listed as it is. --python
merges the rows of bench/python/bench_python.py --json (transport "python").
"""

import argparse
import json
import os
import sys
import textwrap

TRANSPORTS = ("threads", "processes")
PYTHON = "python"  # the transport of bench_python.py's rows
FLOOR = "floor"
OWN_LINE = "mailbox_state_on_own_cache_line"  # the library with mailbox::state_on_own_cache_line
CONTROL = "floor_control"  # a second floor, interleaved with the first: the method's own noise
# Variants in table order: the library, its floor, the layout variant, what
# std::atomic gives by default, then what users would pick instead.
VARIANT_ORDER = ["mailbox", "floor", OWN_LINE, "seq_cst", "boost_spsc_queue",
                 "boost_ipc_atomic_ref", "futex", "eventfd", "pipe", "unix_socket", "mutex_condvar",
                 "boost_message_queue", "zeromq"]
# The ones a user would pick instead of a mailbox (the "ahead of every peer" check).
PEERS = ["boost_spsc_queue", "boost_ipc_atomic_ref", "futex", "eventfd", "pipe", "unix_socket",
         "mutex_condvar", "boost_message_queue", "zeromq"]
# A run is unstable when the floor_vs_floor control strays from 1 by more
# than CONTROL_LIMIT, or when the blocks of mailbox or floor disagree; a
# variant's figure is unstable when its blocks' figures (each the mean of a
# block's fastest 90 %) spread from the 10th to the 90th percentile by more
# than BLOCK_LIMIT.
CONTROL_LIMIT = 0.02
BLOCK_LIMIT = 0.25
MIN_ROUNDS = 10
# mailbox must be within this factor of the floor (issue 10: 3 %).
TARGETS = {("threads", 8): 1.03, ("threads", 64): 1.03, ("processes", 8): 1.03, ("processes", 64): 1.03}
UNCONTENDED_REFERENCE = {"load": "atomic_ref_acquire", "store": "atomic_ref_release",
                         "turn": "atomic_ref_acquire_release"}
# What each variant is: the library, hand-written std::atomic_ref code, or
# what users would pick instead.
HAND_WRITTEN = {FLOOR, CONTROL, "seq_cst"}
CONTEXT_KEYS = ("run", "target_architecture", "cpu_model", "num_cpus", "mhz_per_cpu", "host_name",
                "mailbox_backend", "compiler", "mailbox_build", "library_build_type", "pinning", "latency_clock",
                "peers_left_out", "date", "load_average_before", "load_average_after", "other_processes_cpu",
                "machine_quiet",
                "python_context")
# The README's figures want a quiet machine: a 1-minute load average under
# this before and after the run.
QUIET_LOAD = 0.5
QUICK_RUN = ("a quick pipeline check (scripts/bench.sh --quick): everything builds, runs and reports, but the runs "
             "are too short to measure; no verdicts are given")


def kind_of(variant):
    if variant.startswith("mailbox"):
        return "library"
    return "hand-written" if variant in HAND_WRITTEN else "alternative"


# --- reading Google Benchmark's JSON ----------------------------------------------------

def strip(name):
    for suffix in ("/real_time", "/manual_time"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def load(paths):
    """The rows of every file (medians where a file has aggregates), by name,
    and the merged context."""
    rows, context, spreads = {}, {}, {}
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as error:
            print(f"report.py: skipping {path}: {error}", file=sys.stderr)
            continue
        for key, value in data.get("context", {}).items():
            context.setdefault(key, value)
        benchmarks = data.get("benchmarks", [])
        has_aggregates = any(b.get("run_type") == "aggregate" for b in benchmarks)
        for b in benchmarks:
            name = strip(b.get("run_name", b["name"]))
            if b.get("error_occurred"):
                rows[name] = {"error": b.get("error_message", "error")}
            elif has_aggregates and b.get("aggregate_name") == "cv":
                spreads[name] = b
            elif has_aggregates and b.get("aggregate_name") == "min":
                rows.setdefault(name, {})["fastest"] = b
            elif not has_aggregates or b.get("aggregate_name") == "median":
                if has_aggregates or b.get("run_type") != "aggregate":
                    rows.setdefault(name, {}).update(b)
    for name, cv in spreads.items():
        if name in rows and "error" not in rows[name]:
            rows[name]["spread"] = cv.get("real_time")
    return rows, context


def to_ns(row, key="real_time"):
    if key not in row:
        return None
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[row.get("time_unit", "ns")]
    return row[key] * scale


# --- summary.json -------------------------------------------------------------------------

def control_reasons(row):
    """Why the paired ratios of one interleaved run are not to be trusted."""
    reasons = []
    if int(row.get("rounds", 0)) < MIN_ROUNDS:
        reasons.append(f"only {int(row.get('rounds', 0))} rounds, too few for a spread (at least {MIN_ROUNDS})")
    control = row.get(f"{CONTROL}.vs_floor")
    if control is not None and abs(control - 1) > CONTROL_LIMIT:
        reasons.append(f"the floor_vs_floor control is {control:.3f} (limit 1 +- {CONTROL_LIMIT:.2f})")
    return reasons


def layout_entry(transport, payload, row):
    """One payload of the layout comparison: the state word on its own line
    against the default, paired round by round."""
    if "error" in row:
        return {"transport": transport, "payload_bytes": payload, "error": row["error"], "ratios_stable": False}
    get = lambda variant, figure: row.get(f"{variant}.{figure}")
    reasons = control_reasons(row)
    return {"transport": transport, "payload_bytes": payload, "rounds": int(row.get("rounds", 0)),
            "mailbox_ns": get("mailbox", "round_trip_ns"), "own_line_ns": get(OWN_LINE, "round_trip_ns"),
            "floor_ns": get(FLOOR, "round_trip_ns"),
            "own_line_vs_mailbox": get(OWN_LINE, "vs_mailbox"),
            "own_line_vs_mailbox_p25": get(OWN_LINE, "vs_mailbox_p25"),
            "own_line_vs_mailbox_p75": get(OWN_LINE, "vs_mailbox_p75"),
            "mailbox_vs_floor": get("mailbox", "vs_floor"), "floor_vs_floor": get(CONTROL, "vs_floor"),
            "ratios_stable": not reasons, "unstable_because": reasons}


def summarise(rows, context, quick=False):
    results, runs, layouts, uncontended, other = [], [], [], [], []
    for name in sorted(rows):
        row = rows[name]
        parts = name.split("/")
        if len(parts) == 3 and parts[0] in TRANSPORTS and parts[1] == "layout" and parts[2].isdigit():
            layouts.append(layout_entry(parts[0], int(parts[2]), row))
        elif len(parts) == 3 and parts[0] in TRANSPORTS and parts[1] == "interleaved" and parts[2].isdigit():
            transport, payload = parts[0], int(parts[2])
            if "error" in row:
                runs.append({"transport": transport, "payload_bytes": payload, "error": row["error"],
                             "stable": False, "ratios_stable": False,
                             "unstable_because": ["the run failed: " + row["error"]]})
                continue
            variants = sorted({k.split(".", 1)[0] for k in row if "." in k and not k.startswith(".")})
            # The ratios are paired; they are unstable when the control
            # strays or there are too few rounds to tell.
            ratio_reasons = control_reasons(row)
            control = row.get(f"{CONTROL}.vs_floor")
            # A figure in ns is not solid when the blocks of its variant
            # disagree: the machine changed speed during the run.
            speed_reasons = []
            entries = []
            for variant in variants:
                if variant == CONTROL:
                    continue
                get = lambda figure: row.get(f"{variant}.{figure}")
                low, high = get("block_p10_ns") or 0.0, get("block_p90_ns") or 0.0
                block_spread = high / low - 1 if low > 0 else None
                mixed = None
                if block_spread is None or block_spread > BLOCK_LIMIT:
                    mixed = (f"its blocks disagree: {low:,.0f} to {high:,.0f} ns from the 10th to the 90th "
                             f"percentile (limit {100 * BLOCK_LIMIT:.0f} %)")
                    if variant in ("mailbox", FLOOR):
                        speed_reasons.append(f"{variant}'s blocks {low:,.0f} to {high:,.0f} ns")
                because = "; ".join(ratio_reasons + ([mixed] if mixed else [])) or None
                entries.append({
                    "transport": transport, "variant": variant, "kind": kind_of(variant), "payload_bytes": payload,
                    "round_trip_ns": get("round_trip_ns"), "p99_ns": get("p99_ns"),
                    "vs_mailbox": get("vs_mailbox"),
                    "vs_mailbox_p25": get("vs_mailbox_p25"), "vs_mailbox_p75": get("vs_mailbox_p75"),
                    "vs_floor": get("vs_floor"), "vs_floor_p25": get("vs_floor_p25"),
                    "vs_floor_p75": get("vs_floor_p75"), "median_ns": get("median_ns"),
                    "samples": int(get("samples") or 0), "block_p10_ns": low, "block_p90_ns": high,
                    "stable": because is None, "ratios_stable": not ratio_reasons,
                    "figure_stable": mixed is None, "unstable_because": because})
            results += entries
            runs.append({"transport": transport, "payload_bytes": payload, "rounds": int(row.get("rounds", 0)),
                         "round_trips_per_block": {"spinning": int(row.get("spin_block", 0)),
                                                   "sleeping": int(row.get("blocking_block", 0))},
                         "pool_buffers": int(row.get("pool_buffers", 0)),
                         "floor_vs_floor": control, "stable": not ratio_reasons and not speed_reasons,
                         "ratios_stable": not ratio_reasons, "unstable_because": ratio_reasons + speed_reasons})
        elif len(parts) == 3 and parts[0] == "uncontended":
            if "error" in row:
                continue
            reference = rows.get(f"uncontended/{parts[1]}/{UNCONTENDED_REFERENCE.get(parts[1], '')}", {})
            fastest = row.get("fastest", row)
            uncontended.append({"access": parts[1], "variant": parts[2], "ns_per_op": to_ns(row),
                                "fastest_repetition_ns": to_ns(fastest), "spread": row.get("spread"),
                                "vs_hand_written": (to_ns(row) / to_ns(reference))
                                if reference and "error" not in reference else None})
        else:
            if "error" in row:
                other.append({"benchmark": name, "error": row["error"]})
            else:
                other.append({"benchmark": name, "real_time_ns": to_ns(row), "median_ns": row.get("median_ns"),
                              "p99_ns": row.get("p99_ns")})
    order = {v: i for i, v in enumerate(VARIANT_ORDER)}
    results.sort(key=lambda r: (TRANSPORTS.index(r["transport"]), r["payload_bytes"],
                                order.get(r["variant"], len(order)), r["variant"]))
    runs.sort(key=lambda r: (TRANSPORTS.index(r["transport"]), r["payload_bytes"]))
    layouts.sort(key=lambda r: (TRANSPORTS.index(r["transport"]), r["payload_bytes"]))
    context = dict(context)
    context["run"] = QUICK_RUN if quick else "a full run (scripts/bench.sh)"
    context["machine_quiet"] = machine_quiet(context)
    context = {key: context[key] for key in CONTEXT_KEYS if key in context} | {
        "method": ("every variant of one transport and payload took turns in blocks, in a fixed pseudo-random "
                   "order per round, within one run (those that sleep in the kernel in every 4th round); the variants that hold only a turn word and a payload "
                   "(mailbox, its own-line layout, floor, floor_control, seq_cst) used the same buffer in a round, "
                   "one of a pool of 8 taken in turn by round, the other spinning ones 8 copies of their own "
                   "likewise; round_trip_ns = mean of the fastest 99 % of its round trips; vs_floor and "
                   "vs_mailbox = median over rounds of the round's ratio of block figures (each the mean of a "
                   "block's fastest 90 %), with quartiles _p25 and _p75"),
        "unstable_when": (f"ratios_stable is false when floor_vs_floor strays from 1 by more than "
                          f"{CONTROL_LIMIT:.2f} or a run has fewer than {MIN_ROUNDS} rounds; figure_stable is false "
                          f"when a variant's block figures spread by more than {100 * BLOCK_LIMIT:.0f} % from the "
                          "10th to the 90th percentile (the machine changed speed: round_trip_ns mixes the speeds); "
                          "stable is both; a run is stable when its ratios are and the blocks of mailbox and floor "
                          "agree"),
    }
    return {"context": context, "results": results, "runs": runs, "layouts": layouts, "uncontended": uncontended,
            "other": other}


def machine_quiet(context):
    """True when the 1-minute load average was under QUIET_LOAD before and
    after the run, False when not, None when unknown."""
    loads = []
    for key in ("load_average_before", "load_average_after"):
        try:
            loads.append(float(str(context.get(key, "")).split()[0]))
        except (ValueError, IndexError):
            return None
    return all(load < QUIET_LOAD for load in loads)


PYTHON_ROW_KEYS = ("variant", "payload_bytes", "round_trip_ns", "p99_ns", "vs_mailbox")


def merge_python(summary, path):
    """Adds the rows of bench_python.py --json (transport "python") to the
    summary; returns why not, or None."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as error:
        return f"{path}: {error}"
    rows = data.get("results") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return f"{path}: no list of results (expected {{\"results\": [{{\"transport\": \"python\", ...}}]}})"
    merged = []
    for r in rows:
        missing = [k for k in PYTHON_ROW_KEYS if k not in r]
        if r.get("transport") != PYTHON or missing:
            return f"{path}: a row that is not a python result ({'missing ' + ', '.join(missing) if missing else r})"
        merged.append({"transport": PYTHON, "variant": r["variant"],
                       "kind": "library" if r["variant"] == "mailbox" else "alternative",
                       "payload_bytes": r["payload_bytes"], "round_trip_ns": r["round_trip_ns"],
                       "p99_ns": r["p99_ns"], "vs_mailbox": r["vs_mailbox"]})
    merged.sort(key=lambda r: (r["payload_bytes"], r["variant"] != "mailbox", r["round_trip_ns"] or 0))
    summary["results"] += merged
    summary["context"]["python_context"] = data.get("context", {})
    return None


# --- the table ----------------------------------------------------------------------------

def ns(value):
    return "-" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio_with_spread(value, low, high):
    if value is None:
        return "-"
    if low is None or high is None:
        return f"{value:.3f}"
    return f"{value:.3f} ({low:.3f}-{high:.3f})"


def render(headers, lines, markdown):
    if markdown:
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(headers)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i in (0, len(cells) - 1) else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(line) for line in lines])


def pingpong_sections(summary, markdown, quick):
    headers = ["variant", "kind", "round trip ns", "p99 ns", "x floor (quartiles)", "x mailbox", "note"]
    sections = []
    for run in summary["runs"]:
        transport, payload = run["transport"], run["payload_bytes"]
        what = {"threads": "two threads", "processes": "two processes (fork, MAP_SHARED)"}[transport]
        title = f"Round trip between {what}, {payload} B payload"
        if "error" in run:
            sections.append((title, "error: " + run["error"]))
            continue
        title += (f": {run['rounds']} rounds, floor_vs_floor {run['floor_vs_floor']:.3f}"
                  if run.get("floor_vs_floor") is not None else f": {run['rounds']} rounds")
        if quick:
            pass  # a pipeline check: no verdicts
        elif not run["ratios_stable"]:
            title += " -- UNSTABLE RUN, ratios not to be trusted: " + "; ".join(run["unstable_because"])
        elif not run["stable"]:
            title += (" -- the machine changed speed during the run (" + "; ".join(run["unstable_because"]) +
                      "): the ratios are paired, the ns figures mix the speeds")
        lines = []
        for r in summary["results"]:
            if r["transport"] != transport or r["payload_bytes"] != payload:
                continue
            note = ("" if quick else "ratios unstable" if not r["ratios_stable"] else
                    "" if r["figure_stable"] else "ns mixes speeds")
            lines.append([r["variant"], r.get("kind", kind_of(r["variant"])), ns(r["round_trip_ns"]),
                          ns(r["p99_ns"]), ratio_with_spread(r["vs_floor"], r["vs_floor_p25"], r["vs_floor_p75"]),
                          "-" if r["vs_mailbox"] is None else f"{r['vs_mailbox']:.2f}", note])
        sections.append((title, render(headers, lines, markdown)))
    return sections


def headline_rows(summary, quick):
    """mailbox against the floor and the closest alternative, for the small payloads."""
    by_key = {(r["transport"], r["payload_bytes"], r["variant"]): r for r in summary["results"]}
    lines = []
    for transport, payload in TARGETS:
        mailbox, floor = by_key.get((transport, payload, "mailbox")), by_key.get((transport, payload, FLOOR))
        if not mailbox or not floor:
            continue
        peers = [by_key[(transport, payload, p)] for p in PEERS if (transport, payload, p) in by_key]
        peers = [p for p in peers if p["vs_mailbox"] is not None]
        closest = min(peers, key=lambda p: p["vs_mailbox"], default=None)
        stable = ("" if quick or mailbox["stable"] else " (speeds mixed)" if mailbox["ratios_stable"]
                  else " (UNSTABLE)")
        lines.append([f"{transport}, {payload} B", ns(mailbox["round_trip_ns"]) + stable,
                      f"{ns(floor['round_trip_ns'])} (mailbox / floor = {mailbox['vs_floor']:.3f})",
                      "-" if not closest else f"{closest['variant']}: {ns(closest['round_trip_ns'])} "
                                              f"({closest['vs_mailbox']:.1f}x mailbox)"])
    return lines


HEADLINE_HEADERS = ["round trip", "mailbox, ns", "hand-written floor, ns", "closest alternative"]


def headline_section(summary, markdown, quick):
    lines = headline_rows(summary, quick)
    if not lines:
        return []
    return [("In short: round trip in ns, all variants interleaved", render(HEADLINE_HEADERS, lines, markdown))]


def layout_section(summary, markdown, quick):
    """Where the state word on its own cache line starts to pay."""
    lines = []
    for r in summary.get("layouts", []):
        if "error" in r:
            lines.append([r["transport"], str(r["payload_bytes"]), "error: " + r["error"], "", "", "", ""])
            continue
        note = "" if quick or r["ratios_stable"] else "ratios unstable"
        lines.append([r["transport"], str(r["payload_bytes"]), ns(r["mailbox_ns"]), ns(r["own_line_ns"]),
                      ratio_with_spread(r["own_line_vs_mailbox"], r["own_line_vs_mailbox_p25"],
                                        r["own_line_vs_mailbox_p75"]),
                      "-" if r["floor_vs_floor"] is None else f"{r['floor_vs_floor']:.3f}", note])
    if not lines:
        return []
    return [("Which layout: mailbox::state_on_own_cache_line against the default, by payload (below 1: the "
             "state word's own line is faster)",
             render(["transport", "payload B", "default ns", "own line ns", "own line / default (quartiles)",
                     "floor_vs_floor", "note"], lines, markdown))]


def python_section(summary, markdown):
    rows = [r for r in summary["results"] if r["transport"] == PYTHON]
    lines = [[r["variant"], r["kind"], str(r["payload_bytes"]), ns(r["round_trip_ns"]), ns(r["p99_ns"]),
              "-" if r["vs_mailbox"] is None else f"{r['vs_mailbox']:.2f}"] for r in rows]
    if not lines:
        return []
    return [("Python client against a C++ echo process (bench/python/bench_python.py, variants interleaved)",
             render(["variant", "kind", "payload B", "round trip ns", "p99 ns", "x mailbox"], lines, markdown))]


def uncontended_section(summary, markdown):
    order = {"load": 0, "store": 1, "turn": 2}
    rows = sorted(summary["uncontended"], key=lambda u: (order.get(u["access"], 9), not u["variant"].startswith("mailbox"),
                                                        u["variant"] != UNCONTENDED_REFERENCE.get(u["access"]),
                                                        u["variant"]))
    lines = [[u["access"], u["variant"], f"{u['ns_per_op']:.2f}", f"{u['fastest_repetition_ns']:.2f}",
              "-" if u["spread"] is None else f"{100 * u['spread']:.0f}%",
              "-" if u["vs_hand_written"] is None else f"{u['vs_hand_written']:.2f}"] for u in rows]
    if not lines:
        return []
    return [("Uncontended ordered accesses (the reference: the hand-written acquire/release twin)",
             render(["access", "variant", "ns/op", "fastest repetition", "spread", "x hand-written"], lines,
                    markdown))]


def other_section(summary, markdown):
    lines = [[o["benchmark"], "error: " + o["error"], "", ""] if "error" in o else
             [o["benchmark"], ns(o["real_time_ns"]), ns(o["median_ns"]), ns(o["p99_ns"])] for o in summary["other"]]
    if not lines:
        return []
    return [("Other benchmarks", render(["benchmark", "mean ns", "median ns", "p99 ns"], lines, markdown))]


def targets(summary):
    out = []
    by_key = {(r["transport"], r["payload_bytes"], r["variant"]): r for r in summary["results"]}
    for (transport, payload), limit in TARGETS.items():
        mailbox = by_key.get((transport, payload, "mailbox"))
        if not mailbox or mailbox["vs_floor"] is None:
            continue
        verdict = "met" if mailbox["vs_floor"] <= limit else "MISSED"
        peers = [by_key[(transport, payload, p)] for p in PEERS if (transport, payload, p) in by_key]
        behind = [p["variant"] for p in peers if p["vs_mailbox"] is not None and p["vs_mailbox"] <= 1.0]
        closest = min(peers, key=lambda p: p["vs_mailbox"] or float("inf"), default=None)
        ahead = ("ahead of every peer" if not behind else "NOT ahead of " + ", ".join(behind))
        if closest:
            ahead += f" (the closest, {closest['variant']}, at {closest['vs_mailbox']:.2f}x mailbox)"
        caveat = ("" if mailbox["stable"] else " (the ns figures mix speeds; the ratios are paired)"
                  if mailbox["ratios_stable"] else " -- UNSTABLE, see above")
        out.append(f"{transport} {payload} B: mailbox / floor = {mailbox['vs_floor']:.3f} "
                   f"(target <= {limit:.2f}: {verdict}); {ahead}{caveat}")
    for access, mine in (("load", "mailbox_state"), ("turn", "mailbox_acquire_publish")):
        rows = {u["variant"]: u for u in summary["uncontended"] if u["access"] == access}
        if mine in rows and UNCONTENDED_REFERENCE[access] in rows:
            a, b = rows[mine], rows[UNCONTENDED_REFERENCE[access]]
            out.append(f"uncontended {access}: mailbox / {UNCONTENDED_REFERENCE[access]} = "
                       f"{a['ns_per_op'] / b['ns_per_op']:.2f}, "
                       f"{a['fastest_repetition_ns'] / b['fastest_repetition_ns']:.2f} between the fastest "
                       "repetitions (target 1.00 within noise)")
    return out


def header(context, markdown):
    lines = [f"{key}: {context[key]}" for key in CONTEXT_KEYS if key in context and key != "python_context"]
    return "\n".join(("- " + line) if markdown else line for line in lines)


def legend(summary, quick, markdown):
    """How to read every figure and ratio the tables print."""
    items = [
        ("What was measured", "the round trip of one request and its reply between two threads, or two processes, "
         "pinned to two CPUs: the pinger writes every byte of the payload and hands it over, the other side checks "
         "every byte, writes its reply and hands it back, the pinger checks it. A wrong byte fails the run."),
        ("kind", "library: this library (mailbox: its default layout; " + OWN_LINE + ": the same with "
         "mailbox::state_on_own_cache_line); hand-written: the same protocol written by hand with std::atomic_ref "
         "(floor: acquire loads and release stores on the same bytes as mailbox, the cheapest correct code; "
         "seq_cst: std::atomic's default order); alternative: what users pick instead (futex, pipe, eventfd, "
         "sockets, mutex and condition variable, Boost, ZeroMQ)."),
        ("Interleaved", "within one run per transport and payload every variant took turns in blocks (1024 round "
         "trips for those that spin, every round; 32 for those that sleep in the kernel, every 4th round), in a "
         "pseudo-random order per round; "
         "the variants that hold nothing but a turn word and a payload used the same buffer within a round (one of "
         "8, taken in turn by round), since which cache lines carry a hand-over changes its cost by up to 30 %. So "
         "every ratio compares variants measured at the same moments on the same memory."),
        ("round trip ns", "the mean of the variant's fastest 99 % of round trips (it leaves out the rare round trip "
         "a preemption stretches a thousandfold); p99 ns: its 99th percentile."),
        ("x floor", "how many times the floor's round trip this variant's takes: each round gives one ratio (the "
         "variant's block against the floor's block of the same round, each block's figure the mean of its "
         "fastest 90 %); the figure is the median of those ratios, the quartiles in brackets. 1.00 is as fast as "
         "the hand-written floor, 2.00 twice as slow, 0.90 ten per cent faster."),
        ("x mailbox", "the same ratio against mailbox: how many times mailbox's round trip the variant's takes "
         "(a peer at 150 is 150 times slower than mailbox)."),
        ("floor_vs_floor", "the control, in each section's title: a second copy of the floor, identical code on "
         "the same buffers, measured like every variant; its x floor would be exactly 1.000 with a perfect "
         "method, so how far it strays is the method's own error. "
         + ("" if quick else f"Beyond {100 * CONTROL_LIMIT:.0f} %, or with fewer than {MIN_ROUNDS} rounds, the "
            "run is marked UNSTABLE and its ratios are not to be trusted.")),
    ]
    if not quick:
        items.append(("ns mixes speeds", f"the blocks of the variant disagree by more than {100 * BLOCK_LIMIT:.0f} % "
                      "(10th to 90th percentile, each block against the variant's blocks on the same buffer): the "
                      "machine changed speed during the run, so its ns figure mixes the speeds while the ratios, "
                      "paired round by round, still hold."))
    if summary.get("layouts"):
        items.append(("own line / default", f"in the layout table, x mailbox of {OWN_LINE}: below 1 the state "
                      "word's own cache line is faster, above 1 the default layout is."))
    if summary.get("uncontended"):
        items.append(("x hand-written", "in the uncontended table, ns per operation over that of the "
                      "hand-written reference on a cache line nobody else touches (load: std::atomic_ref acquire "
                      "load; store: release store; turn: the acquire load, compare and release store of a whole "
                      "turn). \"uncontended load: mailbox / atomic_ref_acquire = 1.54\" says that one call of the "
                      "library's state() took 1.54 times as long as one hand-written acquire load. Both loops do the "
                      "same single MOV per operation on x86-64 (objdump); g++ unrolls the hand-written loop twice "
                      "and not the library's, so at well under a nanosecond per operation the loop's branch weighs "
                      "as much as the load. Read these rows for the order of magnitude (the seq_cst store's XCHG, "
                      "the fences), and the ping-pong for what a hand-over costs."))
    if not quick:
        items.append(("Targets", "mailbox / floor is x floor of mailbox; the target is at most 1.03 (within 3 % of "
                      "the hand-written floor); \"ahead of every peer\" means every alternative's x mailbox is "
                      "above 1."))
    if markdown:
        return "\n".join(f"- **{name}**: {text}" for name, text in items)
    return "\n".join(textwrap.fill(f"{name}: {text}", width=110, subsequent_indent="    ") for name, text in items)


def write_text(summary, markdown, quick=False):
    parts = []
    if quick:
        banner = ("PIPELINE CHECK: this was scripts/bench.sh --quick. Everything built, ran and reported, but the "
                  "runs were too short to measure anything, so no verdicts (met/MISSED, UNSTABLE) are given. Run "
                  "scripts/bench.sh without --quick for figures.")
        parts += [f"**{banner}**" if markdown else textwrap.fill(banner, width=110), ""]
    parts += [header(summary["context"], markdown), ""]
    parts += ["**How to read the tables**\n" if markdown else "How to read the tables", legend(summary, quick, markdown)]
    for title, text in (headline_section(summary, markdown, quick) + pingpong_sections(summary, markdown, quick) +
                        layout_section(summary, markdown, quick) + python_section(summary, markdown) +
                        uncontended_section(summary, markdown) + other_section(summary, markdown)):
        parts.append(f"\n**{title}**\n\n{text}" if markdown else f"\n{title}\n{text}")
    goals = [] if quick else targets(summary)
    if goals:
        parts.append("\n**Targets**\n\n" + "\n".join("- " + g for g in goals) if markdown
                     else "\nTargets\n" + "\n".join(goals))
    return "\n".join(parts) + "\n"


def write_headline(summary):
    """The README's four rows: the machine, the figures, where the rest is."""
    c = summary["context"]
    machine = ", ".join(str(c[k]) for k in ("cpu_model", "compiler", "mailbox_backend") if k in c)
    cpus = f"{c['num_cpus']} CPUs" if "num_cpus" in c else "CPUs unknown"
    first = lambda key: str(c.get(key, "?")).split(" ")[0]
    load = (f"1-minute load average {first('load_average_before')} before and {first('load_average_after')} "
            f"after the run ({'a quiet machine' if c.get('machine_quiet') else 'NOT a quiet machine'})")
    text = [f"Measured on {machine} ({cpus}), {load}, {c.get('date', 'date unknown')}:", "",
            render(HEADLINE_HEADERS, headline_rows(summary, False), True), "",
            "Every table, the method and the plot: [docs/benchmarks.md](docs/benchmarks.md)."]
    return "\n".join(text) + "\n"


# --- the plot -----------------------------------------------------------------------------

STYLES = {
    "mailbox": "lw 3 pt 7 ps 1.2 lc rgb '#1f4e9c'",
    "floor": "lw 2 dt 2 pt 6 ps 1.5 lc rgb '#000000'",
    OWN_LINE: "lw 2 pt 9 lc rgb '#5fa8e8'",
    "seq_cst": "lw 2 pt 5 lc rgb '#e07b00'",
    "boost_spsc_queue": "lw 2 pt 4 lc rgb '#2ca02c'",
    "boost_ipc_atomic_ref": "lw 2 pt 8 lc rgb '#17becf'",
    "futex": "lw 2 pt 13 lc rgb '#7b3294'",
    "eventfd": "lw 2 pt 10 lc rgb '#bcbd22'",
    "pipe": "lw 2 pt 12 lc rgb '#8c564b'",
    "unix_socket": "lw 2 pt 14 lc rgb '#e377c2'",
    "mutex_condvar": "lw 2 pt 11 lc rgb '#c0392b'",
    "boost_message_queue": "lw 2 pt 3 lc rgb '#7f7f7f'",
    "zeromq": "lw 2 pt 2 lc rgb '#d62728'",
}


def write_plot(summary, data_path, script_path, output_path):
    blocks, plots = [], {t: [] for t in TRANSPORTS}
    unstable_points = {t: [] for t in TRANSPORTS}
    for transport in TRANSPORTS:
        rows = [r for r in summary["results"] if r["transport"] == transport and r["round_trip_ns"]]
        variants = [v for v in VARIANT_ORDER if any(r["variant"] == v for r in rows)]
        variants += sorted({r["variant"] for r in rows} - set(variants))
        for variant in variants:
            points = sorted((r["payload_bytes"], r) for r in rows if r["variant"] == variant)
            index = len(blocks)
            blocks.append(f"# {transport} {variant}: payload_bytes round_trip_ns p99_ns stable (figure and ratios)\n" +
                          "\n".join(f"{p} {r['round_trip_ns']:.2f} {r['p99_ns']:.2f} {int(r['stable'])}"
                                    for p, r in points))
            plots[transport].append(f"'{os.path.basename(data_path)}' index {index} using 1:2:2:3 "
                                    f"with yerrorlines {STYLES.get(variant, '')} title '{variant}'")
            unstable_points[transport].append(index)
    if not blocks:
        print("report.py: no ping-pong results, so no plot", file=sys.stderr)
        return
    with open(data_path, "w") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    terminal = ("svg size 1400,800 dynamic font 'sans,12'" if output_path.endswith(".svg")
                else "pngcairo size 1400,800 font 'sans,10'")
    quick = summary["context"].get("run") == QUICK_RUN  # a pipeline check: no verdicts in the plot either
    unstable_runs = {t: [r["payload_bytes"] for r in summary["runs"] if r["transport"] == t
                         and not r["ratios_stable"] and not quick] for t in TRANSPORTS}
    mixed_runs = {t: [r["payload_bytes"] for r in summary["runs"] if r["transport"] == t
                      and r["ratios_stable"] and not r["stable"] and not quick] for t in TRANSPORTS}
    panels = []
    for transport in TRANSPORTS:
        if not plots[transport]:
            continue
        # A red ring around every figure its run or its blocks made unstable.
        rings = [f"'{os.path.basename(data_path)}' index {i} using 1:($4 == 0 ? $2 : 1/0) with points "
                 f"pt 6 ps 3 lw 2 lc rgb '#ff0000' notitle" for i in unstable_points[transport]]
        rings = [] if quick else rings
        if rings:
            rings[0] = rings[0].replace("notitle", "title 'not solid (see table)'")
        notes = []
        if unstable_runs[transport]:
            notes.append("UNSTABLE at " + ", ".join(f"{p}" for p in unstable_runs[transport]) + " B")
        if mixed_runs[transport]:
            notes.append("speed changed at " + ", ".join(f"{p}" for p in mixed_runs[transport]) + " B")
        note = " (" + "; ".join(notes) + ")" if notes else ""
        panels.append(f"set title \"two {transport}, every variant interleaved{note}\\nmean of the fastest 99 %, "
                      "bar to p99\" noenhanced\n"
                      "plot " + ", \\\n     ".join(plots[transport] + rings))
    c = summary["context"]
    machine = " / ".join(f"{c[k]} CPUs" if k == "num_cpus" else str(c[k])
                         for k in ("cpu_model", "num_cpus", "mailbox_backend", "compiler") if k in c)
    with open(script_path, "w") as f:
        f.write(f"""# Generated by bench/report.py from summary.json; run from this directory: gnuplot {os.path.basename(script_path)}
set terminal {terminal}
set output '{os.path.basename(output_path)}'
set multiplot layout 1,{max(1, len(panels))} title "{machine}" noenhanced
set logscale xy 2
set xtics ("8 B" 8, "64 B" 64, "256 B" 256, "4 KiB" 4096)
set xrange [5:6500]
set format y "%g"
set ytics (10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000, 300000, 1000000, 3000000)
set xlabel 'payload (written and checked in full each way)'
set ylabel 'round-trip latency, ns (log scale)'
set key outside below center horizontal maxrows 5 noenhanced
set bmargin 13
set grid ytics
""")
        f.write("\n".join(panels) + "\nunset multiplot\n")


# --- the README and the benchmarks page --------------------------------------------------

# Each file carries its pair of markers; what lies between them is replaced.
README_MARKERS = ("<!-- bench-headline: begin (scripts/bench.sh --readme writes this part) -->",
                  "<!-- bench-headline: end -->")
DOCS_MARKERS = ("<!-- bench-tables: begin (scripts/bench.sh --readme writes this part) -->",
                "<!-- bench-tables: end -->")


def replace_between_markers(path, markers, text):
    begin_marker, end_marker = markers
    with open(path) as f:
        content = f.read()
    # The begin marker's words up to "begin" are what counts; its comment may say more.
    begin = content.find(begin_marker.split(" (")[0])
    after_begin = content.find("-->", begin) + len("-->") if begin >= 0 else -1
    end = content.find(end_marker, max(after_begin, 0))
    if begin < 0 or end < 0:
        sys.exit(f"report.py: {path} lacks the markers\n  {begin_marker}\n  {end_marker}\n"
                 "(the lines between them are what scripts/bench.sh --readme writes)")
    with open(path, "w") as f:
        f.write(content[:after_begin] + "\n" + text + content[end:])
    print(f"report.py: updated {path} between its markers", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", nargs="+", help="Google Benchmark JSON files")
    parser.add_argument("--summary", required=True, help="write summary.json here")
    parser.add_argument("--markdown", help="also write the tables as Markdown to this file")
    parser.add_argument("--plot-data", help="write the plot's data here")
    parser.add_argument("--plot-script", help="write the gnuplot script here (same directory as the data)")
    parser.add_argument("--plot-output", help="the image the gnuplot script makes (.png or .svg)")
    parser.add_argument("--python", help="merge the rows of bench_python.py --json from this file")
    parser.add_argument("--quick", action="store_true",
                        help="the run was a pipeline check (scripts/bench.sh --quick): say so, give no verdicts")
    parser.add_argument("--readme", help="replace the README's headline rows between the bench-headline markers")
    parser.add_argument("--docs", help="replace the full tables between the bench-tables markers of this page")
    parser.add_argument("--context", action="append", default=[], metavar="KEY=VALUE",
                        help="add to the context (e.g. the machine's load average during the run)")
    args = parser.parse_args()
    if args.quick and (args.readme or args.docs):
        sys.exit("report.py: a --quick run measures nothing; it does not go into the README or the docs")

    rows, context = load(args.json)
    for item in args.context:
        key, _, value = item.partition("=")
        context[key] = value
    if not rows:
        sys.exit("report.py: no benchmark results in " + ", ".join(args.json))
    summary = summarise(rows, context, args.quick)
    if args.python:
        problem = merge_python(summary, args.python)
        if problem:
            print(f"report.py: the Python rows are left out: {problem}", file=sys.stderr)
            summary["context"]["python_context"] = {"left_out": problem}
    with open(args.summary, "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    # Everything below is drawn from summary.json, as a reader of it would.
    with open(args.summary) as f:
        summary = json.load(f)
    print(write_text(summary, False, args.quick), end="")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(write_text(summary, True, args.quick))
    if args.readme:
        replace_between_markers(args.readme, README_MARKERS, write_headline(summary))
    if args.docs:
        replace_between_markers(args.docs, DOCS_MARKERS, write_text(summary, True))
    if args.plot_data and args.plot_script and args.plot_output:
        write_plot(summary, args.plot_data, args.plot_script, args.plot_output)


if __name__ == "__main__":
    main()
