"""The function model: what calling (or awaiting) a def of the project gives.

A mixin of `Inference`, below the evaluator: a def's plain kind, its return
annotation or the values of its `return` statements, and whether it returns
the object it was called on. Given the evaluator as `self`, it asks it
`values`, `_annotated_instances` and `qualified_name`, importing none of it.
"""

from __future__ import annotations

import ast
from typing import Optional, Union

from flake8_async_tips import decorators, known_apis
from flake8_async_tips.inference.construction import ConstructionModel
from flake8_async_tips.inference.syntax import _own_statements, _parsed_string, _returns_none
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

# Decorators after which calling a def returns what its body returns.
_RESULT_KEEPING_DECORATORS = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "typing.override",
        "typing_extensions.override",
        # Left alone (no implementation follows: a protocol's stub), an overload declares what the call returns.
        "typing.overload",
        "typing_extensions.overload",
    }
)
_SELF_TYPES = frozenset({"typing.Self", "typing_extensions.Self"})


class FunctionModel(ConstructionModel):
    """What a def of the project returns."""

    def _started_values(self, callee: Value, call: ast.Call, scope: Scope, depth: int) -> Values:
        """`await nursery.start(trio.run_process, cmd)` (or `partial(trio.run_process, cmd)`): what the
        task started hands to `task_status.started()`, for the tables' tasks; None for any other call."""
        if not (isinstance(callee, External) and canonical_class(callee.name) in known_apis.START_METHODS):
            return None
        if not call.args or depth > MAX_DEPTH:
            return None
        task = call.args[0]
        if isinstance(task, ast.Call) and task.args and self.qualified_name(task.func, scope) == "functools.partial":
            task = task.args[0]
        made = known_apis.STARTED_AS.get(self.qualified_name(task, scope) or "")
        return None if made is None else frozenset({Instance(External(made))})

    def _result_values(self, function: Definition, kind: str, depth: int) -> Values:
        """What calling (`kind` SYNC_FUNCTION) or awaiting (COROUTINE_FUNCTION) the def's call gives.

        Its return annotation, or else the values of its `return` statements.
        An override may return anything its annotation allows, so an
        overridable def is known by its annotation only, unless no other
        definition in the project can replace it (`_overridden_nowhere`).
        """
        node = function.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not self._is_plain_result(function, kind, depth + 1):
            return None
        if node.returns is not None:
            return self._annotated_instances(node.returns, _annotation_scope(function), depth + 1)
        if function.overridable and not self._overridden_nowhere(function):
            return None
        return self._returned_values(function, depth + 1)

    def _is_plain_result(self, function: Definition, kind: str, depth: int) -> bool:
        """A def of `kind` (no generator) whose decorators, if any, leave what a call returns as it is."""
        node = function.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        return depth <= MAX_DEPTH and self._plain_kind(node) == kind and self._keeps_result(function)

    def _keeps_result(self, function: Definition) -> bool:
        return all(self._returns_its_argument(decorator, function.scope) for decorator in function.node.decorator_list)

    def _returns_its_argument(self, decorator: ast.expr, scope: Scope) -> bool:
        """A decorator after which calling the def gives what its body returns: one of the list
        above, or one the decorator table says keeps the function (`@functools.wraps(fn)`,
        `@functools.cache`, `@pytest.mark.*`), also imported under another name through the project."""
        called = isinstance(decorator, ast.Call)
        named = decorator.func if isinstance(decorator, ast.Call) else decorator
        found = self._only_value(named, scope)
        declared = self._resolved(found) if isinstance(found, External) else found
        if isinstance(declared, Definition) and isinstance(declared.node, ast.FunctionDef):
            # A decorator of the project read from its def: one returning its argument, or a wrapper
            # whose every return calls it (`return meth(self, *args)`), keeps what the call gives.
            effects = declared.module._def_effects(declared.node, called)
            return effects == frozenset({decorators.KEEPS})
        if not isinstance(found, External):
            return False
        names = {found.name}
        resolved = self._resolved(found)
        if isinstance(resolved, External):
            names.add(resolved.name)  # `from trio._util import wraps`, which imports functools's
        if not called and names & _RESULT_KEEPING_DECORATORS:
            return True
        return any(decorators.known_effect(name, called) is decorators.KEEPS for name in names)

    def _returned_values(self, function: Definition, depth: int) -> Values:
        """The values every `return` statement gives (`return None` aside, as `Optional[...]`)."""
        node = function.node
        body_scope = self._body_scope(function)
        if body_scope is None:
            return None
        outlined = self.bindings.of(node).opaque
        collected: set[Value] = set()
        for statement in _own_statements(node):
            if not isinstance(statement, ast.Return) or _returns_none(statement):
                continue
            if outlined and _returns_instance(node, statement.value):  # type: ignore[arg-type]
                instance = self._own_instance(function)  # `return self`, kept with the parameter's name
                found = None if instance is None else frozenset({instance})
            elif outlined and not isinstance(statement.value, (ast.Call, ast.Await)):
                return None  # a decorator's `return wrapper`, kept for other questions, or a value cut away
            elif outlined and _delegates_to_instance(node, statement.value):  # type: ignore[arg-type]
                found = self._delegated_values(function, statement.value, body_scope, depth + 1)  # type: ignore[arg-type]
            else:
                found = self.values(statement.value, body_scope, depth + 1)  # type: ignore[arg-type]
            if found is None:
                return None
            collected |= found
        return frozenset(collected) or None

    def _delegated_values(self, method: Definition, value: ast.expr, scope: Scope, depth: int) -> Values:
        """`return await self._prepare(...)` of a method read in outline: what that call of the
        instance's method gives (the instance as `self` is in the method's body)."""
        receiver = self._own_instance(method)
        if receiver is None:
            return None
        call = value.value if isinstance(value, ast.Await) else value
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        found = self._member_values(receiver, call.func.attr, depth + 1)  # type: ignore[attr-defined]
        if found is None or len(found) != 1:
            return None
        (callee,) = found
        if isinstance(value, ast.Await):
            return self._awaited_call_of(callee, depth + 1)  # type: ignore[attr-defined]
        return self._called_values(callee, call, scope, depth + 1)  # type: ignore[attr-defined]

    def _own_instance(self, method: Definition) -> Optional[Instance]:
        """The instance a method's `self` is, as its body sees it."""
        owner = self.bindings.method_class.get(id(method.node))
        cls = None if owner is None else self._class_definition(owner)  # type: ignore[attr-defined]
        return None if cls is None else Instance(cls, exact=not self._subclassed_in_project(owner))  # type: ignore

    def _awaited_returned_calls(self, function: Definition, depth: int) -> Values:
        """Awaiting the call of a plain def whose every `return` is a call (`return connect(dsn)`):
        what awaiting those calls gives. An overridable def is not read: an override may return anything."""
        node = function.node
        if function.overridable or not self._is_plain_result(function, CallableKind.SYNC_FUNCTION, depth + 1):
            return None
        body_scope = self._body_scope(function)
        if body_scope is None:
            return None
        returns = [statement for statement in _own_statements(node) if isinstance(statement, ast.Return)]
        if not returns or not all(isinstance(statement.value, ast.Call) for statement in returns):
            return None
        return union_of(returns, lambda statement: self._awaited_values(statement.value, body_scope, depth + 1)) or None

    def _awaited_objects(self, awaited: ast.Call, scope: Scope, depth: int) -> Values:
        """`pool = await self.create_pool()`, the call making an instance of a class whose `__await__`
        hands on a coroutine's (`return self._async__init__().__await__()`): what that coroutine gives."""
        made = self.values(awaited, scope, depth + 1)  # type: ignore[attr-defined]
        if not made or len(made) != 1 or depth > MAX_DEPTH:
            return None
        (instance,) = made
        cls = self._resolved(instance.of, depth + 1) if isinstance(instance, Instance) else None
        if not isinstance(cls, Definition) or not isinstance(cls.node, ast.ClassDef):
            return None
        receiver = Instance(cls, exact=instance.exact)  # type: ignore[union-attr]
        methods = self._member_values(receiver, "__await__", depth + 1)  # type: ignore[attr-defined]
        if not methods or len(methods) != 1:
            return None
        (method,) = methods
        if not isinstance(method, Definition) or not isinstance(method.node, ast.FunctionDef):
            return None
        if method.overridable and not method.module._overridden_nowhere(method):
            return None
        return method.module._awaited_through(method, depth + 1)

    def _awaited_through(self, method: Definition, depth: int) -> Values:
        """What awaiting the object gives when every `return` of its plain `__await__` is a call's
        `__await__()`: what awaiting that call gives (its body read whole in outline)."""
        node = method.node
        if node.decorator_list or self.bindings.of(node).is_generator or self.bindings.of(node).opaque:
            return None
        body_scope = self._body_scope(method)
        returns = [statement for statement in _own_statements(node) if isinstance(statement, ast.Return)]
        inner = [_awaiting_of(statement.value) for statement in returns]
        if body_scope is None or not inner or None in inner:
            return None
        return union_of(inner, lambda call: self._awaited_values(call, body_scope, depth + 1)) or None

    def _yielded_values(self, function: Definition, depth: int) -> Values:
        """The values every `yield` of a generator def gives (unknown for a bare `yield` or `yield from`)."""
        body_scope = self._body_scope(function)
        if body_scope is None or self.bindings.of(function.node).opaque:
            return None
        collected: set[Value] = set()
        for node in _own_statements(function.node):
            if isinstance(node, ast.YieldFrom):
                return None
            if not isinstance(node, ast.Yield):
                continue
            if node.value is None:
                return None
            found = self.values(node.value, body_scope, depth + 1)
            if found is None:
                return None
            collected |= found
        return frozenset(collected) or None

    def _body_scope(self, function: Definition) -> Optional[Scope]:
        """The scope a def's `return` values are evaluated in.

        Read in outline, the body's own scope is opaque: the outline keeps
        only returns whose names are bound outside the function, so they are
        looked up in the nearest enclosing scope that is not a class body.
        """
        node = function.node
        if not self.bindings.of(node).opaque:
            kind = ScopeKind.ASYNC_FUNCTION if isinstance(node, ast.AsyncFunctionDef) else ScopeKind.FUNCTION
            return Scope(kind, node, function.scope)
        enclosing: Optional[Scope] = function.scope
        while enclosing is not None and enclosing.kind is ScopeKind.CLASS:
            enclosing = enclosing.parent
        return enclosing

    def _returns_itself(self, method: Definition, kind: str, depth: int) -> bool:
        """`return self` in every return, or `-> Self`: the call gives back the object it was called on.

        `return self` of an overridable method is not certain: an override may return anything.
        """
        node = method.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not self._is_plain_result(method, kind, depth + 1):
            return False
        if node.returns is not None:
            return self._names_self_type(node.returns, method.scope)
        first = decorators.first_parameter(node)
        returns = [statement for statement in _own_statements(node) if isinstance(statement, ast.Return)]
        if method.overridable or first is None or not returns:
            return False
        rebound = self.bindings.of(node).names.get(first)
        if rebound is not None and len(rebound) != 1:
            return False  # `self = ...` in the body
        return all(isinstance(statement.value, ast.Name) and statement.value.id == first for statement in returns)

    def _context_factory(self, call: ast.Call, scope: Scope, entered_async: bool, depth: int) -> Optional[Definition]:
        """The generator def of `with cm():`, when contextlib's decorator (alone) makes cm a context manager factory."""
        callee = self._only_value(call.func, scope, depth + 1)
        if callee is None:
            return None
        callee = self._resolved(callee, depth + 1)
        if not isinstance(callee, Definition) or callee.overridable:
            return None
        node = callee.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(node.decorator_list) != 1:
            return None
        wanted = "contextlib.asynccontextmanager" if entered_async else "contextlib.contextmanager"
        is_async = isinstance(node, ast.AsyncFunctionDef)
        if is_async != entered_async or not callee.module.bindings.of(node).is_generator:
            return None
        if callee.module.qualified_name(node.decorator_list[0], callee.scope) != wanted:
            return None
        return callee

    def _names_self_type(self, annotation: ast.expr, scope: Scope) -> bool:
        """`-> Self`, also `"Self"` and a Self imported from typing or typing_extensions by Python version."""
        parsed = _parsed_string(annotation)
        found = None if parsed is None else self.values(parsed, scope)
        return bool(found) and all(isinstance(value, External) and value.name in _SELF_TYPES for value in found)

    def _plain_kind(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> str:
        is_generator = self.bindings.of(node).is_generator
        if isinstance(node, ast.AsyncFunctionDef):
            return CallableKind.ASYNC_GENERATOR_FUNCTION if is_generator else CallableKind.COROUTINE_FUNCTION
        return CallableKind.GENERATOR_FUNCTION if is_generator else CallableKind.SYNC_FUNCTION


def _returns_instance(method: ast.AST, value: ast.expr) -> bool:
    """A kept `return self` of a method read in outline (the first parameter's name kept with it)."""
    return (
        isinstance(value, ast.Name)
        and value.id == decorators.first_parameter(method)  # type: ignore[arg-type]
        and decorators.first_parameter_binding(method) == "instance"  # type: ignore[arg-type]
    )


def _delegates_to_instance(method: ast.AST, value: ast.expr) -> bool:
    """A kept return of a method read in outline calling a method of its own instance (`self.x(...)`)."""
    call = value.value if isinstance(value, ast.Await) else value
    func = getattr(call, "func", None)
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == decorators.first_parameter(method)
        and decorators.first_parameter_binding(method) == "instance"  # type: ignore[arg-type]
    )


def _annotation_scope(function: Definition) -> Scope:
    """Where a def's return annotation is looked up: a method's class body, but not for the def's
    own name (`def cursor(self) -> cursor.CursorFactory`), not yet bound there when it is read."""
    returns = function.node.returns  # type: ignore[union-attr]
    root = returns.value if isinstance(returns, ast.Subscript) else returns
    while isinstance(root, ast.Attribute):
        root = root.value
    named_itself = isinstance(root, ast.Name) and root.id == function.node.name  # type: ignore[union-attr]
    scope = function.scope
    if named_itself and scope.kind is ScopeKind.CLASS and scope.parent is not None:
        return scope.parent
    return scope


def _awaiting_of(value: Optional[ast.expr]) -> Optional[ast.Call]:
    """`self._async__init__().__await__()` -> the call `self._async__init__()`."""
    if not (isinstance(value, ast.Call) and not value.args and not value.keywords):
        return None
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr == "__await__" and isinstance(func.value, ast.Call):
        return func.value
    return None
