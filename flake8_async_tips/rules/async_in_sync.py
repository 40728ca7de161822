"""ASY2xx: async constructs where only sync code can run (tip 2).

CPython's compiler is the judge for ASY200-ASY203: these rules report every
construct on which `compile()` of the running interpreter would raise
"'await' outside (async) function", "'async for'/'async with' outside async
function" or "asynchronous comprehension outside of an asynchronous
function", and nothing else.
"""

from __future__ import annotations

import ast

from flake8_async_tips.rules.base import (
    AsyncTipsError,
    RuleFamily,
    made_phrase,
    make_async_fix,
    may_name_a_coroutine,
    quoted,
    where,
)
from flake8_async_tips.scopes import ASYNC_COMPREHENSIONS_PROPAGATE, COMPREHENSION_LIKE, Scope, ScopeKind


class AwaitOutsideAsync(AsyncTipsError):
    """`await` outside an async function.

    What it does:
        Reports `await` in a plain `def`, a lambda, a sync function nested in
        an `async def`, a class body, or at module level.

    Why is this bad?
        The module does not compile: `SyntaxError: 'await' outside async
        function` (or `'await' outside function` at module or class level).
        Defaults, annotations, decorators and class bases run in the
        enclosing scope, so an `await` there is fine inside an `async def`.

    Example:
        def load(url):
            return await fetch(url)

    Use instead:
        async def load(url):
            return await fetch(url)

    Options:
        `--async-tips-allow-top-level-await` permits it at module level
        (notebooks, the asyncio REPL).
    """

    code = "ASY200"
    message = "'await' {where}: {fix}"


class AsyncForOutsideAsync(AsyncTipsError):
    """`async for` outside an async function.

    What it does:
        Reports an `async for` statement in a plain `def`, a class body or at
        module level.

    Why is this bad?
        `SyntaxError: 'async for' outside async function`.

    Example:
        def load(rows):
            async for row in rows:
                print(row)

    Use instead:
        async def load(rows):
            async for row in rows:
                print(row)
    """

    code = "ASY201"
    message = "'async for' {where}: {fix}"


class AsyncWithOutsideAsync(AsyncTipsError):
    """`async with` outside an async function.

    What it does:
        Reports an `async with` statement in a plain `def`, a class body or at
        module level.

    Why is this bad?
        `SyntaxError: 'async with' outside async function`.

    Example:
        def save(lock):
            async with lock:
                write()

    Use instead:
        async def save(lock):
            async with lock:
                write()
    """

    code = "ASY202"
    message = "'async with' {where}: {fix}"


class AsyncComprehensionOutsideAsync(AsyncTipsError):
    """An asynchronous list, set or dict comprehension outside an async function.

    What it does:
        Reports a list/set/dict comprehension that uses `async for` or
        `await` (in its element, a condition, or an iterable after the first)
        where the comprehension is not directly inside an `async def`.
        Generator expressions are exempt: `(x async for x in it)` makes an
        async generator, which is legal anywhere.

    Why is this bad?
        `SyntaxError: asynchronous comprehension outside of an asynchronous
        function`. Before Python 3.11 an async comprehension nested in a
        non-async comprehension was an error even inside an `async def`.

    Example:
        def names(rows):
            return [row.name async for row in rows]

    Use instead:
        async def names(rows):
            return [row.name async for row in rows]
    """

    code = "ASY203"
    message = "asynchronous comprehension {where}: {fix}"


class CoroutineDiscardedInSync(AsyncTipsError):
    """A coroutine created and discarded in sync code.

    What it does:
        Reports an expression statement that calls a coroutine function (a
        function, or a method through `self`, an instance or a module) in a
        plain `def`, a class body or at module level. A lambda's body is
        returned, not discarded: `retry(lambda: fetch(url))` is fine. As for
        ASY100, a statement marked `# type: ignore[unused-coroutine]` or `#
        pyright: ignore[reportUnusedCoroutine]` is not reported.

    Why is this bad?
        Calling an `async def` only creates a coroutine object; its body never
        runs, and CPython warns `RuntimeWarning: coroutine 'fetch' was never
        awaited`. Sync code cannot await it.

    Example:
        async def fetch(url): ...

        def refresh():
            fetch("/status")

    Use instead:
        async def refresh():
            await fetch("/status")

        # or, once, at the program's entry point:
        asyncio.run(fetch("/status"))
    """

    code = "ASY204"
    message = "{what} '{callee}' is never awaited {where}: {fix}"


