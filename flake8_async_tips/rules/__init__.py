"""The rule families: one AST-walking module per family of codes."""

from __future__ import annotations

from flake8_async_tips.rules.async_in_sync import AsyncInSyncRules
from flake8_async_tips.rules.await_rules import AwaitRules
from flake8_async_tips.rules.base import AsyncTipsError, RuleFamily
from flake8_async_tips.rules.construct_mismatch import ConstructMismatchRules

FAMILIES: tuple[type[RuleFamily], ...] = (AwaitRules, AsyncInSyncRules, ConstructMismatchRules)


def all_error_classes() -> list[type[AsyncTipsError]]:
    """Every code the plugin can report, in code order."""
    found = {cls.code: cls for family in FAMILIES for cls in family.error_classes}
    return [found[code] for code in sorted(found)]
