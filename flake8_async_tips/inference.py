"""The inference layer: what an expression refers to, and what calling it makes.

Every question answers YES, NO or UNKNOWN, and only YES may report. The
local pass works on the stdlib AST of the linted module: bindings, imports
(by qualified name, looked up in `known_apis`), classes and their methods,
instances built in the module, `with ... as` targets and
`functools.partial`. Anything it cannot follow is UNKNOWN.
"""

from __future__ import annotations

import abc
import ast
import builtins
import gc
import sys
import typing
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Optional, Union

from flake8_async_tips import decorators, known_apis
from flake8_async_tips.astroid_bridge import AstroidBridge
from flake8_async_tips.astroid_bridge import Definition as ExternalKind
from flake8_async_tips.bindings import Binding, BindingIndex
from flake8_async_tips.bodies import always_raises, is_stub
from flake8_async_tips.kinds import FUNCTION_KINDS, CallableKind
from flake8_async_tips.outline import outline_index
from flake8_async_tips.project import ProjectLayout, found_on_disk, installed_module_file, layout_of
from flake8_async_tips.scopes import Scope, ScopeKind
from flake8_async_tips.verdict import Verdict

# Chains of aliases, attributes and bases longer than this are not followed.
MAX_DEPTH = 12

_KEEPS = frozenset({decorators.KEEPS})
_UNKNOWN_EFFECT = frozenset({decorators.UNKNOWN})


@dataclass(frozen=True)
class Definition:
    """A def, async def or class of the linted module or of another module of its project."""

    node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]
    scope: Scope
    # The Inference of the module that defines it: questions about it are asked there.
    module: "Inference"
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


Value = Union[Definition, External, Instance, Partial]
Values = Optional[frozenset[Value]]  # None: unknown


# How a class attribute lookup ended.
_FOUND, _ABSENT, _UNKNOWN = "found", "absent", "unknown"


# What an object supports: `for`/`with` (SYNC), `async for`/`async with` (ASYNC),
# or it is a coroutine, which supports neither and lacks an `await`.
SYNC = known_apis.SYNC
ASYNC = known_apis.ASYNC
COROUTINE = "coroutine"
Protocols = Optional[frozenset[str]]  # None: unknown

# What calling each kind of callable gives, as `for` and `with` see it.
_ITERABLE_MADE_BY = {
    CallableKind.ASYNC_GENERATOR_FUNCTION: frozenset({ASYNC}),
    CallableKind.GENERATOR_FUNCTION: frozenset({SYNC}),
    CallableKind.COROUTINE_FUNCTION: frozenset({COROUTINE}),
}
_CONTEXT_MANAGER_MADE_BY = {
    CallableKind.ASYNC_CONTEXT_FACTORY: frozenset({ASYNC}),
    CallableKind.SYNC_CONTEXT_FACTORY: frozenset({SYNC}),
    CallableKind.COROUTINE_FUNCTION: frozenset({COROUTINE}),
}

_LITERAL_ITERABLES = (
    ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.JoinedStr
)
_NEVER_AWAITABLE = (*_LITERAL_ITERABLES, ast.Constant, ast.GeneratorExp, ast.Lambda)


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
)


