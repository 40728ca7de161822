"""The plugin must never crash flake8.

* Property tests: for any source `ast.parse` accepts, linting raises nothing
  and never reports the internal-error code ASY000. The number of examples
  is bounded for CI; set ASYNC_TIPS_HYPOTHESIS_EXAMPLES for a longer run.
* Fault injection: when one rule family raises, the checker still yields the
  other families' findings and what the failing family found before failing,
  plus one ASY000 at line 1 -- through the checker class and through real
  flake8.
* Odd but valid files lint without error.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from support import lint

from flake8_async_tips.checker import INTERNAL_ERROR_CODE, AsyncTipsChecker
from flake8_async_tips.options import Config
from flake8_async_tips.prefilter import has_async_word
from flake8_async_tips.rules import FAMILIES
from flake8_async_tips.rules.async_in_sync import AsyncInSyncRules
from flake8_async_tips.rules.construct_mismatch import ConstructMismatchRules

EXAMPLES = int(os.environ.get("ASYNC_TIPS_HYPOTHESIS_EXAMPLES", "120"))
TIMEOUT = 120
FINDING_TEXT = re.compile(r"^ASY\d{3} \S")

PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # hypothesmith calls target() to grow programs; Hypothesis's hill-climbing on
    # those targets is what makes a run slow (minutes under pytest), so it is off.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


# -- property tests ------------------------------------------------------------


def _parses(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return False
    return True


# The plugin skips a file with nothing async in reach; generated code rarely
# has anything async, so each example is also linted with this statement
# appended (a comment would not do: the prefilter ignores comments), which
# makes every family walk it.
FORCE_FAMILIES = "\n__force_the_walk__ = anext\n"


def test_the_appended_statement_gets_past_the_prefilter() -> None:
    assert has_async_word(FORCE_FAMILIES)
    assert not has_async_word("\n# async await\n")


def _assert_lints_cleanly(source: str) -> None:
    assume(_parses(source))
    variants = [source]
    if _parses(source + FORCE_FAMILIES):
        variants.append(source + FORCE_FAMILIES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        for variant in variants:
            line_count = max(len(variant.splitlines()), 1)
            for allow in (False, True):
                results = lint(variant, allow_top_level_await=allow)
                for line, col, text in results:
                    assert not text.startswith(INTERNAL_ERROR_CODE), (allow, text, variant)
                    assert FINDING_TEXT.match(text), text
                    assert 1 <= line <= line_count, (line, text)
                    assert col >= 0, (col, text)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@PROPERTY_SETTINGS
@given(source=hypothesmith.from_grammar())
def test_never_crash_from_grammar(source: str) -> None:
    _assert_lints_cleanly(source)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@PROPERTY_SETTINGS
@given(source=hypothesmith.from_node())
def test_never_crash_from_node(source: str) -> None:
    _assert_lints_cleanly(source)


# -- fault injection: the checker class ---------------------------------------

FAULTY_SOURCE = textwrap.dedent(
    """\
    def load(url):
        return await fetch(url)


    async def rows(cursor):
        yield from cursor.batch()


    def save(lock):
        async with lock:
            pass
        await lock


    async def main():
        import asyncio
        asyncio.sleep(1)
    """
)
BEFORE_FAILURE = (2, 11, "ASY200")  # AsyncInSyncRules reports it before reaching `async with`
ASYNC_WITH = (10, 4, "ASY202")
AFTER_FAILURE = (12, 4, "ASY200")  # lost when the walk stops at `async with`
YIELD_FROM = (6, 4, "ASY305")  # ConstructMismatchRules
NOT_AWAITED = (17, 4, "ASY100")  # AwaitRules
BASELINE = [BEFORE_FAILURE, YIELD_FROM, ASYNC_WITH, AFTER_FAILURE, NOT_AWAITED]
INTERNAL = (1, 0, INTERNAL_ERROR_CODE)


class InjectedFailure(RuntimeError):
    pass


def _boom(*args: object, **kwargs: object) -> None:
    raise InjectedFailure("injected failure")


def _codes_at(results: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [(line, col, text.split(" ", 1)[0]) for line, col, text in results]


def _internal_errors(results: list[tuple[int, int, str]]) -> list[str]:
    return [text for _, _, text in results if text.startswith(INTERNAL_ERROR_CODE)]


def test_baseline_without_failure() -> None:
    """Every family contributes to FAULTY_SOURCE's findings."""
    assert _codes_at(lint(FAULTY_SOURCE)) == BASELINE
    reported = {code for *_, code in BASELINE}
    for family in FAMILIES:
        assert reported & {error.code for error in family.error_classes}, family.__name__


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.__name__)
def test_any_failing_family_leaves_the_others(monkeypatch: pytest.MonkeyPatch, family: type) -> None:
    monkeypatch.setattr(family, "__init__", _boom)
    results = lint(FAULTY_SOURCE)
    own_codes = {error.code for error in family.error_classes}
    assert _codes_at(results) == [INTERNAL] + [finding for finding in BASELINE if finding[2] not in own_codes]
    assert _internal_errors(results) == [
        f"{INTERNAL_ERROR_CODE} flake8-async-tips internal error in {family.__name__}: "
        "InjectedFailure: injected failure (please report it; other checks still ran)"
    ]


