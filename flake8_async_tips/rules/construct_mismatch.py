"""ASY3xx: async and sync constructs used in each other's place (tip 3)."""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips import known_apis
from flake8_async_tips.bindings import Binding
from flake8_async_tips.bodies import is_stub
from flake8_async_tips.inference import ASYNC, COROUTINE, SYNC, Inference, Protocols
from flake8_async_tips.rules.base import AsyncTipsError, RuleFamily, quoted
from flake8_async_tips.scopes import COMPREHENSION_LIKE, Scope, ScopeKind, generator_expression_is_async
from flake8_async_tips.verdict import Verdict


class AsyncForOverSyncIterable(AsyncTipsError):
    """`async for` over a sync-only iterable.

    What it does:
        Reports `async for` over `range()`, a list/tuple/set/dict/str literal
        or comprehension, a sync generator, `open()`, an instance of a class
        with `__iter__` and no `__aiter__`. A value annotated `Iterable[T]`,
        `Iterator[T]` or `Generator[...]` is not reported: a sync ABC says
        what the value supports, not what it lacks (an object passed as
        `Iterable[T]` may be async-iterable too), and the same holds for
        `ContextManager[T]` / `AbstractContextManager[T]` and ASY303.

    Why is this bad?
        `TypeError: 'async for' requires an object with __aiter__ method, got range`.

    Example:
        async for i in range(12):
            await tick(i)

    Use instead:
        for i in range(12):
            await tick(i)
    """

    code = "ASY300"
    message = "'async for' over '{iterable}', which only supports 'for': use 'for'"


class ForOverAsyncIterable(AsyncTipsError):
    """`for` over an async-only iterable, or over a coroutine.

    What it does:
        Reports a `for` statement or comprehension over an async generator, an
        instance of a class with `__aiter__` and no `__iter__` (also a value
        annotated `AsyncIterable[T]`, `AsyncIterator[T]` or
        `AsyncGenerator[...]`), a coroutine
        (a missing `await`), or an async generator expression: one with
        `async for`, with an `await` in its own code (`(await size(s) for s
        in sites)`), or, from Python 3.11, with an async list, set or dict
        comprehension in it (`([p async for p in pages(s)] for s in
        sites)`), which makes it async (before 3.11 that does not compile:
        ASY203). In sync code, the attributes and method results of `self`,
        of locals and of unannotated parameters are followed only when the
        last name is an `async def` of the module or a table's async API
        (`for x in self.stream()`), as ASY204 asks of method calls.

    Why is this bad?
        `TypeError: 'async_generator' object is not iterable`;
        `TypeError: 'coroutine' object is not iterable`.

    Example:
        for row in fetch_rows():
            ...

    Use instead:
        async for row in fetch_rows():
            ...
    """

    code = "ASY301"
    message = "'for' over '{iterable}', {what}: {fix}"


class WithOnAsyncContextManager(AsyncTipsError):
    """`with` on an async-only context manager, or on a coroutine.

    What it does:
        Reports `with` on `asyncio.Lock()`, `asyncio.timeout()`,
        `asyncio.TaskGroup()`, `AIOFile(...)`, an `@asynccontextmanager`
        call, an instance of a class with `__aenter__` and no `__enter__`, a
        coroutine (a missing `await`), or a task (`with
        asyncio.create_task(work()):`, `ensure_future`, `gather`, `shield`, a
        loop's or TaskGroup's `create_task`), which is no context manager at
        all and is dropped at once. In sync code, the attributes and method
        results of `self`, of locals and of unannotated parameters are
        followed only when the last name is an `async def` of the module or
        a table's async API (`with self.lock:` is not followed there; it is
        in an `async def`), as ASY204 asks of method calls.

    Why is this bad?
        `TypeError: 'Lock' object does not support the context manager
        protocol` (`AttributeError: __enter__` before 3.11); `TypeError:
        '_asyncio.Task' object does not support the context manager
        protocol`.

    Example:
        with asyncio.Lock():
            ...

    Use instead:
        async with asyncio.Lock():
            ...
    """

    code = "ASY302"
    message = "'{manager}' is {what}: {fix}"


