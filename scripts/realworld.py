#!/usr/bin/env python3
"""Lint real code at scale with flake8-async-tips, reproducibly.

    .venv/bin/python scripts/realworld.py [--slice] [--out DIR] [--jobs N]
    .venv/bin/python scripts/realworld.py --stdlib [--out DIR]

Corpus: PINNED source distributions from PyPI (never a git clone): the sdist
file itself, found in PyPI's JSON simple API (PEP 691; $FLAKE8_ASYNC_TIPS_INDEX
names another index) and checked against the sha256 listed there, with
`python -m pip download --no-deps --no-binary :all: NAME==VERSION` as the
fallback when that index cannot be read; extracted into a cache outside the
repository ($FLAKE8_ASYNC_TIPS_CORPUS, default ~/.cache/flake8-async-tips-corpus),
plus the running interpreter's `asyncio` package and `test/test_asyncio` directory.

Every target is linted by real flake8 in a subprocess, -j1, twice:

  pass 1, the default-on codes:
      flake8 --isolated --select ASY000,ASY1,ASY2,ASY3,E999 --extend-ignore ASY104
  pass 2, the default-off code:
      flake8 --isolated --select ASY000,ASY104,E999 --benchmark

(ASY104 reports only when named in full, so `--select ASY1` alone leaves it
off; the --extend-ignore in pass 1 says so explicitly.)
Pass 1 goes through scripts/_timed_flake8.py, which is flake8's own command
line with two timers around it: it records, for EVERY file, flake8's whole
time on it and the plugin's share of that. Pass 2 is plain `python -m flake8`
with flake8's --benchmark totals, untouched.

Plugin failures are collected three ways: ASY000 findings (the plugin's own
report of an internal error, at line 1, with the traceback it logs on stderr),
a flake8 crash ("There was a critical error during execution of Flake8", a
traceback on stderr: the crashing file is then excluded and the target linted
again, so one crash does not hide the rest), and anything else on stderr.
E999/E902 are flake8's (a file this interpreter cannot parse), not ours.

The report (markdown + JSON) goes to --out (default realworld/report; with
--slice, realworld/report-slice; with --stdlib, realworld/report-stdlib).

--slice lints a small fixed subset (about 3% of the lines) in well under a
minute; .ci/run runs it, with an empty cache, after the default Python's suite.

Findings are compared with the reviewed baseline (realworld/baseline.json,
--baseline): the report lists findings not reviewed yet and reviewed ones no
longer reported. Exit status 1 when the plugin failed (ASY000, a crash) or a
finding is not in the baseline (both listed on stderr too); 0 otherwise.

--stdlib lints the standard library of every CPython 3.10-3.13 under
$(pyenv root)/versions, with this interpreter's flake8 and, where a venv with
the plugin exists for that version (--stdlib-python-pattern, default
/tmp/v{major}{minor}/bin/python), with that version's flake8 too.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIMED_FLAKE8 = REPO / "scripts" / "_timed_flake8.py"

# Pinned: (distribution name, version). Discovered once with `pip index versions`.
PROJECTS = [
    ("aiohttp", "3.14.5"),
    ("anyio", "4.16.0"),
    ("trio", "0.35.0"),
    ("httpx", "0.28.1"),
    ("httpcore", "1.0.9"),
    ("starlette", "1.10.0"),
    ("fastapi", "0.165.0"),
    ("websockets", "17.4"),
    ("asyncpg", "0.32.0"),
    ("aiofiles", "25.1.0"),
    ("aiofile", "3.12.3"),
    ("redis", "8.1.0"),
    ("uvicorn", "0.54.0"),
    ("motor", "3.7.1"),
    ("sqlalchemy", "2.1.9"),
    ("aiosqlite", "0.22.1"),
    ("pytest-asyncio", "1.5.0"),
]

# --slice: (project, sub-path of its extracted sdist). About 3% of the full
# corpus's lines: library code and tests on asyncio, trio and anyio, chosen to
# hold reviewed findings of most verdicts (real ASY105/ASY106, false-positive
# ASY104/ASY308, by-design ASY104), so a change in what the plugin reports shows.
SLICE = [
    ("aiohttp", "aiohttp/client.py"),
    ("aiohttp", "aiohttp/web.py"),
    ("aiohttp", "examples/client_json.py"),
    ("aiohttp", "tests/test_streams.py"),
    ("anyio", "src/anyio/_backends/_asyncio.py"),
    ("anyio", "tests/test_eventloop.py"),
    ("asyncpg", "asyncpg/cluster.py"),
    ("httpcore", "httpcore/_async"),
    ("starlette", "starlette"),
    ("websockets", "src/websockets/asyncio"),
    ("aiofiles", "src/aiofiles"),
    ("redis", "redis/asyncio/client.py"),
    ("redis", "redis/auth/token_manager.py"),
    ("uvicorn", "uvicorn/_compat.py"),
    ("uvicorn", "tests/test_server.py"),
    ("sqlalchemy", "lib/sqlalchemy/connectors/asyncio.py"),
    ("aiosqlite", "aiosqlite"),
    ("pytest-asyncio", "tests/markers"),
    ("stdlib", "asyncio"),
]

PASS1_SELECT = ["--select", "ASY000,ASY1,ASY2,ASY3,E999,E902", "--extend-ignore", "ASY104"]
PASS2_SELECT = ["--select", "ASY000,ASY104,E999,E902"]
FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"
SLOW_FILE_SECONDS = 2.0

# Where sdists come from: a PEP 691 (JSON simple API) index; PyPI unless
# $FLAKE8_ASYNC_TIPS_INDEX names another. pip is the fallback when it cannot be read.
INDEX_URL = os.environ.get("FLAKE8_ASYNC_TIPS_INDEX") or "https://pypi.org/simple"
NETWORK_TIMEOUT = 60
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2")


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def cache_root() -> Path:
    return Path(os.environ.get("FLAKE8_ASYNC_TIPS_CORPUS") or "~/.cache/flake8-async-tips-corpus").expanduser()


# --------------------------------------------------------------------------- corpus


def fetch_sdist(name: str, version: str, cache: Path) -> Path:
    """The extracted source tree of NAME==VERSION, downloading it once."""
    dest = cache / "src" / f"{name}-{version}"
    if (dest / ".complete").is_file():
        return dest
    download_dir = cache / "sdist" / f"{name}-{version}"
    archives = _archives(download_dir)
    if not archives:
        download_dir.mkdir(parents=True, exist_ok=True)
        log(f"downloading {name}=={version}")
        try:
            download_from_index(name, version, download_dir)
        except IndexUnavailable as error:
            log(f"  {error}; falling back to pip download (slow for some sdists: pip builds their metadata)")
            pip_download(name, version, download_dir)
        archives = _archives(download_dir)
    if len(archives) != 1:
        raise SystemExit(f"expected one archive in {download_dir}, found {archives}")
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as scratch:
        _extract(archives[0], Path(scratch))
        entries = list(Path(scratch).iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else Path(scratch)
        if top == Path(scratch):
            shutil.copytree(top, dest)
        else:
            top.rename(dest)
    (dest / ".complete").write_text(f"{archives[0].name}\n")
    return dest


class IndexUnavailable(Exception):
    """The package index could not be reached or read (not: it has no such sdist)."""


def download_from_index(name: str, version: str, download_dir: Path) -> Path:
    """Fetch NAME==VERSION's sdist file itself, checked against the index's sha256.

    The index's JSON simple API (PEP 691, what pip reads) lists every file of a
    project with its URL and sha256. Unlike `pip download --no-binary :all:`,
    this builds nothing: pip prepares an sdist's metadata before it counts as
    downloaded, which for asyncpg means building Cython from source (minutes
    on a fresh machine with an empty pip cache).
    """
    project = re.sub(r"[-_.]+", "-", name).lower()
    page = f"{INDEX_URL.rstrip('/')}/{project}/"
    request = urllib.request.Request(page, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT) as response:
            listing = json.load(response)
        files = listing["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:  # URLError, HTTPError and timeouts are OSErrors
        raise IndexUnavailable(f"cannot read {page}: {error!r}") from error
    candidates = [f for f in files if _sdist_version(f.get("filename", ""), project) == version]
    if not candidates:
        raise SystemExit(f"{page} lists no source distribution of {name}=={version}")
    candidates.sort(key=lambda f: [f["filename"].endswith(s) for s in SDIST_SUFFIXES].index(True))
    chosen = candidates[0]
    expected = (chosen.get("hashes") or {}).get("sha256")
    if not expected:
        raise SystemExit(f"{page} gives no sha256 for {chosen['filename']}: cannot check it")
    url = urllib.parse.urljoin(page, chosen["url"])
    target = download_dir / chosen["filename"]
    partial = download_dir / (chosen["filename"] + ".part")
    for attempt in range(1, 4):
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(url, timeout=NETWORK_TIMEOUT) as response, partial.open("wb") as out:
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except OSError as error:
            partial.unlink(missing_ok=True)
            if attempt == 3:
                raise IndexUnavailable(f"cannot download {url}: {error!r}") from error
            log(f"  retrying {url} after {error!r}")
            time.sleep(2 * attempt)
            continue
        break
    if digest.hexdigest() != expected:
        partial.unlink(missing_ok=True)
        raise SystemExit(f"sha256 mismatch for {url}: got {digest.hexdigest()}, the index says {expected}")
    partial.replace(target)
    return target


def _sdist_version(filename: str, project: str) -> str | None:
    """The version in an sdist's file name if it is one of PROJECT's ('pytest_asyncio-1.5.0.tar.gz')."""
    suffix = next((s for s in SDIST_SUFFIXES if filename.endswith(s)), None)
    if suffix is None:
        return None
    distribution, _, version = filename[: -len(suffix)].rpartition("-")
    return version if re.sub(r"[-_.]+", "-", distribution).lower() == project else None


def pip_download(name: str, version: str, download_dir: Path) -> None:
    """The fallback: pip, with its own configuration (index, proxy, certificates)."""
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--no-binary", ":all:", f"{name}=={version}", "-d", str(download_dir),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if not _archives(download_dir):
        raise SystemExit(f"pip download of {name}=={version} failed:\n{result.stdout}{result.stderr}")


def _archives(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(SDIST_SUFFIXES))


def _extract(archive: Path, into: Path) -> None:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                target = (into / member).resolve()
                if not str(target).startswith(str(into.resolve())):
                    raise SystemExit(f"unsafe path {member!r} in {archive}")
            zf.extractall(into)
        return
    with tarfile.open(archive) as tf:
        if hasattr(tarfile, "data_filter"):
            tf.extractall(into, filter="data")
        else:  # pragma: no cover - Pythons without extraction filters
            for member in tf.getmembers():
                target = (into / member.name).resolve()
                if not str(target).startswith(str(into.resolve())) or member.issym() or member.islnk():
                    raise SystemExit(f"unsafe member {member.name!r} in {archive}")
            tf.extractall(into)


def stdlib_targets(notes: list[str]) -> list[tuple[str, Path, Path]]:
    """(label, path, root the reported paths are relative to) for this interpreter's asyncio."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    targets = [("stdlib", stdlib / "asyncio", stdlib)]
    tests = stdlib / "test" / "test_asyncio"
    if tests.is_dir():
        targets.append(("stdlib", tests, stdlib))
    else:
        notes.append(f"{tests} is missing on this install (no test package): skipped")
    return targets


