"""The plugin reads the project it lints and never imports or runs any of it.

The README promises that cross-module inference reads other modules'
source "without importing or running anything". This builds, in tmp_path, a
package whose every way of running code leaves a marker file behind (in a
markers/ directory, by absolute path): module-level code in `__init__.py`
and in submodules, a module `__getattr__`, a metaclass and a decorator that
run at class/function creation, a `.pth` hook, a `sitecustomize.py`, a
`conftest.py`, and a pure-Python `_speedups.py` next to a fake C extension
of the same name (garbage bytes under this interpreter's extension suffix,
which the import system would pick over the `.py`). A consumer module
imports from all of them and forgets to await their coroutines, so the
plugin must read them to find those bugs: the findings prove the inference
went there.

The package is linted by real flake8 (from the project directory, then with
the project or the package directory on PYTHONPATH) and by the checker class
in this process; afterwards no marker may exist, this process's sys.modules
must not have gained any module of the package, and the witnesses (an audit
hook, and a watch on importlib's extension loader) must have seen no import
of the package's modules, no execution of their code and no attempt to load
the fake extensions. Control runs import the same package for real and show
that every tripwire and witness fires, so a clean lint means something.
"""

from __future__ import annotations

import importlib.machinery
import inspect
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from support import flake8, lint
from test_pathological_inputs import OUTPUT_LINE, expectations

TIMEOUT = 120
PACKAGE = "tripwire_app"
EXTENSION_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # e.g. .cpython-311-x86_64-linux-gnu.so
# Not a shared object: loading it could only fail, so the marker cannot tell; the audit hook can.
GARBAGE = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8

# Every tripwire of the package, by the marker file it writes.
TRIPWIRES = {
    "package-init",
    "core-module",
    "metaclass",
    "decorator",
    "lazy-module",
    "module-getattr",
    "speedups-python",
    "pth-hook",
    "sitecustomize",
    "conftest",
    "consumer-module",
    "toplevel-user-module",
}
# The names this package's modules would be imported under, with the project or the package
# directory on sys.path.
WATCHED_NAMES = {PACKAGE, "_speedups", "_native", "core", "lazy", "consumer", "toplevel_user", "conftest"} | {
    "sitecustomize"
}


def trip(markers: Path, name: str) -> str:
    """A statement that leaves markers/<name> behind when it runs."""
    assert name in TRIPWIRES
    return f"open({str(markers / name)!r}, 'w').close()"


def package_files(markers: Path) -> dict[str, str | bytes]:
    """The tripwire package: relative path -> content."""

    def module(tripwire: str, body: str) -> str:
        # The tripwire comes first, so that it fires even where a later import would fail.
        return trip(markers, tripwire) + "\n" + textwrap.dedent(body)

    return {
        "__init__.py": module("package-init", "from .core import fetch_data as get_data\n"),
        "core.py": module(
            "core-module",
            f"""
            def registering(function):
                {trip(markers, "decorator")}
                return function


            class Tracking(type):
                def __new__(mcs, name, bases, namespace):
                    {trip(markers, "metaclass")}
                    return super().__new__(mcs, name, bases, namespace)


            async def fetch_data(key):
                return key


            @registering
            async def decorated(key):
                return key


            class Model(metaclass=Tracking):
                async def save(self):
                    return self


            class Repo:
                async def load(self, key):
                    return key
            """,
        ),
        "lazy.py": module(
            "lazy-module",
            f"""
            def __getattr__(name):
                {trip(markers, "module-getattr")}
                raise AttributeError(name)


            async def real():
                return 1
            """,
        ),
        # The import system prefers the extension module next to it; only a linter that
        # reads source instead of importing gets to this file (and should).
        "_speedups.py": module("speedups-python", "async def accelerate():\n    return 1\n"),
        f"_speedups{EXTENSION_SUFFIX}": GARBAGE,
        f"_native{EXTENSION_SUFFIX}": GARBAGE,  # no source at all: astroid's territory
        # A .pth line starting with `import` is executed by site.addsitedir().
        "hooks.pth": f"import os; {trip(markers, 'pth-hook')}\n",
        "sitecustomize.py": textwrap.dedent(
            f"""\
            import sys

            # Python's `site` imports a top-level sitecustomize as the interpreter starts (one
            # test puts this directory on PYTHONPATH): that is the interpreter, before any
            # linting. Any other import of this file is someone else's doing.
            if __name__ != "sitecustomize" or "flake8" in sys.modules:
                {trip(markers, "sitecustomize")}


            async def customize():
                return 1
            """
        ),
        "conftest.py": module("conftest", "async def make_client():\n    return 1\n"),
        "consumer.py": module(
            "consumer-module",
            """
            from tripwire_app import get_data, lazy
            from tripwire_app.conftest import make_client
            from tripwire_app.core import Model, Repo, decorated, fetch_data
            from tripwire_app.lazy import made_up_by_getattr, real
            from tripwire_app.sitecustomize import customize

            from . import _native
            from ._speedups import accelerate


            async def main():
                fetch_data(1)  # error: ASY100
                get_data(1)  # error: ASY100
                Repo().load(1)  # error: ASY100
                Model().save()  # maybe: ASY100
                decorated(1)  # maybe: ASY100
                real()  # error: ASY100
                lazy.real()  # error: ASY100
                made_up_by_getattr()
                lazy.anything()
                make_client()  # error: ASY100
                customize()  # error: ASY100
                accelerate()  # error: ASY100
                _native.run()
                await fetch_data(2)


            def sync_entry():
                fetch_data(3)  # error: ASY204
            """,
        ),
        # Absolute imports that resolve only with the package directory itself on sys.path.
        "toplevel_user.py": module(
            "toplevel-user-module",
            """
            import _native
            import _speedups


            async def main():
                _speedups.accelerate()  # on-path: ASY100
                _native.run()
            """,
        ),
    }