class AsyncWithOnSyncContextManager(AsyncTipsError):
    """`async with` on a sync-only context manager.

    What it does:
        Reports `async with` on `open()`, `threading.Lock()`, a
        `@contextmanager` call, trio/anyio cancel scopes, or an instance of a
        class with `__enter__` and no `__aenter__`.

    Why is this bad?
        `TypeError: '_io.TextIOWrapper' object does not support the
        asynchronous context manager protocol` (`AttributeError: __aenter__`
        before 3.11).

    Example:
        async with open("data.txt") as f:
            ...

    Use instead:
        with open("data.txt") as f:
            ...
    """

    code = "ASY303"
    message = "'{manager}' is a sync context manager: use 'with'"


class AwaitOnNonAwaitable(AsyncTipsError):
    """`await` on something certainly not awaitable.

    What it does:
        Reports `await` on a constant or literal, on a function that is not
        called (`await asyncio.sleep`), on a generator or async generator
        object, on an instance of a class without `__await__`, and on sync
        calls that certainly return no awaitable (`await time.sleep(1)`, a
        module function without `return`).

    Why is this bad?
        `TypeError: object NoneType can't be used in 'await' expression`.

    Example:
        await time.sleep(1)

    Use instead:
        await asyncio.sleep(1)
    """

    code = "ASY304"
    message = "'{value}' is not awaitable: {fix}"


class SyncConsumerOfAsyncIterable(AsyncTipsError):
    """A sync consumer given an async iterable, or `aiter`/`anext` given a sync one.

    What it does:
        Reports `list`, `tuple`, `set`, `dict`, `sorted`, `sum`, `min`, `max`,
        `any`, `all`, `enumerate`, `zip`, `next`, `iter` and `yield from` on an
        async iterable, and `aiter`/`anext` on a sync iterable. A generator
        expression is async when it has an `async for`, an `await` in its own
        code, or, from Python 3.11, an async comprehension in it:
        `list([p async for p in pages(s)] for s in sites)` is reported from
        3.11 (ASY203 before, where it does not compile). In sync code, a
        sync consumer's attribute or method-result argument is followed as
        ASY301 follows a `for`'s (`list(self.stream())` is reported,
        `list(self.rows)` is not).

    Why is this bad?
        `TypeError: 'async_generator' object is not iterable`;
        `TypeError: 'list' object is not an async iterable`.

    Example:
        rows = list(fetch_rows())

    Use instead:
        rows = [row async for row in fetch_rows()]
    """

    code = "ASY307"
    message = "'{consumer}' {problem}"


class ProtocolMethodOnWrongSide(AsyncTipsError):
    """A protocol method defined on the wrong side of async.

    What it does:
        Reports `async def __enter__/__exit__/__iter__/__next__/__await__/__init__`,
        an `async def __aiter__` without `yield` (a coroutine, not an async
        iterator), a plain `def __aenter__/__aexit__/__anext__` that
        certainly returns no awaitable (nothing, a literal such as `False`
        or an item, `self` of a class without `__await__`, an instance of
        such a class), and a plain `def __await__` without `yield` that
        certainly returns nothing iterable (nothing, a number, `self` of a
        class without `__next__` and `__iter__`). An `async def __aiter__` with `yield`, a plain
        `def __anext__` returning a coroutine, one that only raises
        `StopAsyncIteration`, and an `__await__` returning
        `coro.__await__()` are fine; a subclass in the module that adds
        `__await__` (or `__next__`) keeps `return self` silent, and so does a
        coroutine look-alike's `__await__` (a class with `send`, driven by
        `send()` as `collections.abc.Coroutine` describes).

    Why is this bad?
        `TypeError: __init__() should return None, not 'coroutine'`;
        `'async with' received an object from __aenter__ that does not
        implement __await__`; `TypeError: 'async for' received an invalid
        object from __anext__: int`; `TypeError: __await__() returned
        non-iterator of type 'Job'`.

    Example:
        class Session:
            async def __enter__(self):
                return self

        class Job:
            def __await__(self):
                return self

    Use instead:
        class Session:
            async def __aenter__(self):
                return self

        class Job:
            def __await__(self):
                return self.run().__await__()
    """

    code = "ASY308"
    message = "'{method}' {problem}"