def _discarded_coroutine_fix(scope: Scope, callee: str) -> str:
    if scope.kind is ScopeKind.FUNCTION:
        return f"make '{scope.name}' async and 'await' it, or run it with asyncio.run({callee}(...))"
    return f"run it with asyncio.run({callee}(...)) or await it inside an 'async def'"


class AsyncInSyncRules(RuleFamily):
    """ASY200-ASY204."""

    error_classes = (
        AwaitOutsideAsync,
        AsyncForOutsideAsync,
        AsyncWithOutsideAsync,
        AsyncComprehensionOutsideAsync,
        CoroutineDiscardedInSync,
    )
    # ASY200-ASY203 are decided by the syntax alone.
    inferring_codes = frozenset({CoroutineDiscardedInSync.code})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Scopes (by node) whose own code contains `await` or `async for`.
        self.directly_async: set[int] = set()

    def _async_allowed_in(self, scope: Scope) -> bool:
        if scope.kind is ScopeKind.ASYNC_FUNCTION:
            return True
        return scope.kind is ScopeKind.MODULE and self.config.allow_top_level_await

    def visit_Await(self, node: ast.Await) -> None:
        self.directly_async.add(id(self.scope.node))
        if self.scope.kind in COMPREHENSION_LIKE or self._async_allowed_in(self.scope):
            return  # a comprehension's own await makes it async: judged in finish()
        if self.scope.kind is ScopeKind.ANNOTATION:
            return  # CPython rejects it with another error: "await expression cannot be used within ..."
        self.report(AwaitOutsideAsync, node, where=where(self.scope), fix=make_async_fix(self.scope))

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        if not self._async_allowed_in(self.scope):
            fix = make_async_fix(self.scope, "use 'for'")
            self.report(AsyncForOutsideAsync, node, where=where(self.scope), fix=fix)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        if not self._async_allowed_in(self.scope):
            fix = make_async_fix(self.scope, "use 'with'")
            self.report(AsyncWithOutsideAsync, node, where=where(self.scope), fix=fix)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if node.is_async:
            self.directly_async.add(id(self.scope.node))

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, (ast.Name, ast.Attribute))):
            return
        if self.scope.kind not in (ScopeKind.MODULE, ScopeKind.CLASS, ScopeKind.FUNCTION):
            return
        if isinstance(call.func, ast.Attribute) and not may_name_a_coroutine(self.context, call.func, self.scope):
            return  # the cheap question first: most method calls in sync code are sync
        made = self.context.inference.awaitable_call(call, self.scope)
        if made is not None:
            callee, what = quoted(call.func), made_phrase(made)
            fix = _discarded_coroutine_fix(self.scope, callee)
            self.report(CoroutineDiscardedInSync, node, callee=callee, where=where(self.scope), fix=fix, what=what)

    def finish(self) -> None:
        """ASY203: whether a comprehension is async depends on what is nested in it."""
        is_async: dict[int, bool] = {}
        for scope in reversed(self.root_scope.preorder()):
            if scope.kind not in COMPREHENSION_LIKE:
                continue
            own = id(scope.node) in self.directly_async
            if ASYNC_COMPREHENSIONS_PROPAGATE:
                own = own or any(
                    child.kind is ScopeKind.COMPREHENSION and is_async[id(child.node)] for child in scope.children
                )
            is_async[id(scope.node)] = own
            if scope.kind is ScopeKind.COMPREHENSION and own and not self._comprehension_may_be_async_in(scope.parent):
                fix = make_async_fix(scope.parent, "drop 'async for'/'await' from the comprehension")
                self.report(AsyncComprehensionOutsideAsync, scope.node, where=where(scope.parent), fix=fix)

    def _comprehension_may_be_async_in(self, enclosing: Scope | None) -> bool:
        assert enclosing is not None
        if self._async_allowed_in(enclosing):
            return True
        if ASYNC_COMPREHENSIONS_PROPAGATE:
            # The enclosing comprehension turns async in turn and is judged itself.
            return enclosing.kind in COMPREHENSION_LIKE
        # Before 3.11 CPython asked whether the enclosing scope's own code was async.
        return id(enclosing.node) in self.directly_async
