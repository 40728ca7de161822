"""What calling a value makes: callable kinds, decorators' effects, and the coroutine questions.

Above the evaluator: every question here evaluates its expression first.
"""

from __future__ import annotations

import ast
import builtins
from typing import Optional

from flake8_async_tips import decorators, known_apis
from flake8_async_tips.astroid_bridge import Definition as ExternalKind
from flake8_async_tips.bodies import is_stub
from flake8_async_tips.inference.evaluator import Evaluator
from flake8_async_tips.inference.syntax import _own_statements, _returns_a_value
from flake8_async_tips.inference.values import (
    ASYNC,
    MAX_DEPTH,
    AwaitableCallable,
    Definition,
    External,
    Instance,
    Partial,
    Value,
    _table_instance,
    canonical_class,
)
from flake8_async_tips.kinds import FUNCTION_KINDS, CallableKind
from flake8_async_tips.scopes import Scope, ScopeKind
from flake8_async_tips.verdict import Verdict

_KEEPS = frozenset({decorators.KEEPS})
_ANEXT = External("builtins.anext")
# What calling an object may be known to make, by its `__call__`.
_CALLED_OBJECT_KINDS = frozenset(
    {
        CallableKind.COROUTINE_FUNCTION,
        CallableKind.ASYNC_GENERATOR_FUNCTION,
        CallableKind.GENERATOR_FUNCTION,
        CallableKind.ASYNC_CONTEXT_FACTORY,
        CallableKind.SYNC_CONTEXT_FACTORY,
    }
)
# What an object holds that certainly has `__anext__`: an async generator, or one annotated so.
_ASYNC_ITERATORS = frozenset(
    {
        "types.AsyncGeneratorType",
        "collections.abc.AsyncIterator",
        "collections.abc.AsyncGenerator",
        "typing.AsyncIterator",
        "typing.AsyncGenerator",
    }
)
_UNKNOWN_EFFECT = frozenset({decorators.UNKNOWN})

_EXTERNAL_TO_CALLABLE = {
    ExternalKind.COROUTINE_FUNCTION: CallableKind.COROUTINE_FUNCTION,
    ExternalKind.ASYNC_GENERATOR_FUNCTION: CallableKind.ASYNC_GENERATOR_FUNCTION,
    ExternalKind.SYNC_FUNCTION: CallableKind.SYNC_FUNCTION,
    ExternalKind.CLASS: CallableKind.CLASS,
}

_NON_AWAITABLE_RESULTS = frozenset(
    known_apis.RETURNS_NON_AWAITABLE | {f"builtins.{name}" for name in known_apis.SYNC_ITERABLE_BUILTINS}
)