# Called synchronously by the protocol: an `async def` makes them return a coroutine.
SYNC_PROTOCOL_METHODS = {
    "__enter__": "use 'async def __aenter__' for 'async with'",
    "__exit__": "use 'async def __aexit__' for 'async with'",
    "__iter__": "use '__aiter__' for 'async for'",
    "__next__": "use 'async def __anext__' for 'async for'",
    "__await__": "'__await__' must be a plain 'def' returning an iterator",
    "__init__": "'__init__' cannot be async: use an async factory (classmethod) instead",
}
# What these return is a task or future: no context manager.
TASK_MAKERS = known_apis.TASK_FACTORIES | {"asyncio.TaskGroup.create_task"}

# Must return an awaitable.
ASYNC_PROTOCOL_METHODS = ("__aenter__", "__aexit__", "__anext__")


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
    """ASY300-ASY308."""

    error_classes = (
        AsyncForOverSyncIterable,
        ForOverAsyncIterable,
        WithOnAsyncContextManager,
        AsyncWithOnSyncContextManager,
        AwaitOnNonAwaitable,
        YieldFromInAsync,
        ReturnValueInAsyncGenerator,
        SyncConsumerOfAsyncIterable,
        ProtocolMethodOnWrongSide,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.async_generators: set[int] = set()
        self.returns_with_value: list[tuple[ast.AsyncFunctionDef, ast.Return]] = []

    @property
    def inference(self) -> Inference:
        return self.context.inference

    def _compiles_here(self) -> bool:
        """Async constructs are legal here; where they are not, ASY2xx's finding wins."""
        function = self.scope.enclosing_function()
        if function is not None:
            return function.kind is ScopeKind.ASYNC_FUNCTION
        outermost = self.scope
        while outermost.kind in COMPREHENSION_LIKE and outermost.parent is not None:
            outermost = outermost.parent
        return outermost.kind is ScopeKind.MODULE and self.config.allow_top_level_await

    def _iteration_protocols(self, expr: ast.expr, scope: Scope) -> Protocols:
        """The inference's answer; a generator expression made async by an `await` or (3.11+) an async comprehension."""
        if isinstance(expr, ast.GeneratorExp) and generator_expression_is_async(expr):
            return frozenset({ASYNC})
        return self.inference.iteration_protocols(expr, scope)

    # --- ASY300 / ASY301: for and async for ----------------------------------

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        if self._compiles_here() and self._iteration_protocols(node.iter, self.scope) == {SYNC}:
            self.report(AsyncForOverSyncIterable, node, iterable=quoted(node.iter))

    def visit_For(self, node: ast.For) -> None:
        self._check_sync_iteration(node, node.iter, self.scope)

    def _worth_asking_in_sync_code(self, expr: ast.expr, scope: Scope) -> bool:
        """The cheap question first, in sync code: may `expr` be async-only?

        A `for` over, or a `with` on, an attribute or a method's result
        (`self.items`, `conn.cursor()`) in sync code is followed only when its
        last name is an `async def` of this module (`self.stream()`) or the
        last name of an async API of the tables (`asyncio.Lock()`), or when
        its chain starts at a name whose class is declared (an annotated
        parameter or variable, an import): as for the method calls ASY204
        asks about, sync code does not pay for the rest (the attributes of
        `self`, of locals and of unannotated parameters). That may miss a
        finding, never make one. Names, calls of names and everything in an
        `async def` are always followed.
        """
        if scope.runs_in_async_function():
            return True
        target = expr.func if isinstance(expr, ast.Call) else expr
        if not isinstance(target, ast.Attribute):
            return True
        if target.attr in self.context.bindings.coroutine_names or target.attr in _ASYNC_TABLE_LEAVES:
            return True
        root: ast.expr = target
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return False
        found = self.context.bindings.lookup(root.id, scope)
        return bool(found) and all(_declares_its_class(binding) for binding in found)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        # The first iterable is evaluated in the enclosing scope.
        first = self.scope.node.generators[0] is node  # type: ignore[attr-defined]
        scope = self.scope.parent if first and self.scope.parent is not None else self.scope
        if node.is_async:
            # An async generator expression is legal anywhere.
            legal = self._compiles_here() or self.scope.kind is ScopeKind.GENERATOR_EXPRESSION
            if legal and self._iteration_protocols(node.iter, scope) == {SYNC}:
                self.report(AsyncForOverSyncIterable, node.iter, iterable=quoted(node.iter))
        else:
            self._check_sync_iteration(node.iter, node.iter, scope)

    def _check_sync_iteration(self, where: ast.AST, iterable: ast.expr, scope: Scope) -> None:
        if not self._worth_asking_in_sync_code(iterable, scope):
            return
        protocols = self._iteration_protocols(iterable, scope)
        if protocols == {ASYNC}:
            what, fix = "an async iterable", "use 'async for'"
        elif protocols == {COROUTINE}:
            what, fix = "a coroutine", f"add 'await': for ... in await {quoted(iterable)}"
        else:
            return
        self.report(ForOverAsyncIterable, where, iterable=quoted(iterable), what=what, fix=fix)

    # --- ASY302 / ASY303: with and async with --------------------------------

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if not self._worth_asking_in_sync_code(item.context_expr, self.scope):
                continue
            protocols = self.inference.context_protocols(item.context_expr, self.scope)
            if protocols == {ASYNC}:
                what, fix = "an async context manager", "use 'async with'"
            elif protocols == {COROUTINE}:
                what, fix = "a coroutine", "'await' it first, or use 'async with' if it returns a context manager"
            elif self._makes_task(item.context_expr):
                what, fix = "a task, which supports neither 'with' nor 'async with'", "keep it and 'await' it"
            else:
                continue
            manager = quoted(item.context_expr)
            self.report(WithOnAsyncContextManager, item.context_expr, manager=manager, what=what, fix=fix)

    def _makes_task(self, expr: ast.expr) -> bool:
        """`asyncio.create_task(...)`, `ensure_future`, `gather`, `shield`, a loop's or TaskGroup's `create_task`."""
        if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)):
            return False
        name = self.inference.qualified_name(expr.func, self.scope)
        return name is not None and known_apis.CLASS_ALIASES.get(name, name) in TASK_MAKERS

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        if not self._compiles_here():
            return
        for item in node.items:
            if self.inference.context_protocols(item.context_expr, self.scope) == {SYNC}:
                self.report(AsyncWithOnSyncContextManager, item.context_expr, manager=quoted(item.context_expr))

    # --- ASY304 --------------------------------------------------------------

    def visit_Await(self, node: ast.Await) -> None:
        if self._compiles_here() and self.inference.is_certainly_not_awaitable(node.value, self.scope) is Verdict.YES:
            self.report(AwaitOnNonAwaitable, node, value=quoted(node.value), fix=self._awaitable_fix(node.value))

    def _awaitable_fix(self, value: ast.expr) -> str:
        if isinstance(value, (ast.Name, ast.Attribute)):
            return f"call it: 'await {quoted(value)}(...)'"
        if isinstance(value, ast.Call):
            callee = self.inference.qualified_name(value.func, self.scope)
            if callee == "time.sleep":
                return "use 'await asyncio.sleep(...)' (or trio.sleep / anyio.sleep)"
            return "drop 'await' (it is a sync call), or call an async function"
        return "drop 'await'"

    # --- ASY305-ASY307: yields and consumers ---------------------------------

    def visit_Yield(self, node: ast.Yield) -> None:
        if self.scope.kind is ScopeKind.ASYNC_FUNCTION:
            self.async_generators.add(id(self.scope.node))

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        if self.scope.kind is ScopeKind.ASYNC_FUNCTION:
            self.async_generators.add(id(self.scope.node))
            self.report(YieldFromInAsync, node, function=self.scope.name)
        elif self._iteration_protocols(node.value, self.scope) == {ASYNC}:
            problem = (
                f"delegates to '{quoted(node.value)}', an async iterable: "
                "make the generator async and use 'async for'"
            )
            self.report(SyncConsumerOfAsyncIterable, node, consumer="yield from", problem=problem)

    def visit_Call(self, node: ast.Call) -> None:
        if not node.args or not isinstance(node.func, ast.Name):
            return
        consumer = self._builtin_consumer(node.func)
        if consumer is None:
            return
        argument = node.args[0]
        if isinstance(argument, ast.Starred):
            return
        if consumer in known_apis.SYNC_CONSUMERS and not self._worth_asking_in_sync_code(argument, self.scope):
            return
        protocols = self._iteration_protocols(argument, self.scope)
        if consumer in known_apis.SYNC_CONSUMERS and protocols == {ASYNC}:
            problem = (
                f"iterates '{quoted(argument)}' synchronously, but it is an async iterable: "
                f"collect it with an async comprehension, e.g. [x async for x in {quoted(argument)}]"
            )
        elif consumer in known_apis.ASYNC_CONSUMERS and protocols == {SYNC}:
            plain = "iter" if consumer == "aiter" else "next"
            problem = f"needs an async iterable, but '{quoted(argument)}' is a sync one: use '{plain}()'"
        else:
            return
        self.report(SyncConsumerOfAsyncIterable, node, consumer=f"{consumer}()", problem=problem)

    def _builtin_consumer(self, func: ast.Name) -> Optional[str]:
        if func.id not in known_apis.SYNC_CONSUMERS and func.id not in known_apis.ASYNC_CONSUMERS:
            return None
        if self.inference.qualified_name(func, self.scope) != f"builtins.{func.id}":
            return None  # shadowed
        return func.id

    # --- ASY308 --------------------------------------------------------------

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        if self.scope.kind is not ScopeKind.CLASS:
            return
        if node.name in SYNC_PROTOCOL_METHODS:
            fix = SYNC_PROTOCOL_METHODS[node.name]
            problem = f"is called synchronously by its protocol, so 'async def' breaks it: {fix}"
            self.report(ProtocolMethodOnWrongSide, node, method=node.name, problem=problem)
        elif node.name == "__aiter__" and not self.context.bindings.of(node).is_generator and not is_stub(node):
            problem = (
                "must return an async iterator, but 'async def' without 'yield' returns a coroutine: "
                "make it a plain 'def' returning self (with '__anext__'), or an async generator"
            )
            self.report(ProtocolMethodOnWrongSide, node, method=node.name, problem=problem)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.scope.kind is not ScopeKind.CLASS or node.decorator_list:
            return
        if node.name not in ASYNC_PROTOCOL_METHODS and node.name != "__await__":
            return
        if is_stub(node) or self.context.bindings.of(node).is_generator:
            return  # an interface (a Protocol member, an abstract method): the implementation decides
        returned = _returned_values(node)
        if returned is None:
            return  # it never returns (`raise StopAsyncIteration`), or it may return what cannot be told
        method_scope = Scope(ScopeKind.FUNCTION, node, self.scope)
        if node.name == "__await__":
            if "send" in self.context.bindings.of(self.scope.node).names:
                # A coroutine look-alike (send/throw/close): driven by send(), its
                # __await__ only satisfies collections.abc.Coroutine (CPython's own tests).
                return
            if all(self._certainly_not_iterator(value, node, method_scope) for value in returned):
                problem = (
                    "must return an iterator, but this plain 'def' without 'yield' returns "
                    f"{_what_is_returned(returned)}: return an iterator "
                    "(e.g. 'return self._run().__await__()') or make it a generator"
                )
                self.report(ProtocolMethodOnWrongSide, node, method=node.name, problem=problem)
        elif all(self._certainly_not_awaitable(value, node, method_scope) for value in returned):
            problem = (
                f"must return an awaitable, but this plain 'def' returns {_what_is_returned(returned)}: "
                "make it 'async def'"
            )
            self.report(ProtocolMethodOnWrongSide, node, method=node.name, problem=problem)

    def _returns_own_instance(self, value: ast.expr, method: ast.FunctionDef, scope: Scope, lacks: str) -> bool:
        """`return self`, where self's class (and the module's subclasses of it) certainly lacks `lacks`."""
        positional = [*method.args.posonlyargs, *method.args.args]
        if not isinstance(value, ast.Name) or not positional or value.id != positional[0].arg:
            return False
        found = self.inference.values(value, scope)
        if not found or len(found) != 1:
            return False
        (instance,) = found
        cls = getattr(instance, "of", None)
        if not isinstance(getattr(cls, "node", None), ast.ClassDef) or cls.node is not self.scope.node:
            return False
        if lacks in self.context.bindings.of(cls.node).names:
            return False  # defined, if only to raise (`__next__` raising StopIteration is how one ends)
        if self.inference.class_defines(cls, lacks) is not Verdict.NO:
            return False
        return not _subclass_in_module_defines(self.context.tree, cls.node.name, lacks)

    def _certainly_not_awaitable(self, value: Optional[ast.expr], method: ast.FunctionDef, scope: Scope) -> bool:
        if value is None or isinstance(value, _NEVER_AWAITABLE_VALUES):
            return True
        if self._returns_own_instance(value, method, scope, "__await__"):
            return True
        return isinstance(value, ast.Call) and self.inference.is_certainly_not_awaitable(value, scope) is Verdict.YES

    def _certainly_not_iterator(self, value: Optional[ast.expr], method: ast.FunctionDef, scope: Scope) -> bool:
        """Not even iterable: `await` needs an iterator, but `yield from x.__await__()` (generator-based
        coroutines) takes any iterable, so a tuple or a string is left alone."""
        if value is None or isinstance(value, ast.Lambda):
            return True
        if isinstance(value, ast.Constant):
            return not isinstance(value.value, (str, bytes))
        return self._returns_own_instance(value, method, scope, "__next__") and self._returns_own_instance(
            value, method, scope, "__iter__"
        )

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


