"""Cross-module inference: fixture packages linted from their real paths.

Each module under fixture_packages/ carries inline expectations like the
fixture files; the plugin reads the package's other modules (never imports
them) from the linted file's location, as it does from flake8 and from an
editor's `--stdin-display-name`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import lint
from test_fixtures import expected_findings, ignored_codes

PACKAGES = Path(__file__).parent / "fixture_packages"
MODULES = sorted(PACKAGES.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(PACKAGES)) for path in MODULES])
def test_fixture_module(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    ignored = ignored_codes(source) | {"ASY104"}
    findings = lint(source, filename=str(path))
    actual = sorted((line, code) for line, _, text in findings if (code := text.split(" ", 1)[0]) not in ignored)
    assert actual == expected_findings(source)


def test_cross_module_answers_need_the_file_location() -> None:
    """Without its path the module's imports point nowhere: silence, not guesses."""
    path = PACKAGES / "shop" / "services.py"
    findings = lint(path.read_text(encoding="utf-8"), filename="elsewhere.py")
    lines = {line for line, _, text in findings}
    assert 15 not in lines  # fetch_order, imported relatively


def test_a_value_from_call_sites_is_explained_in_the_message() -> None:
    path = PACKAGES / "callsiteproj" / "feeds" / "polling.py"
    (finding,) = lint(path.read_text(encoding="utf-8"), filename=str(path))
    message = "ASY100 coroutine 'feed.refresh' is never awaited: add 'await'"
    assert finding[2] == message + "; 'feed' is a Feed here (from the call at line 15)"


def test_a_function_another_module_imports_is_not_judged_by_its_calls_here() -> None:
    """runner.py calls poll_shared too: without it, the calls in polling.py would decide."""
    path = PACKAGES / "callsiteproj" / "feeds" / "polling.py"
    source = path.read_text(encoding="utf-8")
    assert [line for line, _, _ in lint(source, filename=str(path))] == [6]
    alone = source.replace("poll_shared", "poll_unshared")
    assert [line for line, _, _ in lint(alone, filename=str(path))] == [6, 11]


def test_a_stubs_async_def_is_called_an_awaitable() -> None:
    """A stub's `async def` is a type: at run time the object may be a Future (motor's methods)."""
    path = PACKAGES / "stubproj" / "use.py"
    messages = [text for _, _, text in lint(path.read_text(encoding="utf-8"), filename=str(path))]
    assert messages[0] == "ASY100 the awaitable returned by 'client.close' is never awaited: add 'await'"
