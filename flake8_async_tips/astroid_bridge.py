"""Installed libraries: what a qualified name defines, read with astroid, never imported.

The local engine reads the linted file's own project (it is cheaper than
astroid and follows the same rules); names from installed third-party
libraries that the built-in table does not know (`aiohttp.ClientSession.close`)
come here. astroid's module search builds C extensions as empty stubs rather
than loading them. Every astroid failure is an unknown answer, and each file
gets a bounded number of look-ups and a bounded time.
"""

from __future__ import annotations

import logging
import time
from typing import Optional

from flake8_async_tips.project import ProjectLayout

LOG = logging.getLogger("flake8_async_tips")

# Per linted file: look-ups answered, and CPU seconds spent (not wall time: load must not
# change answers), before answering "unknown".
MAX_LOOKUPS_PER_FILE = 200
MAX_SECONDS_PER_FILE = 3.0
# Chains of re-exports (`from .db import fetch` in __init__.py) followed at most this deep.
MAX_REEXPORT_DEPTH = 6


class Definition:
    """What a qualified name turned out to be."""

    COROUTINE_FUNCTION = "coroutine function"
    ASYNC_GENERATOR_FUNCTION = "async generator function"
    SYNC_FUNCTION = "function"
    CLASS = "class"
    MODULE = "module"


# astroid remembers every failed module search with its exception, whose
# traceback holds the frames of the whole lint (the linted file's tree and
# everything inferred of it) for the life of the process.
MAX_REMEMBERED_SEARCHES = 5000


# The keys of astroid's search cache whose results were already released: each
# look-up adds a few, and scanning all of them after every look-up was quadratic.
_RELEASED_SEARCHES: set[object] = set()


def _drop_failure_tracebacks() -> None:
    try:
        from astroid.manager import AstroidManager

        searches = AstroidManager.brain["_mod_file_cache"]
    except Exception:  # noqa: BLE001 - another astroid version: nothing to release
        return
    if len(searches) > MAX_REMEMBERED_SEARCHES:
        searches.clear()
        _RELEASED_SEARCHES.clear()
        return
    if not _RELEASED_SEARCHES <= searches.keys():
        _RELEASED_SEARCHES.clear()  # astroid's cache was cleared meanwhile: its keys may hold new results
    new_keys = searches.keys() - _RELEASED_SEARCHES
    _RELEASED_SEARCHES.update(new_keys)
    for result in (searches[key] for key in new_keys):
        # The cached error keeps the ImportError it wraps (`error`), which keeps
        # the KeyError it was raised during (`__context__`): each has a traceback.
        pending, seen = [result], set()
        while pending:
            error = pending.pop()
            if isinstance(error, BaseException) and id(error) not in seen:
                seen.add(id(error))
                error.__traceback__ = None
                pending.extend((error.__context__, error.__cause__, getattr(error, "error", None)))


