"""The abstract values: what an expression may refer to, as the evaluator answers it.

The bottom layer of the inference package: definitions of the project,
names known by their qualified name, instances, partials, the protocols an
object supports, and what the tables say of known names. It imports nothing
of the evaluator; the layers above compute with these values.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Optional, TypeVar, Union

from flake8_async_tips import known_apis
from flake8_async_tips.scopes import Scope

# Chains of aliases, attributes and bases longer than this are not followed.
MAX_DEPTH = 20


@dataclass(frozen=True)
class Definition:
    """A def, async def or class of the linted module or of another module of its project."""

    node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]
    scope: Scope
    # The Inference of the module that defines it: questions about it are asked there.
    # (Typed Any: the values are the bottom layer and name no evaluator.)
    module: Any
    # Reached through `self`, `cls` or an annotation: a subclass may override it, so
    # only what every override keeps (a coroutine stays a coroutine) is trusted.
    overridable: bool = False


@dataclass(frozen=True)
class External:
    """A module, function or class known by its qualified name (`asyncio.sleep`)."""

    name: str


@dataclass(frozen=True)
class Instance:
    """An object built by calling a class."""

    of: Union[Definition, External]
    # False for `self` and annotated parameters: an instance of the class or of a subclass.
    exact: bool = True


@dataclass(frozen=True)
class Partial:
    """`functools.partial(func, ...)`: calling it calls func."""

    func: frozenset[Value]


@dataclass(frozen=True)
class AwaitableCallable:
    """A callable annotated to return an awaitable: `send: Callable[[Message], Awaitable[None]]`.

    `coroutine` when the annotation says `Coroutine[...]`: then its call is a coroutine.
    `result`, when known: the annotation of what awaiting the call gives (the T of
    `Awaitable[T]`), with the scope and the evaluator it is read in.
    """

    coroutine: bool
    result: Optional[tuple[ast.expr, Scope, Any]] = None
    # A plain def's overload said so: its body runs at the call, and may raise there.
    runs_body_at_call: bool = False


@dataclass(frozen=True)
class AnnotatedCallable:
    """A callable annotated with what calling it makes: `make: Callable[..., AbstractAsyncContextManager[Process]]`.

    `result`: that annotation, with the scope and the evaluator it is read in.
    """

    result: tuple[ast.expr, Scope, Any]


@dataclass(frozen=True)
class AnnotatedAsyncContext:
    """An object annotated `AbstractAsyncContextManager[T]` (`typing.AsyncContextManager[T]`).

    `async with` it gives a T (`entered`, read as `result` above); for everything
    else it is the instance of `form` an annotation names (`as_instance`).
    """

    form: str
    entered: tuple[ast.expr, Scope, Any]

    def as_instance(self) -> Instance:
        return Instance(External(self.form), exact=False)


@dataclass(frozen=True)
class TypeAlias:
    """A module's name for a type expression: `Send = Callable[[Message], Awaitable[None]]`.

    An annotation naming it means what the expression means, read by the module that defines it.
    """

    expr: ast.expr
    scope: Scope
    module: Any


Value = Union[
    Definition, External, Instance, Partial, AwaitableCallable, AnnotatedCallable, AnnotatedAsyncContext, TypeAlias
]
T = TypeVar("T")
Values = Optional[frozenset[Value]]  # None: unknown


def union_of(items: Iterable[T], values_of: Callable[[T], Values]) -> Values:
    """Every item's values together; unknown as soon as one item's are."""
    collected: set[Value] = set()
    for item in items:
        found = values_of(item)
        if found is None:
            return None
        collected |= found
    return frozenset(collected)


# What an object supports: `for`/`with` (SYNC), `async for`/`async with` (ASYNC),
# or it is a coroutine, which supports neither and lacks an `await`.
SYNC = known_apis.SYNC
ASYNC = known_apis.ASYNC
COROUTINE = "coroutine"
Protocols = Optional[frozenset[str]]  # None: unknown


def canonical_class(name: str) -> str:
    return known_apis.CLASS_ALIASES.get(name, name)


def member_name(class_name: str, attribute: str) -> str:
    """`asyncio.Task` + `add_done_callback` -> the name the tables use (`asyncio.Future.add_done_callback`)."""
    class_name = canonical_class(class_name)
    seen = 0
    current: Optional[str] = class_name
    while current is not None and seen < MAX_DEPTH:
        candidate = f"{current}.{attribute}"
        if candidate in _KNOWN_MEMBERS:
            return candidate
        current = known_apis.BASE_CLASSES.get(current)
        seen += 1
    return f"{class_name}.{attribute}"


_KNOWN_MEMBERS = (
    set(known_apis.COROUTINE_FUNCTIONS)
    | set(known_apis.RETURNS_INSTANCE_OF)
    | set(known_apis.LOOP_ENTRY_POINTS)
    | set(known_apis.TASK_FACTORIES)
    | set(known_apis.NEEDS_AWAITABLE_ARGUMENT)
    | set(known_apis.NEEDS_ASYNC_FUNCTION_ARGUMENT)
    | set(known_apis.CALLS_SYNCHRONOUSLY)
    | set(known_apis.AWAITED_AS)
    | set(known_apis.AWAITED_TUPLES)
    | set(known_apis.ENTERED_AS)
    | set(known_apis.AWAITABLE_METHODS)
)


def is_table_member(qualified: str) -> bool:
    """Do the tables say what this method of a library class is (`httpx.AsyncClient.stream`)?"""
    return qualified in _KNOWN_MEMBERS or qualified in known_apis.FACTORY_RESULTS


_KNOWN_CLASSES = frozenset(
    known_apis.CLASSES | set(known_apis.CONTEXT_MANAGER_PROTOCOLS) | set(known_apis.ITERATION_PROTOCOLS)
)
_TABLE_PACKAGES = frozenset(
    name.partition(".")[0]
    for table in (
        known_apis.COROUTINE_FUNCTIONS,
        _KNOWN_MEMBERS,
        _KNOWN_CLASSES,
        known_apis.ENTERED_AS,
        known_apis.AWAITED_AS,
        known_apis.AWAITED_TUPLES,
        known_apis.FACTORY_RESULTS,
        known_apis.RETURNS_INSTANCE_OF,
    )
    for name in table
    if not name.startswith("builtins.")
)


def _overridable(found: Values) -> Values:
    if found is None:
        return None
    return frozenset(_as_overridable(value) for value in found)


def _as_overridable(value: Value) -> Value:
    """Reached through an instance that may be a subclass's: its definitions may be overridden."""
    if isinstance(value, Definition):
        return replace(value, overridable=True)
    if isinstance(value, Instance) and isinstance(value.of, Definition):
        return replace(value, exact=False)
    return value