def test_failing_visit_keeps_earlier_findings(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The walk stops at `async with`: the ASY200 before it is kept, the one after is lost."""
    monkeypatch.setattr(AsyncInSyncRules, "visit_AsyncWith", _boom)
    results = lint(FAULTY_SOURCE)
    assert _codes_at(results) == [INTERNAL, BEFORE_FAILURE, YIELD_FROM, NOT_AWAITED]
    internal = _internal_errors(results)
    assert len(internal) == 1
    assert "AsyncInSyncRules" in internal[0]
    assert "InjectedFailure: injected failure" in internal[0]
    # The failure is also logged: one warning line, and the traceback at DEBUG level.
    caplog.set_level("DEBUG", logger="flake8_async_tips")
    caplog.clear()
    lint(FAULTY_SOURCE)
    records = [record for record in caplog.records if record.name == "flake8_async_tips"]
    assert [record.levelname for record in records] == ["WARNING", "DEBUG"]
    assert "InjectedFailure('injected failure')" in records[0].getMessage()
    assert records[1].exc_info is not None and records[1].exc_info[0] is InjectedFailure


def test_failing_visit_await(monkeypatch: pytest.MonkeyPatch) -> None:
    """visit_Await raises on the first `await`: that family reports nothing but ASY000."""
    monkeypatch.setattr(AsyncInSyncRules, "visit_Await", _boom)
    assert _codes_at(lint(FAULTY_SOURCE)) == [INTERNAL, YIELD_FROM, NOT_AWAITED]


def test_failing_visit_in_another_family(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ConstructMismatchRules, "visit_YieldFrom", _boom)
    results = lint(FAULTY_SOURCE)
    assert _codes_at(results) == [INTERNAL, BEFORE_FAILURE, ASYNC_WITH, AFTER_FAILURE, NOT_AWAITED]
    assert "ConstructMismatchRules" in results[0][2]


def test_failing_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception after the walk keeps everything the walk found."""
    monkeypatch.setattr(AsyncInSyncRules, "finish", _boom)
    assert _codes_at(lint(FAULTY_SOURCE)) == [INTERNAL, *BASELINE]


@pytest.mark.parametrize("hook", ["applies_to", "__init__"])
def test_failing_before_the_walk(monkeypatch: pytest.MonkeyPatch, hook: str) -> None:
    replacement = classmethod(_boom) if hook == "applies_to" else _boom
    monkeypatch.setattr(AsyncInSyncRules, hook, replacement)
    assert _codes_at(lint(FAULTY_SOURCE)) == [INTERNAL, YIELD_FROM, NOT_AWAITED]


def test_every_family_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    for family in FAMILIES:
        monkeypatch.setattr(family, "__init__", _boom)
    results = lint(FAULTY_SOURCE)
    assert _codes_at(results) == [INTERNAL] * len(FAMILIES)
    assert sorted(text.split(" ")[5] for text in _internal_errors(results)) == sorted(
        f"{family.__name__}:" for family in FAMILIES
    )


def test_run_is_a_generator_that_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Straight through the class, as flake8 drives it."""
    monkeypatch.setattr(AsyncInSyncRules, "visit_AsyncWith", _boom)
    monkeypatch.setattr(AsyncTipsChecker, "config", Config())
    checker = AsyncTipsChecker(ast.parse(FAULTY_SOURCE), FAULTY_SOURCE.splitlines(True), "faulty.py")
    results = list(checker.run())
    assert all(plugin is AsyncTipsChecker for *_, plugin in results)
    assert sorted((line, col, text.split(" ", 1)[0]) for line, col, text, _ in results) == [
        INTERNAL,
        BEFORE_FAILURE,
        YIELD_FROM,
        NOT_AWAITED,
    ]


# -- fault injection: real flake8 ----------------------------------------------

INJECT_AND_RUN_FLAKE8 = """\
import sys
from flake8_async_tips.rules import FAMILIES
from flake8_async_tips.rules.async_in_sync import AsyncInSyncRules

def boom(self, node):
    raise RuntimeError("injected failure")

AsyncInSyncRules.visit_AsyncWith = boom

from flake8.main.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_failing_family_through_real_flake8(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / "faulty.py").write_text(FAULTY_SOURCE)
    (tmp_path / "fine.py").write_text("def f(x):\n    return await x\n")
    # --jobs 1: the patch lives in this process only (a spawned worker would not see it).
    result = subprocess.run(
        [sys.executable, "-c", INJECT_AND_RUN_FLAKE8, "--jobs", "1", "faulty.py", "fine.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1, result.stderr
    stdout = result.stdout.splitlines()
    assert (
        "faulty.py:1:1: ASY000 flake8-async-tips internal error in AsyncInSyncRules: "
        "RuntimeError: injected failure (please report it; other checks still ran)"
    ) in stdout
    asy = [line for line in stdout if " ASY" in line]
    assert [line.split(" ", 2)[:2] for line in asy] == [
        ["faulty.py:1:1:", "ASY000"],
        ["faulty.py:2:12:", "ASY200"],
        ["faulty.py:6:5:", "ASY305"],
        ["faulty.py:17:5:", "ASY100"],
        ["fine.py:2:12:", "ASY200"],  # the next file is linted normally
    ]
    # Other plugins ran on the faulty file too.
    assert any(line.startswith("faulty.py:") and " F821 " in line for line in stdout)
    # flake8 did not abort: no PluginExecutionFailed / "critical error" message.
    assert "PluginExecutionFailed" not in result.stderr
    for text in (result.stdout, result.stderr):
        assert "critical error" not in text  # flake8: "There was a critical error during execution..."
        assert "raised an unexpected exception" not in text
    assert "flake8/checker.py" not in result.stderr.replace("\\", "/")
    # No traceback: one warning line (logging's last-resort handler prints it when
    # flake8 configures no logging); the traceback is logged at DEBUG level only.
    assert "Traceback" not in result.stderr
    warning = "flake8-async-tips: AsyncInSyncRules failed on faulty.py: RuntimeError('injected failure')\n"
    assert result.stderr == warning


# -- odd but valid files -----------------------------------------------------------


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, saved))
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def lint_deep(source: str) -> list[tuple[int, int, str]]:
    """Parse with room for CPython's recursive AST construction, lint at the normal limit.

    The plugin walks iteratively, so it must cope with a tree deeper than the
    recursion limit it runs under.
    """
    with recursion_limit(50_000):
        try:
            tree = ast.parse(source)
        except RecursionError:
            # CPython 3.12.0-3.12.x builds the AST under a fixed C recursion limit:
            # no such tree exists there, for flake8 or the plugin.
            pytest.skip("this CPython cannot build an AST this deep")
    checker = AsyncTipsChecker(tree, source.splitlines(True), "deep.py")
    return sorted((line, col, text) for line, col, text, _ in checker.run())


def _only_codes(results: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    assert not any(text.startswith(INTERNAL_ERROR_CODE) for _, _, text in results), results
    return _codes_at(results)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("", [], id="empty"),
        pytest.param("\n\n\n", [], id="blank-lines"),
        pytest.param("# only\n# comments about async and await\n", [], id="only-comments"),
        pytest.param("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n", [], id="shebang-and-cookie"),
        pytest.param('"""A docstring mentioning await."""\n', [], id="only-docstring"),
        pytest.param("def f(x):\n    return await x", [(2, 11, "ASY200")], id="no-trailing-newline"),
        pytest.param(
            "\f\nasync def f():\n\f    await x\n\f\n\ndef g():\n    \f\n    await y\n",
            [(8, 4, "ASY200")],
            id="form-feeds",
        ),
        pytest.param("def g():\r\n    await y\r\n\r\nawait z\r\n", [(2, 4, "ASY200"), (4, 0, "ASY200")], id="crlf"),
        pytest.param("def g():\r    await y\r", [(2, 4, "ASY200")], id="cr-only"),
        pytest.param("def g():\n\tawait y\n", [(2, 1, "ASY200")], id="tab-indent"),
        # Columns are the AST's UTF-8 byte offsets (as pyflakes reports them too), not characters.
        pytest.param("def f():\n    x = 'é'; return await x\n", [(2, 21, "ASY200")], id="non-ascii-column"),
        pytest.param("def f(x): return await x\n", [(1, 17, "ASY200")], id="one-liner"),
        pytest.param("x = 1 \\\n    + 2\ndef f():\n    await \\\n        x\n", [(4, 4, "ASY200")], id="continuations"),
    ],
)
def test_odd_files(source: str, expected: list[tuple[int, int, str]]) -> None:
    assert _only_codes(lint(source)) == expected


