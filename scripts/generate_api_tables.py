"""Write flake8_async_tips/generated_apis.py from the async libraries' own source.

    .genvenv/bin/python scripts/generate_api_tables.py            # every library found
    .genvenv/bin/python scripts/generate_api_tables.py --check    # compare, write nothing

Each library is read with `ast`, never imported: its modules, what their
`__init__`s re-export, its classes with their inherited methods. What is
written is what a call or an instance certainly is at run time:

- coroutine functions and coroutine methods (`trio.Nursery.start`);
- async generator functions and `contextlib` context manager factories,
  written as a factory whose result is a pseudo-class (`httpx.AsyncClient.stream()`);
- sync functions whose every `return` builds one class of the library
  (`aiohttp.ClientSession.get` -> `aiohttp.client._RequestContextManager`);
- classes with the protocols they support (`with`, `async with`, `for`,
  `async for`, `await`), and the other spellings of each class.

Anything whose kind depends on a decorator the script cannot see through, a
metaclass, or a base class outside the library is left out: an entry that is
wrong is a false positive, an entry left out only a missed finding.
tests/test_generated_apis.py checks every entry against the imported library.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib.machinery
import importlib.metadata
import json
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "flake8_async_tips" / "generated_apis.py"


@dataclass(frozen=True)
class Library:
    key: str  # the name the data module files it under
    distribution: Optional[str]  # None: the standard library
    packages: tuple[str, ...]  # top-level packages read
    exported: tuple[str, ...]  # prefixes of the public names written


LIBRARIES = (
    Library("stdlib", None, ("asyncio", "contextlib", "unittest"),
            ("asyncio", "contextlib", "unittest.IsolatedAsyncioTestCase")),
    Library("trio", "trio", ("trio",), ("trio",)),
    Library("anyio", "anyio", ("anyio",), ("anyio",)),
    Library("aiohttp", "aiohttp", ("aiohttp",), ("aiohttp",)),
    Library("aiofiles", "aiofiles", ("aiofiles",), ("aiofiles",)),
    Library("aiofile", "aiofile", ("aiofile",), ("aiofile",)),
    Library("httpx", "httpx", ("httpx",), ("httpx",)),
    Library("httpcore", "httpcore", ("httpcore",), ("httpcore",)),
    Library("asyncpg", "asyncpg", ("asyncpg",), ("asyncpg",)),
    Library("redis", "redis", ("redis",), ("redis.asyncio",)),
    Library("websockets", "websockets", ("websockets",), ("websockets",)),
    Library("motor", "motor", ("motor",), ("motor",)),
    Library("aiosqlite", "aiosqlite", ("aiosqlite",), ("aiosqlite",)),
    Library("starlette", "starlette", ("starlette",), ("starlette",)),
    Library("sqlalchemy", "SQLAlchemy", ("sqlalchemy",), ("sqlalchemy.ext.asyncio",)),
    Library("pytest_asyncio", "pytest-asyncio", ("pytest_asyncio",), ("pytest_asyncio",)),
)

# Decorators outside the libraries that leave a function's kind as it is.
KIND_PRESERVING = frozenset(
    {
        "abc.abstractmethod",
        "typing.final", "typing_extensions.final",
        "typing.override", "typing_extensions.override",
        "typing.no_type_check",
        "builtins.staticmethod", "builtins.classmethod",
    }
)
OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
CONTEXT_FACTORIES = {"contextlib.asynccontextmanager": "async", "contextlib.contextmanager": "sync"}
# Class decorators that keep the class's attributes (they may add some, none of the protocol ones).
CLASS_PRESERVING = frozenset(
    {
        "typing.final", "typing_extensions.final", "typing.runtime_checkable", "typing_extensions.runtime_checkable",
        "dataclasses.dataclass", "attr.s", "attr.define", "attr.frozen", "attrs.define", "attrs.frozen",
        "attr.attrs", "attrs.mutable", "functools.total_ordering",
    }
)
# Metaclasses that change neither attribute lookup nor what instances define.
METACLASSES = frozenset({"abc.ABCMeta"})
# What a metaclass defines to change a class's attributes or an instance's. (`__instancecheck__` and
# `__subclasscheck__` change what isinstance() answers, not what a class or its instances have:
# asyncpg's ConnectionMeta defines only that.)
METACLASS_HOOKS = frozenset(
    {"__new__", "__init__", "__prepare__", "__getattr__", "__getattribute__", "__setattr__", "__init_subclass__",
     "__dir__", "mro"}
)
# Bases outside the libraries, and the protocol methods they give their subclasses.
EXTERNAL_BASES = {
    "builtins.object": frozenset(),
    "builtins.Exception": frozenset(),
    "builtins.BaseException": frozenset(),
    "builtins.RuntimeError": frozenset(),
    "builtins.ValueError": frozenset(),
    "builtins.TypeError": frozenset(),
    "builtins.OSError": frozenset(),
    "builtins.ConnectionError": frozenset(),
    "typing.Generic": frozenset(),
    "typing.Protocol": frozenset(),
    "typing_extensions.Protocol": frozenset(),
    "abc.ABC": frozenset(),
    "typing.Coroutine": frozenset({"__await__", "send", "throw", "close"}),
    "collections.abc.Coroutine": frozenset({"__await__", "send", "throw", "close"}),
    "typing.AsyncIterator": frozenset({"__aiter__", "__anext__"}),
    "collections.abc.AsyncIterator": frozenset({"__aiter__", "__anext__"}),
    "typing.AsyncIterable": frozenset({"__aiter__"}),
    "collections.abc.AsyncIterable": frozenset({"__aiter__"}),
    "typing.Awaitable": frozenset({"__await__"}),
    "collections.abc.Awaitable": frozenset({"__await__"}),
    "typing.AsyncContextManager": frozenset({"__aenter__", "__aexit__"}),
    "contextlib.AbstractAsyncContextManager": frozenset({"__aenter__", "__aexit__"}),
    "contextlib.AbstractContextManager": frozenset({"__enter__", "__exit__"}),
    # websockets' asyncio `Connection(asyncio.Protocol)`: the transport callbacks, all sync.
    **{
        f"asyncio.{name}": frozenset(
            {"connection_made", "connection_lost", "pause_writing", "resume_writing"}
            | ({"data_received", "eof_received"} if name == "Protocol" else set())
        )
        for name in ("BaseProtocol", "Protocol")
    },
    "typing.ContextManager": frozenset({"__enter__", "__exit__"}),
    # aiohttp's `BaseRequest(MutableMapping[str, Any], HeadersMixin)`: a mapping iterates its keys.
    **{
        f"{module}.{name}": frozenset({"__iter__"})
        for module in ("typing", "collections.abc")
        for name in ("Mapping", "MutableMapping")
    },
    # starlette's `HTTPConnection(Mapping[str, Any], Generic[StateT])`: plain sync members only.
    **{
        f"{module}.Mapping": frozenset(
            {"__contains__", "__getitem__", "__iter__", "__len__", "get", "items", "keys", "values"}
        )
        for module in ("typing", "collections.abc")
    },
}
# What a module may set on its classes without changing what they do.
NAMING_ATTRIBUTES = frozenset({"__module__", "__qualname__", "__name__", "__doc__"})
PROTOCOL_METHODS = ("__enter__", "__exit__", "__aenter__", "__aexit__", "__iter__", "__getitem__", "__aiter__",
                    "__await__")
MAX_DEPTH = 30


# --- what the source binds ----------------------------------------------------

@dataclass
class Function:
    node: Union[ast.FunctionDef, ast.AsyncFunctionDef]
    module: "Module"
    qualname: str
    decorators: tuple[str, ...]  # resolved names; "?" for one that is not a plain name


@dataclass
class Class:
    node: ast.ClassDef
    module: "Module"
    qualname: str
    members: dict[str, list["Bound"]] = field(default_factory=dict)
    # `self.name = ...` in any method: an instance attribute that hides a method of that name.
    instance_attributes: set[str] = field(default_factory=set)

    @property
    def definition_name(self) -> str:
        return f"{self.module.name}.{self.qualname}"


@dataclass(frozen=True)
class Imported:
    target: str  # a qualified name: module.attribute or a module


@dataclass(frozen=True)
class Alias:
    local: str  # another name of the same namespace
    # What that name was bound to when the alias was made: `sync_open = open` before `def open`
    # is the builtin; empty when it was not bound in this namespace yet.
    snapshot: tuple = field(default=(), compare=False)


class Unknown:
    """A binding whose value the script does not work out."""


Bound = Union[Function, Class, Imported, Alias, Unknown]
# What a name resolves to: a definition or module of the libraries read, an outside name, or None.
Resolved = Union[Function, Class, "Module", str, None]
UNKNOWN = Unknown()


def _is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` and `if ... and TYPE_CHECKING:` bodies never run."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_is_type_checking(value) for value in test.values)
    return False


def _dotted(expr: ast.expr) -> Optional[str]:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        inner = _dotted(expr.value)
        return None if inner is None else f"{inner}.{expr.attr}"
    return None


class Module:
    def __init__(self, name: str, path: Path, is_package: bool, world: "World") -> None:
        self.name = name
        self.path = path
        self.is_package = is_package
        self.world = world
        self.bindings: dict[str, list[Bound]] = {}
        self.star_imports: list[str] = []
        self.all_names: Optional[list[str]] = None
        # Module-level names whose attributes code outside the class body changes (`setattr(Cls, ...)`).
        self.patched: dict[str, set[str]] = {}
        tree = ast.parse(path.read_bytes(), filename=str(path))
        self._collect(tree.body, self.bindings, None, star=True)
        for statement in tree.body:
            self._find_patches(statement)

    def _find_patches(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            if node.args and isinstance(node.args[0], ast.Name):
                self.patched.setdefault(node.args[0].id, set()).add("*")
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if isinstance(node.value, ast.Name):
                self.patched.setdefault(node.value.id, set()).add(node.attr)
            elif isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name):
                self.patched.setdefault(node.value.value.id, set()).add("*")  # `Cls.__dict__...`, `Cls.method.x`
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = node.value
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if isinstance(root, ast.Name):
                self.patched.setdefault(root.id, set()).add("*")
        for child in ast.iter_child_nodes(node):
            self._find_patches(child)

    # Absolute module of a relative import.
    def _absolute(self, level: int, module: Optional[str]) -> str:
        if level == 0:
            return module or ""
        parts = self.name.split(".")
        base = parts if self.is_package else parts[:-1]
        base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def _collect(self, body: list[ast.stmt], into: dict[str, list[Bound]], owner: Optional[Class], star: bool) -> None:
        for statement in body:
            self._statement(statement, into, owner, star)

    def _add(self, into: dict[str, list[Bound]], name: str, bound: Bound) -> None:
        into.setdefault(name, []).append(bound)

    def _statement(self, node: ast.stmt, into: dict[str, list[Bound]], owner: Optional[Class], star: bool) -> None:
        prefix = "" if owner is None else owner.qualname + "."
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = tuple(self.world.decorator_name(self, d) for d in node.decorator_list)
            self._add(into, node.name, Function(node, self, prefix + node.name, decorators))
        elif isinstance(node, ast.ClassDef):
            cls = Class(node, self, prefix + node.name)
            self._collect(node.body, cls.members, cls, star=False)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Attribute) and isinstance(inner.ctx, ast.Store):
                    if isinstance(inner.value, ast.Name) and inner.value.id == "self":
                        cls.instance_attributes.add(inner.attr)
                elif isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "setattr":
                    cls.instance_attributes.add("*")  # any name at all
            self._add(into, node.name, cls)
        elif isinstance(node, ast.Import) and owner is None:
            for alias in node.names:
                if alias.asname:
                    self._add(into, alias.asname, Imported(alias.name))
                else:
                    top = alias.name.partition(".")[0]
                    self._add(into, top, Imported(top))
        elif isinstance(node, ast.ImportFrom) and owner is None:
            source = self._absolute(node.level, node.module)
            for alias in node.names:
                if alias.name == "*":
                    if star:
                        self.star_imports.append(source)
                    continue
                self._add(into, alias.asname or alias.name, Imported(f"{source}.{alias.name}"))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            subscripted = isinstance(value, ast.Subscript) and isinstance(value.value, (ast.Name, ast.Attribute))
            if subscripted and owner is None:
                # `_RequestContextManager = _BaseRequestContextManager[ClientResponse]`: calling the alias
                # builds the class subscripted, whose attributes the alias also gives.
                value = value.value
            for target in targets:
                if isinstance(target, ast.Name):
                    if target.id == "__all__" and owner is None:
                        self._record_all(node)
                    if isinstance(node, ast.AnnAssign) and value is None:
                        continue  # an annotation binds nothing
                    if isinstance(value, ast.Name) and not isinstance(node, ast.AugAssign):
                        self._add(into, target.id, Alias(value.id, tuple(into.get(value.id, ()))))
                    elif isinstance(value, ast.Attribute) and not isinstance(node, ast.AugAssign) and owner is None:
                        dotted = _dotted(value)
                        self._add(into, target.id, Imported(dotted) if dotted else UNKNOWN)
                    else:
                        self._add(into, target.id, UNKNOWN)
                elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
                    for name_node in ast.walk(target):
                        if isinstance(name_node, ast.Name) and isinstance(name_node.ctx, ast.Store):
                            self._add(into, name_node.id, UNKNOWN)
                # `Cls.attr = ...` rebinds no name: _find_patches notes it.
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                self._collect(node.body, into, owner, star)
            self._collect(node.orelse, into, owner, star)
        elif isinstance(node, ast.Try) or (sys.version_info >= (3, 11) and isinstance(node, ast.TryStar)):
            self._collect(node.body, into, owner, star)
            for handler in node.handlers:
                if handler.name:
                    self._add(into, handler.name, UNKNOWN)
                self._collect(handler.body, into, owner, star)
            self._collect(node.orelse, into, owner, star)
            self._collect(node.finalbody, into, owner, star)
        elif isinstance(node, (ast.For, ast.While, ast.With, ast.AsyncWith, ast.AsyncFor)):
            # Whatever a loop or a with block binds is not worked out.
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    self._add(into, inner.id, UNKNOWN)
                elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self._add(into, inner.name, UNKNOWN)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self._add(into, target.id, UNKNOWN)
        elif isinstance(node, ast.Expr) and owner is None:
            # `__all__.extend([...])` / `.append(...)`: the list is no longer the literal.
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                if _dotted(call.func.value) == "__all__":
                    self.all_names = None
        # Any other statement binds nothing at this level; walrus targets inside expressions are rare
        # enough in library namespaces to be caught by the import-based test.
        for inner in ast.walk(node):
            if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                self._add(into, inner.target.id, UNKNOWN)
            elif isinstance(inner, ast.Global):
                for name in inner.names:
                    self.world.globals_rebound.add(f"{self.name}.{name}")

    def _record_all(self, node: ast.stmt) -> None:
        value = getattr(node, "value", None)
        names = self._literal_names(value)
        if isinstance(node, ast.AugAssign):
            self.all_names = None if names is None or self.all_names is None else [*self.all_names, *names]
        else:
            self.all_names = names

    def _literal_names(self, value: Optional[ast.expr]) -> Optional[list[str]]:
        if isinstance(value, (ast.List, ast.Tuple)):
            if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
                return [e.value for e in value.elts]  # type: ignore[union-attr]
        return None


class World:
    """Every module of the libraries read, and name resolution across them."""

    def __init__(self, roots: dict[str, Path]) -> None:
        self.modules: dict[str, Module] = {}
        self.globals_rebound: set[str] = set()
        self._resolving: set[str] = set()
        self._decorator_names: dict[int, str] = {}
        self._pending: list[tuple[str, Path, bool]] = []
        for top, path in roots.items():
            self._discover(top, path)
        for name, path, is_package in self._pending:
            self.modules[name] = Module(name, path, is_package, self)

    def _discover(self, top: str, path: Path) -> None:
        if path.is_file():
            self._pending.append((top, path, False))
            return
        for file in sorted(path.rglob("*.py")):
            relative = file.relative_to(path.parent).with_suffix("")
            parts = list(relative.parts)
            if not all(part.isidentifier() for part in parts):
                continue
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            if not (file.parent / "__init__.py").exists() and not is_package:
                continue
            self._pending.append((".".join(parts), file, is_package))

    def decorator_name(self, module: Module, node: ast.expr) -> str:
        """`module:dotted` for a plain decorator, `module:dotted()` for a call of one, "?" otherwise."""
        if isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            return f"{module.name}:{dotted}()" if dotted else "?"
        dotted = _dotted(node)
        return f"{module.name}:{dotted}" if dotted else "?"

    # A name in a module -> what it is bound to, following imports and aliases.
    def resolve(self, qualified: str, depth: int = 0) -> Union[Function, Class, Module, str, None]:
        """A Function/Class/Module of the libraries, an outside name (str), or None when not certain."""
        if depth > MAX_DEPTH or qualified in self.globals_rebound:
            return None
        if qualified in self.modules:
            return self.modules[qualified]
        module_name, _, attribute = qualified.rpartition(".")
        if not module_name:
            # A top-level module outside the libraries read: named, not followed.
            return qualified
        owner = self.resolve(module_name, depth + 1)
        if isinstance(owner, Module):
            return self._module_attribute(owner, attribute, depth + 1)
        if isinstance(owner, Class):
            return None
        if isinstance(owner, str):
            return f"{owner}.{attribute}"
        return None

    def _module_attribute(self, module: Module, attribute: str, depth: int) -> Resolved:
        if f"{module.name}.{attribute}" in self.modules and attribute not in module.bindings:
            return self.modules[f"{module.name}.{attribute}"]
        bound = module.bindings.get(attribute)
        if bound is None:
            for source in module.star_imports:
                star = self.resolve(source, depth + 1)
                if isinstance(star, Module) and attribute in self.public_names(star):
                    return self._module_attribute(star, attribute, depth + 1)
                if not isinstance(star, Module):
                    return None  # a star import from outside: anything may come from it
            return None
        return self._agreeing(module, module.bindings, attribute, depth)

    def _agreeing(self, module: Module, namespace: dict[str, list[Bound]], name: str, depth: int):
        """Every binding of the name must give the same thing."""
        found = []
        for bound in self.runtime_bindings(namespace.get(name, ())):
            if isinstance(bound, Unknown):
                return None
            if isinstance(bound, Imported):
                found.append(self.resolve(bound.target, depth + 1))
            elif isinstance(bound, Alias):
                if namespace is not module.bindings:
                    return None  # class-level aliases are handled by the class model
                if bound.snapshot:
                    found.append(self._agreeing(module, {bound.local: list(bound.snapshot)}, bound.local, depth + 1))
                elif hasattr(builtins, bound.local) and bound.local not in module.star_imports:
                    found.append(f"builtins.{bound.local}")
                else:
                    return None
            else:
                found.append(bound)
        if not found or any(item is None for item in found):
            return None
        first = found[0]
        return first if all(_same(item, first) for item in found) else None

    def runtime_bindings(self, bindings) -> list[Bound]:
        """The bindings that exist when the code runs: `@overload` stubs are replaced by what follows them."""
        return [b for b in bindings if not (isinstance(b, Function) and any(
            _is_name_in(self.decorator_target(d), OVERLOAD) for d in b.decorators if d != "?"))]

    def public_names(self, module: Module) -> list[str]:
        if module.all_names is not None:
            return module.all_names
        names = [name for name in module.bindings if not name.startswith("_")]
        for source in module.star_imports:
            star = self.modules.get(source)
            if star is not None and star is not module:
                names.extend(self.public_names(star))
        return names

    def resolve_expr(self, module: Module, expr: ast.expr) -> Union[Function, Class, Module, str, None]:
        if isinstance(expr, ast.Subscript):
            expr = expr.value  # Generic[T], Base[Item]: the class subscripted
        dotted = _dotted(expr)
        if dotted is None:
            return None
        first, _, rest = dotted.partition(".")
        if first in module.bindings or any(first in self.public_names(m) for m in self._star_modules(module)):
            target = self._module_attribute(module, first, 0)
        elif hasattr(builtins, first):
            target = f"builtins.{first}"
        else:
            return None
        for attribute in rest.split(".") if rest else ():
            if isinstance(target, Module):
                target = self._module_attribute(target, attribute, 0)
            elif isinstance(target, str):
                target = f"{target}.{attribute}"
            else:
                return None
        return target

    def _star_modules(self, module: Module) -> list[Module]:
        return [self.modules[source] for source in module.star_imports if source in self.modules]

    def decorator_target(self, spelled: str) -> Union[Function, Class, Module, str, None]:
        module_name, _, dotted = spelled.partition(":")
        if dotted.endswith("()"):
            # Only class decorator factories whose every call keeps the class: attrs.define(...), dataclass(...).
            target = self.resolve_expr(self.modules[module_name], ast.parse(dotted[:-2], mode="eval").body)
            return f"{target}()" if isinstance(target, str) else None
        module = self.modules[module_name]
        return self.resolve_expr(module, ast.parse(dotted, mode="eval").body)


def _is_name_in(target: object, names: frozenset[str]) -> bool:
    return isinstance(target, str) and target in names


def _same(a: object, b: object) -> bool:
    if isinstance(a, (Function, Class)) and isinstance(b, (Function, Class)):
        return a.node is b.node
    return a is b or a == b


# --- what each definition is -------------------------------------------------

def _returns(function: ast.AST) -> list[ast.Return]:
    found: list[ast.Return] = []
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _yields(function: ast.AST) -> bool:
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


class Kinds:
    COROUTINE = "coroutine function"
    ASYNC_GENERATOR = "async generator function"
    ASYNC_CONTEXT_FACTORY = "async context manager factory"
    SYNC_CONTEXT_FACTORY = "context manager factory"
    SYNC = "function"
    GENERATOR = "generator function"


class Analysis:
    def __init__(self, world: World) -> None:
        self.world = world
        self._identity: dict[int, bool] = {}

    def returns_its_argument(self, function: Function) -> bool:
        """A library decorator that hands back the function it was given (trio's enable_ki_protection)."""
        node = function.node
        if id(node) in self._identity:
            return self._identity[id(node)]
        result = False
        positional = [*node.args.posonlyargs, *node.args.args]
        if isinstance(node, ast.FunctionDef) and not node.decorator_list and len(positional) == 1 \
                and not _yields(node):
            parameter = positional[0].arg
            stores: dict[str, int] = {}
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    stores[inner.id] = stores.get(inner.id, 0) + 1
            # Names that certainly hold the argument: the parameter if never rebound, and names bound once,
            # by a leading `orig = f`, before anything can rebind the parameter (trio's enable_ki_protection).
            holders = set() if parameter in stores else {parameter}
            for statement in node.body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    continue  # the docstring
                if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                        and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Name)
                        and statement.value.id == parameter):
                    break
                copy = statement.targets[0].id
                if stores.get(copy) == 1:
                    holders.add(copy)
            returns = _returns(node)
            result = bool(holders) and bool(returns) and all(
                self._hands_back(function.module, r.value, holders) for r in returns
            )
            for inner in ast.walk(node):
                # `decorated.__init_subclass__ = ...` (trio's final) keeps the protocols; other stores may not.
                if isinstance(inner, ast.Attribute) and isinstance(inner.ctx, (ast.Store, ast.Del)):
                    if not (isinstance(inner.value, ast.Name) and inner.value.id in holders | {parameter}
                            and inner.attr.startswith("__") and inner.attr not in PROTOCOL_METHODS):
                        result = False
        self._identity[id(node)] = result
        return result

    def _hands_back(self, module: Module, value: Optional[ast.expr], holders: set[str]) -> bool:
        """`return fn`, or `return typing.final(fn)`: the argument itself."""
        if isinstance(value, ast.Name):
            return value.id in holders
        if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords:
            target = self.world.resolve_expr(module, value.func)
            return isinstance(target, str) and target in KIND_PRESERVING | CLASS_PRESERVING \
                and self._hands_back(module, value.args[0], holders)
        return False

    def function_kind(self, function: Function) -> Optional[str]:
        """What calling it makes; None when a decorator hides it."""
        node = function.node
        made: Optional[str] = None
        for spelled in function.decorators:
            if spelled == "?":
                return None
            target = self.world.decorator_target(spelled)
            if isinstance(target, str) and target in KIND_PRESERVING:
                continue
            if isinstance(target, str) and target in CONTEXT_FACTORIES:
                if len(function.decorators) != 1 or not _yields(node):
                    return None
                made = Kinds.ASYNC_CONTEXT_FACTORY if CONTEXT_FACTORIES[target] == "async" \
                    else Kinds.SYNC_CONTEXT_FACTORY
                if (made == Kinds.ASYNC_CONTEXT_FACTORY) != isinstance(node, ast.AsyncFunctionDef):
                    return None
                continue
            if isinstance(target, Function) and self.returns_its_argument(target):
                continue
            return None
        if made is not None:
            return made
        generator = _yields(node)
        if isinstance(node, ast.AsyncFunctionDef):
            return Kinds.ASYNC_GENERATOR if generator else Kinds.COROUTINE
        return Kinds.GENERATOR if generator else Kinds.SYNC

    # Classes --------------------------------------------------------------------
    def class_usable(self, cls: Class) -> bool:
        if "." not in cls.qualname and cls.module.patched.get(cls.node.name, set()) - NAMING_ATTRIBUTES:
            return False
        for decorator in cls.node.decorator_list:
            spelled = self.world.decorator_name(cls.module, decorator)
            if spelled == "?":
                return False
            target = self.world.decorator_target(spelled)
            if isinstance(target, str) and target.removesuffix("()") in CLASS_PRESERVING:
                continue
            if isinstance(target, Function) and self.returns_its_argument(target):
                continue
            return False
        for keyword in cls.node.keywords:
            if keyword.arg != "metaclass":
                return False
            target = self.world.resolve_expr(cls.module, keyword.value)
            if not self._harmless_metaclass(target):
                return False
        return True

    def _harmless_metaclass(self, target: object, depth: int = 0) -> bool:
        """ABCMeta, or a library metaclass that only refuses construction (trio's NoPublicConstructor)."""
        if isinstance(target, str):
            return target in METACLASSES or target == "builtins.type"
        if not isinstance(target, Class) or depth > MAX_DEPTH or not self.class_usable(target):
            return False
        if set(target.members) & METACLASS_HOOKS:
            return False
        return all(self._harmless_metaclass(self.world.resolve_expr(target.module, base), depth + 1)
                   for base in target.node.bases)

    def mro(self, cls: Class, depth: int = 0) -> Optional[list[Union[Class, str]]]:
        """C3 linearization over the library's classes; outside bases must be known harmless. None if not."""
        if depth > MAX_DEPTH or not self.class_usable(cls):
            return None
        sequences: list[list[Union[Class, str]]] = []
        bases: list[Union[Class, str]] = []
        for base in cls.node.bases:
            target = self.world.resolve_expr(cls.module, base)
            if isinstance(target, Class):
                linear = self.mro(target, depth + 1)
                if linear is None:
                    return None
                sequences.append(linear)
                bases.append(target)
            elif isinstance(target, str) and target in EXTERNAL_BASES:
                sequences.append([target, "builtins.object"] if target != "builtins.object" else [target])
                bases.append(target)
            else:
                return None
        if not bases:
            return [cls, "builtins.object"]
        sequences.append(bases)
        result: list[Union[Class, str]] = [cls]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                return result
            for sequence in sequences:
                head = sequence[0]
                if not any(_contains(other[1:], head) for other in sequences):
                    break
            else:
                return None  # no consistent order: Python would refuse the class
            result.append(head)
            sequences = [s[1:] if _same_base(s[0], head) else s for s in sequences]

    def member(self, cls: Class, name: str, mro: list[Union[Class, str]]) -> tuple[bool, Optional[Bound]]:
        """(found, binding) along the MRO; found with None when some class binds it in a way not worked out."""
        for entry in mro:
            if isinstance(entry, str):
                if name in EXTERNAL_BASES.get(entry, frozenset()):
                    return True, None
                continue
            bound = entry.members.get(name)
            if bound:
                real = self.world.runtime_bindings(bound)
                if len(real) != 1:
                    return True, None
                (only,) = real
                if isinstance(only, Alias):
                    # A class body sees its own names bound so far, then the module's: not the bases.
                    earlier = self.world.runtime_bindings(only.snapshot)
                    return (True, earlier[0]) if len(earlier) == 1 and isinstance(earlier[0], Function) \
                        else (True, None)
                return True, only
        return False, None


