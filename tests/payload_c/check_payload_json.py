# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Holds mailbox::to_json's nested description of the payload structures
against mailbox::c_definitions, two independent writers of one C++
declaration: check_payload_json.py [EMULATOR...] PAYLOAD_EXPORT. From the
JSON alone it derives every #define the C header must hold (members of
described structs, keys and fields of keyed alternatives, key ranges,
record parts, each with its absolute offset and size) and compares the two
sets, names and values."""

import json
import re
import subprocess
import sys

PREFIX = "PF"


def c_name(parts, suffix):
    return PREFIX + "_" + re.sub(r"[^A-Z0-9]", "_", "_".join(parts).upper()) + "_" + suffix


def c_number(text):
    return int(text.strip("()").rstrip("ULL").rstrip("U"), 0)


def walk(parts, offset, t, out):
    """The defines of what is inside a type, as c_definitions writes them."""
    if t["shape"]:
        return
    for m in t.get("members", []):
        here = parts + [m["name"]]
        out[c_name(here, "OFFSET")] = offset + m["offset"]
        out[c_name(here, "SIZE")] = m["size"]
        walk(here, offset + m["offset"], m, out)
    if "keyed" in t:
        k = t["keyed"]
        key = parts + [k["key"]["name"]]
        out[c_name(key, "OFFSET")] = offset + k["key"]["offset"]
        out[c_name(key, "SIZE")] = k["key"]["size"]
        for a in k["alternatives"]:
            out[c_name(parts + [a["name"]], "KEY")] = a["key"]
            for f in a["fields"]:
                here = parts + [a["name"], f["name"]]
                out[c_name(here, "OFFSET")] = offset + f["offset"]
                out[c_name(here, "SIZE")] = f["size"]
                walk(here, offset + f["offset"], f, out)
        for g in k["groups"]:
            out[c_name(parts + [g["name"]], "FIRST_KEY")] = g["first"]
            out[c_name(parts + [g["name"]], "LAST_KEY")] = g["last"]
    if "record" in t:
        r = t["record"]
        out[c_name(parts, "RECORD")] = 1
        for part in ("sequence", "schema", "generation", "body"):
            out[c_name(parts, part.upper() + "_OFFSET")] = offset + r[part + "_offset"]
        out[c_name(parts, "BODY_SIZE")] = r["body"]["size"]
        out[c_name(parts, "BODY_WORDS")] = r["body_words"]
        out[c_name(parts, "SCHEMA")] = r["schema"]
        walk(parts, offset + r["body_offset"], r["body"], out)


def main(exporter):
    exporter = list(exporter)
    layout = json.loads(subprocess.run(exporter + ["json"], check=True, capture_output=True, text=True).stdout)
    header = subprocess.run(exporter + ["c"], check=True, capture_output=True, text=True).stdout
    defines = {name: c_number(value) for name, value in re.findall(r"^#define (PF_\w+) (\S+)$", header, re.MULTILINE)}

    expected = {}
    for f in layout["fields"]:
        parts = ([f["overlay"]] if f["overlay"] else []) + [f["name"]]
        expected[c_name(parts, "OFFSET")] = f["offset"]
        expected[c_name(parts, "SIZE")] = f["size"]
        if f["role"] == "flag":
            expected[c_name(parts, "FLAG")] = 1
        walk(parts, f["offset"], f, expected)

    fixed = {PREFIX + "_" + n for n in ("SIZE", "ALIGNMENT", "HEADER_SIZE", "HEADER_MAGIC", "FINGERPRINT",
                                        "VERSION", "BLOCKING_WAITERS")}
    written = {n: v for n, v in defines.items() if n not in fixed and not n.startswith(PREFIX + "_S_")}
    problems = [f"{n}: JSON gives {v}, C has none" for n, v in expected.items() if n not in written]
    problems += [f"{n}: C has {v}, JSON gives none" for n, v in written.items() if n not in expected]
    problems += [f"{n}: JSON gives {v}, C has {written[n]}" for n, v in expected.items()
                 if n in written and written[n] != v]
    for name, structure in (("members", "PF_TASK_CONFIG_TIMEOUT_MS_OFFSET"),
                            ("keyed alternatives", "PF_CONTROL_COMMAND_COPY_SRC_OFFSET"),
                            ("records", "PF_TEARDOWN_SEQUENCE_OFFSET")):
        if structure not in expected:
            problems.append(f"no {name} in the JSON ({structure})")
    if int(layout["fingerprint"], 16) != defines[PREFIX + "_FINGERPRINT"]:
        problems.append("fingerprint differs")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"to_json and c_definitions agree on {len(expected)} definitions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
