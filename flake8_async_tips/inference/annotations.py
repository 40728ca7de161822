"""What a type annotation says a name holds, or what calling it makes.

Where inference gives up on a parameter, attribute or local, its annotation
answers: `db: Database` (also `Optional[...]`, `X | None`, a string, a
generic `Stream[str]`, `Annotated[X, ...]`) holds an instance of Database
or of a subclass; `lock_class: type[Lock]` (`typing.Type`, `type[A | B]`)
holds the class or a subclass, whose call makes an instance of it. A
callable typed `Callable[..., Awaitable[T]]` or
`Callable[..., Coroutine[...]]`, a module's alias of one (ASGI's `Send =
Callable[[Message], Awaitable[None]]`, imported from another module too), a
protocol whose `__call__` is an `async def` (every overload of it), and a
plain `def` annotated `-> Awaitable[T]` make an awaitable when called:
dropping it is ASY100, ASY101, ASY108 or ASY204, whose messages say
"awaitable" where only `Awaitable` is promised and "coroutine" where
`Coroutine` or an `async def` is. Awaiting such a call gives an instance of
T. Any other `Callable[..., R]` makes what R says: with `R` an
`AbstractAsyncContextManager[T]` (or `typing.AsyncContextManager[T]`, also
on its own, as a parameter's type), `async with` the call gives a T (trio's
tests type their process starters so: `Callable[...,
AbstractAsyncContextManager[Process]]`, through a `TypeAlias`).
Annotations are trusted as type checkers trust them; a union with
anything not awaitable (`Awaitable[None] | None` as a result) says nothing.

Instance attributes of a class in another module (read in outline, its
function bodies cut) are known by the chains its stores keep (see
"Instance attributes stored in other modules"), or by declaration: a class-level annotation
(`content: StreamReader = None`) or, with none, `self.x = param` in its
methods where `param` is annotated. Either holds only when every store of
that name in the module is on `self` in an instance method of a class; a
store on any other object (`reply.content = []`), `setattr`, `vars()` or
`__dict__` makes it unknown. A store of `None` (`proc.stdout = None`) does
not: whatever it leaves, a use of the attribute raises.
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from flake8_async_tips.inference.functions import _SELF_TYPES, FunctionModel
from flake8_async_tips.inference.syntax import _parsed_string, _union_members
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    AnnotatedAsyncContext,
    AnnotatedCallable,
    AwaitableCallable,
    Definition,
    External,
    Instance,
    TypeAlias,
    Value,
    Values,
    canonical_class,
)
from flake8_async_tips.kinds import CallableKind
from flake8_async_tips.scopes import Scope, ScopeKind

# Annotations that name no class the value is an instance of.
_NO_CLASS = _SELF_TYPES | {"typing.Any", "typing_extensions.Any"}


_CALLABLE_FORMS = frozenset({"typing.Callable", "collections.abc.Callable", "typing_extensions.Callable"})
# What a callable's result annotation may say: "coroutine" is certain, "awaitable" is any awaitable object.
RESULT_FORMS = {
    "typing.Coroutine": "coroutine",
    "collections.abc.Coroutine": "coroutine",
    "typing_extensions.Coroutine": "coroutine",
    "typing.Awaitable": "awaitable",
    "collections.abc.Awaitable": "awaitable",
    "typing_extensions.Awaitable": "awaitable",
}
# Subscripted with T, an async context manager that `async with` enters as a T.
_ASYNC_CONTEXT_FORMS = frozenset(
    {
        "contextlib.AbstractAsyncContextManager",
        "typing.AsyncContextManager",
        "typing_extensions.AsyncContextManager",
    }
)
# `Annotated[T, ...]`, `ClassVar[T]`, `Final[T]`: what T says.
_FIRST_ARGUMENT_FORMS = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions")
    for name in ("Annotated", "ClassVar", "Final", "Required", "NotRequired", "ReadOnly")
)
# Subscripted, these name no instance of the class they subscript.
_NOT_INSTANCE_FORMS = frozenset({"typing.Literal", "typing_extensions.Literal"})
# `type[Lock]`: the class or a subclass of it, which calling makes an instance of.
_CLASS_FORMS = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})
_GENERATOR_FORMS = frozenset({"typing.Generator", "collections.abc.Generator", "typing_extensions.Generator"})
_TYPE_VARIABLES = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
_GENERIC_BASES = frozenset({"typing.Generic", "typing.Protocol", "typing_extensions.Protocol"})
# A generator annotated `-> Iterator[T]` (or the like) yields T.
_YIELDING = frozenset(
    f"{module}.{name}"
    for module in ("typing", "collections.abc", "typing_extensions")
    for name in ("Iterator", "Iterable", "Generator", "AsyncIterator", "AsyncIterable", "AsyncGenerator")
)
_TUPLES = frozenset({"builtins.tuple", "typing.Tuple", "typing_extensions.Tuple"})
_UNION_FORMS = frozenset({"typing.Optional", "typing.Union", "typing_extensions.Optional", "typing_extensions.Union"})
# The typing forms a module-level alias may be built from (`Send = Callable[...]`).
_ALIASED_FORMS = _CALLABLE_FORMS | set(RESULT_FORMS) | _UNION_FORMS


class AnnotationModel(FunctionModel):
    """A mixin of `Inference`, below the evaluator: what annotations say.

    Given the evaluator as `self`, it asks it `values` and `qualified_name`, importing none of it.
    """

    def _annotated_instances(self, annotation: ast.expr, scope: Scope, depth: int) -> Values:
        """`db: Database`, `Optional[Database]`, `"Database" | None`: instances of the named classes.

        `Callable[..., Awaitable[T]]` (and `Coroutine[...]`) gives an AwaitableCallable.
        """
        if depth > MAX_DEPTH:
            return None
        parsed = _parsed_string(annotation)
        if parsed is not annotation:
            return None if parsed is None else self._annotated_instances(parsed, scope, depth + 1)
        members = _union_members(annotation)
        if members is None and isinstance(annotation, ast.Subscript):
            wrapper = self.qualified_name(annotation.value, scope)
            if wrapper in _UNION_FORMS:
                inner = annotation.slice
                members = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
            elif wrapper in _CALLABLE_FORMS:
                return self._callable_annotation(annotation.slice, scope, depth + 1)
            elif wrapper in _FIRST_ARGUMENT_FORMS:
                inner = annotation.slice
                first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return self._annotated_instances(first, scope, depth + 1)
            elif wrapper in _ASYNC_CONTEXT_FORMS:
                inner = annotation.slice
                entered = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return frozenset({AnnotatedAsyncContext(wrapper, (entered, scope, self))})
            elif wrapper in _CLASS_FORMS:
                return frozenset({AnnotatedCallable((annotation.slice, scope, self))})
            elif wrapper in _NOT_INSTANCE_FORMS or wrapper in RESULT_FORMS:
                return None
            else:
                # A generic class (`MemoryObjectReceiveStream[str]`, `TestClient[Request, App]`): an instance of it.
                annotation = annotation.value
        if members is not None:
            collected: set[Value] = set()
            for member in members:
                if isinstance(member, ast.Constant) and member.value is None:
                    continue
                found = self._annotated_instances(member, scope, depth + 1)
                if found is None:
                    return None
                collected |= found
            return frozenset(collected) or None
        classes = self.values(annotation, scope, depth + 1)
        if classes is None:
            return None
        instances: set[Value] = set()
        for cls in classes:
            if isinstance(cls, External):
                # `from .types import Send`: an alias defined in another module of the project.
                resolved = self._resolved(cls, depth + 1)
                cls = resolved if isinstance(resolved, TypeAlias) else cls
            if isinstance(cls, Definition) and isinstance(cls.node, ast.ClassDef):
                instances.add(Instance(cls, exact=False))
            elif isinstance(cls, External) and cls.name in _NO_CLASS:
                return None  # `-> Self` is the receiver, which only the caller knows; `Any` is anything
            elif isinstance(cls, External):
                instances.add(Instance(External(canonical_class(cls.name)), exact=False))
            elif isinstance(cls, TypeAlias):
                aliased = cls.module._annotated_instances(cls.expr, cls.scope, depth + 1)
                if aliased is None:
                    return None
                instances |= aliased
            else:
                return None
        return frozenset(instances)

    def _callable_annotation(self, parameters_and_result: ast.expr, scope: Scope, depth: int) -> Values:
        """`Callable[[A, B], R]`: a callable that makes an awaitable when R says so, else what R says."""
        if not (isinstance(parameters_and_result, ast.Tuple) and len(parameters_and_result.elts) == 2):
            return None
        returns = parameters_and_result.elts[1]
        made = self.result_form(returns, scope, depth + 1)
        if made is None:
            # `Callable[..., AbstractAsyncContextManager[Process]]`: the call makes what R says.
            return frozenset({AnnotatedCallable((returns, scope, self))})
        return frozenset({AwaitableCallable(made == "coroutine", self._awaited_annotation(returns, scope, depth + 1))})

    def _awaited_annotation(
        self, annotation: ast.expr, scope: Scope, depth: int
    ) -> Optional[tuple[ast.expr, Scope, Any]]:
        """The T of `Awaitable[T]` (the last argument of `Coroutine[Y, S, T]`), where it is read; None for an alias."""
        parsed = _parsed_string(annotation)
        if not isinstance(parsed, ast.Subscript):
            return None
        arguments = parsed.slice.elts if isinstance(parsed.slice, ast.Tuple) else [parsed.slice]
        return (arguments[-1], scope, self) if arguments else None

    def result_form(self, annotation: ast.expr, scope: Scope, depth: int = 0) -> Optional[str]:
        """"coroutine" for `Coroutine[...]`, "awaitable" for `Awaitable[T]` (or an alias of either), else None."""
        if depth > MAX_DEPTH:
            return None
        parsed = _parsed_string(annotation)
        if parsed is None:
            return None
        base = parsed.value if isinstance(parsed, ast.Subscript) else parsed
        if not isinstance(base, (ast.Name, ast.Attribute)):
            return None
        named = self.values(base, scope, depth + 1)
        if named is None or len(named) != 1:
            return None
        (value,) = named
        if isinstance(value, External) and value.name not in RESULT_FORMS:
            value = self._resolved(value, depth + 1)
        if isinstance(value, External):
            return RESULT_FORMS.get(value.name)
        if isinstance(value, TypeAlias) and base is parsed:
            return value.module.result_form(value.expr, value.scope, depth + 1)
        return None

    def _awaited_return(self, function: Definition, depth: int) -> Values:
        """Awaiting the call of a plain def annotated `-> Awaitable[T]`: instances of T."""
        node = function.node
        if not isinstance(node, ast.FunctionDef) or node.returns is None:
            return None
        if not self._is_plain_result(function, CallableKind.SYNC_FUNCTION, depth + 1):
            return None
        if self.result_form(node.returns, function.scope, depth + 1) is None:
            # `-> _BaseRequestContextManager[ClientResponse]`: an awaitable class of the project.
            return self._awaited_instance_of(node.returns, function.scope, depth + 1)
        awaited = self._awaited_annotation(node.returns, function.scope, depth + 1)
        return None if awaited is None else self._annotated_instances(awaited[0], function.scope, depth + 1)

    def _awaited_new_instance(self, cls: Definition, depth: int) -> Values:
        """Awaiting a new instance of a class of the project: itself when its `__await__` is a generator
        whose every `return` gives `self`, else what the method's annotation says."""
        if self._constructed_values(cls, depth + 1) != frozenset({Instance(cls)}):
            return None  # a metaclass's `__call__`, a tuple from `__new__`
        methods = self._class_attribute(cls, "__await__", depth + 1)
        if not methods or len(methods) != 1:
            return None
        (method,) = methods
        if not isinstance(method, Definition) or not isinstance(method.node, ast.FunctionDef):
            return None
        if method.node.returns is None:
            generator = method.module.bindings.of(method.node).is_generator
            itself = generator and method.module._returns_itself(method, CallableKind.GENERATOR_FUNCTION, depth + 1)
            return frozenset({Instance(cls)}) if itself else None
        assert isinstance(cls.node, ast.ClassDef)
        return self._awaited_instance_of(ast.Name(id=cls.node.name, ctx=ast.Load()), cls.scope, depth + 1)

    def _awaited_instance_of(self, annotation: ast.expr, scope: Scope, depth: int) -> Values:
        """Awaiting an instance of the annotated class: what its `__await__` says it gives.

        `def __await__(self) -> Generator[Any, None, T]` gives T; when T is a
        type variable of the class (`class B(Generic[T])`), the annotation's
        argument in its place (`B[ClientResponse]` gives a ClientResponse).
        """
        parsed = _parsed_string(annotation)
        if parsed is None or depth > MAX_DEPTH:
            return None
        base = parsed.value if isinstance(parsed, ast.Subscript) else parsed
        arguments: list[ast.expr] = []
        if isinstance(parsed, ast.Subscript):
            arguments = list(parsed.slice.elts) if isinstance(parsed.slice, ast.Tuple) else [parsed.slice]
        named = self._only_value(base, scope, depth + 1)  # type: ignore[attr-defined]
        if isinstance(named, TypeAlias) and not arguments:
            return named.module._awaited_instance_of(named.expr, named.scope, depth + 1)
        if named is None and not arguments and isinstance(base, ast.Name):
            # `_RequestContextManager = _BaseRequestContextManager[ClientResponse]`, an alias by assignment.
            bindings = self.bindings.lookup(base.id, scope)
            if bindings and len(bindings) == 1 and isinstance(bindings[0].value, ast.Subscript):
                return self._awaited_instance_of(bindings[0].value, bindings[0].scope, depth + 1)
        cls = None if named is None else self._resolved(named, depth + 1)
        if isinstance(cls, External) and not arguments:
            # An alias imported from another module of the project: answered there.
            defining = self._defining_module(cls.name)
            if defining is None or defining[0] is self:
                return None
            module, leaf = defining
            return module._awaited_instance_of(ast.Name(id=leaf, ctx=ast.Load()), module.root_scope, depth + 1)
        if not isinstance(cls, Definition) or not isinstance(cls.node, ast.ClassDef):
            return None
        methods = cls.module._class_attribute(cls, "__await__", depth + 1)
        if not methods or len(methods) != 1:
            return None
        (method,) = methods
        if not isinstance(method, Definition) or not isinstance(method.node, ast.FunctionDef):
            return None
        if method.node.decorator_list or method.node.returns is None:
            return None
        result = method.module._generator_result(method.node.returns, method.scope, depth + 1)
        if result is None:
            return None
        position = method.module._type_parameter_position(result, method.scope, depth + 1)
        if position is None:
            return method.module._annotated_instances(result, method.scope, depth + 1)
        if position < 0 or position >= len(arguments) or method.scope.node is not cls.node:
            return None  # a type variable the annotation does not bind here
        return self._annotated_instances(arguments[position], scope, depth + 1)

    def _generator_result(self, annotation: ast.expr, scope: Scope, depth: int) -> Optional[ast.expr]:
        """The R of `Generator[Y, S, R]`."""
        parsed = _parsed_string(annotation)
        if not isinstance(parsed, ast.Subscript) or not isinstance(parsed.slice, ast.Tuple):
            return None
        if self.qualified_name(parsed.value, scope) not in _GENERATOR_FORMS or len(parsed.slice.elts) != 3:
            return None
        return parsed.slice.elts[2]

    def _type_parameter_position(self, expr: ast.expr, class_scope: Scope, depth: int) -> Optional[int]:
        """Where a type variable stands in its class's `Generic[...]` (-1 if not there); None for no type variable."""
        if not isinstance(expr, ast.Name):
            return None
        found = self._only_value(expr, class_scope, depth + 1)  # type: ignore[attr-defined]
        if found is not None or not self._is_type_variable(expr, class_scope):
            return None
        node = class_scope.node
        for base in getattr(node, "bases", ()):
            if isinstance(base, ast.Subscript) and self.qualified_name(base.value, class_scope) in _GENERIC_BASES:
                parameters = base.slice.elts if isinstance(base.slice, ast.Tuple) else [base.slice]
                names = [p.id if isinstance(p, ast.Name) else None for p in parameters]
                return names.index(expr.id) if expr.id in names else -1
        return -1

    def _is_type_variable(self, name: ast.Name, scope: Scope) -> bool:
        """Is `name` bound once, to `TypeVar(...)`?"""
        bindings = self.bindings.lookup(name.id, scope)
        return (
            bindings is not None
            and len(bindings) == 1
            and isinstance(bindings[0].value, ast.Call)
            and self.qualified_name(bindings[0].value.func, bindings[0].scope) in _TYPE_VARIABLES
        )

    def _is_tuple_annotation(self, annotation: ast.expr, scope: Scope) -> bool:
        """`tuple[A, B]`, `Tuple[A, B]`, or either as a string."""
        parsed = _parsed_string(annotation)
        return isinstance(parsed, ast.Subscript) and self.qualified_name(parsed.value, scope) in _TUPLES

    def _annotated_element(self, function: Definition, kind: str, position: int, depth: int) -> Values:
        """Element `position` of what calling (or awaiting) the def gives, by its `-> tuple[A, B]` annotation."""
        node = function.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.returns is None:
            return None
        if not self._is_plain_result(function, kind, depth + 1):
            return None
        if not self._is_tuple_annotation(node.returns, function.scope):
            return None
        parsed = _parsed_string(node.returns)
        assert isinstance(parsed, ast.Subscript)
        elements = parsed.slice.elts if isinstance(parsed.slice, ast.Tuple) else [parsed.slice]
        if position >= len(elements) or any(isinstance(e, ast.Constant) and e.value is ... for e in elements):
            return None  # `tuple[X, ...]` says nothing of the length
        return self._annotated_instances(elements[position], function.scope, depth + 1)

    def _generator_yields(self, function: Definition, depth: int) -> Values:
        """What a generator (or async generator) def yields: T of its `-> Iterator[T]` (`AsyncIterator[T]`,
        `Generator[T, ...]`...) annotation, else the values of its `yield`s when they agree."""
        node = function.node
        returns = getattr(node, "returns", None)
        if returns is None:
            return self._yielded_values(function, depth + 1)
        parsed = _parsed_string(returns)
        if not isinstance(parsed, ast.Subscript) or self.qualified_name(parsed.value, function.scope) not in _YIELDING:
            return None
        inner = parsed.slice
        yielded = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return self._annotated_instances(yielded, function.scope, depth + 1)

    def _made_by_annotation(self, value: Value, entered_async: Optional[bool], depth: int) -> Values:
        """What calling an AnnotatedCallable makes (`entered_async` None), or what entering an
        AnnotatedAsyncContext gives (with `async with` only); None for any other value."""
        if entered_async is None and isinstance(value, AnnotatedCallable):
            annotation, scope, module = value.result
        elif entered_async and isinstance(value, AnnotatedAsyncContext):
            annotation, scope, module = value.entered
        else:
            return None
        return module._annotated_instances(annotation, scope, depth + 1)

    def _type_alias(self, value: ast.expr, scope: Scope) -> Optional[TypeAlias]:
        """`Send = Callable[[Message], Awaitable[None]]` at module level: an alias of a typing form."""
        if scope.kind is not ScopeKind.MODULE or not isinstance(value, ast.Subscript):
            return None
        if self.qualified_name(value.value, scope) not in _ALIASED_FORMS:
            return None
        return TypeAlias(value, scope, self)
