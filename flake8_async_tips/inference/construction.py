"""What calling or subscripting a class of the project gives, and when its body says what it has.

A class's members are what its statement defines, unless a metaclass (its
own, or a base's that can be read) may rewrite the namespace or the MRO:
one defining `__new__`, `__init__`, `__prepare__`, `mro`, `__getattr__` or
`__getattribute__`, or one that cannot be read. Then nothing of the class
is judged by its statement, except where the metaclass's own `__new__` is
proven to rewrite only names with a prefix (asyncpg's test metaclass turns
every `async def test_*` into a sync wrapper: every other name stays as
written; see inference/metaclasses.py for what is proven). A metaclass of
the project that defines none of them (trio's `NoPublicConstructor`, which
only refuses calls) leaves the class as written; `type(unittest.TestCase)`
as a metaclass's base is `type`. Bases are read for an inherited
metaclass only in a project where some class statement names one (a
base that cannot be read, such as an installed library's compiled class,
is trusted as before).

Calling a class makes an instance of it, unless its metaclass defines
`__call__` (which decides what a call gives), or its own `__new__` is
annotated to return a tuple (anyio's `create_memory_object_stream`,
trio's `open_memory_channel`: a pair of streams, followed element by
element when unpacked: `send, receive = open_memory_channel(0)`).
`Stream[str]` of a generic class is a generic alias, and calling the alias
calls the class; a class that defines its own `__class_getitem__`, or whose
metaclass defines `__getitem__`, may make anything of a subscript, and is
not followed.

`Cluster.__new__(Cluster)` makes an instance of the class without running
its `__init__`, when no class of its MRO defines `__new__`.

`super().start` in a method of a class is what the class's bases define
(when a single base defines it, or all that do agree), reached as
`self.start` is: a subclass may put another class between them in the MRO,
so only what every override keeps holds (a coroutine function stays one; a
sync method's result is not trusted). Only the zero-argument builtin
`super()` in the method's own body, whose first parameter is never rebound,
for a name that some `async def` of the module has (an override calls the
method it overrides: `async def start` calls `super().start()`).
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips import decorators
from flake8_async_tips.inference.classes import _FOUND
from flake8_async_tips.inference.instance_stores import InstanceStoreModel
from flake8_async_tips.project import names_in_class_bases
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    NAMESPACE_HOOKS,
    Definition,
    External,
    Instance,
    Values,
    _overridable,
)
from flake8_async_tips.scopes import Scope, ScopeKind
from flake8_async_tips.verdict import Verdict

# A hierarchy longer than this is not walked (each class is walked once: cycles end).
MAX_CLASSES_WALKED = 64
_CALL = frozenset({"__call__"})
_GETITEM = frozenset({"__getitem__"})
_TUPLE = frozenset({Instance(External("builtins.tuple"))})


class ConstructionModel(InstanceStoreModel):
    """Calls and subscripts of the project's classes."""

    def _constructed_values(self, cls: Definition, depth: int) -> Values:
        """What `Cls(...)` makes: an instance of it, a tuple (by `__new__`'s annotation), or unknown."""
        if not self._constructs_instances(cls, depth + 1):
            return None
        if cls.module._tuple_constructor(cls, depth + 1) is not None:
            return _TUPLE
        return frozenset({Instance(cls)})

    def _body_as_written(self, cls: Definition, depth: int, attribute: str) -> bool:
        """Is the class's `attribute` what its statement says? Not when a metaclass (its own or a
        readable base's) may rewrite that name or the MRO, or cannot be read."""
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if not node.keywords and not self._project_declares_metaclasses():
            return True  # no class statement of the project names a metaclass: none to inherit
        memo = self.__dict__.setdefault("_bodies_as_written", {})
        # Every name first (once per class: almost every class's metaclasses rewrite none), then this one.
        for key in ((id(cls.node), None), (id(cls.node), attribute)):
            known = memo.get(key)
            if known is None or known[0] is not cls.node:
                known = memo[key] = (
                    cls.node,
                    self._hierarchy_holds(
                        cls, depth, forbidden_in_metaclass=NAMESPACE_HOOKS, unread_bases=True, kept_name=key[1]
                    ),
                )
            if known[1]:
                return True
        return False

    def _project_declares_metaclasses(self) -> bool:
        """Does a class statement of the project (on disk, or in this module as read) say `metaclass=`?"""
        known = self.__dict__.get("_declares_metaclasses")
        if known is None:
            top = self.layout.project_folder
            named = None if top is None else names_in_class_bases(top)
            known = named is None or "metaclass" in named
            if not known and self.bindings.walk_order is not None:
                # The linted module as the editor has it, which may differ from the disk.
                known = any(
                    isinstance(scope.node, ast.ClassDef) and any(k.arg == "metaclass" for k in scope.node.keywords)
                    for scope in self.root_scope.preorder()
                )
            self.__dict__["_declares_metaclasses"] = known
        return known

    def _constructs_instances(self, cls: Definition, depth: int) -> bool:
        """Does calling the class make an instance of it? Not when its metaclass (its own or a
        base's, as far as they can be read) defines `__call__`, or cannot be read."""
        if cls.module is not self:
            return cls.module._constructs_instances(cls, depth + 1)
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if not node.keywords and not self._project_declares_metaclasses():
            return True
        return self._hierarchy_holds(cls, depth, forbidden_in_metaclass=_CALL, unread_bases=True)

    def _hierarchy_holds(
        self,
        cls: Definition,
        depth: int,
        forbidden_in_metaclass: frozenset[str],
        unread_bases: bool,
        forbidden_in_class: Optional[str] = None,
        kept_name: Optional[str] = None,
    ) -> bool:
        """Does no class from `cls` up through its project bases (each once: a cycle ends there)
        have a metaclass defining `forbidden_in_metaclass` (or one that cannot be read), nor
        define `forbidden_in_class` itself? `unread_bases`: the answer when a class's bases cannot be read.
        `kept_name`: a metaclass is allowed whose `__new__` is proven to leave that name as written."""
        if depth > MAX_DEPTH:
            return False
        seen: set[int] = set()
        pending = [cls]
        while pending:
            current = pending.pop()
            node = current.node
            if id(node) in seen:
                continue
            seen.add(id(node))
            if not isinstance(node, ast.ClassDef) or len(seen) > MAX_CLASSES_WALKED:
                return False
            module = current.module
            if forbidden_in_class is not None and forbidden_in_class in module.bindings.of(node).names:
                return False
            for keyword in node.keywords:
                methods = module._metaclass_methods(keyword, current.scope, depth)
                if methods is None:
                    return False
                if methods & forbidden_in_metaclass and not (
                    kept_name is not None and module._keeps_entry(keyword, current.scope, kept_name, depth)
                ):
                    return False
            bases = module._class_bases(current, depth) if node.bases else []
            if bases is None:
                if not unread_bases:
                    return False
                continue
            pending.extend(base for base in bases if isinstance(base, Definition))
        return True

    def _tuple_constructor(self, cls: Definition, depth: int) -> Optional[Definition]:
        """The class's own `__new__` when it is annotated to return a tuple (`-> tuple[A, B]`)."""
        if cls.module is not self:
            return cls.module._tuple_constructor(cls, depth + 1)
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        own = self.bindings.of(node).names.get("__new__")
        if not own or len(own) != 1 or not isinstance(own[0].node, ast.FunctionDef):
            return None
        constructor = own[0].node
        if constructor.returns is None or not self._is_tuple_annotation(constructor.returns, own[0].scope):
            return None
        return Definition(constructor, own[0].scope, self)

    def _subscripts_to_alias(self, cls: Definition, depth: int) -> bool:
        """Is `Cls[...]` a generic alias of it? Its classes' `__class_getitem__` are the runtime's
        own (typing.Generic's, a builtin's), and no metaclass on the way defines `__getitem__`."""
        return self._hierarchy_holds(
            cls, depth, forbidden_in_metaclass=_GETITEM, unread_bases=False, forbidden_in_class="__class_getitem__"
        )

    def _super_member_values(self, call: ast.Call, attribute: str, scope: Scope, depth: int) -> Values:
        """`super().start` in a method: the attribute its class's bases define, as `self.start` would be
        reached (a subclass may put another class between them in the MRO: only what every override keeps holds).

        Only the zero-argument `super()` of the builtins, called in the method's own scope (not in a
        nested function or comprehension, where it has no `__class__` or first argument to use), whose
        first parameter is the instance or the class and is never rebound.
        """
        if call.args or call.keywords:
            return None
        if self.qualified_name(call.func, scope) != "builtins.super":  # type: ignore[attr-defined]
            return None
        method = scope.node
        if scope.kind not in (ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION) or not isinstance(
            method, (ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            return None
        owner = self.bindings.method_class.get(id(method))
        first = decorators.first_parameter(method)
        if owner is None or first is None or decorators.first_parameter_binding(method) not in ("instance", "class"):
            return None
        if len(self.bindings.of(method).names.get(first, [])) != 1:
            return None  # the first parameter rebound: super() looks at its new value
        cls = self._class_definition(owner)
        if cls is None:
            return None
        status, found = self._bases_lookup(cls, attribute, depth + 1)
        return _overridable(found) if status == _FOUND else None

    def _bare_instance(self, call: ast.Call, scope: Scope, depth: int) -> Values:
        """`Cluster.__new__(Cluster)`: an instance of the class, `__init__` not run, when no class of its
        MRO defines `__new__` (object's makes an instance of the class it is given) and no metaclass
        may rewrite the body."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "__new__" and len(call.args) == 1):
            return None
        if call.keywords or not isinstance(func.value, ast.Name) or not _is_name_of(call.args[0], func.value.id):
            return None
        found = self.values(func.value, scope, depth + 1)  # type: ignore[attr-defined]
        if found is None or len(found) != 1:
            return None
        (cls,) = found
        if not (isinstance(cls, Definition) and isinstance(cls.node, ast.ClassDef)):
            return None
        if cls.module.class_defines(cls, "__new__", depth + 1) is not Verdict.NO:
            return None
        return frozenset({Instance(cls)})


def _is_name_of(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name