class Inference:
    """Answers the rules' questions about one module."""

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
        # Qualified name -> (depth it was followed at, what it resolves to).
        # Not for cached modules: their answers name their own definitions,
        # a reference cycle that would outlive the cache.
        self._resolutions: Optional[dict[str, tuple[int, Values]]] = {} if remember_resolutions else None

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
            module = None if path is None else module_at(path, self.declared_coroutine_functions)
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

    # --- what an expression refers to ---------------------------------------

    def values(self, expr: ast.AST, scope: Scope, depth: int = 0) -> Values:
        """What `expr`, evaluated in `scope`, may refer to; None when unknown.

        Every rule asks about the same receivers again and again (each
        `self.client.x()` evaluates `self.client`): an answer is remembered
        for the rest of the linted file. One found with at least this much
        depth budget left, or any known answer, is reused; an unknown one
        found with less budget is worked out again.
        """
        if depth > MAX_DEPTH:
            return None
        key = (id(self), id(expr), id(scope.node))
        remembered = _VALUES.get(key)
        if remembered is not None and (remembered[0] <= depth or remembered[1] is not None):
            return remembered[1]
        found = self._evaluate(expr, scope, depth)
        # The key's objects are kept alive with the answer, so that no id is reused while it is remembered.
        _VALUES[key] = (depth, found, (self, expr, scope.node))
        return found

    def _evaluate(self, expr: ast.AST, scope: Scope, depth: int) -> Values:
        if isinstance(expr, ast.Name):
            return self._name_values(expr.id, scope, depth)
        if isinstance(expr, ast.Attribute):
            return self._attribute_values(expr, scope, depth)
        if isinstance(expr, ast.Call):
            return self._call_values(expr, scope, depth)
        if isinstance(expr, ast.NamedExpr):
            return self.values(expr.value, scope, depth + 1)
        if isinstance(expr, ast.Await):
            return self._awaited_values(expr.value, scope, depth + 1)
        return None

    def qualified_name(self, expr: ast.AST, scope: Scope) -> Optional[str]:
        """`aio.run` after `import asyncio as aio` -> "asyncio.run"; None unless certain."""
        found = self.values(expr, scope)
        if found is not None and len(found) == 1:
            (value,) = found
            if isinstance(value, External):
                return value.name
        return None

    def _name_values(self, name: str, scope: Scope, depth: int) -> Values:
        found = self.bindings.lookup(name, scope)
        if found == [] and hasattr(builtins, name):
            return frozenset({External(f"builtins.{name}")})
        if not found:
            return None
        collected: set[Value] = set()
        for binding in decorators.runtime_bindings(found):
            values = self._binding_values(binding, depth + 1)
            if values is None:
                return None
            collected |= values
        return frozenset(collected)

    def _binding_values(self, binding: Binding, depth: int) -> Values:
        node = binding.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return frozenset({Definition(node, binding.scope, self)})
        if binding.imported is not None:
            imported: Optional[str] = binding.imported
            if binding.imported.startswith("."):
                imported = self.layout.absolute_import(binding.imported)
            return None if imported is None else frozenset({External(imported)})
        if binding.value is not None:
            found = self.values(binding.value, binding.scope, depth + 1)
            if found is None and binding.annotation is not None:
                # `nursery: trio.Nursery = ...`: as for a parameter, the annotation says what it holds.
                found = self._annotated_instances(binding.annotation, binding.scope, depth + 1)
            return found
        if binding.entered is not None:
            return self._entered_values(binding, depth + 1)
        if isinstance(node, ast.arg):
            found = self._parameter_values(node)
            if found is None and node.annotation is not None and not self._collects_arguments(node):
                # Where inference gives up, the annotation says what the parameter holds.
                found = self._annotated_instances(node.annotation, binding.scope, depth + 1)
            return found
        return None

    def _annotated_instances(self, annotation: ast.expr, scope: Scope, depth: int) -> Values:
        """`db: Database`, `Optional[Database]`, `"Database" | None`: instances of the named classes."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value.strip(), mode="eval").body
            except SyntaxError:
                return None
            return self._annotated_instances(parsed, scope, depth + 1)
        members = _union_members(annotation)
        if members is None and isinstance(annotation, ast.Subscript):
            wrapper = self.qualified_name(annotation.value, scope)
            if wrapper in ("typing.Optional", "typing.Union"):
                inner = annotation.slice
                members = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
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
            if isinstance(cls, Definition) and isinstance(cls.node, ast.ClassDef):
                instances.add(Instance(cls, exact=False))
            elif isinstance(cls, External):
                instances.add(Instance(External(canonical_class(cls.name)), exact=False))
            else:
                return None
        return frozenset(instances)

    def _collects_arguments(self, arg: ast.arg) -> bool:
        """`*args: T` / `**kwargs: T`: the annotation types each element, not the tuple or dict."""
        function = self.bindings.parameter_of.get(id(arg))
        arguments = getattr(function, "args", None)
        return arguments is not None and (arguments.vararg is arg or arguments.kwarg is arg)

    def _parameter_values(self, arg: ast.arg) -> Values:
        """`self` and `cls`: the first parameter of a method of a module class."""
        function = self.bindings.parameter_of.get(id(arg))
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        owner = self.bindings.method_class.get(id(function))
        positional = [*function.args.posonlyargs, *function.args.args]
        if owner is None or not positional or positional[0] is not arg:
            return None
        class_binding = self._class_definition(owner)
        if class_binding is None:
            return None
        bound_to = decorators.first_parameter_binding(function)
        if bound_to == "instance":
            return frozenset({Instance(class_binding, exact=False)})
        if bound_to == "class":
            return frozenset({replace(class_binding, overridable=True)})
        return None

    def _class_definition(self, node: ast.ClassDef) -> Optional[Definition]:
        scope = self.bindings.class_scope.get(id(node))
        return None if scope is None else Definition(node, scope, self)

    def _attribute_values(self, expr: ast.Attribute, scope: Scope, depth: int) -> Values:
        bases = self.values(expr.value, scope, depth + 1)
        if bases is None:
            return None
        collected: set[Value] = set()
        for base in bases:
            values = self._member_values(base, expr.attr, depth + 1)
            if values is None:
                return None
            collected |= values
        return frozenset(collected)

    def _member_values(self, base: Value, attribute: str, depth: int) -> Values:
        if isinstance(base, External):
            return frozenset({External(f"{base.name}.{attribute}")})
        if isinstance(base, Instance) and isinstance(base.of, External):
            resolved = self._resolved(base.of, depth + 1)
            if resolved is base.of:
                return frozenset({External(member_name(base.of.name, attribute))})
            return self._member_values(Instance(resolved, base.exact), attribute, depth + 1)  # type: ignore[arg-type]
        if isinstance(base, Instance) and isinstance(base.of, Definition):
            found = base.of.module._instance_attribute(base.of, attribute, depth)
            return found if base.exact else _overridable(found)
        if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef):
            found = base.module._class_attribute(base, attribute, depth)
            return _overridable(found) if base.overridable else found
        return None

    def _class_attribute(self, cls: Definition, attribute: str, depth: int) -> Values:
        """A method or class attribute of a class of the project, looked up through its bases."""
        status, found = self._class_lookup(cls, attribute, depth)
        return found if status == _FOUND else None

    def _instance_attribute(self, cls: Definition, attribute: str, depth: int) -> Values:
        """An attribute of an instance: the class's, or what the class's own methods store on `self`.

        A class-level annotation (`repo: Repo`) says what the instances hold.
        Instance stores are followed only when every store of that name in the
        module is `self.<name> = ...` in a method of this class.
        """
        if cls.module is not self:
            return cls.module._instance_attribute(cls, attribute, depth + 1)
        stored = attribute in self.bindings.stored_attributes
        if stored and not self._stored_only_by_own_methods(cls, attribute):
            return None
        annotation = _class_level_annotation(cls.node, attribute)
        if annotation is not None:
            return self._annotated_instances(annotation, cls.scope, depth + 1)
        status, found = self._class_lookup(cls, attribute, depth, trusted_stores=stored)
        if status == _UNKNOWN:
            return None
        if status == _FOUND and not stored:
            return found
        if status == _ABSENT and stored:
            return self._stored_values(attribute, depth + 1)
        return None  # a class-level value and instance stores: which one is seen depends on the calls

    def _stored_only_by_own_methods(self, cls: Definition, attribute: str) -> bool:
        """Every store of `attribute` in the module is `self.<attribute> = ...` in an instance method of `cls`."""
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if attribute in self.bindings.unrecorded_stores or self.bindings.writes_attributes_dynamically:
            return False
        own_names = self.bindings.of(node).names
        if "__setattr__" in own_names or "__getattribute__" in own_names:
            return False
        return all(self._is_own_self_store(store, node) for store in self.bindings.attribute_stores.get(attribute, []))

    def _is_own_self_store(self, store: Binding, cls: ast.ClassDef) -> bool:
        method = store.scope.node
        target = store.node
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not isinstance(target, ast.Attribute):
            return False
        if self.bindings.method_class.get(id(method)) is not cls:
            return False
        if decorators.first_parameter_binding(method) != "instance":
            return False
        first = decorators.first_parameter(method)
        receiver = target.value
        if not (isinstance(receiver, ast.Name) and receiver.id == first):
            return False
        return len(self.bindings.of(method).names.get(first, [])) == 1  # `self` is not rebound

    def _stored_values(self, attribute: str, depth: int) -> Values:
        collected: set[Value] = set()
        for store in self.bindings.attribute_stores.get(attribute, []):
            if store.value is None:
                return None  # `del`, `+=`, unpacking, a `for` or `with` target: not followed
            found = self.values(store.value, store.scope, depth + 1)
            if found is None:
                return None
            collected |= found
        return frozenset(collected) or None

    def _class_lookup(
        self, cls: Definition, attribute: str, depth: int, trusted_stores: bool = False
    ) -> tuple[str, Values]:
        """(_FOUND, values), (_ABSENT, None) when no class on the way defines it, or (_UNKNOWN, None).

        A stored attribute name is unknown, unless `trusted_stores` says the
        stores of this module were checked (they only set instance attributes).
        """
        if cls.module is not self:
            return cls.module._class_lookup(cls, attribute, depth + 1)
        if depth > MAX_DEPTH or (attribute in self.bindings.stored_attributes and not trusted_stores):
            return _UNKNOWN, None
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        own = self.bindings.of(node).names.get(attribute)
        if own:
            collected: set[Value] = set()
            for binding in decorators.runtime_bindings(own):
                values = self._binding_values(binding, depth + 1)
                if values is None:
                    return _UNKNOWN, None
                collected |= values
            return _FOUND, frozenset(collected)
        bases = self._class_bases(cls, depth + 1)
        if bases is None:
            return _UNKNOWN, None
        # With several bases the MRO decides which definition wins: certain only
        # when a single one of them defines the attribute (or all agree).
        results: set[Values] = set()
        for base in bases:
            if isinstance(base, Definition):
                status, found = self._class_lookup(base, attribute, depth + 1, trusted_stores)
                if status == _UNKNOWN:
                    return _UNKNOWN, None
                if status == _FOUND:
                    results.add(found)
            elif hasattr(base, attribute):
                return _UNKNOWN, None
        if not results:
            return _ABSENT, None
        if len(results) == 1:
            return _FOUND, results.pop()
        return _UNKNOWN, None

    def _call_values(self, call: ast.Call, scope: Scope, depth: int) -> Values:
        callees = self.values(call.func, scope, depth + 1)
        if callees is None or len(callees) != 1:
            return None
        (callee,) = callees
        if isinstance(callee, External):
            # The table first, by the name as spelled: in a library's own tests
            # (`trio.open_nursery()` in trio's repository) the name also resolves
            # to the library's source, which says less than the table does.
            made = _table_instance(canonical_class(callee.name))
            if made is not None:
                return frozenset({made})
        callee = self._resolved(callee, depth + 1)
        if isinstance(callee, Definition) and isinstance(callee.node, ast.ClassDef):
            return frozenset({Instance(callee)})
        if isinstance(callee, Definition) and isinstance(callee.node, ast.FunctionDef):
            return callee.module._result_values(callee, CallableKind.SYNC_FUNCTION, depth + 1)
        if isinstance(callee, External):
            name = canonical_class(callee.name)
            if name == "functools.partial" and call.args:
                wrapped = self.values(call.args[0], scope, depth + 1)
                return None if wrapped is None else frozenset({Partial(wrapped)})
            made = _table_instance(name)
            if made is not None:
                return frozenset({made})
            if name.startswith("builtins."):
                return frozenset({Instance(External(name))}) if isinstance(_builtin(name), type) else None
            if any(declared.startswith(name + ".") for declared in self.declared_coroutine_functions):
                # The user named a method of it (`vendor.Client.get`): it is a class.
                return frozenset({Instance(External(name))})
            if self._external_kind(name) == ExternalKind.CLASS:
                return frozenset({Instance(External(name))})
        return None

    def _awaited_values(self, awaited: ast.expr, scope: Scope, depth: int) -> Values:
        """`await f()` gives what the coroutine function f returns."""
        if not isinstance(awaited, ast.Call):
            return None
        callees = self.values(awaited.func, scope, depth + 1)
        if callees is None or len(callees) != 1:
            return None
        (callee,) = callees
        callee = self._resolved(callee, depth + 1)
        if isinstance(callee, Definition) and isinstance(callee.node, ast.AsyncFunctionDef):
            return callee.module._result_values(callee, CallableKind.COROUTINE_FUNCTION, depth + 1)
        return None

    def _result_values(self, function: Definition, kind: str, depth: int) -> Values:
        """What calling (`kind` SYNC_FUNCTION) or awaiting (COROUTINE_FUNCTION) the def's call gives.

        Its return annotation, or else the values of its `return` statements.
        An override may return anything its annotation allows, so an
        overridable def is known by its annotation only.
        """
        node = function.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not self._is_plain_result(function, kind, depth + 1):
            return None
        if node.returns is not None:
            return self._annotated_instances(node.returns, function.scope, depth + 1)
        if function.overridable:
            return None
        return self._returned_values(function, depth + 1)

    def _is_plain_result(self, function: Definition, kind: str, depth: int) -> bool:
        """A def of `kind` (no generator) whose decorators, if any, leave what a call returns as it is."""
        node = function.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        return depth <= MAX_DEPTH and self._plain_kind(node) == kind and self._keeps_result(function)

    def _keeps_result(self, function: Definition) -> bool:
        return all(
            self.qualified_name(decorator, function.scope) in _RESULT_KEEPING_DECORATORS
            for decorator in function.node.decorator_list
        )

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
            if outlined and not isinstance(statement.value, (ast.Call, ast.Await)):
                return None  # a decorator's `return wrapper`, kept for other questions, or a value cut away
            found = self.values(statement.value, body_scope, depth + 1)  # type: ignore[arg-type]
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

    def _entered_values(self, binding: Binding, depth: int) -> Values:
        """What `with expr as name` binds: the tables' context managers, or what `__enter__` returns.

        `async with` binds what awaiting `__aenter__()` gives.
        """
        expr = binding.entered
        assert expr is not None
        if isinstance(expr, ast.Call):
            callee = self.qualified_name(expr.func, binding.scope)
            if callee is not None and callee in known_apis.ENTERED_AS:
                return frozenset({Instance(External(known_apis.ENTERED_AS[callee]))})
        managers = self.values(expr, binding.scope, depth + 1)
        if managers is None:
            return None
        collected: set[Value] = set()
        for manager in managers:
            found = self._enter_result(manager, binding.entered_async, depth + 1)
            if found is None:
                return None
            collected |= found
        return frozenset(collected)

    def _enter_result(self, manager: Value, entered_async: bool, depth: int) -> Values:
        if not isinstance(manager, Instance) or depth > MAX_DEPTH:
            return None
        methods = self._member_values(manager, "__aenter__" if entered_async else "__enter__", depth + 1)
        if methods is None or len(methods) != 1:
            return None
        (enter,) = methods
        enter = self._resolved(enter, depth + 1)
        if not (isinstance(enter, Definition) and isinstance(enter.node, (ast.FunctionDef, ast.AsyncFunctionDef))):
            return None
        kind = CallableKind.COROUTINE_FUNCTION if entered_async else CallableKind.SYNC_FUNCTION
        if enter.module._returns_itself(enter, kind, depth + 1):
            return frozenset({manager})
        return enter.module._result_values(enter, kind, depth + 1)

    def _returns_itself(self, method: Definition, kind: str, depth: int) -> bool:
        """`return self` in every return, or `-> Self`: the call gives back the object it was called on.

        `return self` of an overridable method is not certain: an override may return anything.
        """
        node = method.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not self._is_plain_result(method, kind, depth + 1):
            return False
        if node.returns is not None:
            return self.qualified_name(node.returns, method.scope) in _SELF_TYPES
        first = decorators.first_parameter(node)
        returns = [statement for statement in _own_statements(node) if isinstance(statement, ast.Return)]
        if method.overridable or first is None or not returns:
            return False
        rebound = self.bindings.of(node).names.get(first)
        if rebound is not None and len(rebound) != 1:
            return False  # `self = ...` in the body
        return all(isinstance(statement.value, ast.Name) and statement.value.id == first for statement in returns)

    # --- what calling it makes ----------------------------------------------

    def callable_kind(self, value: Value, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            return CallableKind.UNKNOWN
        if isinstance(value, Partial):
            kinds = {self.callable_kind(inner, depth + 1) for inner in value.func}
            return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN
        if isinstance(value, External):
            if value.name in known_apis.COROUTINE_FUNCTIONS or value.name in self.declared_coroutine_functions:
                return CallableKind.COROUTINE_FUNCTION
            found = self._project_resolution(value, depth + 1)
            if found is not None and found != {value}:
                # Conditional definitions: every one must agree.
                kinds = {self.callable_kind(resolved, depth + 1) for resolved in found}
                return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN
            if canonical_class(value.name) in known_apis.CLASSES:
                return CallableKind.CLASS
            if value.name.startswith("builtins."):
                # The interpreter's own builtins: none is async.
                builtin = getattr(builtins, value.name.removeprefix("builtins."), None)
                return CallableKind.CLASS if isinstance(builtin, type) else CallableKind.SYNC_FUNCTION
            return _EXTERNAL_TO_CALLABLE.get(self._external_kind(value.name) or "", CallableKind.UNKNOWN)
        if isinstance(value, Definition):
            if value.module is not self:
                return value.module.callable_kind(value, depth + 1)
            node = value.node
            if isinstance(node, ast.ClassDef):
                return CallableKind.CLASS if not node.keywords else CallableKind.UNKNOWN
            if node.decorator_list:
                return self._decorated_kind(value, depth + 1)
            return self._plain_kind(node)
        return CallableKind.UNKNOWN

    def _plain_kind(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> str:
        is_generator = self.bindings.of(node).is_generator
        if isinstance(node, ast.AsyncFunctionDef):
            return CallableKind.ASYNC_GENERATOR_FUNCTION if is_generator else CallableKind.COROUTINE_FUNCTION
        return CallableKind.GENERATOR_FUNCTION if is_generator else CallableKind.SYNC_FUNCTION

    def _decorated_kind(self, function: Definition, depth: int) -> str:
        """The kind after every decorator, innermost first (the outermost decides what the name is bound to)."""
        node = function.node
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        kind = self._plain_kind(node)
        for decorator in reversed(node.decorator_list):
            kind = decorators.apply_all(self._decorator_effects(decorator, function.scope, depth + 1), kind)
            if kind == CallableKind.UNKNOWN:
                break
        return kind

    def _decorator_effects(self, decorator: ast.expr, scope: Scope, depth: int) -> frozenset[decorators.Effect]:
        called = isinstance(decorator, ast.Call)
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        found = self.values(target, scope, depth + 1)
        if found is None:
            if self._imported_from_nowhere(target, scope) and decorators.may_assume_kept(decorators.name_leaf(target)):
                return _KEEPS
            return _UNKNOWN_EFFECT
        effects: set[decorators.Effect] = set()
        for value in found:
            effects |= self._value_effects(value, called, depth + 1)
        return frozenset(effects)

    def _value_effects(self, value: Value, called: bool, depth: int) -> frozenset[decorators.Effect]:
        if depth > MAX_DEPTH:
            return _UNKNOWN_EFFECT
        if isinstance(value, External):
            known = decorators.known_effect(canonical_class(value.name), called)
            if known is not None:
                return frozenset({known})
            resolved = self._resolved(value, depth + 1)
            if resolved is not value:
                return self._value_effects(resolved, called, depth + 1)
            if self._module_found_nowhere(value.name) and decorators.may_assume_kept(value.name):
                return _KEEPS
            return _UNKNOWN_EFFECT
        if isinstance(value, Definition) and isinstance(value.node, ast.FunctionDef):
            return value.module._def_effects(value.node, called)
        return _UNKNOWN_EFFECT

    def _def_effects(self, node: ast.FunctionDef, called: bool) -> frozenset[decorators.Effect]:
        """A decorator (or, called, a decorator factory) read from its own def."""
        if node.decorator_list or self.bindings.of(node).is_generator:
            return _UNKNOWN_EFFECT
        returns = [statement for statement in _own_statements(node) if isinstance(statement, ast.Return)]
        items = decorators.returned_items(node, returns)
        if items is None:
            return _UNKNOWN_EFFECT
        effects: set[decorators.Effect] = set()
        for item in items:
            if called:
                # A factory returns the decorator itself: a nested plain def.
                if not isinstance(item, ast.FunctionDef):
                    return _UNKNOWN_EFFECT
                effects |= self._def_effects(item, called=False)
            elif item == decorators.ARGUMENT:
                effects.add(decorators.KEEPS)
            elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and decorators.is_plain_wrapper(item):
                effects.add(decorators.Effect(makes=self._plain_kind(item)))
            else:
                return _UNKNOWN_EFFECT
        return frozenset(effects)

    def _imported_from_nowhere(self, expr: ast.expr, scope: Scope, depth: int = 0) -> bool:
        """`@vendor.retry(...)`, `@app.route(...)` after `app = vendor.App()`: every way to the
        decorator starts at an import of a module found nowhere."""
        root = expr
        while isinstance(root, (ast.Attribute, ast.Call)):
            root = root.value if isinstance(root, ast.Attribute) else root.func
        if not isinstance(root, ast.Name) or depth > MAX_DEPTH:
            return False
        found = self.bindings.lookup(root.id, scope)
        if not found:
            return False
        for binding in found:
            if binding.value is not None:
                if not self._imported_from_nowhere(binding.value, binding.scope, depth + 1):
                    return False
                continue
            imported = binding.imported
            if imported is not None and imported.startswith("."):
                imported = self.layout.absolute_import(imported)
            if imported is None or not self._module_found_nowhere(imported):
                return False
        return True

    def _module_found_nowhere(self, name: str) -> bool:
        """Not the standard library's, the project's, an installed one nor one the tables answer for."""
        top = name.partition(".")[0]
        return not (
            top in sys.stdlib_module_names
            or top in _TABLE_PACKAGES
            or top in decorators.KNOWN_PACKAGES
            or found_on_disk(top, self.layout.roots)
        )

    def callee_kind(self, call: ast.Call, scope: Scope) -> str:
        """What kind of callable `call` calls, if every value it may be agrees."""
        return self.expression_callable_kind(call.func, scope)

    def expression_callable_kind(self, expr: ast.AST, scope: Scope) -> str:
        found = self.values(expr, scope)
        if not found:
            return CallableKind.UNKNOWN
        kinds = {self.callable_kind(value) for value in found}
        return kinds.pop() if len(kinds) == 1 else CallableKind.UNKNOWN

    def is_coroutine_call(self, call: ast.AST, scope: Scope) -> Verdict:
        """Does evaluating `call` certainly create a coroutine object?"""
        if not isinstance(call, ast.Call):
            return Verdict.UNKNOWN
        kind = self.callee_kind(call, scope)
        if kind == CallableKind.COROUTINE_FUNCTION:
            return Verdict.YES
        if kind in (CallableKind.ASYNC_GENERATOR_FUNCTION, CallableKind.CLASS):
            return Verdict.NO
        return Verdict.UNKNOWN

    def is_coroutine_function(self, expr: ast.AST, scope: Scope) -> Verdict:
        kind = self.expression_callable_kind(expr, scope)
        if kind == CallableKind.COROUTINE_FUNCTION:
            return Verdict.YES
        if kind == CallableKind.UNKNOWN:
            return Verdict.UNKNOWN
        return Verdict.NO

    def is_function_object(self, expr: ast.AST, scope: Scope) -> Verdict:
        """Is `expr` certainly a function (async or not), not something it returns?"""
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return Verdict.NO if isinstance(expr, (ast.Call, ast.Await, ast.Constant)) else Verdict.UNKNOWN
        found = self.values(expr, scope)
        if not found or any(isinstance(value, Partial) for value in found):
            # A partial object is callable but is no function: asyncio names it differently.
            return Verdict.UNKNOWN
        kinds = {self.callable_kind(value) for value in found}
        return Verdict.YES if len(kinds) == 1 and kinds <= FUNCTION_KINDS else Verdict.UNKNOWN

    def certainly_returns_no_awaitable(self, call: ast.AST, scope: Scope) -> Verdict:
        """For ASY103: a call to a module function that returns nothing, or an async generator."""
        if not isinstance(call, ast.Call):
            return Verdict.UNKNOWN
        found = self.values(call.func, scope)
        if not found or len(found) != 1:
            return Verdict.UNKNOWN
        (value,) = found
        if isinstance(value, Definition) and (value.overridable or is_stub(value.node)):
            return Verdict.UNKNOWN  # what an override or the real implementation returns is not known
        kind = self.callable_kind(value)
        if kind in (CallableKind.ASYNC_GENERATOR_FUNCTION, CallableKind.GENERATOR_FUNCTION):
            return Verdict.YES
        if kind == CallableKind.SYNC_FUNCTION and isinstance(value, Definition):
            if not _returns_a_value(value.node):
                return Verdict.YES
        if isinstance(value, External) and value.name in _NON_AWAITABLE_RESULTS:
            return Verdict.YES
        return Verdict.UNKNOWN

    # --- protocols: for / async for, with / async with, await ----------------

    def iteration_protocols(self, expr: ast.expr, scope: Scope) -> Protocols:
        """Which of `for` (SYNC) and `async for` (ASYNC) `expr` supports; COROUTINE for a coroutine."""
        if isinstance(expr, _LITERAL_ITERABLES) or (
            isinstance(expr, ast.Constant) and isinstance(expr.value, (str, bytes))
        ):
            return frozenset({SYNC})
        if isinstance(expr, ast.GeneratorExp):
            return _generator_expression_protocols(expr)
        if isinstance(expr, ast.Call):
            made = _ITERABLE_MADE_BY.get(self.callee_kind(expr, scope))
            if made is not None:
                return made
            callee = self.qualified_name(expr.func, scope)
            if callee is not None and callee.startswith("builtins."):
                if callee.removeprefix("builtins.") in known_apis.SYNC_ITERABLE_BUILTINS:
                    return frozenset({SYNC})
        return self._instance_protocols(
            expr, scope, known_apis.ITERATION_PROTOCOLS, {SYNC: ("__iter__", "__getitem__"), ASYNC: ("__aiter__",)}
        )

    def context_protocols(self, expr: ast.expr, scope: Scope) -> Protocols:
        """Which of `with` (SYNC) and `async with` (ASYNC) `expr` supports; COROUTINE for a coroutine."""
        if isinstance(expr, ast.Call):
            made = _CONTEXT_MANAGER_MADE_BY.get(self.callee_kind(expr, scope))
            if made is not None:
                return made
        return self._instance_protocols(
            expr, scope, known_apis.CONTEXT_MANAGER_PROTOCOLS, {SYNC: ("__enter__",), ASYNC: ("__aenter__",)}
        )

    def _instance_protocols(
        self, expr: ast.expr, scope: Scope, table: dict[str, set[str]], methods: dict[str, tuple[str, ...]]
    ) -> Protocols:
        found = self.values(expr, scope)
        if not found or len(found) != 1:
            return None
        (value,) = found
        if not isinstance(value, Instance):
            return None
        if isinstance(value.of, External):
            protocols = table.get(canonical_class(value.of.name))
            if protocols is not None:
                return frozenset(protocols)
        supported = set()
        for protocol, names in methods.items():
            verdicts = [self._instance_defines(value.of, name) for name in names]
            if Verdict.YES in verdicts:
                supported.add(protocol)
            elif Verdict.UNKNOWN in verdicts:
                return None
        return frozenset(supported)

    def _instance_defines(self, cls: Union[Definition, External], method: str) -> Verdict:
        resolved = self._resolved(cls)
        if isinstance(resolved, Definition):
            return resolved.module.class_defines(resolved, method)
        if cls.name.startswith("builtins."):
            return Verdict.YES if hasattr(_builtin(cls.name), method) else Verdict.NO
        if not self._astroid_may_answer(cls.name):
            return Verdict.UNKNOWN
        defined = self.bridge.class_defines(cls.name, method)
        return Verdict.UNKNOWN if defined is None else (Verdict.YES if defined else Verdict.NO)

    def class_defines(self, cls: Definition, method: str, depth: int = 0) -> Verdict:
        """Does the class (or a base) define `method`? Unknown bases and metaclasses give UNKNOWN."""
        if cls.module is not self:
            return cls.module.class_defines(cls, method, depth + 1)
        node = cls.node
        if depth > MAX_DEPTH or method in self.bindings.stored_attributes or not isinstance(node, ast.ClassDef):
            return Verdict.UNKNOWN
        own = self.bindings.of(node).names.get(method)
        if own:
            # `def __enter__(self): raise TypeError("use async with")` refuses the protocol it defines.
            return Verdict.NO if all(always_raises(binding.node) for binding in own) else Verdict.YES
        bases = self._class_bases(cls, depth + 1)
        if bases is None:
            return Verdict.UNKNOWN
        for base in bases:
            if isinstance(base, Definition):
                verdict = base.module.class_defines(base, method, depth + 1)
            else:
                verdict = Verdict.YES if hasattr(base, method) else Verdict.NO
            if verdict is not Verdict.NO:
                return verdict
        return Verdict.NO

    def _class_bases(self, cls: Definition, depth: int) -> Optional[list[Union[Definition, type]]]:
        """A class's bases: the project's classes, or the runtime type of a builtin or known stdlib base.

        None when any base is not known, or a metaclass other than ABCMeta may add anything.
        `Base[T]` is `Base`: subscripting a generic class adds no attribute to it.

        Every attribute lookup walks the hierarchy again (an instance attribute
        asks each class on the way): the bases found with at least this budget
        of depth left are reused for the rest of the linted file.
        """
        remembered = _CLASS_BASES.get(id(cls.node))
        if remembered is not None and remembered[0] <= depth and remembered[1] is cls.node:
            return remembered[2]
        found = self._read_class_bases(cls, depth)
        # The node is kept with the answer: its id cannot be reused while it is remembered.
        _CLASS_BASES[id(cls.node)] = (depth, cls.node, found)
        return found

    def _read_class_bases(self, cls: Definition, depth: int) -> Optional[list[Union[Definition, type]]]:
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if any(not self._is_abc_metaclass(keyword, cls.scope) for keyword in node.keywords):
            return None
        bases: list[Union[Definition, type]] = []
        for base in node.bases:
            expr = base.value if isinstance(base, ast.Subscript) else base
            found = self.values(expr, cls.scope, depth + 1)
            if found is None or len(found) != 1:
                return None
            (value,) = found
            value = self._resolved(value, depth + 1)
            if isinstance(value, Definition) and isinstance(value.node, ast.ClassDef):
                bases.append(value)
            elif isinstance(value, External) and isinstance(_known_base(value.name), type):
                bases.append(_known_base(value.name))  # type: ignore[arg-type]
            else:
                return None
        return bases

    def _is_abc_metaclass(self, keyword: ast.keyword, scope: Scope) -> bool:
        return keyword.arg == "metaclass" and self.qualified_name(keyword.value, scope) == "abc.ABCMeta"

    def is_certainly_not_awaitable(self, expr: ast.expr, scope: Scope) -> Verdict:
        """For ASY304: a literal, a function object, a generator, or what a sync call certainly returns."""
        if isinstance(expr, _NEVER_AWAITABLE):
            return Verdict.YES
        if isinstance(expr, (ast.Name, ast.Attribute)) and self.is_function_object(expr, scope) is Verdict.YES:
            return Verdict.YES
        if isinstance(expr, ast.Call):
            if self.certainly_returns_no_awaitable(expr, scope) is Verdict.YES:
                return Verdict.YES
            found = self.values(expr, scope)
            if found and len(found) == 1:
                (value,) = found
                if isinstance(value, Instance) and isinstance(value.of, Definition):
                    if self.class_defines(value.of, "__await__") is Verdict.NO:
                        return Verdict.YES
        return Verdict.UNKNOWN


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
        known_apis.FACTORY_RESULTS,
        known_apis.RETURNS_INSTANCE_OF,
    )
    for name in table
    if not name.startswith("builtins.")
)
# Decorators after which calling a def returns what its body returns.
_RESULT_KEEPING_DECORATORS = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "typing.override",
        "typing_extensions.override",
    }
)
_SELF_TYPES = frozenset({"typing.Self", "typing_extensions.Self"})
_NON_AWAITABLE_RESULTS = frozenset(
    known_apis.RETURNS_NON_AWAITABLE | {f"builtins.{name}" for name in known_apis.SYNC_ITERABLE_BUILTINS}
)


def _generator_expression_protocols(expr: ast.GeneratorExp) -> Protocols:
    if any(generator.is_async for generator in expr.generators):
        return frozenset({ASYNC})
    # An `await` (or, from 3.11, an async comprehension) inside makes it async; the first iterable does not count.
    inner: list[ast.AST] = [expr.elt, *expr.generators[0].ifs, *expr.generators[1:]]
    for root in inner:
        for node in ast.walk(root):
            if isinstance(node, ast.Await) or (isinstance(node, ast.comprehension) and node.is_async):
                return None
    return frozenset({SYNC})


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


def _class_level_annotation(cls: ast.AST, attribute: str) -> Optional[ast.expr]:
    """`repo: Repo` among the class body's own statements."""
    for statement in getattr(cls, "body", []):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.target.id == attribute:
                return statement.annotation
    return None


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
# no protocol method and no coroutine function.
_KNOWN_BASES = {"typing.Generic": typing.Generic, "typing.Protocol": typing.Protocol, "abc.ABC": abc.ABC}