class CallableKinds(Evaluator):
    """The kind of callable a value is, and the rules' questions about calls."""

    # --- what calling it makes ----------------------------------------------

    def callable_kind(self, value: Value, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            return CallableKind.UNKNOWN
        if isinstance(value, Partial):
            kinds = {self.callable_kind(inner, depth + 1) for inner in value.func}
            return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN
        if isinstance(value, AwaitableCallable):
            # `Callable[..., Coroutine[...]]` makes coroutines; `Callable[..., Awaitable[T]]` any awaitable.
            return CallableKind.COROUTINE_FUNCTION if value.coroutine else CallableKind.UNKNOWN
        if isinstance(value, Instance):
            # An object called: its class's `__call__` (every overload of it) decides what the call makes
            # (trio's `Sequencer.__call__` is an `@asynccontextmanager`: `async with seq(0):`).
            calls = {self._declared_kind(method, depth + 1) for method in self._call_methods(value, depth + 1)}
            return calls.pop() if len(calls) == 1 and calls <= _CALLED_OBJECT_KINDS else CallableKind.UNKNOWN
        if isinstance(value, External):
            if value.name in known_apis.COROUTINE_FUNCTIONS or value.name in self.declared_coroutine_functions:
                return CallableKind.COROUTINE_FUNCTION
            found = self._project_resolution(value, depth + 1)
            if found is not None and found != {value}:
                # Conditional definitions: every one must agree.
                kinds = {self.callable_kind(resolved, depth + 1) for resolved in found}
                return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN
            if canonical_class(value.name) in known_apis.CLASSES:
                return CallableKind.CLASS
            if value.name.startswith("builtins."):
                # The interpreter's own builtins: none is async.
                builtin = getattr(builtins, value.name.removeprefix("builtins."), None)
                return CallableKind.CLASS if isinstance(builtin, type) else CallableKind.SYNC_FUNCTION
            return _EXTERNAL_TO_CALLABLE.get(self._external_kind(value.name) or "", CallableKind.UNKNOWN)
        if isinstance(value, Definition):
            if value.module is not self:
                return value.module.callable_kind(value, depth + 1)
            node = value.node
            if isinstance(node, ast.ClassDef):
                return CallableKind.CLASS if not node.keywords else CallableKind.UNKNOWN
            if node.decorator_list:
                return self._decorated_kind(value, depth + 1)
            return self._plain_kind(node)
        return CallableKind.UNKNOWN

    def _declared_kind(self, value: Value, depth: int) -> str:
        """A callable's kind; for an `@overload` left alone (a protocol's `__call__`), the kind it declares."""
        if isinstance(value, Definition) and isinstance(value.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if len(value.node.decorator_list) == 1 and decorators.is_overload(value.node):
                return value.module._plain_kind(value.node)
        return self.callable_kind(value, depth + 1)

    def _decorated_kind(self, function: Definition, depth: int) -> str:
        """The kind after every decorator, innermost first (the outermost decides what the name is bound to)."""
        node = function.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        kind = self._plain_kind(node)
        for decorator in reversed(node.decorator_list):
            kind = decorators.apply_all(self._decorator_effects(decorator, function.scope, depth + 1), kind)
            if kind == CallableKind.UNKNOWN:
                break
        return kind

    def _decorator_effects(self, decorator: ast.expr, scope: Scope, depth: int) -> frozenset[decorators.Effect]:
        called = isinstance(decorator, ast.Call)
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        found = self.values(target, scope, depth + 1)
        if found is None:
            if self._imported_from_nowhere(target, scope) and decorators.may_assume_kept(decorators.name_leaf(target)):
                return _KEEPS
            return _UNKNOWN_EFFECT
        effects: set[decorators.Effect] = set()
        for value in found:
            effects |= self._value_effects(value, called, depth + 1)
        return frozenset(effects)

    def _value_effects(self, value: Value, called: bool, depth: int) -> frozenset[decorators.Effect]:
        if depth > MAX_DEPTH:
            return _UNKNOWN_EFFECT
        if isinstance(value, External):
            known = decorators.known_effect(canonical_class(value.name), called)
            if known is not None:
                return frozenset({known})
            resolved = self._resolved(value, depth + 1)
            if resolved is not value:
                return self._value_effects(resolved, called, depth + 1)
            if self._module_found_nowhere(value.name) and decorators.may_assume_kept(value.name):
                return _KEEPS
            return _UNKNOWN_EFFECT
        if isinstance(value, Definition) and isinstance(value.node, ast.FunctionDef):
            return value.module._def_effects(value.node, called)
        return _UNKNOWN_EFFECT

    def _def_effects(self, node: ast.FunctionDef, called: bool) -> frozenset[decorators.Effect]:
        """A decorator (or, called, a decorator factory) read from its own def."""
        if node.decorator_list or self.bindings.of(node).is_generator:
            return _UNKNOWN_EFFECT
        returns = [statement for statement in _own_statements(node) if isinstance(statement, ast.Return)]
        items = decorators.returned_items(node, returns)
        if items is None:
            return _UNKNOWN_EFFECT
        effects: set[decorators.Effect] = set()
        for item in items:
            if called:
                # A factory returns the decorator itself: a nested plain def.
                if not isinstance(item, ast.FunctionDef):
                    return _UNKNOWN_EFFECT
                effects |= self._def_effects(item, called=False)
            elif item == decorators.ARGUMENT:
                effects.add(decorators.KEEPS)
            elif isinstance(item, ast.FunctionDef) and decorators.returns_argument_call(node, item):
                # `def _check(self, *a): ...; return meth(self, *a)`: calling it makes what meth makes.
                effects.add(decorators.KEEPS)
            elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and decorators.is_plain_wrapper(item):
                effects.add(decorators.Effect(makes=self._plain_kind(item)))
            else:
                return _UNKNOWN_EFFECT
        return frozenset(effects)

    def _imported_from_nowhere(self, expr: ast.expr, scope: Scope, depth: int = 0) -> bool:
        """`@vendor.retry(...)`, `@app.route(...)` after `app = vendor.App()`: every way to the
        decorator starts at an import of a module found nowhere."""
        root = expr
        while isinstance(root, (ast.Attribute, ast.Call)):
            root = root.value if isinstance(root, ast.Attribute) else root.func
        if not isinstance(root, ast.Name) or depth > MAX_DEPTH:
            return False
        found = self.bindings.lookup(root.id, scope)
        if not found:
            return False
        for binding in found:
            if binding.value is not None:
                if not self._imported_from_nowhere(binding.value, binding.scope, depth + 1):
                    return False
                continue
            imported = binding.imported
            if imported is not None and imported.startswith("."):
                imported = self.layout.absolute_import(imported)
            if imported is None or not self._module_found_nowhere(imported):
                return False
        return True

    def callee_kind(self, call: ast.Call, scope: Scope) -> str:
        """What kind of callable `call` calls, if every value it may be agrees."""
        return self.expression_callable_kind(call.func, scope)

    def expression_callable_kind(self, expr: ast.AST, scope: Scope) -> str:
        found = self.values(expr, scope)
        if not found:
            return CallableKind.UNKNOWN
        kinds = {self.callable_kind(value) for value in found}
        return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN

    def is_coroutine_call(self, call: ast.AST, scope: Scope) -> Verdict:
        """Does evaluating `call` certainly create a coroutine object?"""
        if not isinstance(call, ast.Call):
            return Verdict.UNKNOWN
        kind = self.callee_kind(call, scope)
        if kind == CallableKind.COROUTINE_FUNCTION:
            return Verdict.UNKNOWN if self._declared_by_stub(call.func, scope) else Verdict.YES
        if kind in (CallableKind.ASYNC_GENERATOR_FUNCTION, CallableKind.CLASS):
            return Verdict.NO
        return Verdict.UNKNOWN

    def awaitable_call(self, call: ast.AST, scope: Scope) -> Optional[str]:
        """What a call certainly makes that needs an `await`: "coroutine", "awaitable", or None.

        "awaitable" when only an annotation says so: a callable typed
        `Callable[..., Awaitable[T]]`, or a plain def annotated `-> Awaitable[T]`;
        and for the tables' awaitables that are no coroutine (an async generator's
        `aclose()`, aiohttp's `session.get(url)` holding the request's coroutine).
        """
        if self.is_coroutine_call(call, scope) is Verdict.YES:
            return "coroutine"
        if not isinstance(call, ast.Call):
            return None
        found = self.values(call.func, scope)
        if not found:
            return None
        # A stub's `async def` (see _declared_by_stub); the callee's kind asked of stubs only.
        if self._declared_by_stub(call.func, scope):
            if self.callee_kind(call, scope) == CallableKind.COROUTINE_FUNCTION:
                return "awaitable"
        if all(
            isinstance(value, AwaitableCallable)
            or (isinstance(value, External) and value.name in known_apis.AWAITABLE_METHODS)
            or (isinstance(value, External) and _async_generator_method(value.name))
            or (len(found) > 1 and self.callable_kind(value) == CallableKind.COROUTINE_FUNCTION)
            for value in found
        ):
            # Also `self.send` stored from a `send: Send` parameter and from an `async def` (starlette's gzip).
            return "awaitable"
        if len(found) != 1:
            return None
        (value,) = found
        if value == _ANEXT and call.args and self._certainly_async_iterator(call.args[0], scope):
            return "awaitable"  # `anext(steps)`: the step it would take, never taken
        if isinstance(value, External):
            made = _table_instance(canonical_class(value.name))
            if made is not None and made.of.name in known_apis.COROUTINE_WRAPPERS:  # type: ignore[union-attr]
                return "awaitable"  # `session.get(url)`: it holds the request's coroutine
        value = self._resolved(value)
        methods = self._call_methods(value, 0) if isinstance(value, Instance) else [value]
        results = {self._annotated_result(method) for method in methods}
        return results.pop() if len(results) == 1 else None

    def _certainly_async_iterator(self, expr: ast.expr, scope: Scope) -> bool:
        """An async generator, an object annotated as an async iterator, or an instance of a class
        of the project that defines `__anext__`: what `anext()` makes an awaitable of."""
        if isinstance(expr, ast.Call) and self.callee_kind(expr, scope) == CallableKind.ASYNC_GENERATOR_FUNCTION:
            return True
        found = self.values(expr, scope)
        if not found:
            return False
        for value in found:
            of = self._resolved(value.of) if isinstance(value, Instance) else None
            if isinstance(of, External) and (
                canonical_class(of.name) in _ASYNC_ITERATORS or _is_async_generator_object(of.name)
            ):
                continue
            if not isinstance(of, Definition) or not isinstance(of.node, ast.ClassDef):
                return False
            if of.module.class_defines(of, "__anext__") is not Verdict.YES:
                return False
        return True

    def runs_body_at_call(self, call: ast.Call, scope: Scope) -> bool:
        """Does the call run a plain def's body, which may raise before any awaitable is made?
        (A method chosen by its overloads, `r.json().set(...)`.)"""
        found = self.values(call.func, scope)
        return bool(found) and any(
            isinstance(value, AwaitableCallable) and value.runs_body_at_call for value in found
        )

    def _call_methods(self, instance: Instance, depth: int) -> list[Value]:
        """What calling the instance calls: its class's `__call__`, every overload of it; [] when unknown."""
        found = self._member_values(instance, "__call__", depth + 1)
        return list(found or ())

    def _annotated_result(self, value: Value) -> Optional[str]:
        """A plain def (its decorators keeping what it returns) annotated `-> Awaitable[T]` / `-> Coroutine[...]`."""
        value = self._resolved(value)
        if not isinstance(value, Definition) or not isinstance(value.node, ast.FunctionDef):
            return None
        if value.module is not self:
            return value.module._annotated_result(value)
        if value.node.returns is None or not self._is_plain_result(value, CallableKind.SYNC_FUNCTION, 0):
            return None
        if is_stub(value.node):
            # A function's stub returns None; a method's (a protocol's, or an interface's `raise
            # NotImplementedError` defined whatever the platform, where a subclass's override is what
            # runs) describes its overrides.
            if value.scope.kind is not ScopeKind.CLASS:
                return None
            if any(isinstance(statement, ast.Raise) for statement in value.node.body) and not (
                value.overridable and value.node in getattr(value.scope.node, "body", ())
            ):
                return None  # the interface itself runs, or the method exists only where a test says
            return self.result_form(value.node.returns, value.scope)
        if self.bindings.of(value.node).opaque or any(
            isinstance(statement, ast.Raise) for statement in _own_statements(value.node)
        ):
            # Its body runs at the call and may refuse the arguments (`pytest.raises` tests it so):
            # the call is not certain to make the awaitable. (Read in outline, its raises are not seen.)
            return None
        return self.result_form(value.node.returns, value.scope)

    def _declared_by_stub(self, expr: ast.AST, scope: Scope) -> bool:
        """Is every value of `expr` a def of a .pyi stub? A stub's `async def` is a type, not the
        runtime's function: its call makes an awaitable (a Future, for motor's methods), not
        certainly a coroutine, and the function is not certainly a coroutine function."""
        found = self.values(expr, scope)
        return bool(found) and all(isinstance(value, Definition) and value.module.stub_file for value in found)

    def is_coroutine_function(self, expr: ast.AST, scope: Scope) -> Verdict:
        kind = self.expression_callable_kind(expr, scope)
        if kind == CallableKind.COROUTINE_FUNCTION:
            return Verdict.UNKNOWN if self._declared_by_stub(expr, scope) else Verdict.YES
        if kind == CallableKind.UNKNOWN:
            return Verdict.UNKNOWN
        return Verdict.NO

    def is_function_object(self, expr: ast.AST, scope: Scope) -> Verdict:
        """Is `expr` certainly a function (async or not), not something it returns?"""
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return Verdict.NO if isinstance(expr, (ast.Call, ast.Await, ast.Constant)) else Verdict.UNKNOWN
        found = self.values(expr, scope)
        if not found or any(isinstance(value, (Partial, AwaitableCallable, Instance)) for value in found):
            # A partial object is callable but is no function: asyncio names it differently; nor is an
            # object with `__call__`.
            # What an annotated callable is, a function or an object with `__call__`, is not known.
            return Verdict.UNKNOWN
        kinds = {self.callable_kind(value) for value in found}
        return Verdict.YES if len(kinds) == 1 and kinds <= FUNCTION_KINDS else Verdict.UNKNOWN

    def certainly_returns_no_awaitable(self, call: ast.AST, scope: Scope) -> Verdict:
        """For ASY103: a call to a module function that returns nothing, or an async generator."""
        if not isinstance(call, ast.Call):
            return Verdict.UNKNOWN
        found = self.values(call.func, scope)
        if not found or len(found) != 1:
            return Verdict.UNKNOWN
        (value,) = found
        if isinstance(value, Definition) and (value.overridable or is_stub(value.node)):
            return Verdict.UNKNOWN  # what an override or the real implementation returns is not known
        kind = self.callable_kind(value)
        if kind in (CallableKind.ASYNC_GENERATOR_FUNCTION, CallableKind.GENERATOR_FUNCTION):
            return Verdict.YES
        if kind == CallableKind.SYNC_FUNCTION and isinstance(value, Definition):
            # A decorated def's returns are its own, not those of the wrapper it is replaced by.
            if not value.node.decorator_list and not _returns_a_value(value.node):  # type: ignore[union-attr]
                return Verdict.YES
        if isinstance(value, External) and value.name in _NON_AWAITABLE_RESULTS:
            return Verdict.YES
        return Verdict.UNKNOWN


def _is_async_generator_object(name: str) -> bool:
    """`anyio.itertools.count()`: the tables' name for what calling a library's async generator function makes."""
    return name.endswith("()") and known_apis.ITERATION_PROTOCOLS.get(name) == {ASYNC}


def _async_generator_method(name: str) -> bool:
    """`anyio.itertools.count().aclose`: a method of an async generator that makes an awaitable."""
    made, _, method = name.rpartition(".")
    return method in ("asend", "athrow", "aclose") and _is_async_generator_object(made)
