#!/usr/bin/env python3
"""Summarises Google Benchmark JSON files written by scripts/bench.sh.

Prints a compact table (variant, payload, mean, median, p99, ratio to the
hand-written floor), writes the same table as Markdown for the README, and
writes the data and gnuplot script for the round-trip latency plot.

  report.py --markdown table.md --plot-data latency.dat --plot-script latency.gp \
            --plot-output latency.png results/*.json

Benchmark names follow <group>/<variant>/<payload bytes> for ping-pongs
(group: threads or processes) and uncontended/<access>/<variant> for single
accesses; anything else is listed as it is.
"""

import argparse
import json
import os
import sys

PINGPONG_GROUPS = ("threads", "processes")
FLOOR = "floor"
# The hand-written twin each uncontended access is compared with.
UNCONTENDED_REFERENCE = {
    "load": "atomic_ref_acquire",
    "store": "atomic_ref_release",
    "turn": "atomic_ref_acquire_release",
}
# Mailbox must be within these factors of the floor (issue 4's targets).
TARGETS = {("threads", 8): 1.03, ("threads", 64): 1.03, ("processes", 8): 1.05, ("processes", 64): 1.05}
CONTEXT_KEYS = ("target_architecture", "cpu_model", "num_cpus", "mhz_per_cpu", "host_name", "mailbox_backend", "compiler",
                "mailbox_build", "library_build_type", "pinning", "latency_clock", "date")


def load(paths):
    """The median-over-repetitions rows of every file (or the plain rows when
    a file has no aggregates), and the first file's context."""
    rows, context, spreads, fastest = {}, {}, {}, {}
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
            if b.get("error_occurred"):
                rows[strip(b["run_name"])] = {"error": b.get("error_message", "error")}
                continue
            if has_aggregates and b.get("aggregate_name") == "cv":
                spreads[strip(b["run_name"])] = b
                continue
            if has_aggregates and b.get("aggregate_name") == "min":
                fastest[strip(b["run_name"])] = b
                continue
            if has_aggregates and b.get("aggregate_name") != "median":
                continue
            if not has_aggregates and b.get("run_type") == "aggregate":
                continue
            rows[strip(b.get("run_name", b["name"]))] = b
    # How much the figure moved between repetitions (coefficient of variation).
    for name, cv in spreads.items():
        if name in rows and "error" not in rows[name]:
            rows[name]["spread"] = cv.get("trimmed_mean_ns", cv.get("real_time"))
            rows[name]["spread_ratio"] = cv.get("a_over_b")
    # The fastest repetition's figure; the median's when there is no "min".
    for name, row in rows.items():
        if "error" not in row:
            row["best"] = fastest.get(name, row)
    return rows, context


def strip(name):
    for suffix in ("/real_time", "/manual_time"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def ns(value):
    return "-" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def spread(row):
    return "-" if row.get("spread") is None else f"{100 * row['spread']:.0f}%"


def ratio(value, reference):
    if value is None or not reference:
        return "-"
    return f"{value / reference:.2f}"


def to_ns(row, key):
    if key not in row:
        return None
    unit = row.get("time_unit", "ns")
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
    return row[key] * (scale if key.endswith("_time") else 1.0)


def pingpong_rows(rows):
    """{(group, payload): {variant: row}} for the ping-pong benchmarks."""
    table = {}
    for name, row in rows.items():
        parts = name.split("/")
        if len(parts) == 3 and parts[0] in PINGPONG_GROUPS and parts[2].isdigit() and "_vs_" not in parts[1]:
            table.setdefault((parts[0], int(parts[2])), {})[parts[1]] = row
    return table


def paired_rows(rows):
    """{(group, pair, payload): row} for the <a>_vs_<b> benchmarks."""
    table = {}
    for name, row in rows.items():
        parts = name.split("/")
        if len(parts) == 3 and parts[0] in PINGPONG_GROUPS and parts[2].isdigit() and "_vs_" in parts[1]:
            table[(parts[0], parts[1], int(parts[2]))] = row
    return table


def paired_table(rows, markdown):
    headers = ["pair a_vs_b", "payload", "a mean ns", "b mean ns", "a / b", "spread of a / b"]
    sections = []
    table = paired_rows(rows)
    for group in PINGPONG_GROUPS:
        lines = []
        for (g, pair, payload) in sorted(table, key=lambda k: (k[2], k[1] != "mailbox_vs_floor", k[1])):
            if g != group:
                continue
            row = table[(g, pair, payload)]
            if "error" in row:
                lines.append([pair, f"{payload} B", "error: " + row["error"], "", "", ""])
                continue
            cv = row.get("spread_ratio")
            lines.append([pair, f"{payload} B", ns(row.get("a_mean_ns")), ns(row.get("b_mean_ns")),
                          f"{row.get('a_over_b', float('nan')):.3f}", "-" if cv is None else f"{100 * cv:.1f}%"])
        if lines:
            sections.append((f"{group.capitalize()}, paired: a and b take turns every 1024 round trips in one run "
                             "(floor_vs_floor shows the method's own noise)", render(headers, lines, markdown)))
    return sections


def variant_order(variants):
    preferred = ["mailbox", "floor", "mailbox_state_own_line", "seq_cst", "futex", "mutex_condvar"]
    return [v for v in preferred if v in variants] + sorted(v for v in variants if v not in preferred)


def render(headers, lines, markdown):
    if markdown:
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(headers)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(line) for line in lines])


