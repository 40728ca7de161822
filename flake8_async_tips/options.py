"""The plugin's command-line and config-file options."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

ALLOW_TOP_LEVEL_AWAIT = "--async-tips-allow-top-level-await"


@dataclass(frozen=True)
class Config:
    """What the options decided, handed to every rule family."""

    allow_top_level_await: bool = False

    @classmethod
    def from_flake8(cls, options: argparse.Namespace) -> Config:
        return cls(allow_top_level_await=bool(getattr(options, "async_tips_allow_top_level_await", False)))


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
