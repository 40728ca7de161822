"""ASY1xx: await every coroutine, except the one entry point a loop runs (tip 1)."""

from __future__ import annotations

import ast
import sys
from typing import Optional

from flake8_async_tips import known_apis
from flake8_async_tips.bindings import BindingIndex
from flake8_async_tips.inference import CallableKind, Inference
from flake8_async_tips.rules.base import (
    MAX_QUOTED,
    AsyncTipsError,
    RuleFamily,
    made_phrase,
    may_name_a_coroutine,
    quoted,
    where,
)
from flake8_async_tips.scopes import COMPREHENSION_LIKE, Scope, ScopeKind
from flake8_async_tips.verdict import Verdict


class CoroutineNeverAwaited(AsyncTipsError):
    """A coroutine created and discarded in an async function.

    What it does:
        Reports an expression statement in an `async def` that calls a
        coroutine function (an `async def` of the module, a method reached
        through `self`, an instance or a class, or a well-known async API such
        as `asyncio.sleep`) without awaiting it; also such a call entered
        with `async with` instead of awaited (`async with trio.open_file(p)`).
        A call that annotations say makes an awaitable is reported too, its
        message saying "awaitable": a parameter or attribute typed
        `Callable[..., Awaitable[T]]` (or a module's alias of it, as ASGI's
        `send: Send`), a protocol whose `__call__` is an `async def`, a plain
        `def` annotated `-> Awaitable[T]`, an async generator's `asend`,
        `athrow` and `aclose` (CPython 3.13 warns `coroutine method 'aclose'
        of 'agen' was never awaited`). A statement that tells mypy or
        pyright its coroutine is left unawaited on purpose (`# type:
        ignore[unused-coroutine]`, `# pyright:
        ignore[reportUnusedCoroutine]`) is not reported.

    Why is this bad?
        The call only creates a coroutine object; its body never runs.
        CPython warns `RuntimeWarning: coroutine 'fetch' was never awaited`;
        `async with` on it raises `TypeError: 'coroutine' object does not
        support the asynchronous context manager protocol` first.

    Example:
        async def refresh(repo):
            repo.fetch_user(1)

    Use instead:
        async def refresh(repo):
            await repo.fetch_user(1)
    """

    code = "ASY100"
    message = "{what} '{callee}' is never awaited: add 'await'"


class CoroutineStoredNeverUsed(AsyncTipsError):
    """A coroutine bound to a local name that is never read.

    What it does:
        Reports `result = fetch()` (or `result: T = fetch()`) in a function
        when `fetch()` is a coroutine and `result` is never read again in
        that function.

    Why is this bad?
        Nothing ever awaits the coroutine: `RuntimeWarning: coroutine
        'fetch' was never awaited`, and the body never runs.

    Example:
        async def refresh():
            result = fetch()

    Use instead:
        async def refresh():
            result = await fetch()
    """

    code = "ASY101"
    message = "{what} '{callee}' is stored in '{name}' and never awaited: add 'await'"


class LoopStartedInRunningLoop(AsyncTipsError):
    """An event loop started inside a running one.

    What it does:
        Reports `asyncio.run()`, `loop.run_until_complete()`,
        `loop.run_forever()`, `asyncio.Runner().run()`, `trio.run()` or
        `anyio.run()` called directly in the body of an `async def`, or in a
        list, set or dict comprehension there (`[asyncio.run(f(s)) for s in
        symbols]`), which runs at once in the running loop; in a lambda
        called where it is written (`(lambda: asyncio.run(f()))()`); and in a
        plain function that the `async def` defines and calls itself
        (undecorated, its name bound only by its `def`; nested such
        functions too). Not in a generator expression, which runs wherever
        it is consumed, nor in a function the coroutine only hands on
        (`await asyncio.to_thread(run_sync)`), which may run in another
        thread, nor in a helper that first asks whether a loop runs
        (`get_running_loop()`, `except RuntimeError`).

    Why is this bad?
        A loop is already running there: `RuntimeError: asyncio.run() cannot
        be called from a running event loop`.

    Example:
        async def main():
            asyncio.run(work())

        async def prices(symbols):
            def price_now(symbol):
                return asyncio.run(price(symbol))

            return [price_now(s) for s in symbols]

    Use instead:
        async def main():
            await work()

        async def prices(symbols):
            return [await price(s) for s in symbols]
    """

    code = "ASY102"
    message = "'{callee}()' starts an event loop {where}, where one is already running: await the coroutine"


class WrongThingToEntryPoint(AsyncTipsError):
    """An event-loop entry point given the wrong thing.

    What it does:
        Reports `asyncio.run(main)` and `loop.run_until_complete(main)` given
        a function instead of a coroutine, or a call that certainly returns no
        coroutine (a function without `return`, an async generator); and
        `trio.run(main())` / `anyio.run(main())` given a coroutine instead of
        the function.

    Why is this bad?
        `ValueError: a coroutine was expected, got <function main>`;
        `TypeError: Trio was expecting an async function, but instead it got
        a coroutine object`.

    Example:
        asyncio.run(main)
        trio.run(main())

    Use instead:
        asyncio.run(main())
        trio.run(main)
    """

    code = "ASY103"
    message = "'{callee}()' {problem}"


