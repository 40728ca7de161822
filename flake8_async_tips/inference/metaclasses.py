"""Metaclasses of the project: what a class statement's `metaclass=` adds, and what it leaves as written.

A mixin of `Inference`, below the class model, given the evaluator as `self`
(it asks `values`, `qualified_name` and `_class_bases`).

A metaclass defining `__new__` may rewrite any name of the class body, so a
class under it is unknown, except for the names a `__new__` read here cannot
touch. The test-case metaclasses of unittest-era async suites (asyncpg's
`TestCaseMeta`) wrap every `test_*` coroutine function in a sync runner:

    def __new__(mcls, name, bases, ns):
        for methname, meth in mcls._iter_methods(bases, ns):   # yields only `test_*` names
            ns[methname] = wrapper_of(meth)
        return super().__new__(mcls, name, bases, ns)

Every other name (`setUp`, `create_pool`, `connect`) keeps its definition.
What is proven: the namespace is only read, written by `ns[key] = ...` where
`key` is a `for` target guarded by `key.startswith(prefix)` (in the loop, or
in the metaclass's own generator helper that yields it), and handed unchanged
with the bases to `super().__new__` in every `return`; no attribute is stored
and nothing else receives the namespace. Anything else: any name may change.
"""

from __future__ import annotations

import abc
import ast
from typing import Optional, Union