def _same_base(a: object, b: object) -> bool:
    return a is b or (isinstance(a, str) and a == b)


def _contains(sequence: list, item: object) -> bool:
    return any(_same_base(entry, item) for entry in sequence)


# --- the tables --------------------------------------------------------------

def _is_public(name: str) -> bool:
    return all(not part.startswith("_") for part in name.split("."))


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


# Modules of one platform's classes: what the other platform's class has is not read.
PLATFORM_MODULES = frozenset({"asyncio.unix_events", "asyncio.windows_events", "asyncio.windows_utils"})


def _mangled(name: str, class_name: str) -> str:
    """`__writer` in `class ClientRequest` is `_ClientRequest__writer` at run time."""
    if name.startswith("__") and not name.endswith("__") and class_name.strip("_"):
        return f"_{class_name.lstrip('_')}{name}"
    return name


def _slots_and_annotations(node: ast.ClassDef) -> set[str]:
    """The names a class body declares without binding them: `__slots__` entries, `x: int`."""
    found: set[str] = set()
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            found.add(statement.target.id)
        elif isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__slots__" for target in statement.targets
        ):
            value = statement.value
            items = value.elts if isinstance(value, (ast.Tuple, ast.List, ast.Set)) else [value]
            found.update(item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str))
    return found


def _returns_self(function: Function) -> bool:
    node = function.node
    positional = [*node.args.posonlyargs, *node.args.args]
    if not positional:
        return False
    returns = _returns(node)
    return bool(returns) and all(isinstance(r.value, ast.Name) and r.value.id == positional[0].arg for r in returns)