def _known_base(qualified: str) -> object:
    return _builtin(qualified) if qualified.startswith("builtins.") else _KNOWN_BASES.get(qualified)


def _union_members(annotation: ast.expr) -> Optional[list[ast.expr]]:
    """`A | B | None` -> [A, B, None]; None when it is no `|` union."""
    if not (isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr)):
        return None
    members: list[ast.expr] = []
    pending: list[ast.expr] = [annotation]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            pending.extend((node.right, node.left))
        else:
            members.append(node)
    return members


_EXTERNAL_TO_CALLABLE = {
    ExternalKind.COROUTINE_FUNCTION: CallableKind.COROUTINE_FUNCTION,
    ExternalKind.ASYNC_GENERATOR_FUNCTION: CallableKind.ASYNC_GENERATOR_FUNCTION,
    ExternalKind.SYNC_FUNCTION: CallableKind.SYNC_FUNCTION,
    ExternalKind.CLASS: CallableKind.CLASS,
}


def _own_statements(function: ast.AST) -> list[ast.AST]:
    """Every node of a function's own body, not those of functions or classes nested in it."""
    found: list[ast.AST] = []
    pending = list(getattr(function, "body", []))
    while pending:
        node = pending.pop()
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def _returns_none(statement: ast.Return) -> bool:
    value = statement.value
    return value is None or (isinstance(value, ast.Constant) and value.value is None)