class RepeatedLoopEntry(AsyncTipsError):
    """(Opinionated, off by default) more than one event-loop entry per module, or one in a loop.

    What it does:
        Reports every call that creates a new event loop (`asyncio.run`,
        `trio.run`, `anyio.run`) after the first in a module, naming the line
        of the first, and any inside a `for`/`while` body. Running an
        existing loop again (`loop.run_until_complete`, `runner.run`)
        re-enters the same loop and is not counted, nor are entries in an
        `async def` (ASY102's).

    Why is this bad?
        Each call creates and closes a new event loop: objects bound to one
        loop (locks, queues, connections) cannot be shared with the next.

    Example:
        for url in urls:
            asyncio.run(fetch(url))

    Use instead:
        async def main():
            await asyncio.gather(*(fetch(url) for url in urls))

        asyncio.run(main())
    """

    code = "ASY104"
    message = "'{callee}()' {problem}: run one main coroutine once"


class GetEventLoopOutsideCoroutine(AsyncTipsError):
    """`asyncio.get_event_loop()` where no event loop can be set.

    What it does:
        Reports `asyncio.get_event_loop()` at module level (or in a class
        body there) of a module that is not a test module or conftest.py,
        including its `if __name__ == "__main__":` block, and in a
        module-level function that only such code calls and that uses the
        loop it gets to run code (`get_event_loop().run_until_complete(main())`).
        Silent wherever a loop may have been set first: in test functions,
        fixtures, methods, decorated functions, functions the module never
        calls or hands to others (an importer, a pytest fixture such as an
        autouse `loop` in conftest.py, or a plugin may call them), and in a
        module that calls `set_event_loop()`.

    Why is this bad?
        With no running loop it is deprecated (`DeprecationWarning: There is
        no current event loop`, 3.12 and 3.13) and fails from 3.14.

    Example:
        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())

    Use instead:
        asyncio.run(main())
    """

    code = "ASY105"
    message = "'{callee}()' outside a coroutine: use asyncio.run() (or asyncio.new_event_loop())"


class TaskDropped(AsyncTipsError):
    """A task or future created and dropped.

    What it does:
        Reports an expression statement calling `asyncio.create_task`,
        `asyncio.ensure_future`, `loop.create_task`, or `asyncio.gather` /
        `asyncio.shield` (which wrap their coroutines in tasks and return a
        future) without awaiting or keeping the result; such a call in a
        list, tuple or set display or a list or set comprehension used as a
        statement (`[asyncio.create_task(work(i)) for i in ids]`); its result
        bound to a local name that the function never reads (`task =
        asyncio.create_task(work())` and nothing uses `task`; `_` is a
        deliberate discard and is not reported); and its result only tested
        for truth (`x = 1 if asyncio.create_task(work()) else 2`, an `if`,
        `while`, `assert`, `not` or a non-last operand of `and`), which
        drops it too. A TaskGroup's `create_task` and trio/anyio's
        `start_soon` keep their tasks and are fine.

    Why is this bad?
        The event loop keeps only a weak reference to tasks: a dropped task
        may be garbage-collected mid-flight (`Task was destroyed but it is
        pending!`) and its exception is never retrieved (`_GatheringFuture
        exception was never retrieved` for a dropped `gather`).

    Example:
        asyncio.create_task(work())

    Use instead:
        task = asyncio.create_task(work())
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
    """

    code = "ASY106"
    message = "the task from '{callee}()' {how}: the loop keeps only a weak reference; keep it or use a TaskGroup"


class CoroutineFunctionCalledSynchronously(AsyncTipsError):
    """A coroutine function handed to an API that calls it synchronously.

    What it does:
        Reports a coroutine function passed as the callback of
        `threading.Thread(target=...)`, `loop.call_soon/call_later/call_at`,
        `loop.add_signal_handler`, `signal.signal`, `atexit.register`,
        `loop.run_in_executor`, `executor.submit` or `future.add_done_callback`.

        The message suggests a call that keeps the arguments the API would
        have passed: `Thread(target=worker, args=(i,))` suggests
        `lambda: asyncio.run(worker(i))`, `loop.call_soon(fetch, "/")`
        suggests `asyncio.create_task(fetch("/"))`.

    Why is this bad?
        The API calls it like a plain function: that only creates a coroutine
        nobody awaits, and the body never runs.

    Example:
        threading.Thread(target=poll, args=(host,)).start()

    Use instead:
        threading.Thread(target=lambda: asyncio.run(poll(host))).start()
    """

    code = "ASY107"
    message = "coroutine function '{function}' passed to '{callee}()', which calls it without awaiting: {fix}"


