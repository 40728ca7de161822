"""What a `for` loop's target takes: the items of a display, or of a declared collection.

`for conn in self.connections:` with `self.connections: list[WebSocket] = []`
(or a class-level `connections: list[WebSocket]`, a parameter `conns:
Sequence[Conn]`, `*conns: Conn`, or `self.conns = conns` from such a
parameter in every store) gives the declared item class; `for path
in (source, target):` the items' own values; `for listener in await
open_listeners(0):` and `(listener,) = await open_listeners(0)` the item
class of the def's `-> list[Listener]`. Anything else stays unknown.
A mixin given the evaluator as `self`, above the annotation model.
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips import known_apis
from flake8_async_tips.bindings import Binding
from flake8_async_tips.inference.overloads import OverloadModel
from flake8_async_tips.inference.syntax import _parsed_string
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    Definition,
    External,
    Instance,
    Values,
    canonical_class,
    union_of,
)
from flake8_async_tips.kinds import CallableKind
from flake8_async_tips.scopes import Scope

# `for x in items` over `items: list[Conn]`: the collections whose first argument types the items.
_ITEMS_TYPED_BY_FIRST = frozenset(
    {f"{module}.{name}" for module in ("typing", "collections.abc") for name in (
        "Iterable", "Iterator", "Collection", "Sequence", "MutableSequence", "Set", "MutableSet", "AbstractSet",
        "Reversible", "Mapping", "MutableMapping")}
    | {"typing.List", "typing.Set", "typing.FrozenSet", "typing.Deque", "typing.Dict", "collections.deque",
       "builtins.list", "builtins.set", "builtins.frozenset", "builtins.dict"}
)
_TUPLES = frozenset({"typing.Tuple", "builtins.tuple"})


class ItemModel(OverloadModel):
    """The items a plain `for` takes from its iterable."""

    def _element_values(self, iterable: ast.expr, scope: Scope, depth: int) -> Values:
        """What `for x in iterable` binds x to: the items of a display (`for s in (a, b)`), or the T
        its declaration gives (`conns: list[Conn]`, `self.conns: list[Conn] = []`, `*conns: Conn`)."""
        if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
            if not iterable.elts or any(isinstance(item, ast.Starred) for item in iterable.elts):
                return None
            return union_of(iterable.elts, lambda item: self.values(item, scope, depth + 1))
        if isinstance(iterable, (ast.Call, ast.Await)):
            return self._items_of_call(iterable, scope, depth + 1)  # `for listener in await open_listeners(0):`
        declared = self._declared_annotation(iterable, scope, depth + 1)
        if declared is None:
            return None
        annotation, where, of_items = declared
        return self._annotated_instances(annotation, where, depth + 1) if of_items else \
            self._item_instances(annotation, where, depth + 1)

    def _declared_annotation(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[tuple[ast.expr, Scope, bool]]:
        """(annotation, its scope, whether it types each item) declared for a name or `obj.attr`; None if none."""
        if isinstance(expr, ast.Name):
            found = self.bindings.lookup(expr.id, scope)
            found = None if not found else self.reaching.reaching(expr, scope, found)
            if not found or len(found) != 1:
                return None
            (binding,) = found
            if isinstance(binding.node, ast.arg) and binding.node.annotation is not None:
                # `*conns: Conn` types each item of the tuple.
                return binding.node.annotation, binding.scope, self._collects_arguments(binding.node)
            return None if binding.annotation is None else (binding.annotation, binding.scope, False)
        if not isinstance(expr, ast.Attribute) or depth > MAX_DEPTH:
            return None
        owners = self.values(expr.value, scope, depth + 1)
        if not owners or len(owners) != 1:
            return None
        (owner,) = owners
        if not isinstance(owner, Instance) or not isinstance(owner.of, Definition):
            return None
        cls = owner.of
        return cls.module._declared_attribute(cls, expr.attr)

    def _declared_attribute(self, cls: Definition, attribute: str) -> Optional[tuple[ast.expr, Scope, bool]]:
        """The class-level annotation of an instance attribute, or the one its stores on `self` agree on."""
        if attribute in self.bindings.stored_attributes and not self._stored_only_on_self(cls, attribute):
            return None
        declared = self._class_annotations(cls.node).get(attribute)
        if declared is not None:
            return declared, cls.scope, False
        stores = self.bindings.attribute_stores.get(attribute, [])
        if not stores or any(self._self_store_class(store) is not cls.node for store in stores):
            return None
        annotated = [store for store in stores if store.annotation is not None]
        if not annotated:
            return self._declared_by_parameter(stores)
        texts = {ast.dump(store.annotation) for store in annotated}  # type: ignore[arg-type]
        if len(texts) != 1:
            return None
        return annotated[0].annotation, annotated[0].scope, False  # type: ignore[return-value]

    def _declared_by_parameter(self, stores: list[Binding]) -> Optional[tuple[ast.expr, Scope, bool]]:
        """`self.traces = traces` in every store, each `traces` an annotated parameter of the method,
        never rebound, all annotated alike: that annotation (`traces: list[Trace]`)."""
        declared = []
        for store in stores:
            if not isinstance(store.value, ast.Name):
                return None
            found = self.bindings.lookup(store.value.id, store.scope)
            if not found or len(found) != 1:
                return None
            (binding,) = found
            if not isinstance(binding.node, ast.arg) or binding.node.annotation is None:
                return None
            declared.append((binding.node.annotation, binding.scope, self._collects_arguments(binding.node)))
        if len({(ast.dump(annotation), of_items) for annotation, _, of_items in declared}) != 1:
            return None
        return declared[0]

    def _items_of_call(self, value: ast.expr, scope: Scope, depth: int) -> Values:
        """The items of what a call of a def (or awaiting it) gives, by its collection annotation."""
        awaited = isinstance(value, ast.Await)
        call = value.value if isinstance(value, ast.Await) else value
        if not isinstance(call, ast.Call):
            return None
        callee = self._only_value(call.func, scope, depth + 1)  # type: ignore[attr-defined]
        tabled = self._table_items(callee, awaited)
        if tabled is not None:
            return tabled
        callee = None if callee is None else self._resolved(callee, depth + 1)
        if not isinstance(callee, Definition) or not isinstance(callee.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        kind = CallableKind.COROUTINE_FUNCTION if awaited else CallableKind.SYNC_FUNCTION
        return callee.module._returned_items(callee, kind, depth + 1)

    def _table_items(self, callee: object, awaited: bool) -> Values:
        """The items of the list awaiting a call of a library function of the tables gives (AWAITED_ITEMS)."""
        name = canonical_class(callee.name) if awaited and isinstance(callee, External) else None
        made = None if name is None else known_apis.AWAITED_ITEMS.get(name)
        return None if made is None else frozenset({Instance(External(made))})

    def _returned_items(self, function: Definition, kind: str, depth: int) -> Values:
        """The items of what calling (or awaiting) the def gives, by its `-> list[Listener]` annotation: each
        element of `(listener,) = await open_listeners(0)`, each target of a `for` over it."""
        returns = getattr(function.node, "returns", None)
        if returns is None or not self._is_plain_result(function, kind, depth + 1):
            return None
        return self._item_instances(returns, function.scope, depth + 1)

    def _item_instances(self, annotation: ast.expr, scope: Scope, depth: int) -> Values:
        """The items of a collection annotation: `list[Conn]` -> Conn, `tuple[A, ...]` -> A, `tuple[A, B]` -> both."""
        parsed = _parsed_string(annotation)
        if not isinstance(parsed, ast.Subscript):
            return None
        form = self.qualified_name(parsed.value, scope)
        items = list(parsed.slice.elts) if isinstance(parsed.slice, ast.Tuple) else [parsed.slice]
        if form in _ITEMS_TYPED_BY_FIRST and items:
            return self._annotated_instances(items[0], scope, depth + 1)
        if form in _TUPLES and items:
            if len(items) == 2 and isinstance(items[1], ast.Constant) and items[1].value is Ellipsis:
                items = items[:1]
            return union_of(items, lambda item: self._annotated_instances(item, scope, depth + 1))
        return None
