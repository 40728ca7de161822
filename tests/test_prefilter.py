"""The prefilter: which files are skipped without a walk, and which codes flake8 will show.

Skipping must never lose a finding: a file with no async word in it is
still checked when anything it imports (project module, re-export, star
import, submodule, installed or table library) may be async. And a run
that deselects every ASY code does no work at all.
"""

from __future__ import annotations

import ast
import importlib.machinery
import textwrap
from pathlib import Path

import pytest
from support import flake8, lint

from flake8_async_tips.checker import ALL_CODES, AsyncTipsChecker
from flake8_async_tips.context import FileContext
from flake8_async_tips.options import Config
from flake8_async_tips.prefilter import ASYNC_PACKAGES, SMALL_MODULE_BYTES, may_hold_async, may_report

SYNC_SIBLING = "import json\n\ndef load(text):\n    return json.loads(text)\n"
ASYNC_SIBLING = "async def fetch():\n    pass\n"


def make_project(root: Path, modules: dict[str, str]) -> Path:
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in modules.items():
        path = package / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return package


def may_report_on(path: Path, config: Config = Config()) -> bool:
    source = path.read_text()
    return may_report(FileContext(ast.parse(source), source.splitlines(True), str(path), config))


@pytest.mark.parametrize(
    "main",
    [
        "import os, re\nfrom collections import OrderedDict\nfrom .helpers import load\n\nload('1')\n",
        "from . import helpers\nhelpers.load('1')\n",
        "import app.helpers\napp.helpers.load('1')\n",
        "x = 1; import json\n",
        "",
        "# only a comment\n",
        "import json as j\n",
        # Async words in comments, prose in docstrings, identifiers that merely contain them.
        "# we await the reply here\nx = 1\n",
        '"""Loads asynchronously."""\nasync_mode = False\n\ndef _get_async(self):\n    return self.async_\n',
    ],
)
def test_sync_only_files_are_skipped(tmp_path: Path, main: str) -> None:
    package = make_project(tmp_path, {"helpers": SYNC_SIBLING, "main": main})
    assert may_report_on(package / "main.py") is False


@pytest.mark.parametrize(
    ("main", "extra"),
    [
        # The async word is in the file itself.
        ("async def f():\n    pass\n", {}),
        ("class C:\n    def __aenter__(self):\n        pass\n", {}),
        ("x = anext(iter([]))\n", {}),
        ("x = '#'; await f()\n", {}),
        ("from .remote import fetch  # the comment does not hide the import\n", {"remote": ASYNC_SIBLING}),
        ("from .sync import load\n", {"sync": "import json\n# await\nx = 1; from .remote import fetch\n",
                                      "remote": ASYNC_SIBLING}),
        ("from contextlib import AsyncExitStack\n\nwith AsyncExitStack():\n    pass\n", {}),
        # A table library.
        ("import asyncio as aio\naio.run(main)\n", {}),
        ("from trio import run\n", {}),
        # A project module with an async def, directly or through others.
        ("from .remote import fetch\nfetch()\n", {"remote": ASYNC_SIBLING}),
        ("from .reexport import fetch\n", {"reexport": "from .remote import fetch\n", "remote": ASYNC_SIBLING}),
        ("from .star import *\nfetch()\n", {"star": "from .remote import *\n", "remote": ASYNC_SIBLING}),
        ("from . import remote\nremote.fetch()\n", {"remote": ASYNC_SIBLING}),
        ("def f():\n    from .remote import fetch\n    fetch()\n", {"remote": ASYNC_SIBLING}),
        # Imports the text search must find: after `;`, continued, parenthesized.
        ("from .chain import load\n", {"chain": "import json; from .remote import fetch\n", "remote": ASYNC_SIBLING}),
        ("from .chain import load\n", {"chain": "from .base import (x,\n    remote)\n", "base/__init__": "x = 1\n",
                                       "base/remote": ASYNC_SIBLING}),
        # Relative imports leaving the project: not known, so checked.
        ("from .... import far\n", {}),
    ],
)
def test_files_with_async_in_reach_are_checked(tmp_path: Path, main: str, extra: dict[str, str]) -> None:
    package = make_project(tmp_path, {**extra, "main": main})
    assert may_report_on(package / "main.py") is True


def test_compiled_modules_are_checked_and_missing_ones_skipped(tmp_path: Path) -> None:
    """No source to read: a compiled module may be async (astroid reads it); a missing one is unknown to all."""
    package = make_project(tmp_path, {"main": "import vendor_ext\n", "other": "import vendor_missing_everywhere\n"})
    (tmp_path / f"vendor_ext{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"not really compiled")
    assert may_report_on(package / "main.py") is True
    assert may_report_on(package / "other.py") is False


def test_submodule_imported_by_name_is_read(tmp_path: Path) -> None:
    package = make_project(tmp_path, {"main": "from app.sub import remote\nremote.fetch()\n"})
    (package / "sub").mkdir()
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "remote.py").write_text(ASYNC_SIBLING)
    assert may_report_on(package / "main.py") is True


def test_declared_coroutine_functions_always_check(tmp_path: Path) -> None:
    package = make_project(tmp_path, {"main": "import vendorlib\nvendorlib.fetch()\n"})
    config = Config(coroutine_functions=frozenset({"json.fetch"}))
    assert may_report_on(package / "main.py", config) is True


def test_the_table_packages_are_the_async_ones() -> None:
    assert {"asyncio", "trio", "anyio", "aiohttp", "httpx"} <= ASYNC_PACKAGES
    # Sync-side modules of the tables (thread targets, sync locks) need something async elsewhere.
    assert not {"threading", "concurrent", "contextlib", "os", "time", "builtins"} & ASYNC_PACKAGES


