#!/usr/bin/python3
"""Runs every `$ pgm ...` example in README.md and compares it with the real output.

Usage: check_readme.py README.md PGM_BINARY   (run from the repository root: the examples use
relative model paths, as a reader typing them would).

An example is a line `$ pgm ARGS   # optional comment` inside a fenced block, followed by the output
the README shows, up to the next `$ ` line or the end of the block. The shown output must be:
  - the exact stdout, line for line (trailing spaces ignored);
  - or, when a line is `  ...`, the exact first lines of stdout up to there (the rest elided);
  - or, when it starts with `{`, JSON equal to stdout's JSON once both are parsed (the README shows
    it compacted; numbers must be the same doubles);
  - or, when the last line ends with `(exit N)`, the exact stderr and exit code N.
Examples with no output shown only have to exit 0. Exits 1 listing every mismatch.
"""
import json
import re
import shlex
import subprocess
import sys


def examples(readme):
    out = []
    in_block = False
    current = None
    for number, line in enumerate(open(readme, encoding="utf-8").read().splitlines(), 1):
        if line.startswith("```"):
            in_block = not in_block
            if current:
                out.append(current)
            current = None
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            if current:
                out.append(current)
            current = {"line": number, "command": line[2:], "shown": []}
        elif current is not None:
            current["shown"].append(line)
    return out


def check(example, pgm):
    words = shlex.split(example["command"], comments=True)
    if not words or words[0] != "pgm":
        return ["not a pgm command"]
    run = subprocess.run([pgm] + words[1:], capture_output=True, text=True, timeout=120)
    shown = list(example["shown"])
    while shown and not shown[-1].strip():
        shown.pop()
    got_out = [l.rstrip() for l in run.stdout.splitlines()]
    problems = []

    exit_match = re.search(r"\s*\(exit (\d+)\)\s*$", shown[-1]) if shown else None
    if exit_match:
        want_code = int(exit_match.group(1))
        want_err = shown[:-1] + [shown[-1][: exit_match.start()]]
        got_err = [l.rstrip() for l in run.stderr.splitlines()]
        if run.returncode != want_code:
            problems.append(f"exit code {run.returncode}, README says {want_code}")
        if [l.rstrip() for l in want_err] != got_err:
            problems.append("stderr differs:\n  README: %r\n  actual: %r" % (want_err, got_err))
        return problems

    if run.returncode != 0:
        return [f"exit code {run.returncode}: {run.stderr.strip()}"]
    if not shown:
        return problems
    if shown[0].startswith("{"):
        try:
            want = json.loads("\n".join(shown))
        except json.JSONDecodeError as e:
            return [f"the README's JSON does not parse: {e}"]
        got = json.loads(run.stdout)
        if want != got:
            problems.append("JSON differs:\n  README: %s\n  actual: %s" % (json.dumps(want), json.dumps(got)))
        return problems
    if "  ..." in shown:
        head = shown[: shown.index("  ...")]
        if [l.rstrip() for l in head] != got_out[: len(head)]:
            problems.append("first lines differ:\n  README:\n%s\n  actual:\n%s" % (
                "\n".join(head), "\n".join(got_out[: len(head)])))
        elif len(got_out) <= len(head):
            problems.append("README elides lines that are not there")
        return problems
    if [l.rstrip() for l in shown] != got_out:
        problems.append("stdout differs:\n  README:\n%s\n  actual:\n%s" % ("\n".join(shown), "\n".join(got_out)))
    return problems


def main():
    readme, pgm = sys.argv[1], sys.argv[2]
    found = examples(readme)
    failures = 0
    for ex in found:
        problems = check(ex, pgm)
        status = "ok" if not problems else "MISMATCH"
        print(f"README.md:{ex['line']}: $ {ex['command']}  -> {status}")
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        failures += bool(problems)
    print(f"{len(found)} README examples run, {failures} differ from the real output")
    if not found:
        print("no `$ pgm` examples found in " + readme)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
