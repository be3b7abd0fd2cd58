# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Checks mailbox::to_json against mailbox::c_definitions, two independent
writers of one C++ declaration: check_json.py [EMULATOR...] LAYOUT_EXPORT. Parses the JSON
(json.loads must accept it) and the C #defines, and compares every field's
offset and size, the layout's size, alignment, header size and fingerprint.
In a cross build the arguments are the emulator's command, then the exporter."""

import json
import re
import subprocess
import sys


def main(exporter):
    exporter = list(exporter)
    layout = json.loads(subprocess.run(exporter + ["json"], check=True, capture_output=True, text=True).stdout)
    header = subprocess.run(exporter + ["c"], check=True, capture_output=True, text=True).stdout
    defines = dict(re.findall(r"^#define (HANDOFF_\w+) (\S+)$", header, re.MULTILINE))

    def c_value(name):
        text = defines["HANDOFF_" + name]
        return int(text.rstrip("ULL"), 0)

    problems = []

    def same(what, from_json, from_c):
        if from_json != from_c:
            problems.append(f"{what}: JSON says {from_json}, C says {from_c}")

    same("size", layout["size"], c_value("SIZE"))
    same("alignment", layout["alignment"], c_value("ALIGNMENT"))
    same("header_size", layout["header_size"], c_value("HEADER_SIZE"))
    same("fingerprint", int(layout["fingerprint"], 16), c_value("FINGERPRINT"))
    same("header_magic", int(layout["header_magic"], 16), c_value("HEADER_MAGIC"))
    same("version", layout["version"], c_value("VERSION"))
    names = [f["name"] for f in layout["fields"]]
    c_names = sorted(n[len("HANDOFF_"):-len("_OFFSET")].lower() for n in defines
                     if n.endswith("_OFFSET") and not n.startswith("HANDOFF_HEADER_"))
    same("field names", sorted(names), c_names)
    for f in layout["fields"]:
        key = f["name"].upper()
        same(f"{f['name']} offset", f["offset"], c_value(key + "_OFFSET"))
        same(f"{f['name']} size", f["size"], c_value(key + "_SIZE"))
        elements = 1
        for extent in f["shape"]:
            elements *= extent
        same(f"{f['name']} shape x element_size", elements * f["element_size"], f["size"])
        if f["offset"] % f["alignment"]:
            problems.append(f"{f['name']}: offset {f['offset']} not a multiple of alignment {f['alignment']}")
    states = [f for f in layout["fields"] if f["role"] == "state"]
    same("state word", [f["name"] for f in states], [layout["state"]])
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"to_json and c_definitions agree on {len(names)} fields")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