def generate(library: Library, world: World) -> dict:
    analysis = Analysis(world)
    functions: dict[str, tuple[str, Function]] = {}  # public name -> kind, definition
    classes: dict[str, Class] = {}  # public name -> class
    for module in world.modules.values():
        if not _is_public(module.name) or not _under(module.name, tuple(p.split(".")[0] for p in library.exported)):
            continue
        names = set(world.public_names(module)) | {n for n in module.bindings if not n.startswith("_")}
        for name in sorted(names):
            qualified = f"{module.name}.{name}"
            if not _under(qualified, library.exported):
                continue
            target = world._module_attribute(module, name, 0)
            if isinstance(target, Function) and "." not in target.qualname:
                kind = analysis.function_kind(target)
                if kind is not None:
                    functions[qualified] = (kind, target)
            elif isinstance(target, Class) and "." not in target.qualname:
                classes[qualified] = target

    # One public name per class: the shortest, then the first in order.
    spellings: dict[int, list[str]] = {}
    for name, cls in classes.items():
        spellings.setdefault(id(cls.node), []).append(name)
    canonical: dict[int, str] = {key: min(names, key=lambda n: (n.count("."), len(n), n))
                                 for key, names in spellings.items()}
    by_node = {id(cls.node): cls for cls in classes.values()}

    coroutine_functions: set[str] = set()
    factory_results: dict[str, str] = {}
    context_managers: dict[str, list[str]] = {}
    iterables: dict[str, list[str]] = {}
    awaitables: set[str] = set()
    class_names: set[str] = set()
    class_aliases: dict[str, str] = {}
    entered_as: dict[str, str] = {}
    members: dict[str, str] = {}
    result_classes: dict[int, Class] = {}

    def record_kind(name: str, kind: str, function: Optional[Function]) -> None:
        if kind == Kinds.COROUTINE:
            coroutine_functions.add(name)
        elif kind == Kinds.ASYNC_GENERATOR:
            factory_results[name] = f"{name}()"
            iterables[f"{name}()"] = ["async"]
        elif kind == Kinds.ASYNC_CONTEXT_FACTORY:
            factory_results[name] = f"{name}()"
            context_managers[f"{name}()"] = ["async"]
        elif kind == Kinds.SYNC_CONTEXT_FACTORY:
            factory_results[name] = f"{name}()"
            context_managers[f"{name}()"] = ["sync"]
        elif kind == Kinds.SYNC and function is not None:
            made = _built_class(world, function)
            if made is not None:
                result_classes[id(made.node)] = made
                factory_results[name] = id(made.node)  # type: ignore[assignment]  # named below

    for name, (kind, function) in functions.items():
        record_kind(name, kind, function)

    def describe_class(cls: Class, public: str) -> bool:
        """Write the class's methods and protocols; True when it has anything async."""
        mro = analysis.mro(cls)
        interesting = False
        member_names: set[str] = set()
        for entry in mro or [cls]:
            if isinstance(entry, Class):
                member_names |= set(entry.members)
        for member in sorted(member_names if mro is not None else ()):
            # Without a complete MRO no method is certain: a base not read may override it,
            # a metaclass or a patch change it.
            if member.startswith("_") and member not in ("__aenter__", "__aexit__", "__anext__"):
                continue
            if any(isinstance(e, Class) and (member in e.instance_attributes or "*" in e.instance_attributes)
                   for e in mro):
                continue
            _, bound = analysis.member(cls, member, mro)
            if not isinstance(bound, Function):
                continue
            kind = analysis.function_kind(bound)
            if kind is None or kind == Kinds.GENERATOR:
                continue
            if not _plain_method(bound):
                continue
            before = len(coroutine_functions) + len(factory_results)
            record_kind(f"{public}.{member}", kind, bound)
            interesting |= len(coroutine_functions) + len(factory_results) != before
        if mro is not None:
            # Every name the class and its bases define or store on instances: a subclass of it in
            # user code looks up a name the class does not have in its own body only (`self.closed`).
            names: set[str] = set()
            for entry in mro:
                if isinstance(entry, Class):
                    own = set(entry.members) | entry.instance_attributes | _slots_and_annotations(entry.node)
                    names |= {_mangled(name, entry.node.name) for name in own}
                else:
                    names |= EXTERNAL_BASES.get(entry, frozenset())
            platform_only = any(isinstance(entry, Class) and entry.module.name in PLATFORM_MODULES for entry in mro)
            if "*" not in names and not names & {"__getattr__", "__getattribute__"} and not platform_only:
                members[public] = " ".join(sorted(names))
            defined = {m: analysis.member(cls, m, mro)[0] for m in PROTOCOL_METHODS}
            raising = {m for m in PROTOCOL_METHODS if defined[m] and _only_raises(analysis.member(cls, m, mro)[1])}
            usable = {m for m in PROTOCOL_METHODS if defined[m] and m not in raising}
            cm = []
            if {"__enter__", "__exit__"} <= usable:
                cm.append("sync")
            if {"__aenter__", "__aexit__"} <= usable:
                cm.append("async")
            if cm and not (defined["__enter__"] and "sync" not in cm and "__enter__" not in raising) \
                    and not (defined["__aenter__"] and "async" not in cm and "__aenter__" not in raising):
                context_managers[public] = cm
                interesting |= "async" in cm
            it = []
            if "__iter__" in usable or "__getitem__" in usable:
                it.append("sync")
            if "__aiter__" in usable:
                it.append("async")
            if it and not ((defined["__iter__"] or defined["__getitem__"]) and "sync" not in it) \
                    and not (defined["__aiter__"] and "async" not in it):
                iterables[public] = it
                interesting |= "async" in it
            if "__await__" in usable:
                awaitables.add(public)
                interesting = True
            enters = [analysis.member(cls, m, mro)[1] for m in ("__enter__", "__aenter__") if m in usable]
            if enters and all(isinstance(e, Function) and _returns_self(e) for e in enters):
                entered_as[public] = public
            elif len(enters) == 1 and isinstance(enters[0], Function):
                # `async def __aenter__(self) -> ClientConnection: return await self`: what its annotation names.
                entered = _annotated_class(world, enters[0])
                if entered is not None:
                    entered_as[public] = id(entered.node)  # type: ignore[assignment]  # named below
                    result_classes.setdefault(id(entered.node), entered)
        return interesting

    for key, public in sorted(canonical.items(), key=lambda item: item[1]):
        cls = by_node[key]
        if describe_class(cls, public):
            class_names.add(public)
            for other in sorted(set(spellings[key]) | {cls.definition_name}):
                if other != public:
                    class_aliases[other] = public
        else:
            entered_as.pop(public, None)
    # Classes that only factories return or entering gives (aiohttp's _RequestContextManager): named
    # where defined. Describing one may name another.
    pending = [key for key in result_classes if key not in canonical]
    while pending:
        key = pending.pop()
        if key in canonical:
            continue
        cls = result_classes[key]
        describe_class(cls, cls.definition_name)
        canonical[key] = cls.definition_name
        pending.extend(other for other in result_classes if other not in canonical)
    for name, value in list(entered_as.items()):
        if isinstance(value, int):
            entered_as[name] = canonical[value]
    for name, value in list(factory_results.items()):
        if isinstance(value, int):
            target = canonical[value]
            if target in context_managers or target in iterables or target in awaitables:
                factory_results[name] = target
            else:
                del factory_results[name]
    return {
        "version": library_version(library),
        "coroutine_functions": sorted(coroutine_functions),
        "factory_results": dict(sorted(factory_results.items())),
        "classes": sorted(class_names),
        "class_aliases": dict(sorted(class_aliases.items())),
        "context_managers": {k: v for k, v in sorted(context_managers.items())},
        "iterables": {k: v for k, v in sorted(iterables.items())},
        "awaitables": sorted(awaitables),
        "entered_as": dict(sorted((k, v) for k, v in entered_as.items() if k in class_names)),
        "members": dict(sorted((k, v) for k, v in members.items() if k in class_names)),
    }