def best(row, key):
    """The fastest repetition's value of key (real_time in ns, or a counter)."""
    source = row.get("best", row)
    return to_ns(source, key) if key == "real_time" else source.get(key)


def pingpong_table(rows, markdown):
    headers = ["variant", "payload", "median ns", "p99 ns", "mean ns", "spread", "x floor", "mean of all ns"]
    sections = []
    table = pingpong_rows(rows)
    for group in PINGPONG_GROUPS:
        lines = []
        for payload in sorted(p for g, p in table if g == group):
            variants = table[(group, payload)]
            floor = variants.get(FLOOR, {})
            for variant in variant_order(variants):
                row = variants[variant]
                if "error" in row:
                    lines.append([variant, f"{payload} B", "error: " + row["error"]] + [""] * 5)
                    continue
                lines.append([variant, f"{payload} B", ns(row.get("median_ns")), ns(row.get("p99_ns")),
                              ns(row.get("trimmed_mean_ns")), spread(row),
                              ratio(row.get("trimmed_mean_ns"), floor.get("trimmed_mean_ns")),
                              ns(to_ns(row, "real_time"))])
        if lines:
            title = {"threads": "Round trip between two threads",
                     "processes": "Round trip between two processes (fork, MAP_SHARED)"}[group]
            sections.append((title, render(headers, lines, markdown)))
    return sections


def uncontended_table(rows, markdown):
    headers = ["access", "variant", "ns/op", "fastest repetition", "spread", "x hand-written"]
    lines = []
    for name in sorted(n for n in rows if n.startswith("uncontended/")):
        parts = name.split("/")
        if len(parts) != 3 or "error" in rows[name]:
            continue
        access, variant = parts[1], parts[2]
        reference = rows.get(f"uncontended/{access}/{UNCONTENDED_REFERENCE.get(access, '')}", {})
        lines.append([access, variant, f"{to_ns(rows[name], 'real_time'):.2f}",
                      f"{best(rows[name], 'real_time'):.2f}", spread(rows[name]),
                      ratio(to_ns(rows[name], "real_time"), to_ns(reference, "real_time") if reference else None)])
    order = {"load": 0, "store": 1, "turn": 2}
    lines.sort(key=lambda line: (order.get(line[0], 9), not line[1].startswith("mailbox"),
                                 line[1] != UNCONTENDED_REFERENCE.get(line[0]), line[1]))
    return [("Uncontended ordered accesses (the reference: the hand-written acquire/release twin)",
             render(headers, lines, markdown))] if lines else []


def other_table(rows, markdown):
    known = set(n for n in rows if n.startswith("uncontended/"))
    for (group, payload), variants in pingpong_rows(rows).items():
        known.update(f"{group}/{v}/{payload}" for v in variants)
    known.update(f"{group}/{pair}/{payload}" for group, pair, payload in paired_rows(rows))
    lines = []
    for name in sorted(set(rows) - known):
        row = rows[name]
        if "error" in row:
            lines.append([name, "error: " + row["error"], "", ""])
        else:
            lines.append([name, ns(to_ns(row, "real_time")), ns(row.get("median_ns")), ns(row.get("p99_ns"))])
    if not lines:
        return []
    return [("Other benchmarks", render(["benchmark", "mean ns", "median ns", "p99 ns"], lines, markdown))]


