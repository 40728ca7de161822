"""Type variables bound by a subclass's bases: what `-> T` of a generic base's method is for one class.

    class StartableContext(Awaitable[_T_co], abc.ABC):
        async def __aenter__(self) -> _T_co: ...

    class AsyncConnection(StartableContext["AsyncConnection"]): ...

`async with engine.connect() as conn` enters an AsyncConnection, whose
`__aenter__` (StartableContext's) is annotated `-> _T_co`: for an instance of
AsyncConnection, `_T_co` is what its base statement binds, "AsyncConnection".
A class's type parameters are those of its `Generic[...]` (or
`Protocol[...]`) base, or else the type variables its bases' subscripts
name, in order of appearance (as PEP 484 says). From the receiver's class
the bases are walked up to the class that defines the method, each
subscript binding the next class's parameters (a parameter bound to one of
the lower class's own type variables takes what that one was bound to);
every path must agree. A base not subscripted leaves the parameters unbound:
unknown. A mixin of `Inference`, given the evaluator as `self`.
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from flake8_async_tips.inference.annotations import _GENERIC_BASES, AnnotationModel
from flake8_async_tips.inference.syntax import _parsed_string
from flake8_async_tips.inference.values import MAX_DEPTH, Definition, Instance, Values

# A type argument where it is written: (expression, its scope, the module's evaluator).
_Argument = tuple[ast.expr, Any, Any]
_MAX_CLASSES = 24


class GenericsModel(AnnotationModel):
    """What a method annotated with a type variable of its class returns, for one receiver's class."""

    def _bound_result(self, method: Definition, receiver: Instance, depth: int) -> Values:
        """`-> T` of a method of a generic class, for `receiver` (an instance of a class of the project)."""
        node = method.node
        returns = getattr(node, "returns", None)
        owner = method.scope.node
        if returns is None or not isinstance(owner, ast.ClassDef) or not isinstance(receiver.of, Definition):
            return None
        name = _parsed_string(returns)
        if not isinstance(name, ast.Name) or not method.module._is_type_variable(name, method.scope):
            return None
        parameters = method.module._type_parameters(owner, method.scope.parent or method.scope)
        if parameters is None or name.id not in parameters:
            return None
        argument = self._argument_for(receiver.of, owner, parameters.index(name.id), depth + 1)
        if argument is None:
            return None
        expr, scope, module = argument
        return module._annotated_instances(expr, scope, depth + 1)

    def _type_parameters(self, cls: ast.ClassDef, enclosing: Any) -> Optional[list[str]]:
        """The names of a class's type parameters (its statement run in `enclosing`), in order; None when
        they cannot be told."""
        if getattr(cls, "type_params", None):
            return None  # `class Box[T]:` (3.12): not read
        found: list[str] = []
        for base in cls.bases:
            if not isinstance(base, ast.Subscript):
                continue
            arguments = base.slice.elts if isinstance(base.slice, ast.Tuple) else [base.slice]
            names = [a.id for a in arguments if isinstance(a, ast.Name) and self._is_type_variable(a, enclosing)]
            if self.qualified_name(base.value, enclosing) in _GENERIC_BASES:
                return names
            found.extend(n for n in names if n not in found)
        return found

    def _argument_for(self, cls: Definition, owner: ast.ClassDef, position: int, depth: int) -> Optional[_Argument]:
        """What `cls`'s bases bind `owner`'s type parameter `position` to, the same on every path."""
        found: list[Optional[_Argument]] = []
        pending: list[tuple[Definition, dict[str, Optional[_Argument]], int]] = [(cls, {}, 0)]
        while pending:
            current, bound, walked = pending.pop()
            if walked > _MAX_CLASSES or depth > MAX_DEPTH:
                return None
            module = current.module
            node = current.node
            assert isinstance(node, ast.ClassDef)
            for base in node.bases:
                expr = base.value if isinstance(base, ast.Subscript) else base
                target = module._project_class(expr, current.scope, depth + 1)
                if target is None:
                    continue  # a library's or the runtime's class: the owner is not above it
                parameters = target.module._type_parameters(target.node, target.scope)
                if parameters is None:
                    return None
                arguments = []
                if isinstance(base, ast.Subscript):
                    arguments = base.slice.elts if isinstance(base.slice, ast.Tuple) else [base.slice]
                passed: dict[str, Optional[_Argument]] = {}
                for index, parameter in enumerate(parameters):
                    argument = arguments[index] if index < len(arguments) else None
                    if isinstance(argument, ast.Name) and argument.id in bound:
                        passed[parameter] = bound[argument.id]  # the lower class's own type variable
                    elif argument is None or (
                        isinstance(argument, ast.Name) and module._is_type_variable(argument, current.scope)
                    ):
                        passed[parameter] = None
                    else:
                        passed[parameter] = (argument, current.scope, module)
                if target.node is owner:
                    found.append(passed.get(parameters[position]) if position < len(parameters) else None)
                else:
                    pending.append((target, passed, walked + 1))
        if not found or any(argument is None for argument in found):
            return None
        first = found[0]
        if any(ast.dump(argument[0]) != ast.dump(first[0]) or argument[2] is not first[2] for argument in found):
            return None
        return first
