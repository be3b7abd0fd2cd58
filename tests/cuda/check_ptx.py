#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""PTX-level checks of the mailbox protocol in CUDA device code, run as CTest
tests: the counterpart of tests/asm/check_asm.py for nvcc.

Compiles a source that defines the device functions mailbox_send,
mailbox_receive, mailbox_wait_receive and mailbox_try_transition
(tests/cuda/ptx/library.cu uses the public API; handwritten.cu the same steps
with libcu++'s cuda::atomic_ref) to PTX with nvcc -rdc=true, and checks the
rules below on each function. The exit status is 0 when every rule holds, or,
with --expect-fail, when exactly the named rules fail (a negative control: a
deliberately broken variant).

The PTX memory model (PTX ISA, "Memory Consistency Model") is defined on PTX
instructions: a ld.acquire that observes a st.release of the same scope or
wider synchronises with it, and ptxas must keep what that orders. So the
order of the instructions in the PTX is the order the program asks for;
address order stands in for program order as in check_asm.py (the steps are
straight-line apart from the spin loop, whose loads are state loads, and the
cold blocks that trap on a misused token).

Rules, for --scope sys (system: ld.acquire.sys / st.release.sys) or --scope
gpu (.gpu):
  acquire-instruction  the state is loaded with ld.acquire.<scope>, at least
                       once, and by no other ordered or atomic load (no
                       .relaxed, .volatile, or acquire of another scope)
  acquire-decides      the value of every ld.acquire is read by a later
                       instruction: the step depends on the state it loaded
                       (nvcc 13 once compiled a std::optional<token> so that
                       the result no longer did, the acquire left in place)
  loads-after-acquire  every payload load follows the first acquire load
  release-count        exactly one st.release.<scope>, and no other ordered,
                       volatile or atomic store
  stores-before-release  every payload store precedes it
  no-fence             no fence.* and no membar.* (__threadfence_system()
                       is membar.sys, a fence.sc.sys)
  no-volatile          no ld.volatile / st.volatile
  no-rmw               no atom.* / red.* in a send or receive
  no-call              no call but to the misuse trap (the token's liveness
                       check, which device compilers keep; vprintf inside it)
and for mailbox_try_transition:
  cas-instruction      exactly one atom.acq_rel.<scope>.cas (either
                       spelling), no other atomic or ordered access
  no-fence, no-call    as above

Payload accesses are ld/st to generic or .global addresses held in
registers; .param, .local and .shared accesses and loads from a named global
(nvcc keeps constant-initialised std::optional objects there) are not payload.
"""

import argparse
import os
import re
import sys
import tempfile

# The verdict and the command runner are check_asm.py's: the same rules of
# negative controls (exactly the named rules must break).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "asm"))
from check_asm import report, run  # noqa: E402

HANDOFF = ("mailbox_send", "mailbox_receive", "mailbox_wait_receive")
TRANSITION = "mailbox_try_transition"
RULES = ("acquire-instruction", "acquire-decides", "loads-after-acquire", "release-count", "stores-before-release", "no-fence",
         "no-volatile", "no-rmw", "no-call", "cas-instruction")
# The cold path of a misused token: the library's trap, which prints.
ALLOWED_CALLEES = re.compile(r"^(vprintf|_ZN7mailbox\w*4cuda6detail4trap\w*)$")


class Instruction:
    def __init__(self, index, text):
        self.index = index
        self.text = text
        body = re.sub(r"^@!?%\w+\s+", "", text)  # predicate guard
        parts = body.split(None, 1)
        self.opcode = parts[0] if parts else ""
        self.operands = parts[1] if len(parts) > 1 else ""
        self.qualifiers = self.opcode.split(".")

    def __str__(self):
        return self.text


def functions_of(ptx, wanted):
    """{name: [Instruction]} for the wanted .func/.entry bodies."""
    functions, current, depth, lines = {}, None, 0, ptx.splitlines()
    for number, line in enumerate(lines):
        text = re.sub(r"//.*$", "", line).strip()
        if current is None:
            header = re.match(r"^\.(?:visible|weak)?\s*\.(?:func|entry)\s+(?:\([^)]*\)\s*)?(\w+)\s*\(", text)
            if header and header.group(1) in wanted:
                current, depth, opened = header.group(1), 0, False
                functions[current] = []
            continue
        depth += text.count("{") - text.count("}")
        opened = opened or depth > 0
        if opened and depth == 0:
            current = None
            continue
        text = text.rstrip(";").strip()
        if not text or text.startswith(".") or text in ("{", "}", "(", ")") or text.endswith(":"):
            continue
        if re.fullmatch(r"[\w$]+,?", text):
            # nvcc writes a call's callee and arguments one per line.
            body = functions[current]
            if body and body[-1].opcode.startswith("call") and not hasattr(body[-1], "callee"):
                body[-1].callee = text.rstrip(",")
                body[-1].text += " " + body[-1].callee
            continue
        functions[current].append(Instruction(number, text))
    missing = [f for f in wanted if f not in functions]
    if missing:
        sys.exit(f"check_ptx: the PTX defines no {', '.join(missing)}")
    return functions


def address_is_register(operands):
    match = re.search(r"\[([^\]]+)\]", operands)
    return bool(match) and match.group(1).strip().startswith("%")


def kind(i, scope):
    """What an instruction is to the rules."""
    q = i.qualifiers
    op = q[0]
    if op in ("fence", "membar"):
        return "fence"
    if op == "call" or op.startswith("call"):
        return "call"
    if op in ("atom", "red"):
        return "rmw"
    if op in ("ld", "ldu", "st"):
        if any(space in q for space in ("param", "local", "shared", "const")):
            return "other"
        if "volatile" in q:
            return "volatile"
        if "acquire" in q:
            return "acquire" if scope in q else "ordered-load"
        if "release" in q:
            return "release" if scope in q else "ordered-store"
        if "relaxed" in q or "mmio" in q:
            return "ordered-load" if op != "st" else "ordered-store"
        if op == "st":
            return "store"
        return "load" if address_is_register(i.operands) else "other"
    return "other"


def destination(i):
    """The register an instruction writes (its first operand)."""
    match = re.match(r"\s*(%\w+)", i.operands)
    return match.group(1) if match else None


def reads(i, register):
    """Whether an instruction reads `register` (a source operand)."""
    if register is None:
        return False
    operands = i.operands if i.qualifiers[0] in ("st", "red", "bra") or i.opcode.startswith("@") else \
        i.operands.split(",", 1)[-1] if "," in i.operands else ""
    if i.text.startswith("@"):  # a guarded instruction reads its predicate too
        operands += " " + i.text.split()[0]
    return re.search(re.escape(register) + r"(?![\w])", operands) is not None


def callee(i):
    return getattr(i, "callee", "?")


def check_handoff(name, instructions, scope):
    kinds = [(i, kind(i, scope)) for i in instructions]
    failures = []

    acquires = [i for i, k in kinds if k == "acquire"]
    odd_loads = [i for i, k in kinds if k == "ordered-load" or (k == "volatile" and i.qualifiers[0] != "st")]
    if not acquires or odd_loads:
        failures.append(("acquire-instruction", f"{len(acquires)} ld.acquire.{scope}"
                         + (f"; also {', '.join(map(str, odd_loads))}" if odd_loads else "")))
    ignored = [a for a in acquires if not any(reads(i, destination(a)) for i in instructions if i.index > a.index)]
    if ignored:
        failures.append(("acquire-decides", "nothing reads what " + "; ".join(map(str, ignored)) + " loaded"))
    loads = [i for i, k in kinds if k == "load"]
    if acquires:
        early = [i for i in loads if i.index < acquires[0].index]
        if early:
            failures.append(("loads-after-acquire", f"payload load before the acquire '{acquires[0]}': "
                             + "; ".join(map(str, early))))
    elif loads:
        failures.append(("loads-after-acquire", "payload loads with no acquire load before them: "
                         + "; ".join(map(str, loads))))

    releases = [i for i, k in kinds if k == "release"]
    odd_stores = [i for i, k in kinds if k == "ordered-store" or (k == "volatile" and i.qualifiers[0] == "st")]
    if len(releases) != 1 or odd_stores:
        failures.append(("release-count", f"{len(releases)} st.release.{scope}, expected 1"
                         + (f"; also {', '.join(map(str, odd_stores))}" if odd_stores else "")))
    if releases:
        late = [i for i, k in kinds if k == "store" and i.index > releases[-1].index]
        if late:
            failures.append(("stores-before-release", f"payload store after the release '{releases[-1]}': "
                             + "; ".join(map(str, late))))

    fences = [i for i, k in kinds if k == "fence"]
    if fences:
        failures.append(("no-fence", "; ".join(map(str, fences))))
    volatiles = [i for i, k in kinds if k == "volatile"]
    if volatiles:
        failures.append(("no-volatile", "; ".join(map(str, volatiles))))
    rmws = [i for i, k in kinds if k == "rmw"]
    if rmws:
        failures.append(("no-rmw", "; ".join(map(str, rmws))))
    calls = [i for i, k in kinds if k == "call" and not ALLOWED_CALLEES.match(callee(i))]
    if calls:
        failures.append(("no-call", "; ".join(callee(i) for i in calls)))
    return failures


def check_transition(instructions, scope):
    kinds = [(i, kind(i, scope)) for i in instructions]
    failures = []
    cas = [i for i, k in kinds if k == "rmw" and "cas" in i.qualifiers and "acq_rel" in i.qualifiers
           and scope in i.qualifiers]
    others = [i for i, k in kinds if (k == "rmw" and i not in cas)
              or k in ("acquire", "release", "ordered-load", "ordered-store", "volatile")]
    if len(cas) != 1 or others:
        failures.append(("cas-instruction", f"{len(cas)} atom.acq_rel.{scope}.cas, expected 1"
                         + (f"; also {', '.join(map(str, others))}" if others else "")))
    fences = [i for i, k in kinds if k == "fence"]
    if fences:
        failures.append(("no-fence", "; ".join(map(str, fences))))
    calls = [i for i, k in kinds if k == "call" and not ALLOWED_CALLEES.match(callee(i))]
    if calls:
        failures.append(("no-call", "; ".join(callee(i) for i in calls)))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nvcc", required=True)
    parser.add_argument("--arch", required=True, help="sm_80, sm_90, ...")
    parser.add_argument("--scope", choices=("sys", "gpu"), default="sys")
    parser.add_argument("--source", required=True)
    parser.add_argument("--include", action="append", default=[])
    parser.add_argument("--define", action="append", default=[])
    parser.add_argument("--nvcc-flag", action="append", default=[], help="extra nvcc flag (repeatable)")
    parser.add_argument("--expect-fail", action="append", default=[], choices=RULES,
                        help="a negative control: pass only if exactly these rules fail")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="check_ptx.") as directory:
        out = os.path.join(directory, "checked.ptx")
        command = [args.nvcc, "-std=c++20", "--expt-relaxed-constexpr", "-rdc=true", "-ptx", f"-arch={args.arch}",
                   *args.nvcc_flag, *(f"-I{d}" for d in args.include), *(f"-D{d}" for d in args.define),
                   args.source, "-o", out]
        print("$ " + " ".join(command))
        run(command)
        with open(out) as f:
            ptx = f.read()
    functions = functions_of(ptx, HANDOFF + (TRANSITION,))

    failures = []
    for name in HANDOFF + (TRANSITION,):
        instructions = functions[name]
        print(f"{name} ({len(instructions)} instructions):")
        for i in instructions:
            print(f"    {i}")
        found = check_transition(instructions, args.scope) if name == TRANSITION else \
            check_handoff(name, instructions, args.scope)
        failures += [(rule, f"{name}: {message}") for rule, message in found]

    print(f"checked at scope .{args.scope} for {args.arch}")
    return report(failures, args.expect_fail, RULES)


if __name__ == "__main__":
    sys.exit(main())