def test_ninety_nested_parentheses() -> None:
    source = "def f():\n    return await " + "(" * 90 + "x" + ")" * 90 + "\n"
    assert _only_codes(lint(source)) == [(2, 11, "ASY200")]


def test_ninety_nested_lists_with_awaits_inside() -> None:
    source = "def f():\n    return " + "[await x, " * 90 + "0" + "]" * 90 + "\n"
    results = _only_codes(lint(source))
    assert len(results) == 90
    assert {code for *_, code in results} == {"ASY200"}


def test_ninety_nested_comprehensions() -> None:
    inner = "x"
    for depth in range(90):
        inner = f"[{inner} for _{depth} in y]"
    source = f"def f():\n    return [await z async for z in {inner}]\n"
    assert _only_codes(lint(source)) == [(2, 11, "ASY203")]


def test_ninety_nested_functions() -> None:
    lines = []
    for depth in range(90):
        keyword = "async def" if depth % 2 == 0 else "def"
        lines.append("    " * depth + f"{keyword} f{depth}():")
    lines.append("    " * 90 + "await x")
    source = "\n".join(lines) + "\n"
    # depth 89 is a plain def: its body's await is the only finding.
    assert _only_codes(lint(source)) == [(91, 360, "ASY200")]


def test_five_thousand_term_sum() -> None:
    source = "def f():\n    return await a + " + " + ".join(["a"] * 5000) + "\n"
    assert _only_codes(lint_deep(source)) == [(2, 11, "ASY200")]


