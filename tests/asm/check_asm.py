#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Instruction-level checks of the mailbox protocol, run as CTest tests.

Compiles a source file that defines mailbox_send, mailbox_receive and
mailbox_wait_receive (tests/asm/library.cpp uses the public API;
handwritten.cpp the same steps with std::atomic_ref), disassembles the object
with the matching objdump and checks the rules below on each function. The
exit status is 0 when every rule holds, or, with --expect-fail, when exactly
the named rules fail (a negative control: a deliberately broken variant).

Rules (address order stands in for program order: the functions are
straight-line apart from the spin loop, whose loads are all state loads):
  aarch64:
    release-count      exactly one release store (STLR) in each function
    stores-before-release  every payload store precedes that STLR
    acquire-instruction    the state is loaded with LDAR (LDAPR with --rcpc),
                       and with nothing else
    loads-after-acquire    every payload load follows the first acquire load
    no-barrier         no DMB/DSB/ISB, no exclusive or atomic read-modify-write
    no-call            no BL/BLR: the whole step is inline (a tail call by B
                       is not detected)
  x86_64 (the state word is the only 4-byte memory access, see protocol.hpp):
    release-count      exactly one state store, and it is a plain MOV
    stores-before-release  every payload store precedes it
    acquire-instruction    the state is loaded with a plain MOV
    loads-after-acquire    every payload load follows the first state load
    no-barrier         no LOCK prefix, XCHG with memory, or MFENCE/LFENCE/SFENCE
    no-call            no CALL
  both, with --reference:
    zero-overhead      mailbox_send and mailbox_receive have no more
                       instructions (padding NOPs aside) than the same
                       functions in the reference source, plus --overhead-slack

With --kind transition the source defines mailbox_try_transition and
endpoint_try_transition instead (tests/asm/transition.cpp: a compare-and-swap
on the state word, acq_rel), checked by:
  aarch64:
    cas-instruction    exactly one CASAL, or exactly one LDAXR/STLXR loop
                       (one LDAXR, one STLXR, a backward branch to the LDAXR;
                       not accepted with --lse, for targets with LSE),
                       and no other exclusive or atomic instruction, no
                       LDAR/LDAPR/STLR beside it
  x86_64:
    cas-instruction    exactly one LOCK CMPXCHG
  both:
    no-barrier         no DMB/DSB/ISB; no MFENCE/LFENCE/SFENCE, no XCHG with
                       memory, no locked instruction other than the CMPXCHG
    no-call            no BL/BLR, no CALL (an outlined atomic is a call)
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

FUNCTIONS = ("mailbox_send", "mailbox_receive", "mailbox_wait_receive")
# The zero-overhead rule counts the straight-line steps only. In the waiting
# step the compilers rotate a loop around an asm statement differently from
# one around an atomic load (the library's loop is longer in bytes and
# shorter per spin), so its count is printed, not compared.
COMPARED = ("mailbox_send", "mailbox_receive")
TRANSITION_FUNCTIONS = ("mailbox_try_transition", "endpoint_try_transition")
TRANSITION_RULES = ("cas-instruction", "no-barrier", "no-call")
RULES = (
    "release-count",
    "stores-before-release",
    "acquire-instruction",
    "loads-after-acquire",
    "no-barrier",
    "no-call",
    "zero-overhead",
)


class Instruction:
    def __init__(self, address, text):
        self.address = address
        self.text = text
        parts = text.split(None, 1)
        self.mnemonic = parts[0] if parts else ""
        self.operands = parts[1] if len(parts) > 1 else ""

    def __str__(self):
        return self.text


def run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit(f"check_asm: command failed ({result.returncode}): {' '.join(command)}\n{result.stdout}")
    return result.stdout


def is_padding(instruction):
    # Alignment padding: nop, nopw/nopl behind prefixes, and x86's "xchg %ax,%ax".
    words = instruction.text.split()
    return any(word.startswith("nop") for word in words[:4]) or instruction.text == "xchg %ax,%ax"


def disassemble(objdump, obj, wanted=FUNCTIONS):
    """{function: [Instruction]} for the checked functions, padding removed."""
    listing = run([objdump, "-d", "-w", "--no-show-raw-insn", obj])
    functions, current = {}, None
    for line in listing.splitlines():
        header = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if header:
            current = header.group(1) if header.group(1) in wanted else None
            if current:
                functions[current] = []
            continue
        body = re.match(r"^\s+([0-9a-f]+):\s+(.*)$", line)
        if current and body:
            text = re.sub(r"\s*//.*$", "", body.group(2)).strip()  # AArch64 objdump comments
            text = re.sub(r"\s+", " ", text)
            instruction = Instruction(int(body.group(1), 16), text)
            if not is_padding(instruction):
                functions[current].append(instruction)
    missing = [f for f in wanted if f not in functions]
    if missing:
        sys.exit(f"check_asm: {obj} defines no {', '.join(missing)}")
    return functions


