"""`flake8-async-tips fix [--diff] [--select ...] PATHS...`: apply the certain fixes.

The paths are linted by real flake8 (a subprocess of this interpreter), so
its config files (setup.cfg, tox.ini, .flake8), selection, noqa comments and
per-file-ignores decide what is reported, exactly as in a flake8 run; any
option this command does not know is passed on to flake8 (`--name=value`).
For each file with findings, the fixes of fix_edits.py are applied in passes:
apply the fixes that do not overlap, lint the new text again, repeat until no
fix applies. A file is written only when it compiles after fixing, through a
temporary file in its directory and os.replace, so it is never half-written.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import subprocess
import sys
import tempfile
import tokenize
from dataclasses import dataclass, field
from io import BytesIO
from typing import Callable, Optional

from flake8_async_tips.fix_edits import Finding, Fix, Module, Refusal, apply_edits, overlaps
from flake8_async_tips.fix_rules import fix_for_finding

SEPARATOR = "\x1f"  # never in a path or a message, so a line splits unambiguously
FORMAT = SEPARATOR.join(("%(path)s", "%(row)d", "%(col)d", "%(code)s", "%(text)s"))
MAX_PASSES = 10
NOT_FIXED = "not fixed automatically"
# Not the plugin's findings but why flake8 could not lint a file: reported as such.
LINT_FAILURES = ("E902", "E999")


class FixError(Exception):
    """A file that cannot be fixed: not decodable, not parsable, not writable."""


@dataclass
class FileResult:
    path: str
    original: bytes = b""
    fixed: bytes = b""
    fixed_text: str = ""
    applied: list[Fix] = field(default_factory=list)
    left: list[tuple[Finding, str]] = field(default_factory=list)
    error: Optional[str] = None


# --- flake8 -----------------------------------------------------------------


def run_flake8(arguments: list[str], stdin: Optional[bytes] = None) -> dict[str, list[Finding]]:
    """{path: findings} of ASY codes (and flake8's own E902/E999), from real flake8."""
    command = [sys.executable, "-m", "flake8", *arguments]
    result = subprocess.run(command, input=stdin, capture_output=True)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"flake8 failed (exit {result.returncode}): {result.stderr.decode(errors='replace')}")
    findings: dict[str, list[Finding]] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split(SEPARATOR)
        if len(parts) != 5:
            continue
        path, row, col, code, text = parts
        if code.startswith("ASY") or code in LINT_FAILURES:
            findings.setdefault(path, []).append(Finding(int(row), int(col), code, text))
    return findings


def flake8_arguments(extra: list[str], select: Optional[str]) -> list[str]:
    selection = [f"--select={select}"] if select else []
    return [*extra, *selection, f"--format={FORMAT}"]


# --- one file ---------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) as Python reads the file: its coding cookie or BOM, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise FixError(f"cannot be decoded: {error}") from error