# --------------------------------------------------------------------------- linting


class LintRun:
    """One flake8 subprocess over some paths, parsed."""

    def __init__(self, python: str, select: list[str], paths: list[Path], timed: bool, benchmark: bool) -> None:
        self.python = python
        self.select = select
        self.paths = paths
        self.timed = timed
        self.benchmark = benchmark
        self.findings: list[dict] = []
        self.timings: list[dict] = []
        self.bench: dict[str, float] = {}
        self.crashes: list[dict] = []
        self.plugin_tracebacks: list[dict] = []
        self.other_stderr: list[str] = []
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # user+sys of the flake8 child (exact with --jobs 1)
        self.commands: list[list[str]] = []

    def command(self, excluded: list[str]) -> list[str]:
        head = [self.python, str(TIMED_FLAKE8)] if self.timed else [self.python, "-m", "flake8"]
        args = ["--isolated", *self.select, f"--format={FORMAT}", "-j1"]
        if self.benchmark:
            args.append("--benchmark")
        if excluded:
            args += ["--extend-exclude", ",".join(excluded)]
        return [*head, *args, *map(str, self.paths)]

    def run(self) -> "LintRun":
        excluded: list[str] = []
        for _attempt in range(50):
            with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as timing:
                timing_path = timing.name
            env = dict(os.environ, FLAKE8_TIMING_OUT=timing_path)
            command = self.command(excluded)
            self.commands.append(command)
            started = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = subprocess.run(command, capture_output=True, text=True, env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            elapsed = time.perf_counter() - started
            self.cpu_seconds += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            timings = [json.loads(line) for line in Path(timing_path).read_text().splitlines() if line.strip()]
            os.unlink(timing_path)
            crashed_file = self._crash(result)
            if crashed_file is None:
                self.seconds += elapsed
                self.timings = timings
                self._parse(result)
                return self
            if crashed_file in excluded or crashed_file == "?":
                # Cannot isolate it: keep what there is and stop.
                self.seconds += elapsed
                self.timings = timings
                self._parse(result)
                return self
            excluded.append(crashed_file)
        return self

    def _crash(self, result: subprocess.CompletedProcess) -> str | None:
        """The file flake8 crashed on ('?' if unknown), or None if it did not crash."""
        text = result.stdout + result.stderr
        critical = "There was a critical error during execution of Flake8" in text
        # A traceback on stderr that is not one the plugin logged with its ASY000.
        stray = re.sub(r"^flake8-async-tips: \w+ failed on .*\nTraceback \(most recent call last\):",
                       "", result.stderr, flags=re.MULTILINE)
        if result.returncode in (0, 1) and not critical and "Traceback (most recent call last)" not in stray:
            return None
        match = re.search(r'^(.*?): "[^"]*" failed during execution due to (.*)$', text, re.MULTILINE)
        filename = match.group(1).strip() if match else "?"
        self.crashes.append(
            {
                "file": filename,
                "returncode": result.returncode,
                "message": match.group(0) if match else text.strip().splitlines()[-1:] or "",
                "traceback": _last_traceback(result.stderr),
            }
        )
        return filename

    def _parse(self, result: subprocess.CompletedProcess) -> None:
        for line in result.stdout.splitlines():
            fields = line.split("\t", 4)
            if len(fields) == 5:
                path, row, col, code, text = fields
                self.findings.append(
                    {"path": path, "line": int(row), "col": int(col), "code": code, "text": text.strip()}
                )
                continue
            bench = re.match(r"^(\d[\d.]*(?:e[+-]?\d+)?)\s+(.+?)\s*$", line)
            if bench:
                self.bench[bench.group(2)] = float(bench.group(1))
            elif line.strip() and "critical error during execution" not in line:
                self.other_stderr.append("stdout: " + line)
        self._parse_stderr(result.stderr)

    def _parse_stderr(self, stderr: str) -> None:
        lines = stderr.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            # "flake8-async-tips: Family failed on FILE" (older) or "... failed on FILE: repr(error)"
            match = re.match(r"^flake8-async-tips: (\w+) failed on (.*?)(?:: \w+\(.*)?$", line)
            if match:
                block, i = _traceback_block(lines, i + 1)
                self.plugin_tracebacks.append({"family": match.group(1), "file": match.group(2), "traceback": block})
                continue
            if line.startswith("Traceback") or re.match(r"^Plugin .* raised an unexpected exception", line):
                block, i = _traceback_block(lines, i + (0 if line.startswith("Traceback") else 1))
                if not any(c["traceback"] == "\n".join(block) for c in self.crashes):
                    text = "\n".join(block) if line.startswith("Traceback") else "\n".join([line, *block])
                    self.other_stderr.append(text)
                continue
            if line.strip():
                self.other_stderr.append(line)
            i += 1


def plugin_traceback(python: str, path: str) -> str:
    """Lint one file again, with the plugin's debug-level traceback of an internal error shown."""
    env = dict(os.environ, FLAKE8_ASYNC_TIPS_TRACEBACKS="1", FLAKE8_TIMING_OUT="")
    result = subprocess.run([python, str(TIMED_FLAKE8), "--isolated", "--select", "ASY000", "-j1", path],
                            capture_output=True, text=True, env=env)
    return _last_traceback(result.stderr) or result.stderr.strip()[-2000:]


def _traceback_block(lines: list[str], i: int) -> tuple[list[str], int]:
    """A 'Traceback (most recent call last):' block starting at lines[i], and the index after it."""
    block: list[str] = []
    if i < len(lines) and lines[i].startswith("Traceback"):
        block.append(lines[i])
        i += 1
        while i < len(lines):
            block.append(lines[i])
            i += 1
            if not lines[i - 1].startswith((" ", "\t")) and not lines[i - 1].startswith("Traceback"):
                # the exception line ends the block, unless a chained traceback follows
                if i < len(lines) and (lines[i] == "" or lines[i].startswith(("During handling", "The above"))):
                    continue
                break
    return block, i


def _last_traceback(stderr: str) -> str:
    index = stderr.rfind("Traceback (most recent call last):")
    return stderr[index:].strip() if index >= 0 else ""


def traceback_summary(block: list[str] | str) -> str:
    """The innermost frame and the exception line."""
    lines = block.splitlines() if isinstance(block, str) else block
    frames = [line.strip() for line in lines if line.strip().startswith('File "')]
    exception = next((line for line in reversed(lines) if line and not line.startswith((" ", "\t"))), "")
    return f"{frames[-1] if frames else ''} -> {exception}".strip()


# --------------------------------------------------------------------------- targets and the run


def corpus_targets(slice_only: bool, cache: Path, notes: list[str]) -> list[dict]:
    """Each target: project label, version, paths, and the root paths are shown relative to."""
    targets: list[dict] = []
    wanted = {name for name, _ in SLICE} if slice_only else None
    for name, version in PROJECTS:
        if wanted is not None and name not in wanted:
            continue
        root = fetch_sdist(name, version, cache)
        if slice_only:
            paths = [root / sub for name_, sub in SLICE if name_ == name]
            for path in paths:
                if not path.exists():
                    raise SystemExit(f"slice path {path} is missing: update SLICE")
        else:
            paths = [root]
        targets.append({"project": name, "version": version, "paths": paths, "root": root})
    if wanted is None or "stdlib" in wanted:
        for label, path, root in stdlib_targets(notes):
            if slice_only and path.name != "asyncio":
                continue
            version = "%d.%d.%d" % sys.version_info[:3]
            existing = next((t for t in targets if t["project"] == label), None)
            if existing:
                existing["paths"].append(path)
            else:
                targets.append({"project": label, "version": version, "paths": [path], "root": root})
    return targets


def lint_target(target: dict, python: str, passes: tuple[str, ...] = ("pass1", "pass2")) -> dict:
    out: dict = {}
    if "pass1" in passes:
        out["pass1"] = LintRun(python, PASS1_SELECT, target["paths"], timed=True, benchmark=True).run()
    if "pass2" in passes:
        out["pass2"] = LintRun(python, PASS2_SELECT, target["paths"], timed=False, benchmark=True).run()
    return out


def relative(path: str, root: Path, project: str) -> str:
    try:
        rel = Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return path
    return f"{root.name}/{rel}" if project != "stdlib" else str(rel)


def run_corpus(args: argparse.Namespace) -> dict:
    cache = cache_root()
    notes: list[str] = []
    revision_before = plugin_revision()
    started = time.perf_counter()
    targets = corpus_targets(args.slice, cache, notes)
    download_seconds = time.perf_counter() - started
    log(f"corpus ready in {download_seconds:.1f}s ({cache}); "
        f"linting {len(targets)} targets with -j1 per flake8 process")

    python = sys.executable
    results: dict[str, dict] = {}
    lint_started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(lint_target, target, python): target for target in targets}
        for future in concurrent.futures.as_completed(futures):
            target = futures[future]
            results[target["project"]] = future.result()
            p1 = results[target["project"]]["pass1"]
            log(f"  {target['project']}: {len(p1.timings)} files, {p1.seconds:.1f}s pass 1, "
                f"{results[target['project']]['pass2'].seconds:.1f}s pass 2")
    lint_wall = time.perf_counter() - lint_started

    projects = []
    findings: list[dict] = []
    errors: list[dict] = []
    syntax: list[dict] = []
    stderr_other: list[dict] = []
    timings: list[dict] = []
    for target in targets:
        name = target["project"]
        res = results[name]
        p1, p2 = res["pass1"], res["pass2"]
        for run, label in ((p1, "pass1"), (p2, "pass2")):
            for finding in run.findings:
                item = dict(finding, project=name, path=relative(finding["path"], target["root"], name), run=label)
                if item["code"] in ("E999", "E902"):
                    if label == "pass1":
                        syntax.append(item)
                elif item["code"] == "ASY000":
                    if label == "pass1" or not any(
                        e["path"] == item["path"] and e["text"] == item["text"] for e in errors
                    ):
                        errors.append(item)
                elif label == "pass1" or item["code"] == "ASY104":
                    findings.append(item)
            for crash in run.crashes:
                errors.append({"project": name, "run": label, "kind": "flake8 crash",
                               "path": relative(crash["file"], target["root"], name),
                               "text": str(crash["message"]), "traceback": crash["traceback"]})
            for block in run.plugin_tracebacks:
                path = relative(block["file"], target["root"], name)
                for error in errors:
                    if error.get("path") == path and error.get("code") == "ASY000" and "traceback" not in error:
                        error["traceback"] = "\n".join(block["traceback"])
                        error["summary"] = traceback_summary(block["traceback"])
                        break
            for line in run.other_stderr:
                stderr_other.append({"project": name, "run": label, "text": line})
        for error in errors:
            if error.get("code") == "ASY000" and not error.get("traceback") and error["project"] == name:
                source = next((f["path"] for f in p1.findings + p2.findings
                               if f["code"] == "ASY000"
                               and relative(f["path"], target["root"], name) == error["path"]), None)
                if source:
                    error["traceback"] = plugin_traceback(python, source)
                    error["summary"] = traceback_summary(error["traceback"])
        for t in p1.timings:
            timings.append(dict(t, project=name, path=relative(t["path"], target["root"], name)))
        project_findings = [f for f in findings if f["project"] == name]
        projects.append({
            "project": name,
            "version": target["version"],
            "paths": [relative(str(p), target["root"], name) for p in target["paths"]],
            "files": len(p1.timings),
            "lines": sum(t["lines"] or 0 for t in p1.timings),
            "pass1_seconds": round(p1.seconds, 2),
            "pass2_seconds": round(p2.seconds, 2),
            "pass1_cpu_seconds": round(p1.cpu_seconds, 2),
            "pass2_cpu_seconds": round(p2.cpu_seconds, 2),
            "plugin_seconds": round(sum(t["plugin_seconds"] for t in p1.timings), 2),
            "benchmark_pass2": p2.bench,
            "findings": dict(sorted(collections.Counter(f["code"] for f in project_findings).items())),
            "commands": [p1.commands, p2.commands],
        })

    files = sum(p["files"] for p in projects)
    lines = sum(p["lines"] for p in projects)
    pass1 = sum(p["pass1_seconds"] for p in projects)
    pass2 = sum(p["pass2_seconds"] for p in projects)
    plugin = sum(t["plugin_seconds"] for t in timings)
    plugin_cpu = sum(t.get("plugin_cpu_seconds", 0.0) for t in timings)
    cpu1 = sum(p["pass1_cpu_seconds"] for p in projects)
    cpu2 = sum(p["pass2_cpu_seconds"] for p in projects)
    timings.sort(key=lambda t: (-t.get("plugin_cpu_seconds", 0.0), -t["plugin_seconds"]))
    comparison = compare_with_baseline(findings, args.baseline, [p["paths"] for p in projects], args.slice)
    return {
        "kind": "slice" if args.slice else "full",
        "python": sys.version.split()[0],
        "flake8": _version_of("flake8"),
        "plugin": _version_of("flake8_async_tips"),
        "plugin_revision": revision_before if revision_before == plugin_revision()
        else f"{revision_before} -> {plugin_revision()} (the plugin changed during the run)",
        "cache": str(cache),
        "command": " ".join([".venv/bin/python", "scripts/realworld.py", *sys.argv[1:]]),
        "pass1_command": "python scripts/_timed_flake8.py --isolated " + " ".join(PASS1_SELECT)
        + " --format=... -j1 --benchmark PATHS",
        "pass2_command": "python -m flake8 --isolated " + " ".join(PASS2_SELECT)
        + " --format=... -j1 --benchmark PATHS",
        "notes": notes,
        "totals": {
            "files": files,
            "lines": lines,
            "download_seconds": round(download_seconds, 1),
            "lint_wall_seconds": round(lint_wall, 1),
            "pass1_seconds": round(pass1, 1),
            "pass2_seconds": round(pass2, 1),
            "plugin_seconds_pass1": round(plugin, 1),
            "plugin_cpu_seconds_pass1": round(plugin_cpu, 1),
            "pass1_cpu_seconds": round(cpu1, 1),
            "pass2_cpu_seconds": round(cpu2, 1),
            "files_per_cpu_second_pass1": round(files / cpu1, 1) if cpu1 else None,
            "load_average_at_end": os.getloadavg(),
            "files_per_second_pass1": round(files / pass1, 1) if pass1 else None,
            "lines_per_second_pass1": round(lines / pass1) if pass1 else None,
            "findings": len(findings),
            "findings_by_code": dict(sorted(collections.Counter(f["code"] for f in findings).items())),
            "plugin_errors": len(errors),
            "syntax_errors_flake8": len(syntax),
        },
        "projects": projects,
        "plugin_errors": errors,
        "syntax_errors": syntax,
        "other_stderr": stderr_other,
        "slowest_files": timings[:20],
        "slow_files": [t for t in timings if t.get("cpu_seconds", 0.0) > SLOW_FILE_SECONDS],
        "baseline": comparison,
        "findings": sorted(findings, key=lambda f: (f["project"], f["path"], f["line"], f["col"], f["code"])),
    }


