"""The benchmark corpus: pinned sdists of async projects, downloaded once into a cache.

    python benchmarks/corpus.py            # download + extract everything (idempotent)
    python benchmarks/corpus.py --stats    # lines and files of each set

The cache lives outside the repository: $FLAKE8_ASYNC_TIPS_CORPUS, or
~/.cache/flake8-async-tips-corpus. This module keeps its own files under
<cache>/benchmarks/ so it can share the cache with other scripts.

Sets of files (each a list of paths handed to flake8):

* full   - every extracted sdist, as published (sources, tests, docs, examples).
* slice  - a fixed subset of ~100k lines that runs in a few minutes: the
           library packages (not the tests) of httpx, httpcore, starlette,
           anyio, aiosqlite, uvicorn, websockets and trio, plus redis/asyncio
           and asyncpg's Python sources.  See SLICE below.
* stdlib-sync - pure-sync stdlib packages (json, email, http, logging, ...)
           copied from this interpreter's Lib/ into the cache: files with no
           async syntax at all (checked with ast; a few mention the word
           "async" in a comment or an identifier, as real sync code does).
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

# Pinned: the numbers in benchmarks/README.md are for exactly these.
PINS: dict[str, str] = {
    "aiohttp": "3.9.5",
    "anyio": "4.4.0",
    "trio": "0.26.2",
    "httpx": "0.27.0",
    "httpcore": "1.0.5",
    "starlette": "0.37.2",
    "fastapi": "0.111.0",
    "websockets": "12.0",
    "asyncpg": "0.29.0",
    "redis": "5.0.7",
    "uvicorn": "0.30.1",
    "sqlalchemy": "2.0.31",
    "aiosqlite": "0.20.0",
}

# The slice: paths relative to <cache>/benchmarks/src/<name>-<version>/.
SLICE: dict[str, list[str]] = {
    "httpx": ["httpx"],
    "httpcore": ["httpcore"],
    "starlette": ["starlette"],
    "anyio": ["src/anyio"],
    "aiosqlite": ["aiosqlite"],
    "uvicorn": ["uvicorn"],
    "websockets": ["src/websockets"],
    "trio": ["src/trio"],
    "redis": ["redis/asyncio"],
    "asyncpg": ["asyncpg"],
}

# Stdlib packages with no async code (checked: no `async`/`await` token in any file).
STDLIB_SYNC = ["json", "email", "http", "logging", "urllib", "xml", "html", "csv", "configparser", "argparse",
               "textwrap", "difflib", "pprint", "tarfile", "zipfile", "decimal", "_pydecimal", "calendar"]


def cache_dir() -> Path:
    root = os.environ.get("FLAKE8_ASYNC_TIPS_CORPUS") or os.path.expanduser("~/.cache/flake8-async-tips-corpus")
    return Path(root) / "benchmarks"


def _normal(name: str) -> str:
    return name.lower().replace("-", "_")


def _matches(filename: str, name: str, version: str) -> bool:
    for suffix in (".tar.gz", ".zip"):
        if filename.endswith(suffix):
            project, _, found_version = filename[: -len(suffix)].rpartition("-")
            return _normal(project) == _normal(name) and found_version == version
    return False


def find_sdist(name: str, version: str) -> Path | None:
    folder = cache_dir() / "sdists"
    if not folder.is_dir():
        return None
    for candidate in folder.iterdir():
        if _matches(candidate.name, name, version):
            return candidate
    return None


def source_dir(name: str) -> Path:
    return cache_dir() / "src" / f"{name}-{PINS[name]}"


def download(names: list[str]) -> None:
    folder = cache_dir() / "sdists"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [name for name in names if find_sdist(name, PINS[name]) is None]
    for name in missing:
        spec = f"{name}=={PINS[name]}"
        print(f"downloading {spec}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--no-binary", ":all:", "-d", str(folder), spec],
            check=True,
        )


def extract(name: str) -> Path:
    target = source_dir(name)
    if target.is_dir():
        return target
    archive = find_sdist(name, PINS[name])
    if archive is None:
        raise SystemExit(f"no sdist for {name}=={PINS[name]}: run benchmarks/corpus.py first")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(staging)
    else:
        with tarfile.open(archive) as handle:
            handle.extractall(staging, filter="data")
    (top,) = list(staging.iterdir())  # an sdist has one top-level directory
    top.rename(target)
    staging.rmdir()
    return target


def stdlib_sync_dir() -> Path:
    """Copies of pure-sync stdlib modules, so their paths are under the cache like the rest."""
    target = cache_dir() / "stdlib-sync" / f"py{sys.version_info[0]}.{sys.version_info[1]}"
    if target.is_dir():
        return target
    lib = Path(sysconfig.get_paths()["stdlib"])
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for entry in STDLIB_SYNC:
        source = lib / entry  # a package, or a module (zipfile is either, depending on the version)
        if source.is_dir():
            shutil.copytree(source, staging / entry, ignore=shutil.ignore_patterns("__pycache__", "test*"))
        else:
            shutil.copy2(source.with_suffix(".py"), staging / f"{entry}.py")
    for path in staging.rglob("*.py"):
        if has_async_syntax(path.read_bytes()):
            raise SystemExit(f"{path} has async syntax: not a pure-sync file")
    staging.rename(target)
    return target


_ASYNC_NODES = (ast.AsyncFunctionDef, ast.AsyncFor, ast.AsyncWith, ast.Await)


def has_async_syntax(source: bytes) -> bool:
    """An async def/for/with, an await, or an async comprehension (words in comments and names don't count)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, _ASYNC_NODES) or (isinstance(node, ast.comprehension) and node.is_async):
            return True
    return False


def ensure(names: list[str] | None = None) -> None:
    names = names or list(PINS)
    download(names)
    for name in names:
        extract(name)
    stdlib_sync_dir()


def paths(which: str) -> list[Path]:
    """The paths (files or directories) handed to flake8 for one set."""
    if which == "full":
        return [source_dir(name) for name in PINS]
    if which == "slice":
        return [source_dir(name) / rel for name, rels in SLICE.items() for rel in rels]
    if which == "stdlib-sync":
        return [stdlib_sync_dir()]
    if which == "realworld":
        return realworld_paths()
    raise ValueError(which)


def realworld_paths() -> list[Path]:
    """The real-code corpus of scripts/realworld.py (17 pinned sdists, this interpreter's asyncio and its tests)."""
    scripts = str(Path(__file__).resolve().parent.parent / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import realworld

    targets = realworld.corpus_targets(False, realworld.cache_root(), [])
    return [path for target in targets for path in target["paths"]]


# flake8's default --exclude: python files under these are not linted.
_EXCLUDED = {".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs"}


def python_files(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
            continue
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if d not in _EXCLUDED and not d.endswith(".egg"))
            found.extend(Path(directory) / f for f in sorted(files) if f.endswith(".py"))
    return found


def count_lines(files: list[Path]) -> int:
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += sum(1 for _ in handle)
    return total


REPO = Path(__file__).resolve().parent.parent


def plugin_snapshot(ref: str = "HEAD") -> tuple[Path, str]:
    """A frozen copy of the plugin package, put first on PYTHONPATH by the benchmarks.

    The repository is worked on while a benchmark runs: every measurement of
    one run must see the same code.  `ref` is a commit-ish (its tree, via git
    archive: read-only) or "worktree" (the package as it is on disk now).
    Returns (directory to put on sys.path, description of what it is).
    """
    root = cache_dir() / "plugin"
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    if ref == "worktree":
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = root / f"worktree-{stamp}"
        shutil.copytree(REPO / "flake8_async_tips", target / "flake8_async_tips",
                        ignore=shutil.ignore_patterns("__pycache__"))
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "flake8_async_tips"],
                               check=True, capture_output=True, text=True).stdout.strip()
        return target, f"working tree at {stamp} (HEAD {head[:12]}{', with local changes' if dirty else ''})"
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{ref}^{{commit}}"], check=True,
                         capture_output=True, text=True).stdout.strip()
    target = root / sha[:12]
    if not (target / "flake8_async_tips").is_dir():
        staging = root / f"{sha[:12]}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", sha, "flake8_async_tips"],
                                 check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as handle:
            handle.extractall(staging, filter="data")
        staging.rename(target)
    subject = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%s", sha], check=True,
                             capture_output=True, text=True).stdout.strip()
    return target, f"commit {sha[:12]} ({subject})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stats", action="store_true", help="print files/lines per set and per project")
    args = parser.parse_args()
    ensure()
    print(f"cache: {cache_dir()}")
    if args.stats:
        for name in PINS:
            files = python_files([source_dir(name)])
            print(f"  {name}-{PINS[name]:<10} {len(files):6d} files {count_lines(files):8d} lines")
        for which in ("full", "slice", "stdlib-sync"):
            files = python_files(paths(which))
            print(f"{which:12s} {len(files):6d} files {count_lines(files):8d} lines")


if __name__ == "__main__":
    main()