class AstroidBridge:
    def __init__(self, layout: ProjectLayout) -> None:
        self.layout = layout
        self.lookups = 0
        self.seconds = 0.0
        self.answers: dict[str, Optional[str]] = {}

    def kind_of(self, qualified_name: str) -> Optional[str]:
        """One of `Definition`'s kinds, or None when unknown."""
        if qualified_name in self.answers:
            return self.answers[qualified_name]
        if self.lookups >= MAX_LOOKUPS_PER_FILE or self.seconds >= MAX_SECONDS_PER_FILE:
            return None
        self.lookups += 1
        started = time.process_time()
        try:
            answer = self._kind_of(qualified_name)
        except Exception:  # noqa: BLE001 - any astroid failure is an unknown answer
            LOG.debug("astroid could not answer for %s", qualified_name, exc_info=True)
            answer = None
        finally:
            _drop_failure_tracebacks()
            self.seconds += time.process_time() - started
        self.answers[qualified_name] = answer
        return answer

    def class_defines(self, qualified_name: str, method: str) -> Optional[bool]:
        """Does the class named `qualified_name` (or an ancestor) define `method`? None when unknown."""
        key = f"{qualified_name}::{method}"
        if key in self.answers:
            answer = self.answers[key]
            return None if answer is None else answer == "yes"
        if self.lookups >= MAX_LOOKUPS_PER_FILE or self.seconds >= MAX_SECONDS_PER_FILE:
            return None
        self.lookups += 1
        started = time.process_time()
        try:
            defined = self._class_defines(qualified_name, method)
        except Exception:  # noqa: BLE001 - any astroid failure is an unknown answer
            LOG.debug("astroid could not answer for %s.%s", qualified_name, method, exc_info=True)
            defined = None
        finally:
            _drop_failure_tracebacks()
            self.seconds += time.process_time() - started
        self.answers[key] = None if defined is None else ("yes" if defined else "no")
        return defined

    def _class_defines(self, qualified_name: str, method: str) -> Optional[bool]:
        from astroid import nodes

        cls = self._resolve(qualified_name)
        if not isinstance(cls, nodes.ClassDef) or cls.keywords:
            return None
        if not _ancestors_are_known(cls):
            return None
        try:
            cls.getattr(method)
        except Exception:  # noqa: BLE001 - AttributeInferenceError: not defined anywhere in the MRO
            return False
        return True

    def _resolve(self, qualified_name: str):  # type: ignore[no-untyped-def]
        parts = qualified_name.split(".")
        for split in range(len(parts), 0, -1):
            module = self._module(".".join(parts[:split]))
            if module is not None:
                return self._walk_attributes(module, parts[split:], MAX_REEXPORT_DEPTH)
        return None

    def _kind_of(self, qualified_name: str) -> Optional[str]:
        node = self._resolve(qualified_name)
        return None if node is None else _kind_of_node(node)

    def _module(self, dotted: str):  # type: ignore[no-untyped-def]
        from astroid.manager import AstroidManager

        manager = AstroidManager()
        if self.layout.find_module_file(dotted.partition(".")[0]) is not None:
            return None  # the project's own modules are read by the local engine, not here
        try:
            return manager.ast_from_module_name(dotted)
        except Exception:  # noqa: BLE001 - not a module (or not one astroid can build)
            return None

    def _walk_attributes(self, node, names: list[str], depth: int):  # type: ignore[no-untyped-def]
        from astroid import nodes

        for name in names:
            if depth <= 0:
                return None
            if isinstance(node, nodes.Module):
                node = self._module_member(node, name, depth)
            elif isinstance(node, nodes.ClassDef):
                node = _class_member(node, name)
            else:
                return None
            if node is None:
                return None
        return node

    def _module_member(self, module, name: str, depth: int):  # type: ignore[no-untyped-def]
        from astroid import nodes

        if module.package:
            submodule = self._module(f"{module.name}.{name}")
            if submodule is not None and name not in module.locals:
                return submodule
        bound = module.locals.get(name)
        if not bound:
            return None
        if len(bound) > 1:
            # Conditional definitions: certain only when every branch defines the same kind.
            kinds = {_kind_of_node(node) for node in bound}
            if len(kinds) == 1 and None not in kinds and all(isinstance(n, nodes.FunctionDef) for n in bound):
                return bound[0]
            return None
        node = bound[0]
        if isinstance(node, nodes.FunctionDef):
            return node
        if isinstance(node, nodes.ClassDef):
            return node
        if isinstance(node, nodes.AssignName) and isinstance(node.parent, nodes.Assign):
            # `alias = function` in that module.
            value = node.parent.value
            if isinstance(value, nodes.Name) and value.name != name:
                return self._module_member(module, value.name, depth - 1)
            return None
        if isinstance(node, nodes.ImportFrom):
            # A re-export: follow it to the module it comes from.
            real = node.real_name(name)
            source = node.do_import_module(node.modname)
            return self._walk_attributes(source, [real], depth - 1)
        if isinstance(node, nodes.Import):
            real = node.real_name(name)
            return self._module(real)
        return None