def compare_with_baseline(
    findings: list[dict], baseline_path: Path | None, paths: list[list[str]], slice_only: bool
) -> dict:
    """Findings not in the reviewed baseline (to review), and reviewed ones no longer reported."""
    if baseline_path is None or not baseline_path.is_file():
        return {"baseline": None}
    baseline = json.loads(baseline_path.read_text())["findings"]

    def key(f: dict) -> tuple:
        return (f["project"], f["path"], f["line"], f["code"])

    linted = [p for group in paths for p in group]

    def in_scope(f: dict) -> bool:
        if not slice_only:
            return True
        return any(f["path"] == p or f["path"].startswith(p.rstrip("/") + "/") for p in linted)

    reviewed = {key(f): f for f in baseline if in_scope(f)}
    found = {key(f): f for f in findings}
    return {
        "baseline": str(baseline_path.relative_to(REPO)) if baseline_path.is_relative_to(REPO) else str(baseline_path),
        "reviewed_in_scope": len(reviewed),
        "new": [found[k] for k in sorted(found) if k not in reviewed],
        "gone": [reviewed[k] for k in sorted(reviewed) if k not in found],
        "verdicts": dict(sorted(collections.Counter(reviewed[k]["verdict"] for k in found if k in reviewed).items())),
    }


def plugin_revision() -> str:
    """The plugin's git commit, '+dirty' when its sources differ from it (the plugin is installed editable)."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "flake8_async_tips"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def _version_of(module: str) -> str:
    result = subprocess.run([sys.executable, "-c", f"import {module}; print({module}.__version__)"],
                            capture_output=True, text=True)
    return result.stdout.strip()


# --------------------------------------------------------------------------- stdlib matrix


def run_stdlib(args: argparse.Namespace, out_dir: Path) -> dict:
    """Each (stdlib, interpreter) run is saved as it ends in OUT/stdlib-runs/, so runs can be split."""
    pyenv_root = _pyenv_root()
    runs_dir = out_dir / "stdlib-runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for version in args.stdlib_versions.split(","):
        minor = int(version.split(".")[1])
        candidates = sorted(Path(pyenv_root, "versions").glob(f"3.{minor}.*/lib/python3.{minor}"))
        if not candidates:
            (runs_dir / f"3.{minor:02d}-missing.json").write_text(
                json.dumps({"stdlib": f"3.{minor}", "note": "not installed under pyenv: skipped"}))
            continue
        stdlib = candidates[-1]
        interpreters = []
        if "venv" in args.stdlib_interpreters:
            interpreters.append(("this venv", "venv", sys.executable))
        native = args.stdlib_python_pattern.format(major=3, minor=minor)
        if "native" in args.stdlib_interpreters:
            if Path(native).exists():
                interpreters.append((f"3.{minor} venv", "native", native))
            else:
                (runs_dir / f"3.{minor:02d}-native.json").write_text(json.dumps(
                    {"stdlib": str(stdlib), "note": f"no interpreter at {native}: skipped"}))
        for label, key, python in interpreters:
            jobs.append((stdlib, label, python, runs_dir / f"3.{minor:02d}-{key}.json"))

    def one(job):
        stdlib, label, python, path = job
        target = LintRun(python, ["--select", "ASY000,ASY1,ASY2,ASY3,E999,E902",
                                  "--extend-exclude", "site-packages"], [stdlib], timed=False, benchmark=True)
        log(f"  stdlib {stdlib} with {label} ({python}) ...")
        run = target.run()
        findings = [f for f in run.findings if f["code"] not in ("E999", "E902", "ASY000")]
        errors = [f for f in run.findings if f["code"] == "ASY000"]
        for error in errors:
            block = next((b for b in run.plugin_tracebacks if b["file"] == error["path"] and b["traceback"]), None)
            error["traceback"] = "\n".join(block["traceback"]) if block else plugin_traceback(python, error["path"])
            error["summary"] = traceback_summary(error["traceback"])

        def rel(p: str) -> str:
            return str(Path(p).relative_to(stdlib)) if p.startswith(str(stdlib)) else p

        record = {
            "stdlib": str(stdlib),
            "interpreter": f"{label}: {python}",
            "plugin_revision": plugin_revision(),
            "seconds": round(run.seconds, 1),
            "files": int(run.bench.get("total files processed", 0)),
            "lines": int(run.bench.get("total physical lines processed", 0)),
            "findings_by_code": dict(sorted(collections.Counter(f["code"] for f in findings).items())),
            "syntax_errors_flake8": len([f for f in run.findings if f["code"] in ("E999", "E902")]),
            "plugin_errors": [dict(e, path=rel(e["path"])) for e in errors],
            "crashes": run.crashes,
            "other_stderr": run.other_stderr[:50],
            "findings": [dict(f, path=rel(f["path"])) for f in findings],
        }
        path.write_text(json.dumps(record, indent=1) + "\n")
        log(f"  done {stdlib} with {label}: {run.seconds:.1f}s")
        return record

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, jobs))
    revision = plugin_revision()
    runs = [json.loads(p.read_text()) for p in sorted(runs_dir.glob("*.json"))]
    return {
        "kind": "stdlib",
        "plugin_revision_at_end": revision,
        "command": " ".join([".venv/bin/python", "scripts/realworld.py", *sys.argv[1:]]),
        "flake8_command": "PYTHON -m flake8 --isolated --select ASY000,ASY1,ASY2,ASY3,E999,E902 "
                          "--extend-exclude site-packages --format=... -j1 --benchmark STDLIB",
        "wall_seconds_this_invocation": round(time.perf_counter() - started, 1),
        "runs": runs,
    }


def _pyenv_root() -> str:
    try:
        return subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))


# --------------------------------------------------------------------------- reports


def markdown_corpus(report: dict) -> str:
    t = report["totals"]
    out = [
        f"# flake8-async-tips on real code ({report['kind']} corpus)",
        "",
        f"- command: `{report['command']}`",
        f"- pass 1 (default-on codes, timed): `{report['pass1_command']}`",
        f"- pass 2 (ASY104): `{report['pass2_command']}`",
        f"- Python {report['python']}, flake8 {report['flake8']}, flake8-async-tips {report['plugin']} "
        f"(git {report['plugin_revision']}); corpus cache `{report['cache']}`",
        "",
        "## Totals",
        "",
        "| files | lines | pass 1 s | files/s | lines/s | pass 1 CPU s | files/CPU s | pass 2 s | pass 2 CPU s "
        "| plugin's own CPU s (pass 1) | lint wall s | download/extract s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {t['files']} | {t['lines']} | {t['pass1_seconds']} | {t['files_per_second_pass1']} "
        f"| {t['lines_per_second_pass1']} "
        f"| {t['pass1_cpu_seconds']} | {t['files_per_cpu_second_pass1']} "
        f"| {t['pass2_seconds']} | {t['pass2_cpu_seconds']} | {t['plugin_cpu_seconds_pass1']} "
        f"| {t['lint_wall_seconds']} "
        f"| {t['download_seconds']} |",
        "",
        f"Load average when the run ended: {', '.join('%.1f' % x for x in t['load_average_at_end'])} "
        f"on {os.cpu_count()} cores: wall seconds include waiting for the CPU; CPU seconds do not.",
        "",
        "Seconds are flake8's, every plugin included (flake8 runs pycodestyle, pyflakes and mccabe whatever "
        "--select says); the plugin's own share is timed per file by scripts/_timed_flake8.py.",
        "",
    ]
    for note in report["notes"]:
        out.append(f"- note: {note}")
    out += ["", "## Findings by code and project", ""]
    codes = sorted(t["findings_by_code"])
    out.append("| project | version | files | lines | pass 1 s | " + " | ".join(codes) + " | total |")
    out.append("|---|---|---:|---:|---:|" + "---:|" * len(codes) + "---:|")
    for p in report["projects"]:
        counts = [str(p["findings"].get(c, "")) for c in codes]
        out.append(f"| {p['project']} | {p['version']} | {p['files']} | {p['lines']} | {p['pass1_seconds']} | "
                   + " | ".join(counts) + f" | {sum(p['findings'].values())} |")
    out.append("| **total** | | | | | " + " | ".join(str(t["findings_by_code"][c]) for c in codes)
               + f" | {t['findings']} |")
    out += ["", "## Plugin errors (ASY000, flake8 crashes)", ""]
    if not report["plugin_errors"]:
        out.append("None.")
    for e in report["plugin_errors"]:
        out.append(f"- {e['project']} `{e['path']}` ({e['run']}): {e.get('text', '')}")
        if e.get("summary"):
            out.append(f"  - {e['summary']}")
    out += ["", "## Other stderr output", ""]
    out.append("None." if not report["other_stderr"] else "")
    for s in report["other_stderr"][:100]:
        out.append(f"- {s['project']} ({s['run']}): `{s['text'][:300]}`")
    out += ["", "## Files flake8 itself could not parse (E999/E902: not the plugin's)", ""]
    out.append("None." if not report["syntax_errors"] else "")
    for s in report["syntax_errors"]:
        out.append(f"- {s['project']} `{s['path']}:{s['line']}` {s['code']} {s['text']}")
    out += ["", "## The 20 files where the plugin took longest", "",
            "Every file is timed in pass 1 (scripts/_timed_flake8.py): flake8's whole time on it and the "
            "plugin's share, in CPU seconds of the flake8 process (sorted by the plugin's) and in wall seconds. "
            "A file's time includes the plugin's first look-ups into installed libraries (astroid builds "
            "and caches a module the first time a file needs it, so the first file that asks pays).", "",
            "| project | file | lines | flake8 CPU s | plugin CPU s | flake8 wall s | plugin wall s |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for s in report["slowest_files"]:
        out.append(f"| {s['project']} | `{s['path']}` | {s['lines']} | {s.get('cpu_seconds', 0):.2f} "
                   f"| {s.get('plugin_cpu_seconds', 0):.2f} | {s['seconds']:.2f} | {s['plugin_seconds']:.2f} |")
    out += ["", f"Files over {SLOW_FILE_SECONDS} CPU seconds in flake8: "
            + (", ".join(f"`{s['path']}` ({s.get('cpu_seconds', 0):.1f} s, "
                         f"plugin {s.get('plugin_cpu_seconds', 0):.1f} s)"
                         for s in report["slow_files"]) or "none.")]
    b = report.get("baseline") or {}
    out += ["", "## Against the reviewed baseline", ""]
    if not b.get("baseline"):
        out.append("No baseline given.")
    else:
        out.append(f"Baseline `{b['baseline']}`: {b['reviewed_in_scope']} reviewed findings in scope; "
                   f"verdicts of the findings reported now: {b['verdicts']}.")
        out.append("")
        out.append(f"New findings, not reviewed yet: {len(b['new'])}" + ("" if b["new"] else "."))
        for f in b["new"]:
            out.append(f"- {f['project']} `{f['path']}:{f['line']}` {f['code']} {f['text']}")
        out.append("")
        out.append(f"Reviewed findings no longer reported: {len(b['gone'])}" + ("" if b["gone"] else "."))
        for f in b["gone"]:
            out.append(f"- {f['project']} `{f['path']}:{f['line']}` {f['code']} ({f['verdict']})")
    out += ["", "## Every finding", "", "| project | file:line:col | code | message |", "|---|---|---|---|"]
    for f in report["findings"]:
        message = f["text"].replace("|", "\\|")
        out.append(f"| {f['project']} | `{f['path']}:{f['line']}:{f['col']}` | {f['code']} | {message} |")
    return "\n".join(out) + "\n"


def markdown_stdlib(report: dict) -> str:
    out = [
        "# flake8-async-tips on the standard library of CPython 3.10-3.13",
        "",
        f"- command: `{report['command']}`",
        f"- each run: `{report['flake8_command']}`",
        f"- wall time of this invocation: {report['wall_seconds_this_invocation']} s "
        "(runs saved by earlier invocations into stdlib-runs/ are included below)",
        "",
        "| stdlib | interpreter | plugin git | files | lines | s | ASY000 | crashes | E999/E902 (flake8's) "
        "| findings by code |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report["runs"]:
        if "note" in r:
            out.append(f"| {r['stdlib']} | {r['note']} | | | | | | | | |")
            continue
        codes = ", ".join(f"{c}: {n}" for c, n in r["findings_by_code"].items()) or "none"
        out.append(f"| `{r['stdlib']}` | {r['interpreter']} | {r.get('plugin_revision', '?')} | {r['files']} "
                   f"| {r['lines']} | {r['seconds']} | "
                   f"{len(r['plugin_errors'])} | {len(r['crashes'])} | {r['syntax_errors_flake8']} | {codes} |")
    out += ["", "## Plugin errors and crashes", ""]
    any_error = False
    for r in report["runs"]:
        for e in r.get("plugin_errors", []):
            any_error = True
            out.append(f"- {r['stdlib']} ({r['interpreter']}) `{e['path']}`: {e['text']} {e.get('summary', '')}")
        for c in r.get("crashes", []):
            any_error = True
            out.append(f"- {r['stdlib']} ({r['interpreter']}) crash on `{c['file']}`: {c['message']}")
        for s in r.get("other_stderr", []):
            any_error = True
            out.append(f"- {r['stdlib']} ({r['interpreter']}) stderr: `{s[:300]}`")
    if not any_error:
        out.append("None.")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slice", action="store_true", help="a small fast subset (about 3%% of the lines)")
    parser.add_argument("--stdlib", action="store_true", help="lint the stdlib of every pyenv CPython 3.10-3.13")
    parser.add_argument("--out", type=Path, help="report directory (default realworld/report[-slice|-stdlib])")
    parser.add_argument("--baseline", type=Path, default=REPO / "realworld" / "baseline.json",
                        help="the reviewed findings to compare with (default realworld/baseline.json)")
    parser.add_argument("--download-only", action="store_true", help="fetch and extract the corpus, lint nothing")
    parser.add_argument("--jobs", type=int, default=1,
                        help="flake8 processes run at once, each -j1 (default 1: per-file times are cleaner)")
    parser.add_argument("--stdlib-versions", default="3.10,3.11,3.12,3.13", help="for --stdlib")
    parser.add_argument("--stdlib-interpreters", default="venv,native",
                        help="for --stdlib: 'venv' (this interpreter), 'native' (that version's), or both")
    parser.add_argument("--stdlib-python-pattern", default="/tmp/v{major}{minor}/bin/python",
                        help="an interpreter with the plugin installed, per version, for --stdlib")
    args = parser.parse_args(argv)
    default = "report-stdlib" if args.stdlib else "report-slice" if args.slice else "report"
    out_dir = args.out or REPO / "realworld" / default
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.download_only:
        notes: list[str] = []
        for target in corpus_targets(args.slice, cache_root(), notes):
            log(f"{target['project']} {target['version']}: {target['root']}")
        return 0
    if args.stdlib:
        report = run_stdlib(args, out_dir)
        text = markdown_stdlib(report)
        (out_dir / "stdlib.json").write_text(json.dumps(report, indent=1) + "\n")
        (out_dir / "stdlib.md").write_text(text)
        failed = any(r.get("plugin_errors") or r.get("crashes") for r in report["runs"])
    else:
        report = run_corpus(args)
        (out_dir / "report.json").write_text(json.dumps(report, indent=1) + "\n")
        (out_dir / "report.md").write_text(markdown_corpus(report))
        t = report["totals"]
        log(f"{t['files']} files, {t['lines']} lines, pass 1 {t['pass1_seconds']} s "
            f"({t['files_per_second_pass1']} files/s), pass 2 {t['pass2_seconds']} s; "
            f"findings {t['findings_by_code']}; plugin errors {t['plugin_errors']}")
        new = len(report["baseline"].get("new", []))
        log(f"against the baseline: {new} new (unreviewed) findings, {len(report['baseline'].get('gone', []))} gone")
        # What makes the exit status 1 (and what went), in the log too: CI shows no report.
        for title, items in (("plugin error", report["plugin_errors"]),
                             ("new, not in the baseline", report["baseline"].get("new", [])),
                             ("gone, in the baseline but not reported", report["baseline"].get("gone", []))):
            for item in items[:50]:
                log(f"  {title}: {item['project']} {item['path']}:{item.get('line', '?')} "
                    f"{item.get('code', item.get('kind', ''))} "
                    f"{item.get('summary') or item.get('text') or '(' + str(item.get('verdict')) + ')'}")
            if len(items) > 50:
                log(f"  ... {len(items) - 50} more {title}: see {out_dir / 'report.md'}")
        failed = bool(report["plugin_errors"]) or new > 0
    log(f"report written to {out_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
