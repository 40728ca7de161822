"""What every rule family and every code share."""

from __future__ import annotations

import ast
import re
from typing import Any, ClassVar, Optional

from flake8_plugin_utils import Error

from flake8_async_tips import known_apis
from flake8_async_tips.context import FileContext
from flake8_async_tips.options import Config
from flake8_async_tips.scopes import Scope, ScopedVisitor, ScopeKind


class AsyncTipsError(Error):
    """One code: the class docstring is the code's documentation."""

    code: ClassVar[str]
    message: ClassVar[str]


class RuleFamily(ScopedVisitor):
    """A family's rules share one walk of the tree."""

    error_classes: ClassVar[tuple[type[AsyncTipsError], ...]] = ()

    def __init__(self, config: Config, context: FileContext) -> None:
        super().__init__(config, context)
        self.context: FileContext = context

    # The codes whose checks ask inference questions (None: all of the family's).
    inferring_codes: ClassVar[Optional[frozenset[str]]] = None

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        """False when the file certainly holds nothing this family reports: the walk is skipped."""
        return context.config.selects_any(error.code for error in cls.error_classes)

    @classmethod
    def may_ask_inference(cls, context: FileContext) -> bool:
        """Whether a selected check of the family may ask inference (and so need the file's bindings)."""
        codes = cls.inferring_codes
        return context.config.selects_any(
            error.code for error in cls.error_classes if codes is None or error.code in codes
        )

    def check(self) -> None:
        self.run(self.context.tree)

    def report(self, error: type[AsyncTipsError], node: Any, **kwargs: Any) -> None:
        # flake8 would drop a deselected code anyway; an opinionated code that the
        # user did not name is dropped here, which flake8's selection cannot do.
        if error.code in UNAWAITED_CODES and self._acknowledged_unawaited(node):
            return
        if self.context.config.reports(error.code):
            self.error_from_node(error, node, **kwargs)
            # A parameter known from the calls of its function: the message says which calls.
            if "inference" in self.context.__dict__:
                self.errors[-1].message += self.context.inference.call_site_note(node, self.scope)

    def _acknowledged_unawaited(self, node: Any) -> bool:
        """The statement tells mypy or pyright that its coroutine is left unawaited on purpose."""
        first = getattr(node, "lineno", 0)
        last = getattr(node, "end_lineno", None) or first
        lines = self.context.lines[max(first - 1, 0):last]
        return any("ignore[" in line and ACKNOWLEDGED_UNAWAITED.search(line) for line in lines)


# The codes of a coroutine made and never awaited.
UNAWAITED_CODES = frozenset({"ASY100", "ASY204"})
# `# type: ignore[unused-coroutine]` (mypy) or `# pyright: ignore[reportUnusedCoroutine]`: the author
# has said that the coroutine is meant to be left unawaited there (or that it is no coroutine at run time).
ACKNOWLEDGED_UNAWAITED = re.compile(
    r"#\s*(?:type:\s*ignore\[[^\]]*\bunused-coroutine\b|pyright:\s*ignore\[[^\]]*\breportUnusedCoroutine\b)"
)

# Longest source text a message quotes.
MAX_QUOTED = 40


def quoted(node: ast.AST) -> str:
    """Source text for a message, shortened."""
    text = ast.unparse(node)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 3] + "..."


def made_phrase(made: str) -> str:
    """How a message names what a call made: `inference.awaitable_call`'s "coroutine" or "awaitable"."""
    return "coroutine" if made == "coroutine" else "the awaitable returned by"


def where(scope: Scope) -> str:
    """Where a construct stands, as a message says it."""
    if scope.kind is ScopeKind.FUNCTION:
        return f"inside non-async function '{scope.name}'"
    if scope.kind is ScopeKind.ASYNC_FUNCTION:
        return f"inside async function '{scope.name}'"
    if scope.kind is ScopeKind.LAMBDA:
        return "inside a lambda"
    if scope.kind is ScopeKind.CLASS:
        return f"in the body of class '{scope.name}'"
    if scope.kind is ScopeKind.MODULE:
        return "at module level"
    if scope.kind is ScopeKind.ANNOTATION:
        return "inside a type-parameter scope"
    return "inside a non-async comprehension"


def make_async_fix(scope: Scope, alternative: str = "") -> str:
    """How to make an async construct legal where it stands."""
    if scope.kind is ScopeKind.FUNCTION:
        fix = f"make '{scope.name}' async"
    elif scope.kind is ScopeKind.LAMBDA:
        fix = "a lambda cannot be async: use an 'async def'"
    elif scope.kind is ScopeKind.CLASS:
        fix = "move it into an 'async def' method"
    elif scope.kind is ScopeKind.MODULE:
        fix = "move it into an 'async def' run by asyncio.run()"
    elif scope.kind is ScopeKind.ANNOTATION:
        fix = "type-parameter scopes are never async: compute the value outside"
    else:
        fix = "make the enclosing comprehension async (required before Python 3.11)"
    return f"{fix} or {alternative}" if alternative else fix


TABLE_COROUTINE_LEAVES = frozenset(name.rpartition(".")[2] for name in known_apis.COROUTINE_FUNCTIONS)


def may_name_a_coroutine(context: FileContext, func: ast.Attribute, scope: Scope) -> bool:
    """The cheap question asked of a method call in sync code (ASY204, ASY108) before inference is.

    `x.m()` may be a coroutine: `m` is the name of an `async def` of this module (`self.flush()`),
    or `x.m` names a coroutine function of the tables (`asyncio.sleep`). Other method calls in sync
    code are not followed, so that sync code does not pay for them: that may miss a finding,
    never make one.
    """
    if func.attr in context.bindings.coroutine_names:
        return True
    if func.attr not in TABLE_COROUTINE_LEAVES:
        return False
    root: ast.expr = func
    while isinstance(root, ast.Attribute):
        root = root.value
    found = context.bindings.lookup(root.id, scope) if isinstance(root, ast.Name) else None
    if not found or any(binding.imported is None for binding in found):
        return False  # only a module's attribute (`asyncio.sleep`) is looked up in the tables
    inference = context.inference
    name = inference.qualified_name(func, scope)
    return name is not None and (name in known_apis.COROUTINE_FUNCTIONS or name in inference.declared_coroutine_functions)