class CoroutineTruthTested(AsyncTipsError):
    """A coroutine object whose truth is tested.

    What it does:
        Reports a coroutine call used as a condition: `if fetch():`,
        `while`, `assert`, `not`, a conditional expression or comprehension
        condition, and a tested operand of `and`/`or`. In sync code a
        method call is asked about as ASY204 asks: when its name is an
        `async def` of the module or a table's coroutine function.

    Why is this bad?
        A coroutine object is always true, and it is never awaited.

    Example:
        if is_ready():
            start()

    Use instead:
        if await is_ready():
            start()
    """

    code = "ASY108"
    message = "{what} '{callee}' is tested for truth, which is always true: add 'await'"


class WrongArgumentToAsyncApi(AsyncTipsError):
    """An async API given a coroutine function where it needs a coroutine, or the reverse.

    What it does:
        Reports `create_task(work)`, `ensure_future(work)`, `gather(work)`,
        `wait_for(work, 1)`, `TaskGroup.create_task(work)` (a function where a
        coroutine is needed); `gather()` given a list, tuple, set or dict
        (a display, a comprehension, or a name every assignment binds to one:
        `gather([fetch(u) for u in urls])`; from 3.12 a generator
        expression too) instead of its awaitables unpacked; `asyncio.wait()`
        given bare coroutines (`wait([work()])`, `wait([fetch(u) for u in
        urls])`, from 3.11) or a generator expression (refused before 3.12);
        and `nursery.start_soon(work())` / `tg.start_soon(work())` (a
        coroutine where trio/anyio need the function).

    Why is this bad?
        `TypeError: a coroutine was expected, got <function work>`;
        `TypeError: unhashable type: 'list'` from `gather([...])`, whose
        coroutines are never awaited;
        `TypeError: Passing coroutines is forbidden, use tasks explicitly.`;
        `TypeError: expect a list of futures, not generator`;
        trio's `TypeError: Trio was expecting an async function`.

    Example:
        asyncio.create_task(work)
        await asyncio.gather([fetch(u) for u in urls])
        nursery.start_soon(work())

    Use instead:
        asyncio.create_task(work())
        await asyncio.gather(*[fetch(u) for u in urls])
        nursery.start_soon(work)
    """

    code = "ASY109"
    message = "'{callee}()' {problem}"


# Never awaitable, and never what gather() takes for one awaitable.
_COLLECTION_KINDS: dict[type, str] = {
    ast.List: "a list",
    ast.ListComp: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.SetComp: "a set",
    ast.Dict: "a dict",
    ast.DictComp: "a dict",
}

_TESTED_FIELDS = {ast.If: "test", ast.While: "test", ast.Assert: "test", ast.IfExp: "test"}