def _returns_a_value(function: ast.AST) -> bool:
    return any(isinstance(node, ast.Return) and node.value is not None for node in _own_statements(function))


# Other modules (the project's, installed ones), read once per process (flake8
# lints a project's files in a few long-lived processes), kept while recently used.
MAX_CACHED_MODULES = 64
_MODULES: OrderedDict[tuple[str, frozenset[str]], Optional[Inference]] = OrderedDict()


# Modules read before the cache is set aside again: each time costs one full collection.
SETTLE_EVERY = 16
_read_since_settled = 0


# id(class node) -> (depth it was read at, the node, its bases); for one linted file.
_CLASS_BASES: dict[int, tuple[int, ast.AST, Optional[list[Union[Definition, type]]]]] = {}

# (id(module), id(expression), id(scope node)) -> (depth it was evaluated at, its values, the
# objects of the key); for one linted file.
_VALUES: dict[tuple[int, int, int], tuple[int, Values, tuple[object, ...]]] = {}


def settle_module_cache() -> None:
    """Set the long-lived cache aside from the cyclic garbage collector, between two files.

    Every full collection flake8 triggers would otherwise walk each cached
    module's nodes again. A full collection first frees the files linted so
    far; `gc.freeze()` then exempts what is left, which stays reclaimable by
    reference counting: the cached modules hold no reference cycles (outline
    scopes keep no children, cached modules remember no resolutions), so an
    evicted one is freed at once.
    """
    global _read_since_settled
    # What a file's lookups remembered of class hierarchies: dropped between files,
    # so the cache keeps no reference from one file's definitions to another's.
    _CLASS_BASES.clear()
    _VALUES.clear()
    if _read_since_settled < SETTLE_EVERY:
        return
    _read_since_settled = 0
    gc.collect()
    gc.freeze()


def module_at(path: str, declared: frozenset[str]) -> Optional[Inference]:
    """The Inference of the module in `path`, or None if it cannot be read as Python."""
    global _read_since_settled
    key = (path, declared)
    if key in _MODULES:
        _MODULES.move_to_end(key)
        return _MODULES[key]
    module: Optional[Inference] = None
    try:
        with open(path, "rb") as file:
            source = file.read()
        tree = ast.parse(source, path)
        module = Inference(outline_index(tree, source), layout_of(path), declared, remember_resolutions=False)
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        module = None  # unreadable or not valid Python: nothing is known of it
    _MODULES[key] = module
    _read_since_settled += 1
    if len(_MODULES) > MAX_CACHED_MODULES:
        _MODULES.popitem(last=False)
    return module
