#!/usr/bin/python3
"""Runs every code block of a Markdown tutorial and compares what it prints with the text shown.

Usage: check_tutorial.py TUTORIAL.md --pgm PGM_BINARY [--no-python] [--expect-mismatches N]
Run from the repository root (the examples use relative paths, as a reader typing them would), with
PYTHONPATH pointing at the built package (<build>/python).

- A ```python block is run in one interpreter session shared by every python block of the file, in
  order (a later block sees the names an earlier one defined). What it prints (stdout and stderr,
  Python level) is its output; an exception is printed as a traceback, which then differs.
- A ```sh block is run by bash from the repository root with the directory of PGM_BINARY first on
  PATH, so `pgm ...` is the built binary; stderr is merged into stdout. It must exit 0: a block that
  shows an error says so itself (`pgm ... || echo "exit $?"`).
- The expected output is the ```text block that follows the code block (only blank lines between).
  A code block without one must print nothing. Lines are compared exactly, except trailing spaces
  and trailing blank lines (which Markdown editors drop).
- `<!-- tutorial: needs PATH -->` on the line before a code block skips that block (saying so) when
  PATH, relative to the repository root, does not exist (e.g. ../shared/networks/bif/asia.bif).
  Python blocks after a skipped one must not depend on it.

Exits 1 listing a unified diff for every block that differs (all blocks are run), 0 when every block
prints what the tutorial shows. --no-python skips the python blocks (a build without the Python
package). --expect-mismatches N inverts the verdict for the checker's own test: exit 0 only when
exactly N blocks differ.
"""
import argparse
import contextlib
import difflib
import io
import os
import pathlib
import re
import subprocess
import sys
import traceback

NEEDS = re.compile(r"^<!--\s*tutorial:\s*needs\s+(\S+)\s*-->\s*$")


def blocks(path):
    """Code blocks with their expected output: dicts of kind, line, code, shown, needs."""
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
    fenced = []  # (info, first line number, body lines, line before the fence)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            info = line[3:].strip().split()[0] if line[3:].strip() else ""
            start = i
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise SystemExit(f"{path}:{start + 1}: code block not closed")
            before = lines[start - 1] if start > 0 else ""
            fenced.append({"info": info, "line": start + 1, "body": body, "end": i, "before": before})
        i += 1
    out = []
    for n, f in enumerate(fenced):
        if f["info"] not in ("python", "sh"):
            continue
        shown = None
        if n + 1 < len(fenced) and fenced[n + 1]["info"] == "text":
            between = lines[f["end"] + 1: fenced[n + 1]["line"] - 1]
            if all(not l.strip() for l in between):
                shown = fenced[n + 1]["body"]
        needs = NEEDS.match(f["before"].strip())
        out.append({"kind": f["info"], "line": f["line"], "code": "\n".join(f["body"]) + "\n",
                    "shown": shown or [], "needs": needs.group(1) if needs else None})
    return out


def normalised(text_lines):
    got = [l.rstrip() for l in text_lines]
    while got and not got[-1]:
        got.pop()
    return got


def run_python(code, name, namespace):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            exec(compile(code, name, "exec"), namespace)
        except BaseException:  # noqa: BLE001 - shown in the diff, including SystemExit
            traceback.print_exc(file=buffer)
    return buffer.getvalue().splitlines()


def run_sh(code, pgm_dir):
    env = dict(os.environ, PATH=pgm_dir + os.pathsep + os.environ.get("PATH", ""))
    run = subprocess.run(["bash", "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, env=env, timeout=300)
    out = run.stdout.splitlines()
    if run.returncode != 0:
        out.append(f"[the block exited with status {run.returncode}]")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tutorial")
    ap.add_argument("--pgm", required=True, help="the built pgm binary")
    ap.add_argument("--no-python", action="store_true", help="skip the python blocks")
    ap.add_argument("--python-only", action="store_true",
                    help="run only the python blocks (README.md: its sh blocks install and build)")
    ap.add_argument("--expect-mismatches", type=int, default=None)
    args = ap.parse_args()

    pgm = pathlib.Path(args.pgm).resolve()
    if pgm.name != "pgm" or not os.access(pgm, os.X_OK):
        print(f"{args.pgm}: not an executable named pgm")
        return 1
    found = blocks(args.tutorial)
    namespace = {"__name__": "__tutorial__"}
    ran = skipped = 0
    mismatches = []
    for b in found:
        where = f"{args.tutorial}:{b['line']}"
        if b["needs"] and not pathlib.Path(b["needs"]).exists():
            print(f"{where}: {b['kind']} block skipped: {b['needs']} absent")
            skipped += 1
            continue
        if b["kind"] == "sh" and args.python_only:
            continue
        if b["kind"] == "python" and args.no_python:
            print(f"{where}: python block skipped (--no-python)")
            skipped += 1
            continue
        if b["kind"] == "python":
            got = run_python(b["code"], where, namespace)
        else:
            got = run_sh(b["code"], str(pgm.parent))
        ran += 1
        want, got = normalised(b["shown"]), normalised(got)
        if want == got:
            print(f"{where}: {b['kind']} block ok")
            continue
        mismatches.append(where)
        print(f"{where}: {b['kind']} block MISMATCH (- the tutorial shows, + it prints):")
        for d in difflib.unified_diff(want, got, "tutorial", "actual", lineterm="", n=2):
            print("    " + d)
    print(f"{ran} blocks of {args.tutorial} run, {skipped} skipped, {len(mismatches)} differ from the real output")
    if not found:
        print(f"no python or sh blocks found in {args.tutorial}")
        return 1
    if args.expect_mismatches is not None:
        ok = len(mismatches) == args.expect_mismatches
        print(f"expected {args.expect_mismatches} mismatches: {'as expected' if ok else 'NOT as expected'}")
        return 0 if ok else 1
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