# AArch64 ------------------------------------------------------------------


# Exclusives and LSE atomics: a read-modify-write has no place in a
# message-passing handoff.
AARCH64_RMW = re.compile(r"ld[a]?xr[bh]?|st[l]?xr[bh]?|ld[a]?xp|st[l]?xp|cas\w*|swp\w*"
                         r"|ld(add|clr|eor|set|smax|smin|umax|umin)\w*")


def aarch64_kind(i):
    m = i.mnemonic
    if re.fullmatch(r"stlr[bh]?|stlur[bh]?", m):
        return "release"
    if re.fullmatch(r"ldar[bh]?|ldapr[bh]?|ldapur[bh]?", m):
        return "acquire:" + m
    if m in ("dmb", "dsb", "isb"):
        return "barrier"
    if m in ("bl", "blr"):
        return "call"
    if AARCH64_RMW.fullmatch(m):
        return "rmw"
    on_stack = "[sp" in i.operands
    if m.startswith("ld") and "[" in i.operands:
        return "stack" if on_stack else "load"
    if m.startswith("st") and "[" in i.operands:
        return "stack" if on_stack else "store"
    return "other"


# x86-64 (AT&T syntax) -----------------------------------------------------

X86_NARROW = re.compile(r"%e[a-z]{2}\b|%r\d+d\b")
X86_MEMORY = re.compile(r"(-?0x[0-9a-f]+|-?\d+)?\((%[a-z0-9]+)?(,%[a-z0-9]+)?(,\d)?\)")


def x86_kind(i):
    words = i.text.split()
    prefixes = []
    while words and words[0] in ("lock", "rep", "repz", "repnz", "data16", "cs", "ds", "notrack", "bnd"):
        prefixes.append(words.pop(0))
    if not words:
        return "other"
    m, operands = words[0], " ".join(words[1:]).split("#")[0].strip()
    if m.startswith("call"):
        return "call"
    if "lock" in prefixes:
        return "barrier"
    if m in ("mfence", "lfence", "sfence"):
        return "barrier"
    memory = X86_MEMORY.search(operands)
    if m.startswith("xchg") and memory:
        return "barrier"  # XCHG with memory is implicitly locked
    if not memory or m.startswith("lea") or m.startswith("nop") or m.startswith("prefetch"):
        return "other"
    base = memory.group(2) or ""
    if base in ("%rsp", "%rbp", "%rip"):
        return "stack"
    narrow = bool(X86_NARROW.search(operands)) or (m.endswith("l") and m[:-1] in ("mov", "cmp", "add", "sub", "and", "or", "xor", "test"))
    # AT&T: the destination is the last operand.
    writes = operands.rstrip().endswith(")") and not m.startswith(("cmp", "test", "ucomi", "comi", "bt"))
    plain_mov = m in ("mov", "movl")
    if narrow:
        if writes:
            return "release" if plain_mov else "state-other"
        return "acquire:mov" if plain_mov else "state-other"
    return "store" if writes else "load"


# Rules -----------------------------------------------------------------------


def check_function(arch, name, instructions, rcpc):
    """[(rule, message)] of the rules this function breaks."""
    kind = aarch64_kind if arch == "aarch64" else x86_kind
    kinds = [(i, kind(i)) for i in instructions]
    failures = []

    releases = [i for i, k in kinds if k == "release"]
    odd_state = [i for i, k in kinds if k == "state-other"]
    if len(releases) != 1 or odd_state:
        failures.append(("release-count", f"{len(releases)} release stores, expected 1"
                         + (f"; state word touched by {', '.join(map(str, odd_state))}" if odd_state else "")))
    if releases:
        release = releases[-1]
        late = [i for i, k in kinds if k == "store" and i.address > release.address]
        if late:
            failures.append(("stores-before-release", f"payload store after the release store '{release}': "
                             + "; ".join(map(str, late))))

    acquires = [(i, k) for i, k in kinds if k.startswith("acquire:")]
    wanted = {"aarch64": "ldapr" if rcpc else "ldar", "x86_64": "mov"}[arch]
    wrong = [i for i, k in acquires if not k.endswith(":" + wanted)]
    if not acquires or wrong:
        failures.append(("acquire-instruction", f"state loads {[str(i) for i, _ in acquires] or 'none'}, "
                         f"expected only {wanted}"))
    if acquires:
        first = acquires[0][0]
        early = [i for i, k in kinds if k == "load" and i.address < first.address]
        if early:
            failures.append(("loads-after-acquire", f"payload load before the acquire '{first}': "
                             + "; ".join(map(str, early))))
    elif arch == "aarch64":
        # No acquire at all: any payload load is unordered.
        loads = [i for i, k in kinds if k == "load"]
        if loads:
            failures.append(("loads-after-acquire", "payload loads with no acquire load before them"))

    barriers = [i for i, k in kinds if k in ("barrier", "rmw")]
    if barriers:
        failures.append(("no-barrier", "; ".join(map(str, barriers))))
    calls = [i for i, k in kinds if k == "call"]
    if calls:
        failures.append(("no-call", "; ".join(map(str, calls))))
    return failures


