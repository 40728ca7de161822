"""The plugin's command-line and config-file options."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any, Optional

ALLOW_TOP_LEVEL_AWAIT = "--async-tips-allow-top-level-await"
COROUTINE_FUNCTIONS = "--async-tips-coroutine-functions"

_DOTTED_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class OptionValueError(ValueError):
    """A malformed option value; flake8 shows it as a usage error."""


@dataclass(frozen=True)
class Config:
    """What the options decided, handed to every rule family."""

    allow_top_level_await: bool = False
    # Qualified names (`package.module.function`, `package.module.Class.method`)
    # the user declares to be coroutine functions.
    coroutine_functions: frozenset[str] = frozenset()
    # The codes flake8 will show (its --select/--ignore decisions); None: all of them.
    selected_codes: Optional[frozenset[str]] = None
    # The opinionated codes the user named in --select/--extend-select (see
    # OPINIONATED); None: no flake8 options were read, every code reports.
    opinionated_named: Optional[frozenset[str]] = None

    @classmethod
    def from_flake8(cls, options: argparse.Namespace, codes: Iterable[str] = ()) -> Config:
        """Raises OptionValueError, naming the option and the bad value, for malformed input."""
        return cls(
            allow_top_level_await=bool(getattr(options, "async_tips_allow_top_level_await", False)),
            coroutine_functions=_dotted_names(
                COROUTINE_FUNCTIONS, getattr(options, "async_tips_coroutine_functions", None)
            ),
            selected_codes=_selected(options, codes),
            opinionated_named=named_opinionated_codes(options),
        )

    def reports(self, code: str) -> bool:
        """Will `code` be shown? Opinionated codes only when named, whatever flake8 selects."""
        if code in OPINIONATED and self.opinionated_named is not None and code not in self.opinionated_named:
            return False
        return self.selected_codes is None or code in self.selected_codes

    def selects_any(self, codes: Iterable[str]) -> bool:
        return any(self.reports(code) for code in codes)


# Opinionated codes: reported only when the user names the code itself in
# --select or --extend-select (command line or config file). A prefix such as
# `ASY1` or `ASY` is not enough: flake8 lets an explicit --select of a prefix
# beat the default-ignore list, and the README's recommended `--select
# ASY1,ASY2,ASY3` (or a project's `ignore = E501`, which replaces that list)
# would turn an opinion on for everyone.
OPINIONATED = frozenset({"ASY104"})


def named_opinionated_codes(options: argparse.Namespace) -> frozenset[str]:
    """The opinionated codes given, in full, in --select or --extend-select."""
    named: set[str] = set()
    for option in ("select", "extend_select"):
        for value in _flattened(getattr(options, option, None)):
            if value.strip().upper() in OPINIONATED:
                named.add(value.strip().upper())
    return frozenset(named)


def _flattened(value: Any) -> Iterable[str]:
    """The codes of a select-like option: None, a comma-separated string, a list, or a list of lists."""
    if not value:
        return
    if isinstance(value, str):
        yield from value.split(",")
        return
    for item in value:
        yield from _flattened(item)


def _selected(options: argparse.Namespace, codes: Iterable[str]) -> Optional[frozenset[str]]:
    """The codes flake8 would report, asked of the same decision engine its style guide uses.

    flake8 runs every plugin whatever is selected and drops deselected codes
    afterwards; knowing them lets the plugin skip that work. Per-file ignores
    and `# noqa` only ever deselect more, so they do not change this.
    """
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return frozenset(code for code in codes if engine.decision_for(code) is Decision.Selected)
    except Exception:  # noqa: BLE001 - another flake8 version: run everything, as without this
        return None


def _dotted_names(option: str, value: Any) -> frozenset[str]:
    if not value:
        return frozenset()
    names = value.split(",") if isinstance(value, str) else list(value)
    cleaned = [name.strip() for name in names if name.strip()]
    for name in cleaned:
        if not _DOTTED_NAME.match(name):
            raise OptionValueError(
                f"{option} (config key {option[2:]}): {name!r} is not a qualified name "
                f"such as 'package.module.function' or 'package.module.Class.method'"
            )
    return frozenset(cleaned)


# Off unless named: flake8's default-ignore list hides them from a plain run,
# and OPINIONATED keeps them off under a --select of a prefix.
DEFAULT_OFF = sorted(OPINIONATED)


def register(manager: Any) -> None:
    """Add the options to flake8's option manager (also readable from config files)."""
    manager.extend_default_ignore(DEFAULT_OFF)
    manager.add_option(
        ALLOW_TOP_LEVEL_AWAIT,
        action="store_true",
        default=False,
        parse_from_config=True,
        help=(
            "Allow 'await', 'async for', 'async with' and async comprehensions at module "
            "level, as notebooks and the asyncio REPL do (ASY200-ASY203). "
            "Config key: async-tips-allow-top-level-await = true"
        ),
    )
    manager.add_option(
        COROUTINE_FUNCTIONS,
        default="",
        parse_from_config=True,
        comma_separated_list=True,
        metavar="NAMES",
        help=(
            "Comma-separated qualified names to treat as coroutine functions, for APIs the "
            "plugin cannot see (package.module.function, package.module.Class.method). "
            "Config key: async-tips-coroutine-functions"
        ),
    )
