"""Helpers the tests share: lint a source string with the checker class."""

from __future__ import annotations

import ast

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