# Literals and displays: never awaitable (a generator expression is not either).
_NEVER_AWAITABLE_VALUES = (
    ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.JoinedStr,
    ast.GeneratorExp, ast.Lambda,
)


def _returned_values(function: ast.FunctionDef) -> Optional[list[Optional[ast.expr]]]:
    """What the function's `return`s return (None for a bare one or falling off the end).

    None when it never returns normally (every path raises: `raise
    StopAsyncIteration` ends an `async for` correctly) or when a `return`
    hides in a `try` whose `finally` could change the outcome.
    """
    values: list[Optional[ast.expr]] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            values.append(node.value)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))) and node.finalbody:
            return None
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    if not _always_leaves(function.body):
        values.append(None)  # falling off the end returns None
    return values or None


def _always_leaves(body: list[ast.stmt]) -> bool:
    """The block certainly ends in `return` or `raise` on every path (`if`/`else` followed)."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_leaves(last.body) and _always_leaves(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _always_leaves(last.body)
    return False


def _what_is_returned(values: list[Optional[ast.expr]]) -> str:
    shown = sorted({"None" if value is None else quoted(value) for value in values})
    return " or ".join(f"'{text}'" for text in shown[:3]) + (" ..." if len(shown) > 3 else "")


def _subclass_in_module_defines(tree: ast.AST, class_name: str, method: str) -> bool:
    """A class of the module naming `class_name` among its bases defines `method`: `self` may be one of them."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name != class_name:
            named = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", None) for base in node.bases}
            if class_name in named and any(
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign)) and (
                    getattr(statement, "name", None) == method
                    or any(getattr(target, "id", None) == method for target in getattr(statement, "targets", []))
                )
                for statement in node.body
            ):
                return True
    return False


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


def _declares_its_class(binding: Binding) -> bool:
    """An import, or an annotated parameter or variable."""
    node = binding.node
    return (
        binding.imported is not None
        or binding.annotation is not None
        or (isinstance(node, ast.arg) and node.annotation is not None)
    )


# The last names of the tables' APIs that make or are something async-only: coroutine
# functions, classes and factories whose objects support no sync `for` / `with`.
_ASYNC_TABLE_LEAVES = frozenset(
    name.rpartition(".")[2]
    for name in (
        *known_apis.COROUTINE_FUNCTIONS,
        *(name for name, supported in known_apis.ITERATION_PROTOCOLS.items() if SYNC not in supported),
        *(name for name, supported in known_apis.CONTEXT_MANAGER_PROTOCOLS.items() if SYNC not in supported),
        *known_apis.FACTORY_RESULTS,
        *known_apis.RETURNS_INSTANCE_OF,
        *known_apis.ENTERED_AS,
        *known_apis.AWAITED_AS,
        *known_apis.CLASS_ALIASES,
    )
)