def test_a_skipped_file_still_gets_findings_from_a_project_coroutine(tmp_path: Path) -> None:
    """No async word in main.py: the finding comes from what it imports."""
    package = make_project(tmp_path, {"remote": ASYNC_SIBLING, "main": "from .remote import fetch\n\nfetch()\n"})
    result = flake8("--isolated", "--select", "ASY", str(package / "main.py"), cwd=tmp_path)
    assert "ASY204" in result.stdout, result.stdout + result.stderr


# --- which modules a file with no async word reads ------------------------------

# Sync helpers, enough of them to make the module larger than a small one.
FILLER = "".join(f"\n\ndef helper_{n}(value):\n    return value + {n}\n" for n in range(400))


@pytest.mark.parametrize(
    ("source", "holds"),
    [
        ("async def fetch():\n    pass\n" + FILLER, True),
        ("from typing import Awaitable\n" + FILLER, True),
        ("import trio\n" + FILLER, True),
        ("import json\n" + FILLER, False),
        ("import json\n", True),  # small: read whatever it holds
    ],
)
def test_modules_that_may_hold_async_code(tmp_path: Path, source: str, holds: bool) -> None:
    path = tmp_path / "module.py"
    path.write_text(source)
    assert may_hold_async(str(path)) is holds


def test_a_package_init_may_hold_async_code(tmp_path: Path) -> None:
    path = tmp_path / "__init__.py"
    path.write_text("import json\n" + FILLER)
    assert may_hold_async(str(path))


def test_an_async_library_s_own_modules_are_judged_by_their_text(tmp_path: Path) -> None:
    """Inside trio, `import trio` says nothing: every module of it would qualify."""
    (tmp_path / "trio").mkdir()
    (tmp_path / "trio" / "__init__.py").write_text("")
    path = tmp_path / "trio" / "_util.py"
    path.write_text("import trio\n" + FILLER)
    assert not may_hold_async(str(path))


def test_a_file_with_no_async_word_does_not_follow_a_large_sync_module(tmp_path: Path) -> None:
    """What the large module passes on is found from async code, not from sync-only code (for speed)."""
    package = make_project(
        tmp_path,
        {
            "remote": ASYNC_SIBLING,
            "helpers": "from app.remote import fetch as fetch_remote\n" + FILLER,
        },
    )
    assert len(FILLER) > SMALL_MODULE_BYTES
    sync_main = "from app.helpers import fetch_remote\n\n\ndef main():\n    fetch_remote()\n"
    async_main = "from app.helpers import fetch_remote\n\n\nasync def main():\n    fetch_remote()\n"
    assert lint(sync_main, filename=str(package / "main.py")) == []
    assert [text.split()[0] for _, _, text in lint(async_main, filename=str(package / "main.py"))] == ["ASY100"]
    # Nothing of the refusal stays behind: the sync file read first changes nothing for the next file.
    assert [text.split()[0] for _, _, text in lint(async_main, filename=str(package / "other.py"))] == ["ASY100"]


# --- which codes flake8 will show ---------------------------------------------


def config_for(*args: str) -> Config:
    """The plugin's Config after real flake8 option parsing of `args` (which calls parse_options)."""
    from flake8.options.parse_args import parse_args

    saved = AsyncTipsChecker.config
    try:
        parse_args(["--isolated", *args])
        return AsyncTipsChecker.config
    finally:
        AsyncTipsChecker.config = saved


@pytest.mark.parametrize(
    ("args", "selected"),
    [
        ((), set(ALL_CODES) - {"ASY104"}),
        (("--extend-ignore", "ASY"), set()),
        (("--select", "E,W"), set()),
        (("--select", "ASY2"), {code for code in ALL_CODES if code.startswith("ASY2")}),
        (("--extend-select", "ASY104"), set(ALL_CODES)),
        (("--select", "ASY1", "--extend-ignore", "ASY104"), {c for c in ALL_CODES if c[:4] == "ASY1"} - {"ASY104"}),
    ],
)
def test_selected_codes_follow_flake8s_decisions(args: tuple[str, ...], selected: set[str]) -> None:
    assert config_for(*args).selected_codes == frozenset(selected)


def test_nothing_runs_when_every_code_is_deselected() -> None:
    source = "import asyncio\n\nasync def main():\n    asyncio.sleep(1)\n"
    saved = AsyncTipsChecker.config
    try:
        AsyncTipsChecker.config = Config(selected_codes=frozenset())
        checker = AsyncTipsChecker(ast.parse(source), source.splitlines(True), "example.py")
        assert list(checker.run()) == []
        assert "bindings" not in vars(checker.context)  # no question was asked
        AsyncTipsChecker.config = Config(selected_codes=frozenset({"ASY200"}))
        checker = AsyncTipsChecker(ast.parse(source), source.splitlines(True), "example.py")
        assert list(checker.run()) == []
        assert "bindings" not in vars(checker.context)  # only the syntax family ran, asking nothing
    finally:
        AsyncTipsChecker.config = saved


def test_loading_the_plugin_imports_neither_asyncio_nor_unittest() -> None:
    """Sync-only code pays the plugin's import on every run: the runtime bases it knows
    (unittest's test cases, asyncio behind IsolatedAsyncioTestCase) load only when a class names one."""
    import subprocess
    import sys

    program = (
        "import sys, flake8_async_tips.checker\n"
        "print(sorted({'asyncio', 'unittest'} & set(sys.modules)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_unittest_base_is_still_known_once_named() -> None:
    source = """\
import unittest

class Client:
    async def fetch(self):
        pass

class Test(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = Client()

    async def test_it(self):
        self.client.fetch()
"""
    assert [text.split()[0] for _, _, text in lint(source)] == ["ASY100"]