def build_project(root: Path) -> tuple[Path, Path]:
    """root/markers (empty) and root/project/tripwire_app; returns (markers, package directory)."""
    markers = root / "markers"
    markers.mkdir()
    package = root / "project" / PACKAGE
    package.mkdir(parents=True)
    for name, content in package_files(markers).items():
        if isinstance(content, bytes):
            (package / name).write_bytes(content)
        else:
            (package / name).write_text(content, encoding="utf-8")
    return markers, package


def tripped(markers: Path) -> set[str]:
    return {path.name for path in markers.iterdir()}


def expected_findings(package: Path, package_dir_on_path: bool) -> dict[str, tuple[set[tuple[int, str]], ...]]:
    """file name -> (required, allowed) findings, from the inline comments."""
    found = {}
    for path in sorted(package.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        required, allowed = expectations(text)
        if package_dir_on_path:
            extra = expectations(text.replace("# on-path:", "# error:"))[0]
            required, allowed = required | extra, allowed | extra
        found[path.name] = (required, allowed)
    return found


def check_findings(findings: dict[str, list[tuple[int, str]]], package: Path, package_dir_on_path: bool) -> None:
    expected = expected_findings(package, package_dir_on_path)
    assert sorted(findings) == sorted(expected)
    for name, (required, allowed) in expected.items():
        found = set(findings[name])
        assert required <= found <= allowed, (name, sorted(found), sorted(required), sorted(allowed))
    # The proof that the inference read the other modules: consumer.py's bugs are all cross-module.
    assert len(findings["consumer.py"]) >= 9


# -- watching for imports and execution ----------------------------------------------------------
#
# The witnesses, in this process and in an audited flake8 subprocess, each only for the
# package's directory:
# * the `import` audit event (an import statement that loads a module) for the package's names;
# * the `exec` audit event: any execution of code compiled from the package's files;
# * ExtensionFileLoader.create_module, where importlib loads an extension module (it raises
#   no audit event), and the `ctypes.dlopen` audit event.
# Finding a module's spec or reading a file is not loading it, and is no witness's business:
# the plugin reads the .py files, and astroid, looking for a submodule of `_native` (for
# `_native.run`), searches the extension's path as a path entry, where zipimport opens the
# file to see whether it is a zip archive.

Report = Callable[[str], object]


def witness(event: str, args: tuple[Any, ...], directory: str, names: set[str], report: Report) -> None:
    """An audit hook's body: report the events that mean code of `directory` is being loaded or run."""
    if event == "import" and isinstance(args[0], str) and args[0].partition(".")[0] in names:
        report(f"import {args[0]}")
    elif event == "exec" and getattr(args[0], "co_filename", "").startswith(directory):
        report(f"exec {args[0].co_filename}")
    elif event == "ctypes.dlopen" and isinstance(args[0], str) and args[0].startswith(directory):
        report(f"dlopen {args[0]}")


def watch_extension_loading(directory: str, report: Report) -> Callable[[], None]:
    """Report extension modules of `directory` importlib starts loading; returns the undo."""
    import importlib.machinery

    loader = importlib.machinery.ExtensionFileLoader
    original = loader.create_module

    def create_module(self: Any, spec: Any) -> Any:
        if str(spec.origin).startswith(directory):
            report(f"load {spec.origin}")
        return original(self, spec)

    loader.create_module = create_module  # type: ignore[method-assign]
    return lambda: setattr(loader, "create_module", original)


# Audit hooks cannot be removed: one is installed for the session, and reports only while watching.
_WATCHING: dict[str, Any] = {"installed": False, "directory": None, "seen": None}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCHING["seen"] is not None:
        witness(event, args, _WATCHING["directory"], WATCHED_NAMES, _WATCHING["seen"].append)


@contextmanager
def watching(directory: Path) -> Iterator[list[str]]:
    """What the witnesses saw while the block ran."""
    if not _WATCHING["installed"]:
        sys.addaudithook(_audit)
        _WATCHING["installed"] = True
    seen: list[str] = []
    undo = watch_extension_loading(str(directory), seen.append)
    _WATCHING.update(directory=str(directory), seen=seen)
    try:
        yield seen
    finally:
        _WATCHING.update(directory=None, seen=None)
        undo()


def _watched_name(name: str) -> bool:
    return name.partition(".")[0] in WATCHED_NAMES


# The same witnesses in a subprocess (their source, copied), writing what they see to the log
# file named by argv[1]: with os.write, since an `open()` inside an audit hook would itself be
# audited. argv[2] is the watched directory, argv[3] the watched names.
WATCHED_SUBPROCESS = (
    "from __future__ import annotations\n"
    "from typing import Any, Callable\n"
    "Report = Callable[[str], object]\n"
    + inspect.getsource(witness)
    + inspect.getsource(watch_extension_loading)
    + textwrap.dedent(
        """
        import os, sys
        log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        directory, names = sys.argv[2], set(sys.argv[3].split(","))
        report = lambda text: os.write(log, (text + "\\n").encode())
        watch_extension_loading(directory, report)
        sys.addaudithook(lambda event, args: witness(event, args, directory, names, report))
        """
    )
)
# flake8 under the witnesses. -j1: a worker started by forkserver or spawn (the default on
# some platforms) would not inherit them.
AUDITED_FLAKE8 = WATCHED_SUBPROCESS + "from flake8.main.cli import main\nsys.exit(main(sys.argv[4:]))\n"


def run_watched(
    cwd: Path, package: Path, log: Path, script: str, *args: str, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`script` (one of the above) with its arguments, in `cwd`, with only `pythonpath` on PYTHONPATH."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    command = [sys.executable, "-c", script, str(log), str(package), ",".join(sorted(WATCHED_NAMES)), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def run_flake8_audited(
    cwd: Path, package: Path, log: Path, pythonpath: Path | None
) -> subprocess.CompletedProcess[str]:
    flake8_args = ["--isolated", "--select", "ASY,E999", "-j1", os.path.relpath(package, cwd)]
    return run_watched(cwd, package, log, AUDITED_FLAKE8, *flake8_args, pythonpath=pythonpath)


def findings_by_file(stdout: str) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for line in stdout.splitlines():
        match = OUTPUT_LINE.match(line)
        assert match, line
        found.setdefault(Path(match["path"]).name, []).append((int(match["line"]), match["code"]))
    return found


# -- the tests -----------------------------------------------------------------------------------


def test_the_tripwires_fire_when_the_package_is_imported(tmp_path: Path) -> None:
    """Control: importing the package for real leaves every marker (and meets the extension first)."""
    markers, package = build_project(tmp_path)
    control = textwrap.dedent(
        f"""\
        import importlib, runpy, site

        failures = {{}}
        for name in ["consumer", "toplevel_user", "_speedups", "conftest", "sitecustomize"]:
            try:
                importlib.import_module("{PACKAGE}." + name)
            except Exception as error:
                failures[name] = type(error).__name__
        # The import system picked the garbage extension over _speedups.py:
        assert failures == {{"consumer": "ImportError", "toplevel_user": "ModuleNotFoundError",
                            "_speedups": "ImportError"}}, failures
        runpy.run_path({str(package / "_speedups.py")!r})  # what a source reader reads instead
        site.addsitedir({str(package)!r})  # processes hooks.pth
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", control], cwd=package.parent, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    assert tripped(markers) == TRIPWIRES


# Where flake8 runs from, and what is on PYTHONPATH. `python -c` puts the working directory
# first on sys.path, so from the project directory the package is importable in every case.
SETUPS = {
    "from-the-project-directory": ("project", None),
    "project-on-pythonpath-from-outside": ("outside", "project"),
    "package-directory-on-pythonpath": ("project", "package"),
}


@pytest.mark.parametrize(("cwd", "pythonpath"), SETUPS.values(), ids=SETUPS.keys())
def test_flake8_never_imports_the_project(tmp_path: Path, cwd: str, pythonpath: str | None) -> None:
    markers, package = build_project(tmp_path)
    directories = {"project": package.parent, "package": package, "outside": tmp_path}
    log = tmp_path / "audit.log"
    result = run_flake8_audited(directories[cwd], package, log, pythonpath and directories[pythonpath])
    assert result.stderr == "", result.stderr
    assert result.returncode == 1, result.stdout
    assert "ASY000" not in result.stdout
    findings = findings_by_file(result.stdout)
    on_path = pythonpath == "package"
    check_findings({name: findings.get(name, []) for name in expected_findings(package, on_path)}, package, on_path)
    assert tripped(markers) == set()
    assert (log.read_text() if log.exists() else "") == ""


def test_plain_flake8_never_imports_the_project(tmp_path: Path) -> None:
    """The same through `python -m flake8` with its default jobs (worker processes)."""
    markers, package = build_project(tmp_path)
    result = flake8("--isolated", "--select", "ASY,E999", PACKAGE, cwd=package.parent, timeout=TIMEOUT)
    assert result.stderr == "", result.stderr
    assert "ASY000" not in result.stdout
    findings = findings_by_file(result.stdout)
    check_findings({name: findings.get(name, []) for name in expected_findings(package, False)}, package, False)
    assert tripped(markers) == set()


def test_checker_class_never_imports_the_project(tmp_path: Path) -> None:
    markers, package = build_project(tmp_path)
    modules_before = set(sys.modules)
    with watching(package) as seen:
        findings = {}
        for path in sorted(package.glob("*.py")):
            results = lint(path.read_text(encoding="utf-8"), filename=str(path))
            assert not [text for *_, text in results if text.startswith("ASY000")], results
            findings[path.name] = [(line, text.split(" ", 1)[0]) for line, _, text in results]
    check_findings(findings, package, package_dir_on_path=False)
    assert tripped(markers) == set()
    assert seen == []
    gained = set(sys.modules) - modules_before
    assert not [name for name in gained if _watched_name(name)], gained


def test_the_subprocess_witnesses_see_imports_and_loads(tmp_path: Path) -> None:
    """Control for the audited flake8 runs: the same witnesses, importing the package for real."""
    markers, package = build_project(tmp_path)
    importing = WATCHED_SUBPROCESS + textwrap.dedent(
        f"""
        import importlib
        try:
            importlib.import_module("{PACKAGE}._speedups")
        except ImportError:
            pass  # the garbage extension
        """
    )
    log = tmp_path / "audit.log"
    result = run_watched(package.parent, package, log, importing)
    assert result.returncode == 0, result.stderr
    seen = log.read_text().splitlines()
    assert {f"exec {package / '__init__.py'}", f"exec {package / 'core.py'}"} <= set(seen), seen
    assert f"load {package / f'_speedups{EXTENSION_SUFFIX}'}" in seen
    assert tripped(markers) == {"package-init", "core-module", "decorator", "metaclass"}


def test_the_watch_sees_imports_executions_and_loads(tmp_path: Path) -> None:
    """Control for the in-process witnesses: imports, an execution, a failed load of an extension."""
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / f"_native{EXTENSION_SUFFIX}").write_bytes(GARBAGE)
    sys.path.insert(0, str(tmp_path))
    try:
        with watching(package) as seen:
            importlib.import_module(PACKAGE)  # no `import` audit event: importlib's own machinery
            with pytest.raises(ImportError):
                importlib.import_module(f"{PACKAGE}._native")
            sys.modules.pop(PACKAGE)
            exec(f"import {PACKAGE}", {})  # an import statement raises it
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if _watched_name(name)]:
            del sys.modules[name]
    extension = package / f"_native{EXTENSION_SUFFIX}"
    assert {f"exec {package / '__init__.py'}", f"load {extension}", f"import {PACKAGE}"} <= set(seen), seen