from flake8_async_tips.inference.project_names import ProjectNames
from flake8_async_tips.inference.values import MAX_DEPTH, NAMESPACE_HOOKS, Definition, External, _known_base
from flake8_async_tips.scopes import Scope

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_READING_METHODS = frozenset({"items", "keys", "values", "get", "copy"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class MetaclassModel(ProjectNames):
    """What the project's metaclasses define, and which class-body names they may rewrite."""

    def _metaclass_methods(self, keyword: ast.keyword, scope: Scope, depth: int) -> Optional[frozenset[str]]:
        """The names a class statement's `metaclass=M` defines beyond `type` and ABCMeta; None when unknown.

        Any other class keyword (passed to `__init_subclass__`) is unknown too.
        """
        if keyword.arg != "metaclass" or depth > MAX_DEPTH:
            return None
        if self.qualified_name(keyword.value, scope) in ("abc.ABCMeta", "builtins.type"):  # type: ignore[attr-defined]
            return frozenset()
        meta = self._project_class(keyword.value, scope, depth)
        return None if meta is None else meta.module._metaclass_class_methods(meta, depth + 1)

    def _project_class(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[Definition]:
        """The one class statement of the project `expr` names; None otherwise."""
        found = self.values(expr, scope, depth + 1)  # type: ignore[attr-defined]
        if found is None or len(found) != 1:
            return None
        (value,) = found
        value = self._resolved(value, depth + 1)  # type: ignore[attr-defined]
        return value if isinstance(value, Definition) and isinstance(value.node, ast.ClassDef) else None

    def _metaclass_class_methods(self, meta: Definition, depth: int) -> Optional[frozenset[str]]:
        """What a metaclass of the project and its bases up to `type` / ABCMeta define; None when unknown."""
        bases = self._class_bases(meta, depth + 1)  # type: ignore[attr-defined]
        if bases is None:
            return None
        names = set(self.bindings.of(meta.node).names)
        for base in bases:
            if isinstance(base, Definition):
                inherited = base.module._metaclass_class_methods(base, depth + 1)
                if inherited is None:
                    return None
                names |= inherited
            elif base not in (type, abc.ABCMeta):
                return None
        return frozenset(names)

    def _metaclass_of_base(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[type]:
        """`type(unittest.TestCase)` as a base: `type` or ABCMeta, the metaclass of a known runtime base."""
        if not (isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords):
            return None
        if self.qualified_name(expr.func, scope) != "builtins.type":  # type: ignore[attr-defined]
            return None
        found = self.values(expr.args[0], scope, depth + 1)  # type: ignore[attr-defined]
        if found is None or len(found) != 1:
            return None
        (value,) = found
        runtime = _known_base(value.name) if isinstance(value, External) else None
        made_by = type(runtime) if isinstance(runtime, type) else None
        return made_by if made_by in (type, abc.ABCMeta) else None

    def _keeps_entry(self, keyword: ast.keyword, scope: Scope, attribute: str, depth: int) -> bool:
        """Does the class statement's `metaclass=M` leave the body's `attribute` as written?"""
        prefixes = self._rewritten_prefixes(keyword, scope, depth)
        return prefixes is not None and not attribute.startswith(tuple(prefixes))

    def _keeps_bases(self, keyword: ast.keyword, scope: Scope, depth: int) -> bool:
        """Does the class statement's `metaclass=M` make the class from the bases as written?"""
        return self._rewritten_prefixes(keyword, scope, depth) is not None

    def _rewritten_prefixes(self, keyword: ast.keyword, scope: Scope, depth: int) -> Optional[frozenset[str]]:
        """The prefixes of every class-body name the metaclass may rewrite (none, without a namespace hook);
        None when any may be."""
        methods = self._metaclass_methods(keyword, scope, depth)
        if methods is None:
            return None
        hooks = methods & NAMESPACE_HOOKS
        if not hooks:
            return frozenset()
        if hooks != {"__new__"}:
            return None
        meta = self._project_class(keyword.value, scope, depth)
        if meta is None:
            return None
        return meta.module._prefixes_of_new(meta, depth + 1)

    def _prefixes_of_new(self, meta: Definition, depth: int) -> Optional[frozenset[str]]:
        memo = self.__dict__.setdefault("_new_prefixes", {})
        known = memo.get(id(meta.node))
        if known is None or known[0] is not meta.node:
            known = memo[id(meta.node)] = (meta.node, self._read_prefixes_of_new(meta, depth))
        return known[1]

    def _read_prefixes_of_new(self, meta: Definition, depth: int) -> Optional[frozenset[str]]:
        node = meta.node
        assert isinstance(node, ast.ClassDef)
        # `mcls` is this metaclass itself: a class whose metaclass derives from it names that
        # subclass in a class statement of its hierarchy, which is asked in turn.
        if depth > MAX_DEPTH:
            return None
        bases = self._class_bases(meta, depth + 1)  # type: ignore[attr-defined]
        for base in bases or []:
            inherited = base.module._metaclass_class_methods(base, depth + 1) if isinstance(base, Definition) else ()
            if inherited is None or NAMESPACE_HOOKS & set(inherited):
                return None  # a base's `__new__` (or hook) too: not followed
        new = _own_function(node, self.bindings.of(node).names, "__new__")
        if new is None or new.decorator_list or new.args.vararg or len(new.args.posonlyargs + new.args.args) != 4:
            return None
        reader = _NamespaceReader(self, node, new)
        return reader.prefixes()


def _own_function(cls: ast.ClassDef, names: dict, name: str) -> Optional[ast.FunctionDef]:
    """The one plain def of that name in the class body."""
    found = names.get(name)
    if not found or len(found) != 1 or not isinstance(found[0].node, ast.FunctionDef):
        return None
    return found[0].node if found[0].node in cls.body else None


class _NamespaceReader:
    """Reads a metaclass `__new__` for the names it may write into the class namespace."""

    def __init__(self, model: MetaclassModel, meta: ast.ClassDef, new: ast.FunctionDef) -> None:
        self.model = model
        self.meta = meta
        self.new = new
        self.parameters = [a.arg for a in new.args.posonlyargs + new.args.args]
        self.parents: dict[int, ast.AST] = {}

    def prefixes(self) -> Optional[frozenset[str]]:
        mcls, _, bases, namespace = self.parameters
        names = self.model.bindings.of(self.new).names
        if any(len(names.get(p, ())) != 1 for p in (mcls, bases, namespace)):
            return None  # a parameter rebound: the namespace (or bases) handed on may be another
        if not _no_attribute_writes(self.new) or not self._returns_the_class_made():
            return None
        found: set[str] = set()
        for use, parent in self._uses(self.new, namespace):
            if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store):
                assigned = self.parents.get(id(parent))
                if not (isinstance(assigned, ast.Assign) and assigned.targets == [parent]):
                    return None
                prefixes = self._key_prefixes(parent.slice, parent, self.new, follow_helpers=True)
                if prefixes is None:
                    return None
                found |= prefixes
            elif not self._reads(use, parent, namespace):
                return None
        return frozenset(found)

    def _uses(self, function: _Function, name: str) -> list[tuple[ast.Name, ast.AST]]:
        uses = []
        for parent in ast.walk(function):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
                if isinstance(child, ast.Name) and child.id == name:
                    uses.append((child, parent))
        return uses

    def _reads(self, use: ast.Name, parent: ast.AST, namespace: str) -> bool:
        """Is this use of the namespace a read, its hand-over to `super().__new__`, or a helper's argument read only?"""
        if isinstance(parent, ast.Subscript):
            return isinstance(parent.ctx, ast.Load)
        if isinstance(parent, ast.Attribute):
            call = self.parents.get(id(parent))
            return parent.attr in _READING_METHODS and isinstance(call, ast.Call) and call.func is parent
        if isinstance(parent, ast.Compare):
            return use in parent.comparators and all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops)
        if isinstance(parent, ast.Call) and use in parent.args:
            if self._is_class_made(parent):
                return True
            helper = self._helper(parent.func)
            if helper is None:
                return False
            function, offset = helper
            position = parent.args.index(use) + offset
            parameters = function.args.posonlyargs + function.args.args
            if position >= len(parameters) or not _no_attribute_writes(function):
                return False
            name = parameters[position].arg
            if len(self.model.bindings.of(function).names.get(name, ())) != 1:
                return False
            return all(
                not (isinstance(inner, ast.Subscript) and not isinstance(inner.ctx, ast.Load))
                and not isinstance(inner, ast.Call)
                and self._reads(inner_use, inner, name)
                for inner_use, inner in self._uses(function, name)
            )
        return False

    def _helper(self, func: ast.expr) -> Optional[tuple[ast.FunctionDef, int]]:
        """`mcls._iter_methods`: a static or class method of the metaclass's own body (and its parameter offset)."""
        mcls = self.parameters[0]
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == mcls):
            return None
        helper = _own_function(self.meta, self.model.bindings.of(self.meta).names, func.attr)
        if helper is None or len(helper.decorator_list) != 1 or not isinstance(helper.decorator_list[0], ast.Name):
            return None
        offset = {"staticmethod": 0, "classmethod": 1}.get(helper.decorator_list[0].id)
        if offset is None or self.model.qualified_name(helper.decorator_list[0], self.model.root_scope) != (
            "builtins." + helper.decorator_list[0].id
        ):
            return None
        return helper, offset

    def _is_class_made(self, call: ast.Call) -> bool:
        """`super().__new__(mcls, name, bases, ns)` / `type.__new__(...)` with `__new__`'s own parameters, unchanged."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "__new__"):
            return False
        maker = func.value
        is_super = isinstance(maker, ast.Call) and isinstance(maker.func, ast.Name) and maker.func.id == "super"
        if not (is_super and not maker.args and not maker.keywords) and not (
            isinstance(maker, ast.Name) and maker.id == "type"
        ):
            return False
        passed = [arg.id if isinstance(arg, ast.Name) else None for arg in call.args]
        kwargs = self.new.args.kwarg
        keywords_kept = all(
            k.arg is None and kwargs is not None and _is_name(k.value, kwargs.arg) for k in call.keywords
        )
        return passed == self.parameters and keywords_kept and isinstance(self.parents.get(id(call)), ast.Return)

    def _returns_the_class_made(self) -> bool:
        returns = [node for node in _own_nodes(self.new) if isinstance(node, ast.Return)]
        self._uses(self.new, self.parameters[3])  # fills the parents
        return bool(returns) and all(isinstance(r.value, ast.Call) and self._is_class_made(r.value) for r in returns)

    def _key_prefixes(
        self, key: ast.expr, at: ast.AST, function: _Function, follow_helpers: bool
    ) -> Optional[frozenset[str]]:
        """The prefixes a key written (or yielded) at `at` starts with: it is a `for` target of `function`,
        never assigned otherwise, and the loop only reaches `at` when `key.startswith(prefix)`."""
        if not isinstance(key, ast.Name):
            return None
        stores = [n for n in ast.walk(function) if _is_name(n, key.id) and not isinstance(n.ctx, ast.Load)]
        loop, inside = self._enclosing_loop(key.id, at, function)
        if loop is None or any(not _inside(store, loop.target) for store in stores if _inside(store, loop)):
            return None
        if any(_inside(store, inside) for store in stores):
            return None  # rebound in the loop's body, after the guard maybe
        guarded = self._guard(key.id, at, loop)
        if guarded is not None:
            return guarded
        if not follow_helpers or not isinstance(loop.iter, ast.Call):
            return None
        helper = self._helper(loop.iter.func)
        position = _target_position(loop.target, key.id)
        if helper is None or position == -1:
            return None
        return self._yielded_prefixes(helper[0], position)

    def _enclosing_loop(self, name: str, at: ast.AST, function: _Function) -> tuple[Optional[ast.For], ast.AST]:
        """The nearest `for` around `at` whose target binds `name`, and the statement of its body holding `at`."""
        child, node = at, self.parents.get(id(at))
        while node is not None and node is not function:
            if isinstance(node, ast.For) and child in node.body and name in _target_names(node.target):
                return node, child
            child, node = node, self.parents.get(id(node))
        return None, at

    def _guard(self, name: str, at: ast.AST, loop: ast.For) -> Optional[frozenset[str]]:
        """`if not name.startswith(p): continue` before the statement holding `at`, or `if name.startswith(p):`
        around it, in the loop's own body."""
        child, node = at, self.parents.get(id(at))
        while node is not None and node is not loop:
            if isinstance(node, ast.If) and child in node.body:
                found = _startswith(node.test, name)
                if found is not None:
                    return found
            child, node = node, self.parents.get(id(node))
        for statement in loop.body[: loop.body.index(child)] if child in loop.body else []:
            if (
                isinstance(statement, ast.If)
                and isinstance(statement.test, ast.UnaryOp)
                and isinstance(statement.test.op, ast.Not)
                and len(statement.body) == 1
                and isinstance(statement.body[0], ast.Continue)
                and not statement.orelse
            ):
                found = _startswith(statement.test.operand, name)
                if found is not None:
                    return found
        return None

    def _yielded_prefixes(self, helper: ast.FunctionDef, position: Optional[int]) -> Optional[frozenset[str]]:
        """The prefixes of the item at `position` (the item itself when None) of every value the helper yields."""
        own = list(_own_nodes(helper))
        yields = [node for node in own if isinstance(node, ast.Yield)]
        if not yields or any(isinstance(node, (ast.YieldFrom, ast.Return)) and node.value for node in own):
            return None
        self._uses(helper, "")  # fills the parents
        found: set[str] = set()
        for node in yields:
            value = node.value
            if position is not None:
                if not (isinstance(value, ast.Tuple) and position < len(value.elts)):
                    return None
                value = value.elts[position]
            if value is None:
                return None
            prefixes = self._key_prefixes(value, node, helper, follow_helpers=False)
            if prefixes is None:
                return None
            found |= prefixes
        return frozenset(found)


def _own_nodes(function: _Function):
    """The nodes of a def's body, not those of the functions and classes nested in it."""
    pending = list(function.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, _NESTED):
            pending.extend(ast.iter_child_nodes(node))


def _no_attribute_writes(function: _Function) -> bool:
    """No `x.a = ...` / `del x.a`, and no call of `setattr` / `delattr`, anywhere in the def."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            return False
        if isinstance(node, ast.Name) and node.id in ("setattr", "delattr", "vars", "globals", "exec", "eval"):
            return False
    return True


def _startswith(test: ast.expr, name: str) -> Optional[frozenset[str]]:
    """The prefixes of `name.startswith("p")` / `name.startswith(("p", "q"))`."""
    if not (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "startswith"
        and _is_name(test.func.value, name)
        and len(test.args) == 1
        and not test.keywords
    ):
        return None
    arg = test.args[0]
    items = arg.elts if isinstance(arg, ast.Tuple) else [arg]
    if not items or not all(isinstance(i, ast.Constant) and isinstance(i.value, str) and i.value for i in items):
        return None
    return frozenset(i.value for i in items)  # type: ignore[attr-defined]


def _target_names(target: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _target_position(target: ast.expr, name: str) -> Optional[int]:
    """Where `name` stands in a `for a, b in ...` target (None: the target is the name itself)."""
    if isinstance(target, ast.Tuple):
        for index, element in enumerate(target.elts):
            if _is_name(element, name):
                return index
        return -1  # nested deeper: no yielded item matches
    return None


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _inside(node: ast.AST, container: ast.AST) -> bool:
    return any(node is n for n in ast.walk(container))