def _ancestors_are_known(cls, depth: int = MAX_REEXPORT_DEPTH) -> bool:  # type: ignore[no-untyped-def]
    """Every base class infers to exactly one class, all the way up."""
    from astroid import nodes

    if depth <= 0:
        return False
    for base in cls.bases:
        try:
            inferred = [value for value in base.infer() if value is not None]
        except Exception:  # noqa: BLE001
            return False
        if len(inferred) != 1 or not isinstance(inferred[0], nodes.ClassDef):
            return False
        if not _ancestors_are_known(inferred[0], depth - 1):
            return False
    return True


def _class_member(cls, name: str):  # type: ignore[no-untyped-def]
    from astroid import nodes

    try:
        found = cls.getattr(name)
    except Exception:  # noqa: BLE001 - astroid.AttributeInferenceError and friends
        return None
    if len(found) != 1 or not isinstance(found[0], nodes.FunctionDef):
        return None
    return found[0]


def _decorated_kind(decorator, depth: int) -> Optional[str]:  # type: ignore[no-untyped-def]
    """What a decorator makes of a function: the kind of the wrapper it returns, if it is a plain local one."""
    from astroid import nodes

    if depth <= 0 or not isinstance(decorator, nodes.Name):
        return None
    try:
        _, found = decorator.lookup(decorator.name)
    except Exception:  # noqa: BLE001
        return None
    if len(found) != 1 or not isinstance(found[0], nodes.FunctionDef) or found[0].decorators:
        return None
    factory = found[0]
    nested = {child.name: child for child in factory.body if isinstance(child, nodes.FunctionDef)}
    returns = [node for node in factory.nodes_of_class(nodes.Return, skip_klass=nodes.FunctionDef)]
    if not returns:
        return None
    kinds = set()
    for node in returns:
        if not (isinstance(node.value, nodes.Name) and node.value.name in nested):
            return None
        wrapper = nested[node.value.name]
        wrapper_decorators = wrapper.decorators.nodes if wrapper.decorators else []
        # functools.wraps copies metadata, not async-ness.
        if any(not (isinstance(d, nodes.Call) and _decorator_name(d.func) == "wraps") for d in wrapper_decorators):
            return None
        kinds.add(_plain_kind(wrapper))
    return kinds.pop() if len(kinds) == 1 else None


def _kind_of_node(node, depth: int = MAX_REEXPORT_DEPTH) -> Optional[str]:  # type: ignore[no-untyped-def]
    from astroid import nodes

    if isinstance(node, nodes.Module):
        return Definition.MODULE
    if isinstance(node, nodes.ClassDef):
        return Definition.CLASS
    if isinstance(node, nodes.FunctionDef):  # AsyncFunctionDef is a subclass
        decorators = node.decorators.nodes if node.decorators else []
        relevant = [d for d in decorators if _decorator_name(d) not in ("staticmethod", "classmethod")]
        if relevant:
            # The outermost decorator decides what the name is bound to.
            return _decorated_kind(relevant[0], depth)
        return _plain_kind(node)
    return None


def _plain_kind(function) -> Optional[str]:  # type: ignore[no-untyped-def]
    from astroid import nodes

    is_async = isinstance(function, nodes.AsyncFunctionDef)
    if function.is_generator():
        return Definition.ASYNC_GENERATOR_FUNCTION if is_async else None
    return Definition.COROUTINE_FUNCTION if is_async else Definition.SYNC_FUNCTION


def _decorator_name(decorator) -> str:  # type: ignore[no-untyped-def]
    from astroid import nodes

    if isinstance(decorator, nodes.Name):
        return decorator.name
    if isinstance(decorator, nodes.Attribute):
        return decorator.attrname
    return ""
