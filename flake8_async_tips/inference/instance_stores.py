"""Instance attributes a class's methods store in a module read in outline, or a base's module.

A module another file imports is read in outline: its method bodies are
cut, and with them the values its `self.<name> = ...` stores assign. A
store whose value is a chain of names, attributes and calls rooted at the
instance or at a module name (`self.lock = asyncio.Lock()`,
`self.cx = self.make_client()`, `self.db = self.cx.motor_test`,
`self.conn = await self.connect()`) is kept, its calls' arguments cut:
given the instance, it means what it meant in the body. The set-up methods
of a class (`setUp`, `asyncSetUp`, `setUpClass`, `setup_method`,
`setup_class`) are read whole, and their stores keep their values:
`self.con = self.loop.run_until_complete(self.connect(**options))` is read
with its arguments, as one call of the method for the instance (see
specialization.py), and `cls.loop = loop` in `setUpClass` stores what every
instance of the class reads, `cls` being the instance's class. The
attribute of an instance is then what every such store of the class and of
the classes above it gives, evaluated with the instance asked about as
`self`, so that `self.make_client()` is the method the instance's own class
has.

It holds only when, in every module on the way, each store of that name is
such a store on `self` in an instance method (any other store, `setattr`,
`vars()`, a value cut away leaves it unknown), no class on the way defines
the name in its body, every base can be read (unittest's test cases are
known bases; a base of a library found nowhere here, such as tornado's
`AsyncTestCase` where tornado is not installed, is taken to store none,
as type checkers take an unresolved base), and the instance is of that class exactly or the class is
subclassed nowhere in the project (a subclass's stores would be unseen).
A store of `None` is left out, as in the linted module. A mixin given the
evaluator as `self`.
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips import decorators
from flake8_async_tips.inference.classes import _FOUND
from flake8_async_tips.inference.overrides import OverrideModel
from flake8_async_tips.outline import AWAIT, CALL
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    Definition,
    Instance,
    TableBase,
    Value,
    Values,
    known_base_has,
    union_of,
)
from flake8_async_tips.scopes import Scope, ScopeKind

# A hierarchy longer than this is not walked for an attribute's stores.
MAX_CLASSES_ON_THE_WAY = 32


class InstanceStoreModel(OverrideModel):
    """What the kept `self.<name> = <chain>` stores of outlined modules give an instance."""

    def _kept_store_values(self, cls: Definition, attribute: str, receiver: Optional[Instance], depth: int) -> Values:
        """The attribute of `receiver` (an instance of `cls`) by the kept stores of cls and the classes above it."""
        if depth > MAX_DEPTH or receiver is None or not isinstance(cls.node, ast.ClassDef):
            return None
        if not receiver.exact and cls.module._subclassed_in_project(cls.node):
            return None
        classes = self._classes_on_the_way(cls, attribute, depth + 1)
        if classes is None:
            return None
        ids = {id(klass.node) for klass in classes}
        collected: set[Value] = set()
        for klass in classes:
            module = klass.module
            if attribute not in module.bindings.stored_attributes:
                continue
            if module.bindings.walk_order is not None and attribute not in module.bindings.unrecorded_stores:
                # Read in full (the linted module): its stores are recorded with their classes.
                stores = module.bindings.attribute_stores.get(attribute, [])
                if any(module._reaches(cls, store, depth + 1) for store in stores):
                    return None
                continue  # only other classes' instances (`self.loop = loop` in a helper class of a test)
            kept = module.bindings.self_store_values.get(attribute)
            if kept is None or attribute in module.bindings.unrecorded_stores:
                return None
            if module.bindings.writes_attributes_dynamically:
                return None
            for value, method, instance_name in kept:
                owner = module.bindings.method_class.get(id(method))
                if owner is None:
                    return None
                if id(owner) not in ids:
                    if module._may_be_related(owner, cls, depth + 1):
                        return None  # a subclass's store, or one that cannot be told apart
                    continue
                outer = module._method_outer_scope(owner)
                if isinstance(value, ast.expr):
                    found = module._stored_expression_values(value, method, owner, receiver, depth)
                else:
                    found = module._chain_values(value, instance_name, receiver, outer, depth + 1)
                if found is None:
                    return None
                collected |= found
        return frozenset(collected) or None

    def _dynamic_attribute(self, cls: Definition, depth: int) -> Values:
        """An attribute no class on the way defines: what an annotated `__getattr__` returns
        (`def __getattr__(self, name) -> Database` of motor's client: `client.test_db`)."""
        status, found = self._class_lookup(cls, "__getattr__", depth + 1)
        if status != _FOUND or found is None or len(found) != 1:
            return None
        (hook,) = found
        if not isinstance(hook, Definition) or not isinstance(hook.node, ast.FunctionDef) or hook.node.returns is None:
            return None
        if hook.node.decorator_list:
            return None
        return hook.module._annotated_instances(hook.node.returns, hook.scope, depth + 1)  # type: ignore[attr-defined]

    def _declared_by_parameters(self, annotations: list[ast.expr], cls: Definition, depth: int) -> Values:
        """What `self.x = param` stores hold, by the parameters' annotations (bodies read in outline)."""
        collected: set[Value] = set()
        for annotation in annotations:
            found = self._annotated_instances(annotation, cls.scope, depth + 1)
            if found is None:
                return None
            collected |= found
        return frozenset(collected) or None

    def _classes_on_the_way(self, cls: Definition, attribute: str, depth: int) -> Optional[list[Definition]]:
        """cls and every class above it, none defining `attribute` in its body; None when one cannot be read."""
        found: list[Definition] = []
        pending = [cls]
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if id(current.node) in seen:
                continue
            seen.add(id(current.node))
            if len(seen) > MAX_CLASSES_ON_THE_WAY or depth > MAX_DEPTH:
                return None
            module = current.module
            node = current.node
            assert isinstance(node, ast.ClassDef)
            if attribute in module.bindings.of(node).names:
                return None  # a class-level value beside the stores: which one is seen depends on the calls
            if (node.keywords or node.bases) and not module._body_as_written(current, depth + 1, attribute):
                return None
            bases = module._class_bases(current, depth + 1)
            if bases is None:
                bases = module._bases_beside_libraries_not_here(current, depth + 1)
            if bases is None:
                return None
            for base in bases:
                if isinstance(base, Definition):
                    pending.append(base)
                elif isinstance(base, TableBase):
                    if attribute in base.members:
                        return None
                elif known_base_has(base, attribute):
                    return None
            found.append(current)
        return found

    def _bases_beside_libraries_not_here(self, cls: Definition, depth: int) -> Optional[list[Value]]:
        """The bases of a class with no keywords, leaving out those of a library found nowhere here
        (tornado's `testing.AsyncTestCase` where tornado is not installed): as type checkers take an
        unresolved base, it stores no instance attribute. None when another base is not known."""
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if node.keywords:
            return None
        bases: list[Value] = []
        for base in node.bases:
            expr = base.value if isinstance(base, ast.Subscript) else base
            name = self.qualified_name(expr, cls.scope)  # type: ignore[attr-defined]
            if name is not None and "." in name and self._module_found_nowhere(name):
                continue
            found = self._project_class(expr, cls.scope, depth)
            if found is None:
                return None
            bases.append(found)
        return bases

    def _may_be_related(self, owner: ast.ClassDef, cls: Definition, depth: int) -> bool:
        """Might `owner` (a class of this module, not above cls) be a subclass of cls? True when unknown."""
        definition = self._class_definition(owner)  # type: ignore[attr-defined]
        if definition is None:
            return True
        above = self._project_ancestors(definition, depth + 1)
        return above is None or id(cls.node) in above

    def _method_outer_scope(self, owner: ast.ClassDef) -> Optional[Scope]:
        """Where a method's names not bound in it are looked up: the nearest scope around its class that is no class."""
        scope: Optional[Scope] = self.bindings.class_scope.get(id(owner))
        while scope is not None and scope.kind is ScopeKind.CLASS:
            scope = scope.parent
        return scope

    def _stored_expression_values(
        self, value: ast.expr, method: ast.AST, owner: ast.ClassDef, receiver: Instance, depth: int
    ) -> Values:
        """A store's value in a set-up method read whole: its first parameter is `receiver` (the class of
        `receiver`, in a classmethod), as the method runs for it."""
        class_scope = self.bindings.class_scope.get(id(owner))
        first = decorators.first_parameter(method)  # type: ignore[arg-type]
        binding = decorators.first_parameter_binding(method)  # type: ignore[arg-type]
        arguments = getattr(method, "args", None)
        if class_scope is None or first is None or arguments is None or binding not in ("instance", "class"):
            return None
        kind = ScopeKind.ASYNC_FUNCTION if isinstance(method, ast.AsyncFunctionDef) else ScopeKind.FUNCTION
        body = Scope(kind, method, Scope(ScopeKind.CLASS, owner, class_scope))
        arg = [*arguments.posonlyargs, *arguments.args][0]
        bound = receiver if binding == "instance" else receiver.of
        return self._specialized_values(value, body, {id(arg): frozenset({bound})}, depth)  # type: ignore

    def _chain_values(
        self, chain: tuple[str, ...], instance_name: str, receiver: Instance, scope: Optional[Scope], depth: int
    ) -> Values:
        """A kept chain's values (see outline.CALL), its root name `instance_name` being `receiver`."""
        if depth > MAX_DEPTH or scope is None or not chain:
            return None
        awaited = chain[0] == AWAIT
        root, *steps = chain[1:] if awaited else chain
        if root == instance_name:
            found: Values = frozenset({receiver})
        else:
            found = self._name_values(root, scope, depth + 1)  # type: ignore[attr-defined]
        for position, step in enumerate(steps):
            if found is None or depth > MAX_DEPTH:
                return None
            depth += 1
            if step != CALL:
                member = self._member_values  # type: ignore[attr-defined]
                found = union_of(found, lambda base: member(base, step, depth))
                continue
            if len(found) != 1:
                return None
            (callee,) = found
            if awaited and position == len(steps) - 1:
                return self._awaited_call_of(callee, depth)  # type: ignore[attr-defined]
            found = self._called_values(callee, _BARE_CALL, scope, depth)  # type: ignore[attr-defined]
        return None if awaited else found


# What a kept chain's calls are called with: nothing (their arguments are cut).
_BARE_CALL = ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=[])
