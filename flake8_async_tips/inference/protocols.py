"""The protocols an object supports (`for` / `async for`, `with` / `async with`) and awaitability.

The top layer of questions: they ask the callable kinds and the class model.
"""

from __future__ import annotations

import ast
from typing import Union

from flake8_async_tips import known_apis
from flake8_async_tips.inference.callable_kinds import CallableKinds
from flake8_async_tips.inference.values import (
    ASYNC,
    COROUTINE,
    SYNC,
    AnnotatedAsyncContext,
    Definition,
    External,
    Instance,
    Protocols,
    Value,
    _builtin,
    canonical_class,
)
from flake8_async_tips.kinds import CallableKind
from flake8_async_tips.scopes import Scope
from flake8_async_tips.verdict import Verdict

# What calling each kind of callable gives, as `for` and `with` see it.
_ITERABLE_MADE_BY = {
    CallableKind.ASYNC_GENERATOR_FUNCTION: frozenset({ASYNC}),
    CallableKind.GENERATOR_FUNCTION: frozenset({SYNC}),
    CallableKind.COROUTINE_FUNCTION: frozenset({COROUTINE}),
}
_CONTEXT_MANAGER_MADE_BY = {
    CallableKind.ASYNC_CONTEXT_FACTORY: frozenset({ASYNC}),
    CallableKind.SYNC_CONTEXT_FACTORY: frozenset({SYNC}),
    CallableKind.COROUTINE_FUNCTION: frozenset({COROUTINE}),
}

_LITERAL_ITERABLES = (
    ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.JoinedStr
)
_NEVER_AWAITABLE = (*_LITERAL_ITERABLES, ast.Constant, ast.GeneratorExp, ast.Lambda)


class ProtocolQuestions(CallableKinds):
    """Which protocols an expression's object supports, and whether it is certainly no awaitable."""

    # --- protocols: for / async for, with / async with, await ----------------

    def iteration_protocols(self, expr: ast.expr, scope: Scope) -> Protocols:
        """Which of `for` (SYNC) and `async for` (ASYNC) `expr` supports; COROUTINE for a coroutine."""
        if isinstance(expr, _LITERAL_ITERABLES) or (
            isinstance(expr, ast.Constant) and isinstance(expr.value, (str, bytes))
        ):
            return frozenset({SYNC})
        if isinstance(expr, ast.GeneratorExp):
            return _generator_expression_protocols(expr)
        if isinstance(expr, ast.Call):
            made = _ITERABLE_MADE_BY.get(self.callee_kind(expr, scope))
            if made is not None:
                return made
            callee = self.qualified_name(expr.func, scope)
            if callee is not None and callee.startswith("builtins."):
                if callee.removeprefix("builtins.") in known_apis.SYNC_ITERABLE_BUILTINS:
                    return frozenset({SYNC})
        return self._instance_protocols(
            expr, scope, known_apis.ITERATION_PROTOCOLS, {SYNC: ("__iter__", "__getitem__"), ASYNC: ("__aiter__",)}
        )

    def context_protocols(self, expr: ast.expr, scope: Scope) -> Protocols:
        """Which of `with` (SYNC) and `async with` (ASYNC) `expr` supports; COROUTINE for a coroutine."""
        if isinstance(expr, ast.Call):
            made = _CONTEXT_MANAGER_MADE_BY.get(self.callee_kind(expr, scope))
            if made is not None:
                return made
        return self._instance_protocols(
            expr, scope, known_apis.CONTEXT_MANAGER_PROTOCOLS, {SYNC: ("__enter__",), ASYNC: ("__aenter__",)}
        )

    def _instance_protocols(
        self, expr: ast.expr, scope: Scope, table: dict[str, set[str]], methods: dict[str, tuple[str, ...]]
    ) -> Protocols:
        found = self.values(expr, scope)
        if not found:
            return None
        # `Union[BinaryFileWrapper, TextFileWrapper]`: certain when every class agrees.
        answers = {self._protocols_of(value, table, methods) for value in found}
        return answers.pop() if len(answers) == 1 else None

    def _protocols_of(self, value: Value, table: dict[str, set[str]], methods: dict[str, tuple[str, ...]]) -> Protocols:
        if isinstance(value, AnnotatedAsyncContext):
            value = value.as_instance()
        if not isinstance(value, Instance):
            return None
        if isinstance(value.of, External):
            if not value.exact and canonical_class(value.of.name) in known_apis.SYNC_PROTOCOL_ABCS:
                return None  # an annotation's sync ABC: the object may support the async protocol too
            protocols = table.get(canonical_class(value.of.name))
            if protocols is not None:
                return frozenset(protocols)
        supported = set()
        for protocol, names in methods.items():
            verdicts = [self._instance_defines(value.of, name) for name in names]
            if Verdict.YES in verdicts:
                supported.add(protocol)
            elif Verdict.UNKNOWN in verdicts:
                return None
        return frozenset(supported)

    def _instance_defines(self, cls: Union[Definition, External], method: str) -> Verdict:
        resolved = self._resolved(cls)
        if isinstance(resolved, Definition):
            return resolved.module.class_defines(resolved, method)
        if cls.name.startswith("builtins."):
            return Verdict.YES if hasattr(_builtin(cls.name), method) else Verdict.NO
        if not self._astroid_may_answer(cls.name):
            return Verdict.UNKNOWN
        defined = self.bridge.class_defines(cls.name, method)
        return Verdict.UNKNOWN if defined is None else (Verdict.YES if defined else Verdict.NO)

    def is_certainly_not_awaitable(self, expr: ast.expr, scope: Scope) -> Verdict:
        """For ASY304: a literal, a function object, a generator, or what a sync call certainly returns."""
        if isinstance(expr, _NEVER_AWAITABLE):
            return Verdict.YES
        if isinstance(expr, (ast.Name, ast.Attribute)) and self.is_function_object(expr, scope) is Verdict.YES:
            return Verdict.YES
        if isinstance(expr, ast.Call):
            if self.certainly_returns_no_awaitable(expr, scope) is Verdict.YES:
                return Verdict.YES
            found = self.values(expr, scope)
            if found and len(found) == 1:
                (value,) = found
                if isinstance(value, Instance) and isinstance(value.of, Definition):
                    if self.class_defines(value.of, "__await__") is Verdict.NO:
                        return Verdict.YES
        return Verdict.UNKNOWN


def _generator_expression_protocols(expr: ast.GeneratorExp) -> Protocols:
    if any(generator.is_async for generator in expr.generators):
        return frozenset({ASYNC})
    # An `await` (or, from 3.11, an async comprehension) inside makes it async; the first iterable does not count.
    inner: list[ast.AST] = [expr.elt, *expr.generators[0].ifs, *expr.generators[1:]]
    for root in inner:
        for node in ast.walk(root):
            if isinstance(node, ast.Await) or (isinstance(node, ast.comprehension) and node.is_async):
                return None
    return frozenset({SYNC})
