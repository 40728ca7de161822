"""What a decorator does to what calling the decorated function makes.

A decorator's effect is read three ways, most certain first:
- a table of the standard library's and common libraries' decorators
  (`abc.abstractmethod`, `functools.wraps`/`cache`/`lru_cache`,
  `typing.final`/`override`, `unittest.mock.patch`, `contextlib`'s context
  manager factories, `pytest.mark.*`, click, asgiref's `sync_to_async` and
  `async_to_sync`, which change the kind; `pytest.fixture` leaves it
  unknown: pytest calls fixtures, code does not). Each entry is checked by
  running it (tests/test_decorator_table.py). An `@overload` gives way to
  the implementation that binds the same name;
- the decorator's own `def`, in the linted module or read in outline from
  another module of the project or an installed library: one that returns
  its argument keeps the kind (also through an alias taken first thing,
  `orig = fn; ...; return orig`, but not once the body rebinds the
  argument, `fn = fn.__wrapped__`); one whose nested plain wrapper returns the
  decorated function's call on every path (`return meth(self, *args)`, as
  asyncpg's `guarded`) keeps it too; one that returns a nested wrapper (by name,
  or through `functools.wraps(fn)(wrapper)`) gives the wrapper's kind; a
  factory (`@retry(times=3)`) returns such a decorator;
- a decorator that can be read nowhere (its module is neither the
  project's, nor installed, nor the standard library's, as under
  pre-commit) is assumed to keep the kind, as pyright assumes of a
  decorator it cannot see, unless its name says it runs or converts the
  function (`run_sync`, `in_thread`, `to_async`, `blocking`...). On the
  real-world corpus this assumption adds no false positive.

Everything else (a class used as a decorator, a wrapper returned any other
way, a decorator the table's libraries have but the table does not list)
leaves the kind unknown, and nothing is reported through it.

Inside a method, the first parameter is the instance whatever decorates
the method (`@mock.patch(...)`, `@pytest.mark.asyncio`, `@retry(...)`),
except under `classmethod` (the class), `staticmethod` and decorators that
make one of them (`declared_attr`, hybrids, class properties): unknown.

Methods reached through `self` (or `cls`) are judged by the project's own
class statements: when none of them names the class among its bases (in
any source file of the project: the folder with pyproject.toml, setup.cfg,
setup.py, tox.ini, pytest.ini or .git above the file), `self` is exactly an
instance of that class, so what its plain methods return is followed
(`stream = self._make_one()`). A class that is subclassed, or one whose
project cannot be read through, is judged only by what every override
keeps (a coroutine function stays one), except for a method no definition
of the project can replace, judged by its own body (below, "Methods no
definition of the project replaces"). A subclass made outside the project
(by a library's user, or by `type(...)` at run time) is not seen.

What a decorated def returns is what its body returns when every
decorator keeps it: one of the table's, or a decorator of the project read
from its def that returns its argument or a wrapper returning the
argument's call (asyncpg's `guarded`), as above for the kind.
"""

from __future__ import annotations

import ast
import collections
from dataclasses import dataclass
from typing import Optional, TypeVar, Union

from flake8_async_tips.kinds import CallableKind

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
T = TypeVar("T")


@dataclass(frozen=True)
class Effect:
    """A map from the decorated function's kind to the kind of what the decorator returns."""

    # None: the kind it is given (it returns its argument, or a wrapper of the same kind).
    makes: Optional[str] = None
    # The only kind it applies to (`@contextmanager` on a generator function); others: unknown.
    only_from: Optional[str] = None

    def apply(self, kind: str) -> str:
        if kind == CallableKind.UNKNOWN or (self.only_from is not None and kind != self.only_from):
            return CallableKind.UNKNOWN
        return kind if self.makes is None else self.makes


KEEPS = Effect()
UNKNOWN = Effect(makes=CallableKind.UNKNOWN)


def apply_all(effects: frozenset[Effect], kind: str) -> str:
    """The kind every possible effect agrees on, else unknown."""
    kinds = {effect.apply(kind) for effect in effects}
    return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN


@dataclass(frozen=True)
class KnownDecorator:
    """A decorator of the table: its effect used bare (`@cache`) and called (`@lru_cache(3)`)."""

    bare: Optional[Effect]
    called: Optional[Effect]


_BOTH_KEEP = KnownDecorator(KEEPS, KEEPS)
_BARE_KEEPS = KnownDecorator(KEEPS, None)
_CALLED_KEEPS = KnownDecorator(None, KEEPS)
_SYNC_STAYS_SYNC = Effect(CallableKind.SYNC_FUNCTION, CallableKind.SYNC_FUNCTION)
# pytest calls fixtures itself; calling one directly fails ("Fixtures are not meant to be called directly").
_FIXTURE = KnownDecorator(UNKNOWN, UNKNOWN)

KNOWN_DECORATORS: dict[str, KnownDecorator] = {
    "builtins.staticmethod": _BARE_KEEPS,
    "builtins.classmethod": _BARE_KEEPS,
    "abc.abstractmethod": _BARE_KEEPS,
    "atexit.register": _BARE_KEEPS,
    # Calling an @overload itself raises NotImplementedError; the implementation that
    # follows it is what the name is bound to (see `runtime_bindings`).
    "typing.overload": KnownDecorator(UNKNOWN, None),
    "typing_extensions.overload": KnownDecorator(UNKNOWN, None),
    "typing.final": _BARE_KEEPS,
    "typing_extensions.final": _BARE_KEEPS,
    "typing.override": _BARE_KEEPS,
    "typing_extensions.override": _BARE_KEEPS,
    "typing.no_type_check": _BARE_KEEPS,
    # A coroutine function's deprecation wrapper returns its coroutine.
    "warnings.deprecated": _CALLED_KEEPS,
    "typing_extensions.deprecated": _CALLED_KEEPS,
    "functools.wraps": _CALLED_KEEPS,
    # The cache wrapper calls the function: a coroutine function's call still makes a coroutine.
    "functools.cache": _BARE_KEEPS,
    "functools.lru_cache": _BOTH_KEEP,
    # An async def stays async under mock.patch since Python 3.8.
    "unittest.mock.patch": _CALLED_KEEPS,
    "unittest.mock.patch.object": _CALLED_KEEPS,
    "unittest.mock.patch.dict": _CALLED_KEEPS,
    "unittest.mock.patch.multiple": _CALLED_KEEPS,
    "contextlib.contextmanager": KnownDecorator(
        Effect(CallableKind.SYNC_CONTEXT_FACTORY, CallableKind.GENERATOR_FUNCTION), None
    ),
    "contextlib.asynccontextmanager": KnownDecorator(
        Effect(CallableKind.ASYNC_CONTEXT_FACTORY, CallableKind.ASYNC_GENERATOR_FUNCTION), None
    ),
    "pytest.fixture": _FIXTURE,
    "pytest_asyncio.fixture": _FIXTURE,
    "trio.lowlevel.enable_ki_protection": _BARE_KEEPS,
    "trio.lowlevel.disable_ki_protection": _BARE_KEEPS,
    # A click command runs its callback synchronously when called.
    # A click command calls its callback and returns what it returns (standalone_mode=False), or exits.
    "click.command": KnownDecorator(_SYNC_STAYS_SYNC, _SYNC_STAYS_SYNC),
    "click.option": _CALLED_KEEPS,
    "click.argument": _CALLED_KEEPS,
    # Inside a click context: the callback called with the context (or its obj) first.
    "click.pass_context": _BARE_KEEPS,
    "click.pass_obj": _BARE_KEEPS,
    # asgiref changes the kind: sync_to_async(f)() makes a coroutine, async_to_sync(f)() runs one.
    "asgiref.sync.sync_to_async": KnownDecorator(
        Effect(CallableKind.COROUTINE_FUNCTION, CallableKind.SYNC_FUNCTION),
        Effect(CallableKind.COROUTINE_FUNCTION, CallableKind.SYNC_FUNCTION),
    ),
    "asgiref.sync.async_to_sync": KnownDecorator(
        Effect(CallableKind.SYNC_FUNCTION, CallableKind.COROUTINE_FUNCTION),
        Effect(CallableKind.SYNC_FUNCTION, CallableKind.COROUTINE_FUNCTION),
    ),
}

