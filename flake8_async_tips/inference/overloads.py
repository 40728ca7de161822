"""Which `@overload` of a method a receiver calls, when the overloads differ by what `self` is.

redis-py declares each command once for both clients, and lets the type of
`self` pick the result:

    @overload
    def set(self: SyncClientProtocol, name, value) -> bool | None: ...
    @overload
    def set(self: AsyncClientProtocol, name, value) -> Awaitable[bool | None]: ...
    def set(self, name, value): return self.execute_command("SET", name, value)

where `AsyncClientProtocol` is a `Protocol` whose only member is
`_is_async_client: Literal[True]` and the asyncio client declares
`_is_async_client: Literal[True] = True`. The implementation's own
annotation (a union of both) says nothing; the overloads do, once the
receiver is known. A method of a known instance whose every overload that
fits the receiver says `-> Awaitable[T]` (or `Coroutine[...]`) is an
AwaitableCallable: calling it makes an awaitable, as type checkers say.

An overload fits when its first parameter is unannotated, annotated with
the receiver's class or a class above it in the project, or with a
protocol made only of `Literal` attributes that the receiver's class (or
the first class above it that declares one) declares with the same values.
A literal that differs rules the overload out; anything else (a protocol
with methods, a class that cannot be compared, an attribute declared
without a literal) makes the choice unknown, and the method stays what its
implementation says. Two cases stay silent although the overload says
`Awaitable`: a receiver that is awaitable itself (its class defines
`__await__`: the result may be the receiver, returned for chaining, as
redis's asyncio Pipeline buffers `pipe.set(...)` and returns itself), and
a call directly in the body of `with pytest.raises(...)` or
`self.assertRaises(...)`: the implementation's body runs at the call and
may raise there, before any awaitable is made. A mixin given the evaluator
as `self`.
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips import decorators
from flake8_async_tips.inference.generics import GenericsModel
from flake8_async_tips.inference.syntax import _parsed_string
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    AwaitableCallable,
    Definition,
    External,
    Instance,
    Value,
    Values,
    known_base_has,
)
from flake8_async_tips.scopes import ScopeKind
from flake8_async_tips.verdict import Verdict

_PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
_LITERAL_FORMS = frozenset({"typing.Literal", "typing_extensions.Literal"})
_NO_LITERAL = object()
_ABSENT, _UNKNOWN = object(), object()


class OverloadModel(GenericsModel):
    """Methods whose overloads are chosen by the type of `self`."""

    def _bound_overloads(self, found: Values, receiver: Instance, depth: int) -> Values:
        """The members `found` on `receiver`, each overloaded method replaced by what its fitting overloads say."""
        if found is None or depth > MAX_DEPTH:
            return found
        chosen = [self._fitting_overloads(value, receiver, depth + 1) for value in found]
        if all(new is old for new, old in zip(chosen, found)):
            return found
        return frozenset(chosen)

    def _fitting_overloads(self, value: Value, receiver: Instance, depth: int) -> Value:
        if not (
            isinstance(value, Definition)
            and isinstance(value.node, ast.FunctionDef)
            and value.scope.kind is ScopeKind.CLASS
        ):
            return value
        module = value.module
        siblings = module.bindings.of(value.scope.node).names.get(value.node.name, ())
        if len(siblings) < 2:
            return value  # almost every method: not overloaded
        overloads = [binding.node for binding in siblings if decorators.is_overload(binding.node)]
        fitting: list[ast.FunctionDef] = []
        for overload in overloads:
            if not isinstance(overload, ast.FunctionDef) or len(overload.decorator_list) != 1:
                return value  # an async overload, or a static or class method: not this question
            verdict = module._receiver_fits(overload, value, receiver, depth + 1)
            if verdict is Verdict.UNKNOWN:
                return value
            if verdict is Verdict.YES:
                fitting.append(overload)
        if not fitting or any(overload.returns is None for overload in fitting):
            return value
        forms = {module.result_form(overload.returns, value.scope, depth + 1) for overload in fitting}
        if len(forms) != 1 or None in forms:
            return value
        if forms == {"awaitable"} and self._may_return_itself(receiver, depth + 1):
            return value
        result = module._awaited_annotation(fitting[0].returns, value.scope, depth + 1) if len(fitting) == 1 else None
        return AwaitableCallable(forms.pop() == "coroutine", result, runs_body_at_call=True)

    def _may_return_itself(self, receiver: Instance, depth: int) -> bool:
        """Is the receiver awaitable itself? Then an `Awaitable` result may be the receiver, returned
        for chaining (redis's asyncio Pipeline buffers `pipe.set(...)` and returns itself): dropped, it
        loses nothing."""
        if not isinstance(receiver.of, Definition):
            return True
        return receiver.of.module.class_defines(receiver.of, "__await__", depth + 1) is not Verdict.NO

    def _receiver_fits(self, overload: ast.FunctionDef, method: Definition, receiver: Instance, depth: int) -> Verdict:
        """Does `receiver` fit the annotation of the overload's `self`?"""
        positional = [*overload.args.posonlyargs, *overload.args.args]
        if not positional:
            return Verdict.UNKNOWN
        annotation = positional[0].annotation
        if annotation is None:
            return Verdict.YES
        parsed = _parsed_string(annotation)
        if parsed is None or depth > MAX_DEPTH:
            return Verdict.UNKNOWN
        named = self.values(parsed, method.scope, depth + 1)
        if named is None or len(named) != 1:
            return Verdict.UNKNOWN
        (declared,) = named
        declared = self._resolved(declared, depth + 1)
        if not (isinstance(declared, Definition) and isinstance(declared.node, ast.ClassDef)):
            return Verdict.UNKNOWN
        if not isinstance(receiver.of, Definition):
            return Verdict.UNKNOWN
        if receiver.of.node is declared.node:
            return Verdict.YES
        above = receiver.of.module._project_ancestors(receiver.of, depth + 1)
        if above is not None and id(declared.node) in above:
            return Verdict.YES
        markers = declared.module._literal_protocol(declared, depth + 1)
        if markers is None:
            return Verdict.UNKNOWN
        for attribute, wanted in markers.items():
            held = receiver.of.module._declared_literal(receiver.of, attribute, depth + 1)
            if held is None:
                return Verdict.UNKNOWN
            if held != (wanted,):
                return Verdict.NO
        return Verdict.YES

    def _literal_protocol(self, cls: Definition, depth: int) -> Optional[dict[str, object]]:
        """`class P(Protocol): flag: Literal[True]`: {"flag": True}; None for any other class."""
        if cls.module is not self:
            return cls.module._literal_protocol(cls, depth + 1)
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if node.keywords or len(node.bases) != 1:
            return None
        if self.qualified_name(node.bases[0], cls.scope) not in _PROTOCOL_BASES:
            return None
        markers: dict[str, object] = {}
        for statement in node.body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # the docstring
            if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
                return None  # a method, or a member with a value: not only literal markers
            if statement.value is not None:
                return None
            value = self._literal_of(statement.annotation, cls, depth + 1)
            if value is _NO_LITERAL:
                return None
            markers[statement.target.id] = value
        return markers or None

    def _declared_literal(self, cls: Definition, attribute: str, depth: int) -> Optional[tuple[object]]:
        """(value,) of the `attribute: Literal[value]` the class, or a class above it, declares.

        None when a class on the way cannot be read, declares the attribute without
        a literal, or when bases declare different ones (the MRO would decide).
        """
        found = self._literal_lookup(cls, attribute, depth)
        return found if isinstance(found, tuple) else None

    def _literal_lookup(self, cls: Definition, attribute: str, depth: int) -> object:
        if cls.module is not self:
            return cls.module._literal_lookup(cls, attribute, depth + 1)
        if depth > MAX_DEPTH:
            return _UNKNOWN
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        annotation = self._class_annotations(node).get(attribute)
        if annotation is not None:
            value = self._literal_of(annotation, cls, depth + 1)
            return _UNKNOWN if value is _NO_LITERAL else (value,)
        if attribute in self.bindings.of(node).names:
            return _UNKNOWN  # a value without an annotation
        bases = self._class_bases(cls, depth + 1)
        if bases is None:
            return _UNKNOWN
        declared: set[object] = set()
        for base in bases:
            if isinstance(base, Definition):
                found = base.module._literal_lookup(base, attribute, depth + 1)
                if found is _UNKNOWN:
                    return _UNKNOWN
                if found is not _ABSENT:
                    declared.add(found)
            elif not isinstance(base, type) or known_base_has(base, attribute):
                return _UNKNOWN
        if not declared:
            return _ABSENT
        return declared.pop() if len(declared) == 1 else _UNKNOWN

    def _literal_of(self, annotation: ast.expr, cls: Definition, depth: int) -> object:
        """The constant of `Literal[constant]` (one constant); _NO_LITERAL for any other annotation."""
        parsed = _parsed_string(annotation)
        if not isinstance(parsed, ast.Subscript) or not isinstance(parsed.slice, ast.Constant):
            return _NO_LITERAL
        found = self.values(parsed.value, cls.scope, depth + 1)
        if found is None or len(found) != 1:
            return _NO_LITERAL
        (form,) = found
        if not isinstance(form, External) or form.name not in _LITERAL_FORMS:
            return _NO_LITERAL
        return parsed.slice.value
