#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Checks that every source file of the repository starts with the licence
lines (after a shebang, where there is one):

    // SPDX-License-Identifier: MIT
    // Copyright (c) 2026 The mailbox authors

(`#` instead of `//` for Python, shell and CMake files). Prints each file that
lacks them and exits 1; with --fix, adds them instead.

    scripts/check_spdx.py [--fix] [ROOT]
"""
import os
import sys

LICENSE_LINE = "SPDX-License-Identifier: MIT"
COPYRIGHT_LINE = "Copyright (c) 2026 The mailbox authors"

# What counts as source, by how the name ends, and the comment it takes.
SLASH_COMMENT = (".hpp", ".cpp", ".h", ".c", ".cu", ".cuh")
HASH_COMMENT = (".py", ".sh", ".cmake", "CMakeLists.txt")
# Folders that hold no source of ours (build output, data, generated files).
SKIPPED_FOLDERS = {".git", "build", "corpus", "site", "__pycache__"}


def comment_of(name):
    if name.endswith(SLASH_COMMENT):
        return "//"
    if name.endswith(HASH_COMMENT):
        return "#"
    return None


def source_files(root):
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS)
        for name in sorted(files):
            if comment_of(name):
                yield os.path.join(folder, name)


def has_licence(lines):
    head = lines[:4]
    return any(LICENSE_LINE in line for line in head) and any(COPYRIGHT_LINE in line for line in head)


def add_licence(path, lines):
    comment = comment_of(os.path.basename(path))
    at = 1 if lines and lines[0].startswith("#!") else 0
    lines[at:at] = [f"{comment} {LICENSE_LINE}\n", f"{comment} {COPYRIGHT_LINE}\n"]
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


def main():
    args = sys.argv[1:]
    fix = "--fix" in args
    args = [a for a in args if a != "--fix"]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    missing = []
    for path in source_files(root):
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        if has_licence(lines):
            continue
        if fix:
            add_licence(path, lines)
        else:
            missing.append(os.path.relpath(path, root))
    if missing:
        print(f"{len(missing)} source files lack the licence lines ({LICENSE_LINE}; {COPYRIGHT_LINE});"
              " scripts/check_spdx.py --fix adds them:")
        for path in missing:
            print(f"  {path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