# Packages the table speaks for: a decorator of theirs that it does not list is not assumed to keep the kind.
KNOWN_PACKAGES = frozenset(name.partition(".")[0] for name in KNOWN_DECORATORS) - {"builtins"}

# Every mark returns the function it marks (`@pytest.mark.asyncio`, `@pytest.mark.parametrize(...)`).
_KEEPING_PREFIXES = ("pytest.mark.",)

# Names that say a decorator runs a coroutine function or turns a sync one async:
# never assumed to keep the kind.
_KIND_CHANGING_WORDS = (
    "sync", "run", "thread", "blocking", "loop", "await", "coroutine", "task", "fixture", "property",
)


def known_effect(qualified: str, called: bool) -> Optional[Effect]:
    """The table's effect for a decorator by qualified name; None if the table has no answer."""
    entry = KNOWN_DECORATORS.get(qualified)
    if entry is not None:
        effect = entry.called if called else entry.bare
        return UNKNOWN if effect is None else effect
    if qualified.startswith(_KEEPING_PREFIXES):
        return KEEPS
    return None


def may_assume_kept(name: str) -> bool:
    """For a decorator that can be read nowhere: does its name leave room to assume it keeps the kind?"""
    last = name.rpartition(".")[2].lower()
    return not any(word in last for word in _KIND_CHANGING_WORDS)


# --- decorators read from their own def -------------------------------------

ARGUMENT = "argument"  # a return of the decorated function itself


def returned_name(statement: ast.Return) -> Optional[str]:
    """The name a return gives back: `return wrapper`, `return wraps(fn)(wrapper)`, `update_wrapper(wrapper, fn)`."""
    value = statement.value
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Call):
        # functools.wraps(fn)(wrapper): a copy of the metadata onto wrapper, which it returns.
        if name_leaf(value.func.func) == "wraps" and len(value.args) == 1 and isinstance(value.args[0], ast.Name):
            return value.args[0].id
    if isinstance(value, ast.Call) and name_leaf(value.func) == "update_wrapper" and value.args:
        if isinstance(value.args[0], ast.Name):
            return value.args[0].id
    return None


def first_parameter(function: Function) -> Optional[str]:
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0].arg if positional else None


def returned_items(function: Function, returns: list[ast.Return]) -> Optional[list[Union[str, Function]]]:
    """What a def returns, if every return gives back its first parameter or a def nested in it.

    ARGUMENT for the first parameter, the nested def's node otherwise; None
    when any return gives anything else (or there is no return at all).
    """
    if not returns:
        return None
    holding_argument = argument_holders(function)
    nested: dict[str, list[Function]] = {}
    for statement in function.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.setdefault(statement.name, []).append(statement)
    items: list[Union[str, Function]] = []
    for statement in returns:
        name = returned_name(statement)
        if name is None:
            return None
        if name in nested:
            items.extend(nested[name])
        elif name in holding_argument:
            items.append(ARGUMENT)
        else:
            return None
    return items


def argument_holders(function: Function) -> set[str]:
    """The names that certainly hold the first parameter wherever the body returns them.

    The parameter itself, unless the body rebinds it, and an alias taken among
    the first statements (`orig = fn`, before anything could rebind `fn`)
    that nothing rebinds.
    """
    argument = first_parameter(function)
    if argument is None:
        return set()
    stored = collections.Counter(name for node in ast.walk(function) for name in _names_bound_by(node))
    stored[argument] -= 1  # the parameter itself
    holders = set() if stored[argument] else {argument}
    holders.update(alias for alias in leading_aliases(function) if stored[alias] == 1)
    return holders


def leading_aliases(function: Function) -> list[str]:
    """The names bound to the first parameter by the first statements (`orig = fn`), rebound or not."""
    argument = first_parameter(function)
    aliases: list[str] = []
    for statement in function.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Name)
            and statement.value.id == argument
        ):
            break
        aliases.append(statement.targets[0].id)
    return aliases


