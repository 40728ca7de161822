"""Calls specialized by their arguments: what one call of an unannotated def returns, given what it passes.

    def make_pool(pool_class=Pool, **options):
        return pool_class(**options)

Read once for every call, `make_pool` returns whatever its caller hands it:
unknown. At `make_pool()` its parameter holds its default, at
`make_pool(pool_class=WeakPool)` the class passed, and the `return`
statements are read again with the parameters so bound (pyright infers an
unannotated def's return type per call site the same way). The bindings
reach the defs it calls in turn (`return make_pool(pool_class=pool_class)`)
and the closures nested in it.

What a specialized reading finds holds for that one call, so it is kept
apart from the evaluator's memo: only the expressions that depend on a
bound parameter (directly, or through a local assigned from one) are worked
out here, and everything else is asked of the evaluator as usual, whose
answers hold for every call. A parameter that `*args` / `**kwargs` of the
call might fill, or whose value is not known, keeps its every-call answer.
Only plain defs of modules read in full: no annotation (that says what the
call returns), no decorator changing the result, no override (an
overridable method may be another def), no generator. Bounded per linted
file, and nested at most a few calls deep.

A mixin of `Inference`, below the evaluator, given it as `self`.
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips import decorators, known_apis
from flake8_async_tips.inference.module_cache import _SPECIALIZED
from flake8_async_tips.inference.operators import OperatorModel
from flake8_async_tips.inference.syntax import _own_statements, _returns_none
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    Definition,
    External,
    Instance,
    Value,
    Values,
    canonical_class,
    union_of,
)
from flake8_async_tips.kinds import CallableKind
from flake8_async_tips.scopes import Scope, ScopeKind

# Specialized readings per linted file, and how many may be under way inside one another.
MAX_SPECIALIZATIONS = 400
MAX_NESTED = 3

# id of a parameter (ast.arg) -> what it holds at the call being read.
Bound = dict[int, Values]
_LOCAL_SCOPES = (ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _reads_itself(binding, read: ast.Name) -> bool:
    """Is `read` in the value its binding assigns, with no loop around the assignment in its function?"""
    value = binding.value
    if not any(node is read for node in ast.walk(value)):
        return False
    line, end = getattr(value, "lineno", 0), getattr(value, "end_lineno", 0)
    for node in ast.walk(binding.scope.node):
        if isinstance(node, _LOOPS) and node.lineno <= line and end <= (node.end_lineno or 0):
            return False  # the assignment of an earlier pass may come round
    return True


class SpecializationModel(OperatorModel):
    """What a call returns, its def read with the parameters that call binds."""

    def _specialized_call_result(
        self, callee: Value, call: ast.Call, scope: Scope, awaited: bool, depth: int, bound: Optional[Bound] = None
    ) -> Values:
        """Calling (or awaiting the call of) a plain def of the project, read for this call's arguments."""
        callee = self._resolved(callee, depth + 1)  # type: ignore[attr-defined]
        if not isinstance(callee, Definition):
            return None
        node = callee.node
        if awaited and isinstance(node, ast.AsyncFunctionDef):
            kind = CallableKind.COROUTINE_FUNCTION
        elif not awaited and isinstance(node, ast.FunctionDef):
            kind = CallableKind.SYNC_FUNCTION
        else:
            return None
        module = callee.module
        if depth > MAX_DEPTH or node.returns is not None or callee.overridable:
            return None
        if module.bindings.of(node).opaque or module.bindings.of(node).is_generator:
            return None  # read in outline (its body cut away), or a generator's call
        if not module._is_plain_result(callee, kind, depth + 1):
            return None
        active = _SPECIALIZED["active"]
        if id(node) in active or len(active) >= MAX_NESTED or _SPECIALIZED["count"] >= MAX_SPECIALIZATIONS:
            return None
        parameters = self._bound_parameters(callee, call, scope, depth + 1, bound)
        if not parameters:
            return None
        inner = dict(bound or {})
        inner.update(parameters)
        _SPECIALIZED["count"] += 1
        active.add(id(node))
        try:
            return module._specialized_returns(callee, inner, depth + 1)
        finally:
            active.discard(id(node))

    def _specialized_returns(self, function: Definition, bound: Bound, depth: int) -> Values:
        body_scope = self._body_scope(function)  # type: ignore[attr-defined]
        if body_scope is None:
            return None
        collected: set[Value] = set()
        for statement in _own_statements(function.node):
            if not isinstance(statement, ast.Return) or _returns_none(statement):
                continue
            found = self._specialized_values(statement.value, body_scope, bound, depth + 1)  # type: ignore[arg-type]
            if found is None:
                return None
            collected |= found
        return frozenset(collected) or None

    def _bound_parameters(
        self, callee: Definition, call: ast.Call, scope: Scope, depth: int, bound: Optional[Bound]
    ) -> Optional[Bound]:
        """What each parameter of the def holds at this call; None when the call cannot bind them
        (it would raise TypeError) or the receiver of a method is not certain."""
        node = callee.node
        arguments = node.args  # type: ignore[attr-defined]
        positional = [*arguments.posonlyargs, *arguments.args]
        skipped = self._receiver_taken(callee, call, scope, depth, bound)
        if skipped is None:
            return None
        positional = positional[skipped:]
        passed: dict[int, tuple[ast.expr, Scope, bool]] = {}  # id(arg) -> (expression, its scope, at the call)
        starred = False
        for index, argument in enumerate(call.args):
            if isinstance(argument, ast.Starred):
                starred = True
                break
            if index < len(positional):
                passed[id(positional[index])] = (argument, scope, True)
            elif arguments.vararg is None:
                return None
        by_keyword = {arg.arg: arg for arg in positional if arg not in arguments.posonlyargs}
        by_keyword.update({arg.arg: arg for arg in arguments.kwonlyargs})
        splat = False
        for keyword in call.keywords:
            if keyword.arg is None:
                splat = True
                continue
            target = by_keyword.get(keyword.arg)
            if target is None:
                if arguments.kwarg is None:
                    return None
                continue
            if id(target) in passed:
                return None  # given twice: TypeError
            passed[id(target)] = (keyword.value, scope, True)
        defaults = dict(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
        if len(arguments.defaults) > len(positional):
            defaults = {}  # a default of the receiver's parameter: not read
        defaults.update({arg: value for arg, value in zip(arguments.kwonlyargs, arguments.kw_defaults) if value})
        for arg in [*positional, *arguments.kwonlyargs]:
            if id(arg) in passed:
                continue
            may_be_filled = (starred and arg in positional) or (splat and arg not in arguments.posonlyargs)
            if arg in defaults and not may_be_filled:
                passed[id(arg)] = (defaults[arg], callee.scope, False)
            elif arg not in defaults and not may_be_filled:
                return None  # a required parameter the call leaves out: TypeError
        found: Bound = {}
        for key, (expression, where, at_call) in passed.items():
            if at_call and bound is not None:
                values = self._specialized_values(expression, where, bound, depth + 1)
            else:
                values = (self if at_call else callee.module).values(expression, where, depth + 1)  # type: ignore
            if values is not None:
                found[key] = values
        return found

    def _receiver_taken(
        self, callee: Definition, call: ast.Call, scope: Scope, depth: int, bound: Optional[Bound]
    ) -> Optional[int]:
        """How many leading parameters the call's receiver fills: 1 for a method called on an instance
        (or a classmethod on its class or an instance), 0 for a plain function; None when not certain."""
        node = callee.node
        in_class = callee.scope.kind is ScopeKind.CLASS
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if receiver is None:
            return None if in_class else 0
        if bound is not None:
            receivers = self._specialized_values(receiver, scope, bound, depth + 1)
        else:
            receivers = self.values(receiver, scope, depth + 1)  # type: ignore[attr-defined]
        if not receivers:
            return None
        instances = all(isinstance(value, Instance) for value in receivers)
        modules = all(isinstance(value, External) for value in receivers)
        if not in_class:
            return 0 if modules else None  # `helpers.make_pool()`; a def stored on a class is not followed
        binding = decorators.first_parameter_binding(node)  # type: ignore[arg-type]
        classes = all(isinstance(value, Definition) and isinstance(value.node, ast.ClassDef) for value in receivers)
        if not node.decorator_list and binding == "instance" and instances:  # type: ignore[attr-defined]
            return 1
        if binding == "class" and (instances or classes):
            return 1
        return None

    def _specialized_values(self, expr: ast.expr, scope: Scope, bound: Bound, depth: int) -> Values:
        """What `expr` holds with the parameters so bound (the evaluator's answer where it depends on none)."""
        if depth > MAX_DEPTH:
            return None
        if not self._depends(expr, scope, bound, set()):
            return self.values(expr, scope, depth)  # type: ignore[attr-defined]
        found: Values = None
        if isinstance(expr, ast.Name):
            found = self._specialized_name(expr, scope, bound, depth)
        elif isinstance(expr, ast.Attribute):
            bases = self._specialized_values(expr.value, scope, bound, depth + 1)
            if bases is not None:
                found = union_of(bases, lambda base: self._member_values(base, expr.attr, depth + 1))  # type: ignore
        elif isinstance(expr, ast.Call):
            found = self._specialized_call(expr, scope, bound, False, depth + 1)
        elif isinstance(expr, ast.Await) and isinstance(expr.value, ast.Call):
            found = self._specialized_call(expr.value, scope, bound, True, depth + 1)
        elif isinstance(expr, ast.IfExp):
            found = union_of(
                [expr.body, expr.orelse], lambda part: self._specialized_values(part, scope, bound, depth + 1)
            )
        elif isinstance(expr, ast.BoolOp):
            found = union_of(expr.values, lambda part: self._specialized_values(part, scope, bound, depth + 1))
        return found if found is not None else self.values(expr, scope, depth + 1)  # type: ignore[attr-defined]

    def _specialized_name(self, expr: ast.Name, scope: Scope, bound: Bound, depth: int) -> Values:
        found = self.bindings.lookup(expr.id, scope)
        if not found:
            return None
        found = self.reaching.reaching(expr, scope, found)
        collected: set[Value] = set()
        for binding in decorators.runtime_bindings(found):
            if binding.value is not None and _reads_itself(binding, expr):
                continue  # `client = client.client()` read in its own value, no loop around: an earlier one
            if id(binding.node) in bound:
                values = bound[id(binding.node)]
            elif binding.value is not None and binding.annotation is None:
                values = self._specialized_values(binding.value, binding.scope, bound, depth + 1)
            else:
                values = self._binding_values(binding, depth + 1)  # type: ignore[attr-defined]
            if values is None:
                return None
            collected |= values
        return frozenset(collected) or None

    def _specialized_call(self, call: ast.Call, scope: Scope, bound: Bound, awaited: bool, depth: int) -> Values:
        callees = self._specialized_values(call.func, scope, bound, depth + 1)
        if callees is None:
            return None
        collected: set[Value] = set()
        for callee in callees:
            made = self._call_made(callee, call, scope, bound, awaited, depth + 1)
            if made is None:
                return None
            collected |= made
        return frozenset(collected) or None

    def _call_made(
        self, callee: Value, call: ast.Call, scope: Scope, bound: Bound, awaited: bool, depth: int
    ) -> Values:
        resolved = self._resolved(callee, depth + 1)  # type: ignore[attr-defined]
        if isinstance(resolved, Definition) and isinstance(resolved.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            kind = CallableKind.COROUTINE_FUNCTION if awaited else CallableKind.SYNC_FUNCTION
            if isinstance(resolved.node, ast.AsyncFunctionDef) is awaited:
                found = resolved.module._result_values(resolved, kind, depth + 1)
                if found is None:
                    found = self._specialized_call_result(resolved, call, scope, awaited, depth + 1, bound)
                return found
        if isinstance(callee, External) and not awaited and call.args:
            if canonical_class(callee.name) in known_apis.RUN_WITH_COROUTINE:
                # `loop.run_until_complete(self.connect(**options))`: what awaiting it gives.
                coroutine = call.args[0]
                if isinstance(coroutine, ast.Call):
                    return self._specialized_call(coroutine, scope, bound, True, depth + 1)
                return None
        if isinstance(callee, External) and canonical_class(callee.name) == "functools.partial":
            return None  # what it wraps is an argument, which may depend on the parameters
        if not isinstance(resolved, (Definition, External)):
            return None  # a partial's or a callable instance's call may pass the arguments on
        if awaited:
            return self._awaited_call_of(callee, depth + 1)  # type: ignore[attr-defined]
        return self._called_values(callee, call, scope, depth + 1)  # type: ignore[attr-defined]

    def _depends(self, expr: ast.AST, scope: Scope, bound: Bound, seen: set[int]) -> bool:
        """Does `expr` read a bound parameter, directly or through a local assigned from one?"""
        for node in ast.walk(expr):
            if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
                continue
            for binding in self.bindings.lookup(node.id, scope) or []:
                if id(binding.node) in bound:
                    return True
                if binding.value is None or binding.scope.kind not in _LOCAL_SCOPES or id(binding.node) in seen:
                    continue
                seen.add(id(binding.node))
                if self._depends(binding.value, binding.scope, bound, seen):
                    return True
        return False
