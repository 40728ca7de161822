"""The same files give the same report, however flake8 is run.

flake8 lints files in one process (-j1) or spreads them over worker processes
(-j2), each with its own caches of the modules the plugin has read for
cross-module inference, and takes the files in the order given. None of that
may change what the plugin reports: a finding that comes and goes between
runs (a cache warmed by an earlier file, a time budget, the iteration order of
a set) would make the plugin useless in CI.

The project: a generated package whose modules call into one another (so the
caches matter), with findings of several codes, plus copies of fixture files
from tests/fixtures that have many findings. It is linted with real flake8
four times (-j1 twice, -j2 twice, each run with a different fixed hash seed),
which must print byte-identical, non-empty reports, and with the files given
in reverse order, which must report the same lines, in the same order within
each file. A module linted alone must get the lines it gets among the others.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from test_pathological_inputs import OUTPUT_LINE

TIMEOUT = 120
FIXTURES = Path(__file__).parent / "fixtures"
COPIED_FIXTURES = ["await_rules.py", "construct_mismatch.py", "async_in_sync.py", "libraries.py"]
SERVICES = 6  # generated modules that import the shared api module and one another

API = """\
import asyncio


async def fetch(key):
    await asyncio.sleep(0)
    return key


async def stream():
    yield 1


class Client:
    async def get(self, key):
        return await fetch(key)

    def cached(self, key):
        return key
"""

MISTAKES = """\
import asyncio
import time


def load(url):
    return await fetch(url)


def save(lock):
    async with lock:
        pass


async def count():
    async for number in range(12):
        print(number)


async def guarded():
    with asyncio.Lock():
        pass


async def rows(cursor):
    yield from cursor.batch()


async def nap():
    await time.sleep(1)
"""


def service(number: int) -> str:
    """A module calling into api.py, into the package's re-export and into the previous service module."""
    previous = number - 1
    return textwrap.dedent(
        f"""\
        import asyncio

        from proj import api, get
        from proj.api import Client, fetch, stream
        {f"from proj.service_{previous} import handle as previous_handle" if number else ""}


        async def handle(key):
            fetch(key)
            api.fetch({number})
            get(key)
            Client().get(key)
            Client().cached(key)
            pending = fetch(key)
            asyncio.create_task(fetch(key))
            for item in stream():
                print(item)
            await fetch(key)
            {"previous_handle(key)" if number else "pass"}


        def sync_entry(key):
            fetch(key)
            handle(key)
        """
    )


def build_project(root: Path) -> list[str]:
    """The files to lint, relative to root, in a fixed order."""
    package = root / "proj"
    package.mkdir()
    (package / "__init__.py").write_text("from .api import fetch as get\n")
    (package / "api.py").write_text(API)
    (package / "mistakes.py").write_text(MISTAKES)
    for number in range(SERVICES):
        (package / f"service_{number}.py").write_text(service(number))
    for name in COPIED_FIXTURES:
        shutil.copyfile(FIXTURES / name, package / f"fixture_{name}")
    return sorted(path.relative_to(root).as_posix() for path in package.glob("*.py"))


def run(root: Path, jobs: int, files: list[str], hash_seed: int = 0) -> bytes:
    """Real flake8's report on `files`, as the bytes it wrote.

    Each run gets its own fixed hash seed: str hashes, hence the iteration
    order of sets of names, differ between the runs (as between any two
    flake8 processes), and are the same from one test run to the next.
    """
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "ASY", f"-j{jobs}", *files]
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=TIMEOUT)
    assert result.stderr == b"", result.stderr.decode(errors="replace")
    assert result.returncode == 1, (result.returncode, result.stdout)
    return result.stdout


def lines_by_file(report: bytes) -> dict[str, list[str]]:
    """The report's lines, grouped by file, in the order printed."""
    found: dict[str, list[str]] = {}
    for line in report.decode("utf-8").splitlines():
        match = OUTPUT_LINE.match(line)
        assert match, line
        found.setdefault(match["path"], []).append(line)
    return found


def test_reports_are_identical_across_runs_and_job_counts(tmp_path: Path) -> None:
    files = build_project(tmp_path)
    reports = [run(tmp_path, jobs, files, hash_seed) for hash_seed, jobs in enumerate((1, 1, 2, 2), start=1)]
    assert reports[0]
    assert all(report == reports[0] for report in reports), "reports differ between runs"
    findings = lines_by_file(reports[0])
    # Findings of many codes, in every generated module and every fixture copy.
    codes = {OUTPUT_LINE.match(line)["code"] for lines in findings.values() for line in lines}
    assert {"ASY100", "ASY101", "ASY106", "ASY200", "ASY202", "ASY204", "ASY300", "ASY301"} <= codes, codes
    assert {"ASY302", "ASY304", "ASY305"} <= codes, codes
    assert sorted(findings) == sorted(set(files) - {"proj/__init__.py", "proj/api.py"})
    assert b"ASY000" not in reports[0]


def test_reports_do_not_depend_on_the_order_of_the_files(tmp_path: Path) -> None:
    files = build_project(tmp_path)
    forward = run(tmp_path, 2, files, hash_seed=1)
    for jobs in (1, 2):
        backward = run(tmp_path, jobs, files[::-1], hash_seed=2)
        assert set(backward.splitlines()) == set(forward.splitlines())
        assert lines_by_file(backward) == lines_by_file(forward)


def test_cross_module_findings_do_not_depend_on_what_was_linted_before(tmp_path: Path) -> None:
    """One service module alone gives the lines it gives among all the others (no cache carries over)."""
    files = build_project(tmp_path)
    together = lines_by_file(run(tmp_path, 1, files, hash_seed=1))
    for name in ("proj/service_0.py", f"proj/service_{SERVICES - 1}.py"):
        alone = lines_by_file(run(tmp_path, 1, [name], hash_seed=2))
        assert alone == {name: together[name]}
        # The cross-module calls were found: `fetch(key)`, `api.fetch(...)`, `get(key)`, `Client().get(key)`.
        assert sum(" ASY100 " in line for line in alone[name]) >= 4