def targets(rows):
    table = pingpong_rows(rows)
    paired = paired_rows(rows)
    out = []
    for (group, payload), limit in TARGETS.items():
        pair = paired.get((group, "mailbox_vs_floor", payload))
        control = paired.get((group, "floor_vs_floor", payload))
        if pair and "error" not in pair and "a_over_b" in pair:
            verdict = "met" if pair["a_over_b"] <= limit else "MISSED"
            note = f"; the floor_vs_floor control: {control['a_over_b']:.3f}" if control and "a_over_b" in control else ""
            out.append(f"{group} {payload} B, paired: mailbox / floor = {pair['a_over_b']:.3f} "
                       f"(target <= {limit:.2f}: {verdict}){note}")
    for (group, payload), limit in TARGETS.items():
        variants = table.get((group, payload), {})
        mailbox, floor = variants.get("mailbox"), variants.get(FLOOR)
        if not mailbox or not floor or "error" in mailbox or "error" in floor:
            continue
        if not floor.get("trimmed_mean_ns"):
            continue
        by_mean = mailbox["trimmed_mean_ns"] / floor["trimmed_mean_ns"]
        verdict = "met" if by_mean <= limit else "MISSED"
        out.append(f"{group} {payload} B, separate runs: mailbox / floor = {by_mean:.3f} "
                   f"(target <= {limit:.2f}: {verdict})")
    for access, reference in (("load", "atomic_ref_acquire"), ("turn", "atomic_ref_acquire_release")):
        mine = rows.get(f"uncontended/{access}/" + ("mailbox_state" if access == "load" else "mailbox_acquire_publish"))
        theirs = rows.get(f"uncontended/{access}/{reference}")
        if mine and theirs and "error" not in mine and "error" not in theirs:
            out.append(f"uncontended {access}: mailbox / {reference} = "
                       f"{to_ns(mine, 'real_time') / to_ns(theirs, 'real_time'):.2f}, "
                       f"{best(mine, 'real_time') / best(theirs, 'real_time'):.2f} between the fastest repetitions "
                       "(target 1.00 within noise)")
    return out


def header(context, markdown):
    lines = [f"{key}: {context[key]}" for key in CONTEXT_KEYS if key in context]
    return "\n".join(("- " + l) if markdown else l for l in lines)


# The library and its floor stand out; the rest in distinct, readable colours.
STYLES = {
    "mailbox": "lw 3 pt 7 ps 1.2 lc rgb '#1f4e9c'",
    "floor": "lw 2 dt 2 pt 6 ps 1.5 lc rgb '#000000'",
    "mailbox_state_own_line": "lw 2 pt 9 lc rgb '#5fa8e8'",
    "seq_cst": "lw 2 pt 5 lc rgb '#e07b00'",
    "futex": "lw 2 pt 13 lc rgb '#7b3294'",
    "mutex_condvar": "lw 2 pt 11 lc rgb '#c0392b'",
}


def write_plot(rows, data_path, script_path, output_path):
    table = pingpong_rows(rows)
    blocks, plots = [], {group: [] for group in PINGPONG_GROUPS}
    for group in PINGPONG_GROUPS:
        variants = sorted({v for (g, _), vs in table.items() if g == group for v in vs})
        for variant in variant_order(variants):
            points = [(p, table[(g, p)][variant]) for (g, p) in sorted(table) if g == group and variant in table[(g, p)]]
            points = [(p, r) for p, r in points if "error" not in r]
            if len(points) < 2:
                continue  # the layout variants have two sizes; a single point is no line
            index = len(blocks)
            # The trimmed mean, not the median: it is the figure the ratios use,
            # finer than the TSC's 10 ns step, and steadier over repetitions
            # that fall into different regimes of a shared machine.
            blocks.append(f"# {group} {variant}: payload_bytes trimmed_mean_ns p99_ns\n" +
                          "\n".join(f"{p} {r['trimmed_mean_ns']:.2f} {r['p99_ns']:.2f}" for p, r in points))
            plots[group].append(f"'{os.path.basename(data_path)}' index {index} using 1:2:2:3 "
                                f"with yerrorlines {STYLES.get(variant, '')} title '{variant}'")
    if not blocks:
        print("report.py: no ping-pong results, so no plot", file=sys.stderr)
        return
    with open(data_path, "w") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    terminal = "svg size 1200,600 dynamic font 'sans,12'" if output_path.endswith(".svg") else \
        "pngcairo size 1200,600 font 'sans,10'"
    panels = []
    for group in PINGPONG_GROUPS:
        if plots[group]:
            panels.append(f"set title 'round trip between two {group}: mean of the fastest 99%, bar to p99'\n"
                          "plot " + ", \\\n     ".join(plots[group]))
    machine = " / ".join(str(x) for x in (context_for_plot.get("cpu_model"), context_for_plot.get("mailbox_backend"),
                                           context_for_plot.get("compiler")) if x)
    with open(script_path, "w") as f:
        f.write(f"""# Generated by bench/report.py; run from this directory: gnuplot {os.path.basename(script_path)}
set terminal {terminal}
set output '{os.path.basename(output_path)}'
set multiplot layout 1,{max(1, len(panels))} title "{machine}" noenhanced
set logscale xy 2
set xtics ("8 B" 8, "64 B" 64, "256 B" 256, "4 KiB" 4096)
set xrange [5:6500]
set format y "%g"
set ytics (10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000, 300000, 1000000)
set xlabel 'payload (written and read in full each way)'
set ylabel 'round-trip latency, ns (log scale)'
set key outside below center horizontal maxrows 2 noenhanced
set bmargin 7
set grid ytics
""")
        f.write("\n".join(panels) + "\nunset multiplot\n")


