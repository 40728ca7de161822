"""Helpers the tests share: lint a source string with the checker class."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from flake8_async_tips.checker import AsyncTipsChecker
from flake8_async_tips.options import Config


def lint(
    source: str, *, allow_top_level_await: bool = False, filename: str = "example.py"
) -> list[tuple[int, int, str]]:
    """(line, column, "ASYnnn message") for every finding, in flake8's order."""
    tree = ast.parse(source, filename)
    saved = AsyncTipsChecker.config
    AsyncTipsChecker.config = Config(allow_top_level_await=allow_top_level_await)
    try:
        checker = AsyncTipsChecker(tree, source.splitlines(keepends=True), filename)
        results = [(line, col, text) for line, col, text, _ in checker.run()]
    finally:
        AsyncTipsChecker.config = saved
    return sorted(results)


def codes(source: str, **kwargs: object) -> list[str]:
    """Just the codes, in order of position."""
    return [text.split(" ", 1)[0] for _, _, text in lint(source, **kwargs)]  # type: ignore[arg-type]


def flake8(*args: str, cwd: Path, stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Real flake8, as a subprocess of this interpreter, in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout
    )