def check_transition(arch, instructions, lse=False):
    """[(rule, message)] of the transition rules this function breaks."""
    failures = []
    if arch == "aarch64":
        casal = [i for i in instructions if i.mnemonic in ("casal", "casalb", "casalh")]
        ldaxr = [i for i in instructions if re.fullmatch(r"ldaxr[bh]?", i.mnemonic)]
        stlxr = [i for i in instructions if re.fullmatch(r"stlxr[bh]?", i.mnemonic)]
        # Every exclusive or atomic instruction, and ordered plain accesses.
        others = [i for i in instructions if AARCH64_RMW.fullmatch(i.mnemonic) and i not in casal + ldaxr + stlxr]
        others += [i for i in instructions if re.fullmatch(r"ldar[bh]?|ldapr[bh]?|stlr[bh]?", i.mnemonic)]
        loop_ok = False
        if len(ldaxr) == 1 and len(stlxr) == 1 and not casal:
            # The STLXR's status must send a failed store back to the LDAXR.
            start, store = ldaxr[0].address, stlxr[0].address
            def target(i):
                m = re.search(r"\b([0-9a-f]+) <", i.operands)
                return int(m.group(1), 16) if m else None
            branches = [i for i in instructions if i.mnemonic in ("cbnz", "cbz", "b.ne", "b.eq", "b", "tbnz")
                        and i.address > store and target(i) == start]
            loop_ok = bool(branches) and start < store
        if lse:
            loop_ok = False  # LSE is there: the loop would be the slower choice
        if not ((len(casal) == 1 and not ldaxr and not stlxr) or loop_ok) or others:
            failures.append(("cas-instruction", f"{len(casal)} CASAL, {len(ldaxr)} LDAXR, {len(stlxr)} STLXR"
                             + (f"; also {', '.join(map(str, others))}" if others else "")
                             + (", expected one CASAL" if lse else ", expected one CASAL or one LDAXR/STLXR loop")))
        barriers = [i for i in instructions if i.mnemonic in ("dmb", "dsb", "isb")]
        calls = [i for i in instructions if i.mnemonic in ("bl", "blr")]
    else:
        words = [i.text.split() for i in instructions]
        locked = [i for i, w in zip(instructions, words) if w and w[0] == "lock"]
        cmpxchg = [i for i in locked if len(i.text.split()) > 1 and i.text.split()[1].startswith("cmpxchg")]
        if len(cmpxchg) != 1:
            failures.append(("cas-instruction", f"{[str(i) for i in cmpxchg] or 'no lock cmpxchg'}, "
                             "expected exactly one lock cmpxchg"))
        # Any other locked instruction is a full barrier (g++'s seq_cst fence is LOCK OR to the stack).
        barriers = [i for i in locked if i not in cmpxchg]
        barriers += [i for i in instructions if i.mnemonic in ("mfence", "lfence", "sfence")
                     or (i.mnemonic.startswith("xchg") and X86_MEMORY.search(i.operands))]
        calls = [i for i in instructions if i.mnemonic.startswith("call")]
    if barriers:
        failures.append(("no-barrier", "; ".join(map(str, barriers))))
    if calls:
        failures.append(("no-call", "; ".join(map(str, calls))))
    return failures