context_for_plot = {}

EXPLANATION = (
    "Each benchmark ran in several repetitions, randomly interleaved; every figure is the median over the "
    "repetitions. median, p99 and mean come from a histogram of every round trip (mean = mean of the fastest 99% "
    "of round trips: it leaves out preemptions and is finer than the clock's step); spread = coefficient of "
    "variation over the repetitions; x floor = mean / the floor's mean, the floor being the same protocol "
    "hand-written with std::atomic_ref acquire/release (for single accesses: the hand-written acquire/release "
    "twin); mean of all = Google Benchmark's real time per round trip, preemptions included. Paired rows: a and b "
    "alternate in one run, the steadiest comparison on a shared machine.")


README_BEGIN = "<!-- bench-table: begin (scripts/bench.sh --readme writes this part) -->"
README_END = "<!-- bench-table: end -->"


def update_readme(readme_path, markdown_path):
    if not markdown_path:
        sys.exit("report.py: --readme needs --markdown")
    with open(readme_path) as f:
        readme = f.read()
    begin, end = readme.find(README_BEGIN), readme.find(README_END)
    if begin < 0 or end < begin:
        sys.exit(f"report.py: {readme_path} lacks the markers {README_BEGIN} ... {README_END}")
    with open(markdown_path) as f:
        table = f.read()
    with open(readme_path, "w") as f:
        f.write(readme[: begin + len(README_BEGIN)] + "\n" + table + readme[end:])
    print(f"updated the table in {readme_path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", nargs="+", help="Google Benchmark JSON files")
    parser.add_argument("--markdown", help="also write the tables as Markdown to this file")
    parser.add_argument("--plot-data", help="write the plot's data here")
    parser.add_argument("--plot-script", help="write the gnuplot script here (same directory as the data)")
    parser.add_argument("--plot-output", help="the image the gnuplot script makes (.png or .svg)")
    parser.add_argument("--readme", help="replace the README's table between the bench-table markers")
    args = parser.parse_args()

    rows, context = load(args.json)
    if not rows:
        sys.exit("report.py: no benchmark results in " + ", ".join(args.json))
    context_for_plot.update(context)

    sections = (uncontended_table(rows, False) + pingpong_table(rows, False) + paired_table(rows, False) +
                other_table(rows, False))
    print(header(context, False))
    print(EXPLANATION)
    for title, text in sections:
        print(f"\n{title}\n{text}")
    goals = targets(rows)
    if goals:
        print("\nTargets\n" + "\n".join(goals))

    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(header(context, True) + "\n\n" + EXPLANATION + "\n")
            for title, text in (uncontended_table(rows, True) + pingpong_table(rows, True) + paired_table(rows, True) +
                                other_table(rows, True)):
                f.write(f"\n**{title}**\n\n{text}\n")
            if goals:
                f.write("\n**Targets**\n\n" + "\n".join("- " + g for g in goals) + "\n")
    if args.readme:
        update_readme(args.readme, args.markdown)
    if args.plot_data and args.plot_script and args.plot_output:
        write_plot(rows, args.plot_data, args.plot_script, args.plot_output)


if __name__ == "__main__":
    main()