def test_five_thousand_deep_call_chain_with_awaits() -> None:
    # x.m(await y).m(await y)...: a tree 5000 nodes deep with an await at every other level.
    source = "def f():\n    return x" + ".m(await y)" * 2500 + "\n"
    results = _only_codes(lint_deep(source))
    assert len(results) == 2500
    assert {code for *_, code in results} == {"ASY200"}
    assert results[0] == (2, 15, "ASY200")


def test_five_thousand_nested_unary_operators() -> None:
    source = "def f():\n    return await (" + "-" * 5000 + "x)\n"
    assert _only_codes(lint_deep(source)) == [(2, 11, "ASY200")]


def test_five_thousand_statement_module() -> None:
    source = "async def fetch():\n    pass\n\n" + "".join(f"fetch()\nx{i} = fetch()\n" for i in range(2500))
    assert source.count("\n") > 5000
    results = _only_codes(lint(source))
    assert len(results) == 2500
    assert {code for *_, code in results} == {"ASY204"}
    assert results[0] == (4, 0, "ASY204")
    assert results[-1] == (4 + 2 * 2499, 0, "ASY204")


def test_five_thousand_statements_in_function() -> None:
    body = "".join(f"    await x{i}\n" for i in range(5000))
    results = _only_codes(lint("def f():\n" + body))
    assert len(results) == 5000


