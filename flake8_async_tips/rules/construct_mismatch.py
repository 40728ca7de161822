"""ASY3xx: async and sync constructs used in each other's place (tip 3)."""

from __future__ import annotations

import ast

from flake8_async_tips.context import FileContext
from flake8_async_tips.rules.base import AsyncTipsError, RuleFamily
from flake8_async_tips.scopes import ScopeKind


class YieldFromInAsync(AsyncTipsError):
    """`yield from` inside an `async def`.

    What it does:
        Reports `yield from` whose enclosing function is an `async def`.

    Why is this bad?
        `SyntaxError: 'yield from' inside async function`: async generators
        cannot delegate to another generator.

    Example:
        async def rows(cursor):
            yield from cursor.batch()

    Use instead:
        async def rows(cursor):
            for row in cursor.batch():
                yield row
    """

    code = "ASY305"
    message = "'yield from' inside async function '{function}': loop with 'for'/'async for' and 'yield' each item"


class ReturnValueInAsyncGenerator(AsyncTipsError):
    """`return` with a value inside an async generator.

    What it does:
        Reports `return value` (`return None` too) in an `async def` that
        contains `yield`. A bare `return` is fine.

    Why is this bad?
        `SyntaxError: 'return' with value in async generator`: unlike sync
        generators, async generators cannot return a value.

    Example:
        async def ticks(n):
            for i in range(n):
                yield i
            return n

    Use instead:
        async def ticks(n):
            for i in range(n):
                yield i
            return
    """

    code = "ASY306"
    message = "'return' with a value inside async generator '{function}': use a bare 'return'"


class ConstructMismatchRules(RuleFamily):
    """ASY305, ASY306."""

    error_classes = (YieldFromInAsync, ReturnValueInAsyncGenerator)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.async_generators: set[int] = set()
        self.returns_with_value: list[tuple[ast.AsyncFunctionDef, ast.Return]] = []

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return context.mentions_async

    def visit_Yield(self, node: ast.Yield) -> None:
        if self.scope.kind is ScopeKind.ASYNC_FUNCTION:
            self.async_generators.add(id(self.scope.node))

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        if self.scope.kind is ScopeKind.ASYNC_FUNCTION:
            self.async_generators.add(id(self.scope.node))
            self.report(YieldFromInAsync, node, function=self.scope.name)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # A local annotation is never evaluated, yet CPython's symbol table still
        # sees a `yield` in it, and that makes the function a generator.
        if self.scope.kind is ScopeKind.ASYNC_FUNCTION and _contains_own_yield(node.annotation):
            self.async_generators.add(id(self.scope.node))

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and isinstance(self.scope.node, ast.AsyncFunctionDef):
            self.returns_with_value.append((self.scope.node, node))

    def finish(self) -> None:
        # The `yield` that makes a generator may come after the `return`.
        for function, node in self.returns_with_value:
            if id(function) in self.async_generators:
                self.report(ReturnValueInAsyncGenerator, node, function=function.name)


def _contains_own_yield(expr: ast.expr) -> bool:
    """A yield in `expr` itself, not in a lambda or comprehension nested in it."""
    pending: list[ast.AST] = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            pending.extend(ast.iter_child_nodes(node))
    return False
