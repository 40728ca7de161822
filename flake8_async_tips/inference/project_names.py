"""Names of other modules: the project's own, installed ones, and what astroid says of the rest.

The evaluator's state (the module's bindings, its project layout, the
declared coroutine functions) and how a qualified name is followed to the
definition it names in another module. Another module's names are answered
by that module's own evaluator (`module_cache.module_at`, given the class of
the evaluator asking): this layer calls `_name_values` and `_member_values`
of those evaluators but imports nothing of the evaluator layer.
"""

from __future__ import annotations

import ast
import builtins
import sys
from typing import Any, Optional

from flake8_async_tips import decorators
from flake8_async_tips.astroid_bridge import AstroidBridge
from flake8_async_tips.bindings import BindingIndex
from flake8_async_tips.inference.module_cache import module_at
from flake8_async_tips.inference.values import _TABLE_PACKAGES, MAX_DEPTH, External, Value, Values
from flake8_async_tips.project import ProjectLayout, found_on_disk, installed_module_file
from flake8_async_tips.reaching import ReachingBindings
from flake8_async_tips.scopes import Scope, ScopeKind


class ProjectNames:
    """The bottom mixin of `Inference`: its state, and the names of other modules."""

    # A .pyi stub read in place of its module: an `async def` there promises an awaitable
    # (motor's stubs declare as `async def` what returns a Future at run time).
    stub_file = False

    def __init__(
        self,
        bindings: BindingIndex,
        layout: ProjectLayout,
        declared_coroutine_functions: frozenset[str] = frozenset(),
        remember_resolutions: bool = True,
    ) -> None:
        self.bindings = bindings
        self.layout = layout
        self.declared_coroutine_functions = declared_coroutine_functions
        self._bridge: Optional[AstroidBridge] = None
        self.root_scope = Scope(ScopeKind.MODULE, bindings.module, None)
        # Which binding of a name bound twice in its scope reaches a read.
        self.reaching = ReachingBindings(bindings)
        # Qualified name -> (depth it was followed at, what it resolves to).
        # Not for cached modules: their answers name their own definitions,
        # a reference cycle that would outlive the cache.
        self._resolutions: Optional[dict[str, tuple[int, Values]]] = {} if remember_resolutions else None

    def forget_everything(self) -> None:
        """Drop all state, memos included, once the linted file's rules are done asking (see FileContext.release)."""
        vars(self).clear()

    @property
    def bridge(self) -> AstroidBridge:
        # Built on the first name the local pass cannot answer: most files never need it.
        if self._bridge is None:
            self._bridge = AstroidBridge(self.layout)
        return self._bridge

    def _external_kind(self, name: str) -> Optional[str]:
        """astroid, for installed modules without Python source (compiled ones, stubs only).

        The standard library's async APIs are in the table, and modules with
        Python source, the project's and installed ones, are read by
        `_project_values` with this engine, which costs a fraction of astroid.
        """
        return self.bridge.kind_of(name) if self._astroid_may_answer(name) else None

    def _astroid_may_answer(self, name: str) -> bool:
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or self.layout.find_module_file(top) or installed_module_file(top):
            return False
        # Nothing of that name on disk (a library not installed here): astroid's search would fail, slowly.
        return found_on_disk(top, self.layout.roots)

    # --- other modules of the project ----------------------------------------

    def _project_values(self, name: str, depth: int) -> Values:
        """`shop.db.fetch_order` -> the definition in shop/db.py, read with this same engine."""
        if depth > MAX_DEPTH:
            return None
        parts = name.split(".")
        for split in range(len(parts), 0, -1):
            dotted = ".".join(parts[:split])
            path = self.layout.find_module_file(dotted) or installed_module_file(dotted)
            # Read by an evaluator of the same class as this one: `module_at` builds it.
            module = None if path is None else module_at(path, self.declared_coroutine_functions, type(self))
            if module is None:
                continue
            if split == len(parts):
                return frozenset({External(name)})  # the module itself
            values = module._name_values(parts[split], module.root_scope, depth + 1)
            for attribute in parts[split + 1:]:
                if values is None or len(values) != 1:
                    return None
                (value,) = values
                values = module._member_values(value, attribute, depth + 1)
            return values
        return None

    def _defining_module(self, name: str) -> Optional[tuple[Any, str]]:
        """`aiohttp.client._RequestContextManager` -> (the evaluator of aiohttp/client.py, "_RequestContextManager")."""
        module_name, _, leaf = name.rpartition(".")
        if not module_name:
            return None
        path = self.layout.find_module_file(module_name) or installed_module_file(module_name)
        module = None if path is None else module_at(path, self.declared_coroutine_functions, type(self))
        return None if module is None else (module, leaf)

    def _star_imported_values(self, name: str, modules: list[str]) -> Values:
        """`from .sync import *` then `Event()`: the one star-imported module that exports `name`.

        Only modules read from source answer: each must say whether it exports
        the name (a literal `__all__`, else its public module-level names). None
        when one cannot tell, or when several export it.
        """
        exporters: list[str] = []
        for imported in modules:
            dotted = self.layout.absolute_import(imported) if imported.startswith(".") else imported
            if dotted is None:
                return None
            top = dotted.partition(".")[0]
            if top in _TABLE_PACKAGES and self.layout.find_module_file(top) is None:
                return None  # the table answers for these libraries, whether installed or not
            path = self.layout.find_module_file(dotted) or installed_module_file(dotted)
            module = None if path is None else module_at(path, self.declared_coroutine_functions, type(self))
            if module is None:
                return None
            exported = module._exports(name)
            if exported is None:
                return None
            if exported:
                exporters.append(dotted)
        if len(exporters) == 1:
            return frozenset({External(f"{exporters[0]}.{name}")})
        if not exporters and hasattr(builtins, name):
            return frozenset({External(f"builtins.{name}")})
        return None

    def _exports(self, name: str) -> Optional[bool]:
        """Does `from <this module> import *` bind `name`? None when it cannot be told."""
        top = self.bindings.of(self.bindings.module)
        declared = top.names.get("__all__")
        if declared is not None:
            if len(declared) != 1 or "__all__" in self.bindings.stored_attributes:
                return None
            listed = declared[0].value
            if not isinstance(listed, (ast.List, ast.Tuple)):
                return None
            names = [e.value for e in listed.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(names) != len(listed.elts):
                return None
            return name in names
        if name in top.names:
            return not name.startswith("_")
        return None if top.has_star_import else False

    def _project_resolution(self, value: External, depth: int) -> Values:
        """What a project name finally refers to, following re-exports; None if not the project's.

        Asked again and again of the same names (every `self.method()` call):
        an answer found with at least the budget of depth left is reused.
        """
        if self._resolutions is None:
            return self._follow_project_name(value, depth)
        remembered = self._resolutions.get(value.name)
        if remembered is not None and remembered[0] <= depth:
            return remembered[1]
        found = self._follow_project_name(value, depth)
        self._resolutions[value.name] = (depth, found)
        return found

    def _follow_project_name(self, value: External, depth: int) -> Values:
        top = value.name.partition(".")[0]
        if top in _TABLE_PACKAGES and self.layout.find_module_file(top) is None:
            # The table answers for these libraries, installed or not: the same findings either way.
            return None
        found: Values = frozenset({value})
        for _ in range(MAX_DEPTH):
            if found is None or len(found) != 1:
                return found
            (current,) = found
            if not isinstance(current, External) or "." not in current.name:
                return found
            following = self._project_values(current.name, depth + 1)
            if following is None:
                return None if current is value else found
            if following == found:
                return found
            found = following
        return None

    def _resolved(self, value: Value, depth: int = 0) -> Value:
        """An External that names one definition of the project, replaced by that definition."""
        if isinstance(value, External):
            found = self._project_resolution(value, depth + 1)
            if found is not None and len(found) == 1:
                (resolved,) = found
                return resolved
        return value

    def _module_found_nowhere(self, name: str) -> bool:
        """Not the standard library's, the project's, an installed one nor one the tables answer for."""
        top = name.partition(".")[0]
        return not (
            top in sys.stdlib_module_names
            or top in _TABLE_PACKAGES
            or top in decorators.KNOWN_PACKAGES
            or found_on_disk(top, self.layout.roots)
        )