# -- odd files through real flake8 --------------------------------------------------


def test_odd_files_through_real_flake8(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")
    files = {
        "empty.py": b"",
        "comments.py": b"# only\n# comments about await\n",
        "formfeed.py": b"\x0c\nasync def f():\n    await x\n\x0c\n\n\ndef g():\n    await y\n",
        "crlf.py": b"def g():\r\n    return await y\r\n",
        "bom.py": b"\xef\xbb\xbfdef g():\n    return await y\n",
        "latin1.py": (
            "# -*- coding: latin-1 -*-\n"
            "# caf\u00e9 cr\u00e8me\n"
            "name = 'na\u00efve \u00e9t\u00e9'\n"
            "\n\n"
            "def g():\n"
            "    return 'd\u00e9j\u00e0', await name\n"
        ).encode("latin-1"),
        "many.py": (
            "async def fetch():\n    pass\n\n\n"
            + "".join(f"x{i} = fetch()\n" for i in range(5000))
            + "\n\ndef g():\n    await fetch()\n"
        ).encode(),
        "nested.py": ("def f():\n    return await " + "(" * 90 + "x" + ")" * 90 + "\n").encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert b"\xe9" in files["latin1.py"]  # really not UTF-8
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "ASY,E902,E999", *sorted(files)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [
        "bom.py:2:12: ASY200 'await' inside non-async function 'g': make 'g' async",
        "crlf.py:2:12: ASY200 'await' inside non-async function 'g': make 'g' async",
        "formfeed.py:8:5: ASY200 'await' inside non-async function 'g': make 'g' async",
        # Column 22: AST offsets count UTF-8 bytes of the decoded line (é, à are 2 bytes), as pyflakes does.
        "latin1.py:7:22: ASY200 'await' inside non-async function 'g': make 'g' async",
        "many.py:5008:5: ASY200 'await' inside non-async function 'g': make 'g' async",
        "nested.py:2:12: ASY200 'await' inside non-async function 'f': make 'f' async",
    ]
    assert result.returncode == 1


def test_deep_expression_through_real_flake8(tmp_path: Path) -> None:
    """Whatever flake8 makes of a 5000-term sum, the plugin is not the one failing.

    Observed on CPython 3.11 / flake8 7.x: flake8's own `ast.parse` raises
    RecursionError ("maximum recursion depth exceeded during ast
    construction"), which flake8 does not catch: it prints a traceback and
    exits 1 before any plugin runs.
    """
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / "deep.py").write_text("def f():\n    return await a + " + " + ".join(["a"] * 5000) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "ASY", "deep.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "flake8_async_tips" not in result.stderr
    assert INTERNAL_ERROR_CODE not in result.stdout
    asy = [line for line in result.stdout.splitlines() if " ASY" in line]
    assert asy in ([], ["deep.py:2:12: ASY200 'await' inside non-async function 'f': make 'f' async"])