class AwaitRules(RuleFamily):
    """ASY100-ASY109."""

    error_classes = (
        CoroutineNeverAwaited,
        CoroutineStoredNeverUsed,
        LoopStartedInRunningLoop,
        WrongThingToEntryPoint,
        RepeatedLoopEntry,
        GetEventLoopOutsideCoroutine,
        TaskDropped,
        CoroutineFunctionCalledSynchronously,
        CoroutineTruthTested,
        WrongArgumentToAsyncApi,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.loop_entries: list[tuple[ast.Call, str, Scope]] = []
        self.names_read: dict[int, frozenset[str]] = {}
        self.reported_get_event_loop: set[int] = set()
        # Lambdas (by node) that are called where they are written: `(lambda: ...)()`.
        self.lambdas_called_in_place: set[int] = set()
        self.runs_in_place: dict[int, bool] = {}
        # Statements (by node) directly in the body of `with pytest.raises(...)` / `self.assertRaises(...)`.
        self.expected_to_raise: set[int] = set()

    @property
    def inference(self) -> Inference:
        return self.context.inference

    # --- ASY100, ASY106: a statement that drops what it creates --------------

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        if not isinstance(call, ast.Call):
            self._check_dropped_display(node)
            return
        made = self.inference.awaitable_call(call, self.scope) if self.scope.kind is ScopeKind.ASYNC_FUNCTION else None
        raise_tested = id(node) in self.expected_to_raise
        if made == "awaitable" and raise_tested and self.inference.runs_body_at_call(call, self.scope):
            # A plain def that returns an awaitable runs its body at the call: in a test that it
            # raises (`with pytest.raises(TypeError): r.json().set(key, path, bad)`) it makes none.
            made = None
        if made is not None:
            self.report(CoroutineNeverAwaited, node, callee=quoted(call.func), what=made_phrase(made))
            return
        if self._callee(call) in known_apis.TASK_FACTORIES:
            self.report(TaskDropped, node, callee=quoted(call.func), how="is dropped")

    def visit_With(self, node: ast.With) -> None:
        if any(_tests_a_raise(item.context_expr) for item in node.items):
            self.expected_to_raise.update(id(statement) for statement in node.body)

    def _check_dropped_display(self, node: ast.Expr) -> None:
        """`[create_task(a()), create_task(b())]` or `[create_task(w(i)) for i in ids]` as a statement."""
        value = node.value
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            elements = [(element, self.scope) for element in value.elts]
        elif isinstance(value, (ast.ListComp, ast.SetComp)):
            elements = [(value.elt, _comprehension_scope(value, self.scope))]
        else:
            return
        for element, scope in elements:
            if isinstance(element, ast.Call) and self._callee(element, scope) in known_apis.TASK_FACTORIES:
                how = "is put in a collection that is dropped at once"
                self.report(TaskDropped, element, callee=quoted(element.func), how=how)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        # `async with trio.open_file(path)`: the coroutine is entered where it needed an `await`
        # (`async with await trio.open_file(path)`).
        if self.scope.kind is not ScopeKind.ASYNC_FUNCTION:
            return
        for item in node.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and self.inference.is_coroutine_call(call, self.scope) is Verdict.YES:
                self.report(CoroutineNeverAwaited, call, callee=quoted(call.func), what=made_phrase("coroutine"))

    # --- ASY101 --------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.scope.kind not in (ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION):
            return
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        self._check_stored(node, node.targets[0].id, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if self.scope.kind not in (ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION):
            return
        if isinstance(node.target, ast.Name) and node.value is not None:
            self._check_stored(node, node.target.id, node.value)

    def _check_stored(self, node: ast.stmt, name: str, value: ast.expr) -> None:
        if not isinstance(value, ast.Call) or name in self._names_read(self.scope):
            return  # the cheap question first: most stored values are read
        made = self.inference.awaitable_call(value, self.scope)
        if made is not None:
            self.report(CoroutineStoredNeverUsed, node, callee=quoted(value.func), name=name, what=made_phrase(made))
        elif name != "_" and self._callee(value) in known_apis.TASK_FACTORIES:
            how = f"is stored in '{name}', which is never read"
            self.report(TaskDropped, node, callee=quoted(value.func), how=how)

    def _names_read(self, function: Scope) -> frozenset[str]:
        """Names a function (nested scopes included: closures read too) may read; computed once per function."""
        found = self.names_read.get(id(function.node))
        if found is None:
            found = self.names_read[id(function.node)] = _names_read(function, self.context.bindings)
        return found

    # --- calls: ASY102-ASY105, ASY107, ASY109 --------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Lambda):
            self.lambdas_called_in_place.add(id(node.func))
        callee = self._callee(node)
        if callee is None:
            return
        if callee in known_apis.LOOP_ENTRY_POINTS:
            self._check_loop_entry(node, callee)
        if callee == known_apis.GET_EVENT_LOOP:
            self._check_get_event_loop(node)
        if callee in known_apis.CALLS_SYNCHRONOUSLY:
            self._check_sync_callback(node, callee)
        self._check_async_api_argument(node, callee)

    def _callee(self, call: ast.Call, scope: Optional[Scope] = None) -> Optional[str]:
        """The qualified name of what `call` calls, when the tables may know it."""
        func = call.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return None
        if isinstance(func, ast.Attribute) and func.attr not in _TABLE_CALL_LEAVES:
            # The cheap question first: `x.y.z()` names a table's API only if `z` is the last
            # name of one. (`self.z()` could hold a table function stored under another name:
            # not followed, which may miss a finding but never makes one.)
            return None
        scope = self.scope if scope is None else scope
        if isinstance(func, ast.Name) and func.id not in _TABLE_CALL_LEAVES and not self._may_alias_a_table_call(func, scope):
            return None
        name = self.inference.qualified_name(func, scope)
        return None if name is None else known_apis.CLASS_ALIASES.get(name, name)

    def _may_alias_a_table_call(self, func: ast.Name, scope: Scope) -> bool:
        """The cheap question first for `f()` when `f` is not the last name of a table's API: only an
        assignment or a parameter may still hold one. A def or class of the module is none; an import
        is one only under its own last name (`from asyncio import run as start` imports `run`); a
        builtin only if the tables name it. A table API re-exported by a library under another name is
        not followed: that may miss a finding, never make one."""
        found = self.context.bindings.lookup(func.id, scope)
        if found is None:
            return True  # a star import on the way: anything
        if not found:
            return f"builtins.{func.id}" in _TABLE_CALLS
        for binding in found:
            if binding.imported is not None:
                if binding.imported.rpartition(".")[2] in _TABLE_CALL_LEAVES:
                    return True
            elif not isinstance(binding.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return True
        return False

    def _check_loop_entry(self, node: ast.Call, callee: str) -> None:
        shown = quoted(node.func)
        running = self._running_coroutine(self.scope)
        if running is not None:
            coroutine, path = running
            self.report(LoopStartedInRunningLoop, node, callee=shown, where=path + where(coroutine))
            return
        # A generator expression of an async def is not certainly run by its loop
        # (not ASY102's), nor is it the module's entry point: not counted either.
        if callee in known_apis.NEW_LOOP_ENTRY_POINTS and not _in_coroutine_expression(self.scope):
            self.loop_entries.append((node, shown, self.scope))
        argument = node.args[0] if node.args and not isinstance(node.args[0], ast.Starred) else None
        if argument is None:
            return
        problem = None
        if callee in known_apis.RUN_WITH_COROUTINE:
            if self.inference.is_function_object(argument, self.scope) is Verdict.YES:
                problem = f"needs a coroutine, got the function '{quoted(argument)}': call it, '{quoted(argument)}()'"
            elif self.inference.certainly_returns_no_awaitable(argument, self.scope) is Verdict.YES:
                assert isinstance(argument, ast.Call)
                what = "an async generator" if self._is_async_generator_call(argument) else "no coroutine"
                problem = f"needs a coroutine, but '{quoted(argument)}' returns {what}: pass a coroutine"
        elif callee in known_apis.RUN_WITH_ASYNC_FUNCTION:
            if self.inference.is_coroutine_call(argument, self.scope) is Verdict.YES:
                assert isinstance(argument, ast.Call)
                problem = (
                    f"needs the async function, got the coroutine '{quoted(argument)}': "
                    f"pass '{quoted(argument.func)}' and its arguments separately"
                )
        if problem is not None:
            self.report(WrongThingToEntryPoint, node, callee=shown, problem=problem)

    def _is_async_generator_call(self, call: ast.Call) -> bool:
        return self.inference.callee_kind(call, self.scope) == CallableKind.ASYNC_GENERATOR_FUNCTION

    def _running_coroutine(self, scope: Scope) -> Optional[tuple[Scope, str]]:
        """The `async def` whose running loop evaluates code of `scope`, if certain, and the way there.

        A list, set or dict comprehension runs at once, in its enclosing scope's
        frame: inside an `async def`, its loop is running; so does a lambda
        called where it is written (`(lambda: ...)()`), and a plain function
        defined in the coroutine (undecorated, its name bound once) that the
        coroutine itself calls. A generator expression runs whenever it is
        consumed, perhaps elsewhere, and a function the coroutine only hands
        on (to a thread, an executor) may run anywhere: not counted.
        """
        path = ""
        for _ in range(MAX_CALL_CHAIN):
            parent = scope.parent
            if parent is None:
                return None
            if scope.kind is ScopeKind.COMPREHENSION:
                scope = parent
            elif (
                scope.kind is ScopeKind.LAMBDA
                and id(scope.node) in self.lambdas_called_in_place
                and not _checks_for_running_loop(scope.node)
            ):
                path = path or "in a lambda called "
                scope = parent
            elif scope.kind is ScopeKind.FUNCTION and self._called_in_place(scope):
                path = path or f"in '{scope.name}()', called "
                scope = parent
            else:
                break
        return (scope, path) if scope.kind is ScopeKind.ASYNC_FUNCTION else None

    def _called_in_place(self, function: Scope) -> bool:
        """A plain nested def that the function defining it calls itself."""
        known = self.runs_in_place.get(id(function.node))
        if known is not None:
            return known
        node = function.node
        parent = function.parent
        called = False
        if (
            isinstance(node, ast.FunctionDef)
            and not node.decorator_list
            and parent is not None
            and parent.kind in (ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION)
        ):
            found = self.context.bindings.lookup(node.name, parent)
            if found is not None and len(found) == 1 and found[0].node is node and not _checks_for_running_loop(node):
                called = bool(_calls_in_place(parent, node.name, self.context.bindings))
        self.runs_in_place[id(node)] = called
        return called

    def _check_get_event_loop(self, node: ast.Call) -> None:
        if self.scope.kind in (ScopeKind.MODULE, ScopeKind.CLASS) and self._at_script_level():
            self._report_get_event_loop(node)

    def _at_script_level(self) -> bool:
        """Module level, or a class body there, of a module that runs as a script."""
        scope: Optional[Scope] = self.scope
        while scope is not None and scope.kind is ScopeKind.CLASS:
            scope = scope.parent
        return scope is not None and scope.kind is ScopeKind.MODULE and self.context.script_code.module_level

    def _report_get_event_loop(self, node: ast.Call) -> None:
        if self._a_loop_may_be_set():
            return
        if id(node) not in self.reported_get_event_loop:
            self.reported_get_event_loop.add(id(node))
            self.report(GetEventLoopOutsideCoroutine, node, callee=quoted(node.func))

    def _a_loop_may_be_set(self) -> bool:
        """get_event_loop() returns, silently, a loop that set_event_loop() installed.

        The module may install one anywhere (the stdlib's tests do it in setUp): stay
        silent then. Where code outside the module may run first, see script_code.
        """
        return "set_event_loop" in self.context.source

    def _check_sync_callback(self, node: ast.Call, callee: str) -> None:
        positions, keywords = known_apis.CALLS_SYNCHRONOUSLY[callee]
        candidates = [
            node.args[position]
            for position in positions
            if position < len(node.args) and not any(isinstance(arg, ast.Starred) for arg in node.args[: position + 1])
        ]
        candidates += [keyword.value for keyword in node.keywords if keyword.arg in keywords]
        for candidate in candidates:
            if self.inference.is_coroutine_function(candidate, self.scope) is Verdict.YES:
                function = quoted(candidate)
                call = _callback_call(node, callee, candidate, self.context.source)
                fix = f"pass a sync wrapper, e.g. lambda: asyncio.run({call})"
                if callee.startswith("asyncio.") or callee == "asyncio.Future.add_done_callback":
                    fix = f"schedule it instead: asyncio.create_task({call})"
                shown = quoted(node.func)
                self.report(CoroutineFunctionCalledSynchronously, candidate, function=function, callee=shown, fix=fix)

    def _check_async_api_argument(self, node: ast.Call, callee: str) -> None:
        shown = quoted(node.func)
        arguments: list[ast.expr] = []
        if callee in known_apis.NEEDS_AWAITABLE_ARGUMENT:
            positions = known_apis.NEEDS_AWAITABLE_ARGUMENT[callee]
            arguments = [node.args[p] for p in positions if p < len(node.args)]
        elif callee in known_apis.NEEDS_AWAITABLE_ARGUMENTS:
            arguments = list(node.args)
        for argument in arguments:
            if isinstance(argument, ast.Starred):
                break
            if self.inference.is_function_object(argument, self.scope) is Verdict.YES:
                problem = f"needs a coroutine, got the function '{quoted(argument)}': call it, '{quoted(argument)}()'"
                self.report(WrongArgumentToAsyncApi, argument, callee=shown, problem=problem)
            elif callee in known_apis.NEEDS_AWAITABLE_ARGUMENTS:
                collection = self._collection_kind(argument)
                if collection is not None:
                    problem = (
                        f"takes each awaitable as its own argument, got {collection} '{quoted(argument)}': "
                        f"unpack it, '{shown}(*{quoted(argument)})'"
                    )
                    self.report(WrongArgumentToAsyncApi, argument, callee=shown, problem=problem)
        if callee in known_apis.NEEDS_ASYNC_FUNCTION_ARGUMENT and node.args:
            first = node.args[0]
            if isinstance(first, ast.Call) and self.inference.is_coroutine_call(first, self.scope) is Verdict.YES:
                problem = (
                    f"needs the async function, got the coroutine '{quoted(first)}': "
                    f"pass '{quoted(first.func)}' and its arguments separately"
                )
                self.report(WrongArgumentToAsyncApi, first, callee=shown, problem=problem)
        if callee == known_apis.WAIT_REFUSES_COROUTINES and node.args:
            self._check_wait_argument(node.args[0], shown)

    def _check_wait_argument(self, collection: ast.expr, shown: str) -> None:
        """asyncio.wait() refuses bare coroutines from 3.11, and any generator before 3.12."""
        if isinstance(collection, ast.GeneratorExp) and sys.version_info < (3, 12):
            problem = (
                f"needs a collection of tasks, got the generator '{quoted(collection)}', "
                "which it refuses before Python 3.12: pass a list of tasks"
            )
            self.report(WrongArgumentToAsyncApi, collection, callee=shown, problem=problem)
            return
        if sys.version_info < (3, 11):
            return
        elements: list[tuple[ast.expr, Scope]] = []
        if isinstance(collection, (ast.List, ast.Set, ast.Tuple)):
            elements = [(element, self.scope) for element in collection.elts]
        elif isinstance(collection, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            # Made for each item, or none: an empty collection raises ValueError.
            elements = [(collection.elt, _comprehension_scope(collection, self.scope))]
        for element, scope in elements:
            if self.inference.is_coroutine_call(element, scope) is Verdict.YES:
                problem = (
                    f"refuses bare coroutines since Python 3.11, got '{quoted(element)}': "
                    f"wrap it with asyncio.create_task()"
                )
                self.report(WrongArgumentToAsyncApi, element, callee=shown, problem=problem)

    def _collection_kind(self, argument: ast.expr) -> Optional[str]:
        """'a list' when `argument` is certainly a list, tuple, set or dict (or, from 3.12, a generator)."""
        if isinstance(argument, ast.Name):
            found = self.context.bindings.lookup(argument.id, self.scope)
            if not found:
                return None
            kinds = {_COLLECTION_KINDS.get(type(binding.value)) for binding in found}
            return kinds.pop() if len(kinds) == 1 and None not in kinds else None
        if isinstance(argument, ast.GeneratorExp):
            # Before 3.12 asyncio took any generator for a generator-based coroutine.
            return "a generator" if sys.version_info >= (3, 12) else None
        return _COLLECTION_KINDS.get(type(argument))

    # --- ASY105 in functions: get_event_loop() used to run a loop ------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr not in ("run_until_complete", "run_forever"):
            return
        if self.scope.kind is not ScopeKind.FUNCTION or self.scope.node not in self.context.script_code.functions:
            return  # a caller, a fixture or a plugin may have set a loop before this runs
        for origin in self._loop_origins(node.value):
            self._report_get_event_loop(origin)

    def _loop_origins(self, receiver: ast.expr) -> list[ast.Call]:
        """The `asyncio.get_event_loop()` calls `receiver` certainly comes from."""
        candidates: list[ast.expr] = [receiver]
        if isinstance(receiver, ast.Name):
            found = self.context.bindings.lookup(receiver.id, self.scope)
            # Only a name this function itself assigns, and only from calls.
            if not found or any(b.value is None or b.scope.node is not self.scope.node for b in found):
                return []
            candidates = [binding.value for binding in found if binding.value is not None]
        origins = []
        for candidate in candidates:
            if not isinstance(candidate, ast.Call) or self._callee(candidate) != known_apis.GET_EVENT_LOOP:
                return []
            origins.append(candidate)
        return origins

    # --- ASY108 --------------------------------------------------------------

    def _check_tested(self, expr: ast.expr, task_dropped: bool = True) -> None:
        # The last operand of a tested `and`/`or` is tested too; the others are tested by visit_BoolOp.
        while isinstance(expr, ast.BoolOp):
            expr = expr.values[-1]
        if not isinstance(expr, ast.Call):
            return
        made = self.inference.awaitable_call(expr, self.scope) if self._worth_asking_of_tested(expr) else None
        if made is not None:
            self.report(CoroutineTruthTested, expr, callee=quoted(expr.func), what=made_phrase(made))
        elif task_dropped and self._callee(expr) in known_apis.TASK_FACTORIES:
            # A task is always true: testing it keeps nothing.
            self.report(TaskDropped, expr, callee=quoted(expr.func), how="is only tested for truth, then dropped")

    def _worth_asking_of_tested(self, call: ast.Call) -> bool:
        """In sync code, a method call tested for truth is asked about as ASY204 asks (the cheap question first)."""
        if not isinstance(call.func, ast.Attribute):
            return True
        return self.scope.runs_in_async_function() or may_name_a_coroutine(self.context, call.func, self.scope)

    def visit_If(self, node: ast.If) -> None:
        self._check_tested(node.test)

    visit_While = visit_If
    visit_IfExp = visit_If

    def visit_Assert(self, node: ast.Assert) -> None:
        self._check_tested(node.test)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._check_tested(node.operand)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        # `task() or other` evaluates to the (always true) task, which may be kept; `task() and other` drops it.
        for value in node.values[:-1]:
            self._check_tested(value, task_dropped=isinstance(node.op, ast.And))

    def visit_comprehension(self, node: ast.comprehension) -> None:
        for condition in node.ifs:
            self._check_tested(condition)

    # --- ASY104, once the whole module is known ------------------------------

    def finish(self) -> None:
        for index, (node, shown, scope) in enumerate(self.loop_entries):
            if index > 0:
                first = self.loop_entries[0][0].lineno
                problem = f"starts another event loop in this module (the first is on line {first})"
                self.report(RepeatedLoopEntry, node, callee=shown, problem=problem)
            elif _inside_loop_body(self.context.tree, node, scope):
                self.report(RepeatedLoopEntry, node, callee=shown, problem="starts a new event loop on every iteration")


def _callback_call(api_call: ast.Call, callee: str, callback: ast.expr, source: str) -> str:
    """The call `api_call` will make of `callback`, with the arguments it hands on, as the user wrote them."""

    def text(node: ast.AST) -> str:
        segment = ast.get_source_segment(source, node)
        return segment if segment and "\n" not in segment else ast.unparse(node)

    arguments: list[str] = []
    keywords: list[str] = []
    forwarding = known_apis.CALLBACK_ARGUMENTS.get(callee)
    if forwarding is not None:
        position = next((i for i, arg in enumerate(api_call.args) if arg is callback), None)
        if position is not None:
            arguments = [text(arg) for arg in api_call.args[position + 1:]]
        if forwarding == known_apis.CALLBACK_REST_AND_KEYWORDS:
            keywords = [text(keyword) for keyword in api_call.keywords]
    elif callee in known_apis.CALLBACK_ARGS_KWARGS:
        args_at, kwargs_at = known_apis.CALLBACK_ARGS_KWARGS[callee]
        given = {keyword.arg: keyword.value for keyword in api_call.keywords if keyword.arg in ("args", "kwargs")}
        if "args" not in given and args_at < len(api_call.args):
            given["args"] = api_call.args[args_at]
        if "kwargs" not in given and kwargs_at < len(api_call.args):
            given["kwargs"] = api_call.args[kwargs_at]
        args = given.get("args")
        if isinstance(args, (ast.Tuple, ast.List)):
            arguments = [text(element) for element in args.elts]
        elif args is not None:
            arguments = [f"*{text(args)}"]
        kwargs = given.get("kwargs")
        names = [key.value if isinstance(key, ast.Constant) else None for key in getattr(kwargs, "keys", [])]
        if isinstance(kwargs, ast.Dict) and all(isinstance(name, str) and name.isidentifier() for name in names):
            keywords = [f"{name}={text(value)}" for name, value in zip(names, kwargs.values)]
        elif kwargs is not None:
            keywords = [f"**{text(kwargs)}"]
    call = f"{text(callback)}({', '.join(arguments + keywords)})"
    return call if len(call) <= MAX_QUOTED else call[: MAX_QUOTED - 3] + "..."


def _comprehension_scope(node: ast.AST, enclosing: Scope) -> Scope:
    """The scope a comprehension's element is evaluated in, for name lookups before the walk opens it."""
    kind = ScopeKind.GENERATOR_EXPRESSION if isinstance(node, ast.GeneratorExp) else ScopeKind.COMPREHENSION
    return Scope(kind, node, enclosing)


# How many nested functions, each called by the one around it, lead to a coroutine.
MAX_CALL_CHAIN = 8


def _calls_in_place(function: Scope, name: str, bindings: BindingIndex) -> list[ast.Call]:
    """The calls `name(...)` that `function` makes itself, as its code runs.

    Its own statements, list/set/dict comprehensions there (which run at
    once) and lambdas called where they are written; not nested defs,
    classes, other lambdas or generator expressions, which run later or
    elsewhere, nor a comprehension that binds `name` itself.
    """
    found: list[ast.Call] = []
    pending: list[ast.AST] = list(getattr(function.node, "body", []))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            if isinstance(node, ast.GeneratorExp) or name in bindings.of(node).names:
                pending.append(node.generators[0].iter)
                continue
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == name:
                found.append(node)
            elif isinstance(node.func, ast.Lambda):
                pending.append(node.func.body)
        pending.extend(ast.iter_child_nodes(node))
    return found


# What a helper asks, or catches, to learn whether a loop already runs.
_RUNNING_LOOP_PROBES = frozenset({"get_running_loop", "_get_running_loop", "get_event_loop", "is_running"})


def _checks_for_running_loop(function: ast.AST) -> bool:
    """A helper that may never start a loop.

    `try: asyncio.get_running_loop() except RuntimeError: return asyncio.run(...)`.
    """
    for node in ast.walk(function):
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name in _RUNNING_LOOP_PROBES or name == "RuntimeError" and isinstance(node.ctx, ast.Load):
            return True
    return False


def _in_coroutine_expression(scope: Scope) -> bool:
    """Is `scope` a comprehension or generator expression written in an `async def`?"""
    while scope.kind in COMPREHENSION_LIKE and scope.parent is not None:
        scope = scope.parent
        if scope.kind is ScopeKind.ASYNC_FUNCTION:
            return True
    return False


# The APIs AwaitRules._callee is asked about, spelled as the tables spell them or by an alias of them.
_TABLE_CALLS = frozenset(
    {
        *known_apis.TASK_FACTORIES,
        *known_apis.LOOP_ENTRY_POINTS,
        known_apis.GET_EVENT_LOOP,
        *known_apis.CALLS_SYNCHRONOUSLY,
        *known_apis.NEEDS_AWAITABLE_ARGUMENT,
        *known_apis.NEEDS_AWAITABLE_ARGUMENTS,
        *known_apis.NEEDS_ASYNC_FUNCTION_ARGUMENT,
        known_apis.WAIT_REFUSES_COROUTINES,
    }
)
_TABLE_CALL_LEAVES = frozenset(
    name.rpartition(".")[2]
    for name in (*_TABLE_CALLS, *(alias for alias, name in known_apis.CLASS_ALIASES.items() if name in _TABLE_CALLS))
)


# Calls that can read any local by name.
DYNAMIC_LOCAL_ACCESS = frozenset({"locals", "vars", "eval", "exec"})


def _names_read(function: Scope, bindings: BindingIndex) -> frozenset[str]:
    """Every name loaded in the function, nested scopes included; every name at all if it reads locals dynamically.

    A name declared `global` or `nonlocal` there counts as read: the store is not a local's.
    """
    read = bindings.names_loaded_within(function.node)
    return _EVERY_NAME if not read.isdisjoint(DYNAMIC_LOCAL_ACCESS) else frozenset(read)


class _EveryName(frozenset):  # type: ignore[type-arg]
    """A set containing every name: `locals()`, `vars()`, `eval()`, `exec()` may read any local."""

    def __contains__(self, name: object) -> bool:
        return True


_EVERY_NAME = _EveryName()


def _inside_loop_body(tree: ast.AST, target: ast.AST, scope: Scope) -> bool:
    """Is `target` in the body of a for/while loop of its own scope?"""
    top = scope.node if scope.kind is not ScopeKind.MODULE else tree
    pending: list[tuple[ast.AST, bool]] = [(top, False)]
    while pending:
        node, in_loop = pending.pop()
        if node is target:
            return in_loop
        for child in ast.iter_child_nodes(node):
            nested_scope = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            if nested_scope and child is not top:
                continue
            loops_here = isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and child in (*node.body, *node.orelse)
            pending.append((child, in_loop or loops_here))
    return False


# `with pytest.raises(E):`, `with self.assertRaises(E):`, `with self.assertRaisesRegex(E, text):`
_RAISE_TESTS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})


def _tests_a_raise(expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in _RAISE_TESTS