def _plain_method(function: Function) -> bool:
    """A method called through an instance: no property, no decorator that makes a value of it."""
    for spelled in function.decorators:
        target = function.module.world.decorator_target(spelled)
        if isinstance(target, str) and target in ("builtins.property", "functools.cached_property"):
            return False
    return True


def _only_raises(bound: Optional[Bound]) -> bool:
    """`def __enter__(self): raise RuntimeError("use 'async with'")`: present, but no support."""
    if not isinstance(bound, Function):
        return False
    body = list(bound.node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _built_class(world: World, function: Function) -> Optional[Class]:
    """The one library class every `return` of a sync function builds, if there is one."""
    returns = _returns(function.node)
    if not returns or _yields(function.node):
        return None
    made: Optional[Class] = None
    for statement in returns:
        value = statement.value
        if not isinstance(value, ast.Call):
            return None
        target = world.resolve_expr(function.module, value.func)
        if not isinstance(target, Class) or (made is not None and made.node is not target.node):
            return None
        if "." in target.qualname:
            return None
        made = target
    # Every path must end in a return: a function that can fall off its end returns None.
    if not _always_returns(function.node.body):
        return None
    return made


def _annotated_class(world: World, function: Function) -> Optional[Class]:
    """The library class a method's return annotation names (`-> ClientConnection`), if it always returns."""
    returns = function.node.returns
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        try:
            returns = ast.parse(returns.value, mode="eval").body
        except SyntaxError:
            return None
    if returns is None or _yields(function.node) or not _always_returns(function.node.body):
        return None
    target = world.resolve_expr(function.module, returns)
    if not isinstance(target, Class) or "." in target.qualname:
        return None
    return target


def _always_returns(body: list[ast.stmt]) -> bool:
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    if isinstance(last, ast.Try):
        return _always_returns(last.body + last.orelse) and all(_always_returns(h.body) for h in last.handlers)
    if isinstance(last, ast.With):
        return _always_returns(last.body)
    return False


# --- finding the source --------------------------------------------------------

def library_version(library: Library) -> str:
    if library.distribution is None:
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    return importlib.metadata.version(library.distribution)


def source_roots(library: Library) -> Optional[dict[str, Path]]:
    """Where each package's source is, found on the path without importing it."""
    roots: dict[str, Path] = {}
    search = [sysconfig.get_paths()["stdlib"]] if library.distribution is None else None
    for package in library.packages:
        spec = importlib.machinery.PathFinder.find_spec(package, search)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        origin = Path(spec.origin)
        roots[package] = origin.parent if origin.name == "__init__.py" else origin
    if library.distribution is not None:
        try:
            importlib.metadata.version(library.distribution)
        except importlib.metadata.PackageNotFoundError:
            return None
    return roots


def generate_library(library: Library) -> Optional[dict]:
    roots = source_roots(library)
    if roots is None:
        return None
    return generate(library, World(roots))


HEADER = '''"""Generated by scripts/generate_api_tables.py from the libraries' source: do not edit.

Per library: the version read, and what its public names certainly are.
known_apis merges these into its tables; tests/test_generated_apis.py checks
every entry against the imported library. Kept as JSON text: one string
constant loads in about a millisecond, where the same data as Python
literals costs tens of milliseconds to compile.
"""

import json

LIBRARIES = json.loads(
    r"""
'''
FOOTER = '''"""
)
'''


def render(tables: dict[str, dict]) -> str:
    # One entry a line, so that a regeneration's diff reads as the entries it adds and drops.
    body = json.dumps(tables, indent=1, sort_keys=False)
    assert '"""' not in body and "\\" not in body
    return f"{HEADER}{body}\n{FOOTER}"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed module, write nothing")
    parser.add_argument("--only", nargs="*", help="library keys to regenerate; the others are kept")
    arguments = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from flake8_async_tips import generated_apis  # the committed data, kept for the libraries not found

    tables: dict[str, dict] = dict(generated_apis.LIBRARIES)
    for library in LIBRARIES:
        if arguments.only and library.key not in arguments.only:
            continue
        generated = generate_library(library)
        if generated is None:
            print(f"{library.key}: not installed here, entry kept", file=sys.stderr)
            continue
        tables[library.key] = generated
        print(f"{library.key} {generated['version']}: {len(generated['coroutine_functions'])} coroutine functions,"
              f" {len(generated['factory_results'])} factories, {len(generated['classes'])} classes", file=sys.stderr)
    ordered = {library.key: tables[library.key] for library in LIBRARIES if library.key in tables}
    text = render(ordered)
    if arguments.check:
        same = OUTPUT.read_text(encoding="utf-8") == text
        print("up to date" if same else "differs", file=sys.stderr)
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