def _names_bound_by(node: ast.AST) -> list[str]:
    """The names a node binds (counted in nested scopes too, which only makes the answer more careful)."""
    if isinstance(node, ast.Name):
        return [] if isinstance(node.ctx, ast.Load) else [node.id]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.alias):
        return [node.asname or node.name.partition(".")[0]]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.ExceptHandler) or type(node).__name__ in ("MatchAs", "MatchStar"):
        return [node.name] if isinstance(getattr(node, "name", None), str) else []  # type: ignore[attr-defined]
    return []


def returns_argument_call(decorator: Function, wrapper: ast.FunctionDef) -> bool:
    """A plain wrapper whose every `return` calls the decorated function: `return meth(self, *args)`.

    Not a generator, decorated at most by `functools.wraps`, the decorator's
    argument not rebound, and no other return: what calling it makes is what
    calling the decorated function makes.
    """
    argument = first_parameter(decorator)
    if argument is None or argument not in argument_holders(decorator) or not is_plain_wrapper(wrapper):
        return False
    returns: list[ast.Return] = []
    pending: list[ast.AST] = list(wrapper.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            return False
        if isinstance(node, ast.Return):
            returns.append(node)
        pending.extend(ast.iter_child_nodes(node))
    if not returns:
        return False
    for statement in returns:
        call = statement.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == argument):
            return False
    return argument not in _parameter_names(wrapper)


def _parameter_names(function: Function) -> set[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs, arguments.kwarg]
    return {arg.arg for arg in every if arg is not None}


def is_plain_wrapper(function: Function) -> bool:
    """A wrapper whose kind is its own `def`'s: undecorated, or only `@functools.wraps(fn)`."""
    return all(
        isinstance(decorator, ast.Call) and name_leaf(decorator.func) == "wraps"
        for decorator in function.decorator_list
    )


def name_leaf(decorator: ast.expr) -> str:
    """The last name of `name` or `a.b.name`; empty for anything else."""
    if isinstance(decorator, ast.Name):
        return decorator.id
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    return ""


# --- the first parameter of a method -----------------------------------------

# Decorators after which the first parameter is the class, or nothing bound at all.
_NOT_INSTANCE_WORDS = ("classmethod", "static", "class_method", "classproperty",
                       "class_property", "declared_attr", "hybrid", "classattr", "lazyclass")
_CLASS_PARAMETER_NAMES = frozenset({"cls", "klass", "mcs", "mcls", "metacls", "kls"})


def first_parameter_binding(function: Function) -> str:
    """What the first parameter of a function in a class body is bound to: "instance", "class" or "unknown".

    It is the instance whatever decorates the method (`@mock.patch(...)`,
    `@pytest.mark.asyncio`, `@functools.wraps`, `@abc.abstractmethod`,
    `@retry(...)` all pass it on), except after staticmethod, classmethod and
    the decorators that make one of them (sqlalchemy's `declared_attr` and
    hybrids, `classproperty`s).
    """
    leaves = [name_leaf(d.func if isinstance(d, ast.Call) else d).lower() for d in function.decorator_list]
    if not leaves:
        return "instance"
    if leaves == ["classmethod"]:
        return "class"
    if any(word in leaf for leaf in leaves for word in _NOT_INSTANCE_WORDS):
        return "unknown"
    if first_parameter(function) in _CLASS_PARAMETER_NAMES:
        return "unknown"  # named for a class: some decorator may make it one
    return "instance"


def is_overload(function: ast.AST) -> bool:
    return any(name_leaf(decorator) == "overload" for decorator in getattr(function, "decorator_list", ()))


def runtime_bindings(bindings: list[T]) -> list[T]:
    """Without the `@overload` defs, and the defs only type checkers see (`if TYPE_CHECKING:`), when
    another binding of the name remains: at run time that one is what the name holds."""
    if len(bindings) < 2:
        return bindings  # almost every name: nothing to choose between
    kept = [
        binding
        for binding in bindings
        if not is_overload(binding.node) and not binding.for_type_checkers  # type: ignore[attr-defined]
    ]
    return kept if kept and len(kept) < len(bindings) else bindings