def compile_object(args, source, defines, directory, tag):
    obj = os.path.join(directory, f"{tag}.o")
    command = [args.cxx, *args.cxx_flag, "-std=c++20", args.opt, "-Wall", "-Wextra", "-Wpedantic", "-Werror",
               *(f"-I{d}" for d in args.include), *(f"-D{d}" for d in defines), "-c", source, "-o", obj]
    run(command)
    return obj


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", choices=("aarch64", "x86_64"), required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--cxx-flag", action="append", default=[], help="extra compiler flag (repeatable)")
    parser.add_argument("--objdump", required=True)
    parser.add_argument("--opt", required=True, choices=("-O1", "-O2", "-O3", "-Os"))
    parser.add_argument("--include", action="append", default=[])
    parser.add_argument("--source", required=True)
    parser.add_argument("--define", action="append", default=[])
    parser.add_argument("--reference", help="source whose functions must not be shorter")
    parser.add_argument("--overhead-slack", type=int, default=0,
                        help="instructions the library may exceed the reference by (a documented exemption)")
    parser.add_argument("--rcpc", action="store_true", help="acquire must be LDAPR rather than LDAR")
    parser.add_argument("--lse", action="store_true", help="--kind transition: the CAS must be CASAL")
    parser.add_argument("--kind", choices=("handoff", "transition"), default="handoff",
                        help="which functions and rules: the message handoff, or the compare-and-swap")
    parser.add_argument("--expect-fail", action="append", default=[], choices=RULES + TRANSITION_RULES,
                        help="a negative control: pass only if each of these rules fails")
    args = parser.parse_args()

    if args.kind == "transition":
        return main_transition(args)

    with tempfile.TemporaryDirectory(prefix="check_asm.") as directory:
        functions = disassemble(args.objdump, compile_object(args, args.source, args.define, directory, "checked"))
        reference = None
        if args.reference:
            reference = disassemble(args.objdump, compile_object(args, args.reference, [], directory, "reference"))

    failures = []
    for name in FUNCTIONS:
        instructions = functions[name]
        print(f"{name} ({len(instructions)} instructions"
              + (f", reference {len(reference[name])}" if reference else "") + "):")
        for i in instructions:
            print(f"    {i}")
        failures += [(rule, f"{name}: {message}") for rule, message in
                     check_function(args.arch, name, instructions, args.rcpc)]
        if reference and name in COMPARED and len(instructions) > len(reference[name]) + args.overhead_slack:
            failures.append(("zero-overhead", f"{name}: {len(instructions)} instructions, the hand-written "
                             f"std::atomic_ref version {len(reference[name])}"))

    failed_rules = {rule for rule, _ in failures}
    for rule, message in failures:
        print(f"RULE BROKEN [{rule}] {message}")
    if args.expect_fail:
        # Exactly the named rules: a control that trips some other rule proves
        # nothing about the one it was written for.
        if failed_rules != set(args.expect_fail):
            print(f"NEGATIVE CONTROL FAILED: expected exactly [{', '.join(sorted(args.expect_fail))}] to break, "
                  f"got [{', '.join(sorted(failed_rules))}]")
            return 1
        print(f"negative control tripped exactly as it must: {', '.join(sorted(failed_rules))}")
        return 0
    if failures:
        return 1
    if args.overhead_slack:
        print(f"NOTE: zero-overhead checked with a documented slack of {args.overhead_slack} instruction(s)")
    print("all rules hold: " + ", ".join(r for r in RULES if r != "zero-overhead" or reference))
    return 0


def report(failures, expect_fail, rules):
    failed_rules = {rule for rule, _ in failures}
    for rule, message in failures:
        print(f"RULE BROKEN [{rule}] {message}")
    if expect_fail:
        if failed_rules != set(expect_fail):
            print(f"NEGATIVE CONTROL FAILED: expected exactly [{', '.join(sorted(expect_fail))}] to break, "
                  f"got [{', '.join(sorted(failed_rules))}]")
            return 1
        print(f"negative control tripped exactly as it must: {', '.join(sorted(failed_rules))}")
        return 0
    if failures:
        return 1
    print("all rules hold: " + ", ".join(rules))
    return 0


def main_transition(args):
    with tempfile.TemporaryDirectory(prefix="check_asm.") as directory:
        functions = disassemble(args.objdump, compile_object(args, args.source, args.define, directory, "checked"),
                                TRANSITION_FUNCTIONS)
    failures = []
    for name in TRANSITION_FUNCTIONS:
        instructions = functions[name]
        print(f"{name} ({len(instructions)} instructions):")
        for i in instructions:
            print(f"    {i}")
        failures += [(rule, f"{name}: {message}")
                     for rule, message in check_transition(args.arch, instructions, args.lse)]
    return report(failures, args.expect_fail, TRANSITION_RULES)


if __name__ == "__main__":
    sys.exit(main())
