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

    @classmethod
    def from_flake8(cls, options: argparse.Namespace, codes: Iterable[str] = ()) -> Config:
        """Raises OptionValueError, naming the option and the bad value, for malformed input."""
        return cls(
            allow_top_level_await=bool(getattr(options, "async_tips_allow_top_level_await", False)),
            coroutine_functions=_dotted_names(
                COROUTINE_FUNCTIONS, getattr(options, "async_tips_coroutine_functions", None)
            ),
            selected_codes=_selected(options, codes),
        )

    def selects_any(self, codes: Iterable[str]) -> bool:
        return self.selected_codes is None or any(code in self.selected_codes for code in codes)


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


# Opinionated codes: off unless selected (`--extend-select ASY104`).
DEFAULT_OFF = ["ASY104"]


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