def _table_instance(name: str) -> Optional[Instance]:
    """What calling a class or factory of the tables makes."""
    if name in _KNOWN_CLASSES:
        return Instance(External(name))
    if name in known_apis.RETURNS_INSTANCE_OF:
        return Instance(External(known_apis.RETURNS_INSTANCE_OF[name]))
    if name in known_apis.FACTORY_RESULTS:
        return Instance(External(known_apis.FACTORY_RESULTS[name]))
    return None


def _builtin(qualified: str) -> object:
    return getattr(builtins, qualified.removeprefix("builtins."), None)


# Standard-library bases whose attributes are the runtime's own: they define
# no protocol method and no coroutine function. Imported when a class of the linted code
# names one: unittest (and asyncio, for IsolatedAsyncioTestCase) cost a sync-only run dearly.
_KNOWN_BASES = {
    "typing.Generic": ("typing", "Generic"),
    "typing.Protocol": ("typing", "Protocol"),
    "abc.ABC": ("abc", "ABC"),
    "abc.ABCMeta": ("abc", "ABCMeta"),  # the base of a metaclass
    # unittest's test cases: their members are the runtime's, and what their `__init__`
    # stores on the instance is known by making one (a subclass's `self.con = ...` in `setUp` is its own).
    "unittest.TestCase": ("unittest", "TestCase"),
    "unittest.case.TestCase": ("unittest", "TestCase"),
    "unittest.IsolatedAsyncioTestCase": ("unittest", "IsolatedAsyncioTestCase"),
    "unittest.async_case.IsolatedAsyncioTestCase": ("unittest", "IsolatedAsyncioTestCase"),
    # The one-trick ABCs a class derives from to say what it supports (sqlalchemy's `StartableContext(
    # Awaitable[T])`): their methods are the protocol's own, none a coroutine function.
    **{
        f"{module}.{name}": ("collections.abc", name)
        for module in ("typing", "collections.abc")
        for name in ("Awaitable", "AsyncIterable", "AsyncIterator", "Iterable", "Iterator", "Hashable", "Sized")
    },
}


@lru_cache(maxsize=None)
def _instance_attributes_of(cls: type) -> frozenset[str]:
    """What a known base's constructor stores on a new instance (a unittest test case's)."""
    try:
        return frozenset(vars(cls()))
    except Exception:  # noqa: BLE001 - a runtime that builds it otherwise: every name is the base's then
        return frozenset({"*"})


def known_base_has(base: type, attribute: str) -> bool:
    """Does a known runtime base (or a new instance of it) have the attribute?"""
    if hasattr(base, attribute):
        return True
    if not getattr(base, "__module__", "").startswith("unittest."):
        return False  # a builtin, typing's or abc's base: what its class has is all there is
    stored = _instance_attributes_of(base)
    return attribute in stored or "*" in stored


# A metaclass defining one of these may rewrite the class body's namespace or its MRO:
# the class's members are then not what its statement says.
NAMESPACE_HOOKS = frozenset({"__new__", "__init__", "__prepare__", "mro", "__getattr__", "__getattribute__"})


@lru_cache(maxsize=None)
def _known_base(qualified: str) -> object:
    if qualified.startswith("builtins."):
        return _builtin(qualified)
    where = _KNOWN_BASES.get(qualified)
    return None if where is None else getattr(importlib.import_module(where[0]), where[1], None)


@dataclass(frozen=True)
class TableBase:
    """A library class of the tables as a base of a project's class: the names it (with its bases) has."""

    name: str
    members: frozenset[str]


@lru_cache(maxsize=1024)
def table_base(qualified: str) -> Optional[TableBase]:
    """The tables' library class `qualified` names, with every member, if they list them."""
    name = canonical_class(qualified)
    members = known_apis.CLASS_MEMBERS.get(name)
    return None if members is None else TableBase(name, frozenset(members.split()))