def compiles(text: str) -> bool:
    try:
        compile(text, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def still_valid(original: str) -> Callable[[str], bool]:
    """The check a fixed text must pass: compile when the original compiles, else at least parse.

    (A file can parse and not compile, e.g. `await` outside a function; it is
    fixed all the same, and a fix may not add a syntax error to it.)
    """
    return compiles if compiles(original) else parses


def choose_fixes(module: Module) -> tuple[list[Fix], dict[Finding, str]]:
    """The fixes of one pass: each must compile alone, and none may overlap another."""
    chosen: list[Fix] = []
    reasons: dict[Finding, str] = {}
    valid = still_valid(module.text)
    for finding in module.findings:
        outcome = fix_for_finding(module, finding)
        if isinstance(outcome, Refusal):
            reasons[finding] = outcome.reason
        elif not valid(apply_edits(module.text, list(outcome.edits))):
            reasons[finding] = "the fix would not compile"
        elif not any(overlaps(outcome, other) for other in chosen):
            chosen.append(outcome)  # an overlapping fix waits for the next pass
    return chosen, reasons


def fix_text(text: str, findings: list[Finding], relint: Callable[[str], list[Finding]]) -> FileResult:
    """Fix in passes until nothing changes; `relint` lints a text as flake8 lints the file."""
    result = FileResult(path="")
    reasons: dict[Finding, str] = {}
    seen = {text}
    for _ in range(MAX_PASSES):
        failures = [f for f in findings if f.code in LINT_FAILURES]
        if failures:
            raise FixError(f"flake8 cannot lint it: {failures[0]}")
        try:
            module = Module(text, findings)
        except (SyntaxError, ValueError) as error:
            raise FixError(f"does not parse: {error}") from error
        fixes, reasons = choose_fixes(module)
        if not fixes:
            break
        candidate = apply_edits(text, [edit for fix in fixes for edit in fix.edits])
        if candidate in seen or not still_valid(text)(candidate):
            break  # a cycle, or fixes that break each other: keep the last good text
        text = candidate
        seen.add(text)
        result.applied.extend(fixes)
        findings = relint(text)
    result.left = [(finding, reasons.get(finding, NOT_FIXED)) for finding in findings]
    result.fixed_text = text
    return result


def fix_source(path: str, data: bytes, findings: list[Finding], arguments: list[str], display_name: bool) -> FileResult:
    text, encoding = decode(data)

    def relint(new_text: str) -> list[Finding]:
        # stdin with the file's name: per-file-ignores and the sibling modules still apply.
        name = [f"--stdin-display-name={path}"] if display_name else []
        found = run_flake8([*arguments, *name, "-"], stdin=new_text.encode(encoding))
        return [finding for found_findings in found.values() for finding in found_findings]

    result = fix_text(text, findings, relint)
    result.path, result.original = path, data
    try:
        result.fixed = result.fixed_text.encode(encoding)
    except UnicodeEncodeError as error:
        raise FixError(f"the fixed text cannot be encoded in {encoding}: {error}") from error
    return result


def write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".flake8-async-tips-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def unified_diff(result: FileResult) -> str:
    before = result.original.decode(decode(result.original)[1]).splitlines(keepends=True)
    after = result.fixed.decode(decode(result.fixed)[1]).splitlines(keepends=True)
    name = result.path[2:] if result.path.startswith("./") else result.path
    old, new = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
    return "".join(difflib.unified_diff(before, after, old, new))


# --- the command ------------------------------------------------------------


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="flake8-async-tips fix",
        description="Apply the certain fixes of flake8-async-tips' findings, in place or as a diff. "
        "Findings come from real flake8 with your config files; other flake8 options "
        "(as --name=value) are passed on to it.",
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff instead of writing the files")
    parser.add_argument("--select", help="flake8's --select, e.g. ASY100,ASY302")
    parser.add_argument("paths", nargs="+", help="files and directories, as for flake8; '-' reads stdin")
    return parser.parse_known_args(argv)


def report(result: FileResult, stream) -> None:  # type: ignore[no-untyped-def]
    if result.error:
        print(f"{result.path}: {result.error}; left untouched", file=stream)
        return
    for fix in result.applied:
        print(f"{result.path}:{fix.finding} (fixed)", file=stream)
    for finding, reason in result.left:
        detail = "" if reason == NOT_FIXED else f": {reason}"
        print(f"{result.path}:{finding} ({NOT_FIXED}{detail})", file=stream)


def fix_stdin(arguments: list[str], args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read()
    found = run_flake8([*arguments, "-"], stdin=data)
    findings = [finding for per_path in found.values() for finding in per_path]
    try:
        result = fix_source("-", data, findings, arguments, display_name=False)
    except FixError as error:
        sys.stdout.buffer.write(data)
        print(f"stdin: {error}; left untouched", file=sys.stderr)
        return 1
    result.path = "stdin"
    if args.diff:
        sys.stdout.write(unified_diff(result))
    else:
        sys.stdout.buffer.write(result.fixed)
    report(result, sys.stderr)
    return 1 if result.left else 0


def fix_paths(arguments: list[str], args: argparse.Namespace) -> int:
    found = run_flake8([*arguments, *args.paths])
    results = []
    for path in sorted(found):
        try:
            with open(path, "rb") as stream:
                data = stream.read()
            result = fix_source(path, data, found[path], arguments, display_name=True)
            if result.fixed != data and not args.diff:
                write_atomically(path, result.fixed)
        except (FixError, OSError) as error:
            result = FileResult(path=path, error=str(error))
        results.append(result)
    out = sys.stderr if args.diff else sys.stdout
    if args.diff:
        sys.stdout.write("".join(unified_diff(r) for r in results if not r.error and r.fixed != r.original))
    for result in results:
        report(result, out)
    fixed = sum(len(result.applied) for result in results)
    left = sum(len(result.left) for result in results)
    errors = sum(1 for result in results if result.error)
    verb = "would fix" if args.diff else "fixed"
    print(f"{verb} {fixed} finding(s); {left} left; {errors} file(s) not fixable", file=sys.stderr)
    return 1 if left or errors or (args.diff and fixed) else 0


def main(argv: Optional[list[str]] = None) -> int:
    args, extra = parse_arguments(sys.argv[1:] if argv is None else argv)
    arguments = flake8_arguments(extra, args.select)
    try:
        if args.paths == ["-"]:
            return fix_stdin(arguments, args)
        return fix_paths(arguments, args)
    except RuntimeError as error:
        print(f"flake8-async-tips fix: {error}", file=sys.stderr)
        return 2


def console_main() -> int:
    """The `flake8-async-tips` console script: `fix` is its one subcommand."""
    argv = sys.argv[1:]
    if not argv or argv[0] != "fix":
        print("usage: flake8-async-tips fix [--diff] [--select CODES] PATHS...", file=sys.stderr)
        return 2
    return main(argv[1:])
