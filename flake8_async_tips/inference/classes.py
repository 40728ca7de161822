"""The class model: class members through bases and the MRO, instance attributes, stores on `self`.

A mixin of `Inference`, below the evaluator: it imports no evaluator code but
is given the evaluator as `self` (evaluating `self.x.y` looks up a class
member, which evaluates its binding), and asks it `values`,
`_binding_values`, `_annotated_instances` and `qualified_name`.
"""

from __future__ import annotations

import ast
from typing import Optional, Union

from flake8_async_tips import decorators
from flake8_async_tips.bindings import Binding
from flake8_async_tips.bodies import always_raises
from flake8_async_tips.inference.module_cache import _CLASS_BASES
from flake8_async_tips.inference.metaclasses import MetaclassModel
from flake8_async_tips.inference.syntax import _class_level_annotations
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    Definition,
    External,
    Instance,
    TableBase,
    Value,
    Values,
    _known_base,
    known_base_has,
    is_table_member,
    member_name,
    table_base,
)
from flake8_async_tips.project import names_in_class_bases
from flake8_async_tips.scopes import Scope
from flake8_async_tips.verdict import Verdict

# How a class attribute lookup ended.
_FOUND, _ABSENT, _UNKNOWN = "found", "absent", "unknown"


class ClassModel(MetaclassModel):
    """What a class of the project defines, and what its instances hold."""

    def _class_attribute(self, cls: Definition, attribute: str, depth: int) -> Values:
        """A method or class attribute of a class of the project, looked up through its bases."""
        status, found = self._class_lookup(cls, attribute, depth)
        return found if status == _FOUND else None

    def _class_annotations(self, node: ast.AST) -> dict[str, ast.expr]:
        """The class-level annotations of a class of this module, read once per class (asked per attribute)."""
        known = self.__dict__.setdefault("_class_annotations_read", {})
        found = known.get(id(node))
        if found is None:
            found = known[id(node)] = _class_level_annotations(node)
        return found

    def _instance_attribute(
        self, cls: Definition, attribute: str, depth: int, receiver: Optional[Instance] = None
    ) -> Values:
        """An attribute of an instance: the class's, or what the class's own methods store on `self`.

        A class-level annotation (`repo: Repo`) says what the instances hold.
        Instance stores are followed only when every store of that name in the
        module is `self.<name> = ...` in an instance method of a class of the
        module (in another module, read in outline, the annotation is trusted
        when every store is such a one, their values being cut away); the
        stores of the class, its bases and its subclasses there are what its
        instances may hold. (A store in a class unrelated to it
        does not reach its instances, unless a class elsewhere inherits from
        both: such a combination is not looked for.)
        """
        if cls.module is not self:
            return cls.module._instance_attribute(cls, attribute, depth + 1, receiver)
        stored = attribute in self.bindings.stored_attributes
        if stored and not self._stored_only_on_self(cls, attribute):
            return None
        stores = self.bindings.attribute_stores.get(attribute, [])
        if stored and self.bindings.walk_order is not None and not any(self._reaches(cls, s, depth) for s in stores):
            stored = False  # only other classes' instances (`self.loop = loop` in a helper class of a test)
        annotation = self._class_annotations(cls.node).get(attribute)
        if annotation is not None:
            # What the class declares its instances hold; the stores on `self` a body read in
            # outline keeps unseen are the ones type checkers hold to it.
            return self._annotated_instances(annotation, cls.scope, depth + 1)
        if attribute in self.bindings.unrecorded_self_stores:
            # Stored in a method's body read in outline: known only by the stores' kept chains.
            return self._kept_store_values(cls, attribute, receiver, depth + 1)  # type: ignore[attr-defined]
        status, found = self._class_lookup(cls, attribute, depth, trusted_stores=stored)
        if status == _UNKNOWN and not stored:
            # Stored by a base's methods in another module (`setUp` of a test case's base).
            return self._kept_store_values(cls, attribute, receiver, depth + 1)  # type: ignore[attr-defined]
        if status == _UNKNOWN:
            return None
        if status == _FOUND and not stored:
            return found
        declared = self.bindings.self_store_annotations.get(attribute)
        if status == _ABSENT and declared is not None and attribute not in self.bindings.attribute_stores:
            return self._declared_by_parameters(declared, cls, depth + 1)  # type: ignore[attr-defined]
        if status == _ABSENT and stored:
            return self._stored_values(cls, attribute, depth + 1)
        if status == _ABSENT:
            return self._dynamic_attribute(cls, depth + 1)  # type: ignore[attr-defined]
        return None  # a class-level value and instance stores: which one is seen depends on the calls

    def _subclassed_in_project(self, node: ast.ClassDef) -> bool:
        """May a class of the project subclass this one? Judged by the names in every class statement's
        bases (on disk, and in this module as read); True when that cannot be told."""
        top = self.layout.project_folder
        named = None if top is None else names_in_class_bases(top)
        if named is None or node.name in named:
            return True
        if self.bindings.walk_order is None:
            return False  # another module, read from disk: the scan saw its class statements
        # The linted module as the editor has it, which may differ from the disk.
        own = self.__dict__.get("_names_in_own_bases")
        if own is None:
            own = self.__dict__["_names_in_own_bases"] = _names_in_bases(self.bindings.root_scope)
        return node.name in own

    def _stored_only_on_self(self, cls: Definition, attribute: str) -> bool:
        """Every store of `attribute` in the module is `self.<attribute> = ...` in an instance method of a class."""
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        if attribute in self.bindings.unrecorded_stores or self.bindings.writes_attributes_dynamically:
            return False
        own_names = self.bindings.of(node).names
        if "__setattr__" in own_names or "__getattribute__" in own_names:
            return False
        stores = self.bindings.attribute_stores.get(attribute, [])
        return all(self._self_store_class(store) is not None for store in stores)

    def _reaches(self, cls: Definition, store: Binding, depth: int) -> bool:
        owner = self._self_store_class(store)
        return owner is None or self._related_classes(cls, owner, depth + 1)

    def _stored_below_only(self, cls: Definition, attribute: str, depth: int) -> bool:
        """Is every store of `attribute` in this module `self.<attribute> = ...` in a method of a
        class that is neither `cls` nor above it? Such stores (a sibling's, a subclass's) do not
        reach the instances of a subclass of `cls` in another module."""
        if not self._stored_only_on_self(cls, attribute):
            return False
        above = self._project_ancestors(cls, depth + 1)
        if above is None:
            return False
        owners = [self._self_store_class(store) for store in self.bindings.attribute_stores.get(attribute, [])]
        methods = self.bindings.self_store_methods.get(attribute, [])
        owners += [self.bindings.method_class.get(id(method)) for method in methods]
        return all(owner is not None and owner is not cls.node and id(owner) not in above for owner in owners)

    def _self_store_class(self, store: Binding) -> Optional[ast.ClassDef]:
        """The class whose instance method stores on `self` (`self.x = ...`); None for any other store."""
        method = store.scope.node
        target = store.node
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not isinstance(target, ast.Attribute):
            return None
        owner = self.bindings.method_class.get(id(method))
        if owner is None or decorators.first_parameter_binding(method) != "instance":
            return None
        first = decorators.first_parameter(method)
        receiver = target.value
        if not (isinstance(receiver, ast.Name) and receiver.id == first):
            return None
        if len(self.bindings.of(method).names.get(first, [])) != 1:
            return None  # `self` is rebound
        return owner

    def _related_classes(self, cls: Definition, other: ast.ClassDef, depth: int) -> bool:
        """Is `other` (a class of this module) `cls`, a base or a subclass of it? True when it cannot be told."""
        if other is cls.node:
            return True
        other_definition = self._class_definition(other)  # type: ignore[attr-defined]
        if other_definition is None:
            return True
        above_other = self._project_ancestors(other_definition, depth + 1)
        above_cls = self._project_ancestors(cls, depth + 1)
        if above_other is None or above_cls is None:
            return True
        return id(cls.node) in above_other or id(other) in above_cls

    def _project_ancestors(self, cls: Definition, depth: int) -> Optional[set[int]]:
        """The class nodes (by id) of the project above `cls`; None when a base cannot be resolved.

        A library's class ends the walk: it cannot be a subclass of the project's classes.
        """
        found: set[int] = set()
        pending = [cls]
        while pending:
            current = pending.pop()
            node = current.node
            if depth > MAX_DEPTH or not isinstance(node, ast.ClassDef):
                return None
            depth += 1
            for base in node.bases:
                expr = base.value if isinstance(base, ast.Subscript) else base
                values = current.module.values(expr, current.scope, depth)
                if values is None or len(values) != 1:
                    return None
                (value,) = values
                value = current.module._resolved(value, depth)
                if isinstance(value, Definition) and isinstance(value.node, ast.ClassDef):
                    if id(value.node) not in found:
                        found.add(id(value.node))
                        pending.append(value)
                elif not isinstance(value, External):
                    return None
        return found

    def _stored_values(self, cls: Definition, attribute: str, depth: int) -> Values:
        collected: set[Value] = set()
        for store in self.bindings.attribute_stores.get(attribute, []):
            owner = self._self_store_class(store)
            if owner is not None and not self._related_classes(cls, owner, depth + 1):
                continue  # another class's instances
            if store.value is None and store.unpacked is not None:
                # `self.send, self.receive = open_memory_channel(0)`: that element of the value.
                found = self._unpacked_values(*store.unpacked, store.scope, depth + 1)  # type: ignore[attr-defined]
                if found is None:
                    return None
                collected |= found
                continue
            if store.value is None:
                return None  # `del`, `+=`, a `for` or `with` target: not followed
            if _is_none(store.value):
                # `self.con = None` (in `close()`, `tearDown()`): a method called through the
                # attribute then raises AttributeError; when the call runs, another store's value is there.
                continue
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
            trusted = trusted_stores and cls.module._stored_below_only(cls, attribute, depth + 1)
            return cls.module._class_lookup(cls, attribute, depth + 1, trusted)
        if depth > MAX_DEPTH or (attribute in self.bindings.stored_attributes and not trusted_stores):
            return _UNKNOWN, None
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        body_as_written = self._body_as_written  # type: ignore[attr-defined]
        if (node.keywords or node.bases) and not body_as_written(cls, depth + 1, attribute):
            return _UNKNOWN, None
        own = self.bindings.of(node).names.get(attribute)
        if own:
            collected: set[Value] = set()
            for binding in decorators.runtime_bindings(own):
                values = self._binding_values(binding, depth + 1)
                if values is None:
                    return _UNKNOWN, None
                collected |= values
            return _FOUND, frozenset(collected)
        return self._bases_lookup(cls, attribute, depth, trusted_stores)

    def _bases_lookup(
        self, cls: Definition, attribute: str, depth: int, trusted_stores: bool = False
    ) -> tuple[str, Values]:
        """`_class_lookup` in the bases of a class of this module, not in its own body (also `super().attribute`)."""
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
            elif isinstance(base, TableBase):
                if attribute in base.members:
                    qualified = member_name(base.name, attribute)
                    if not is_table_member(qualified):
                        return _UNKNOWN, None
                    results.add(frozenset({External(qualified)}))  # `self.send()` of a library base
            elif known_base_has(base, attribute):
                return _UNKNOWN, None
        if not results:
            return _ABSENT, None
        if len(results) == 1:
            return _FOUND, results.pop()
        return _UNKNOWN, None

    def class_defines(self, cls: Definition, method: str, depth: int = 0) -> Verdict:
        """Does the class (or a base) define `method`? Unknown bases and metaclasses give UNKNOWN."""
        if cls.module is not self:
            return cls.module.class_defines(cls, method, depth + 1)
        node = cls.node
        if depth > MAX_DEPTH or method in self.bindings.stored_attributes or not isinstance(node, ast.ClassDef):
            return Verdict.UNKNOWN
        body_as_written = self._body_as_written  # type: ignore[attr-defined]
        if (node.keywords or node.bases) and not body_as_written(cls, depth + 1, method):
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
                has = method in base.members if isinstance(base, TableBase) else known_base_has(base, method)
                verdict = Verdict.YES if has else Verdict.NO
            if verdict is not Verdict.NO:
                return verdict
        return Verdict.NO

    def _class_bases(self, cls: Definition, depth: int) -> Optional[list[Union[Definition, type, TableBase]]]:
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

    def _read_class_bases(self, cls: Definition, depth: int) -> Optional[list[Union[Definition, type, TableBase]]]:
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        for keyword in node.keywords:
            # A metaclass of the project that makes the class from its bases as written (trio's
            # NoPublicConstructor only refuses calls); any other may add or rewrite anything.
            if not self._keeps_bases(keyword, cls.scope, depth + 1):
                return None
        bases: list[Union[Definition, type, TableBase]] = []
        for base in node.bases:
            expr = base.value if isinstance(base, ast.Subscript) else base
            made_by = self._metaclass_of_base(expr, cls.scope, depth + 1)
            if made_by is not None:
                bases.append(made_by)  # `class Meta(type(unittest.TestCase))`
                continue
            found = self.values(expr, cls.scope, depth + 1)
            if found is None or len(found) != 1:
                return None
            (value,) = found
            value = self._resolved(value, depth + 1)
            if isinstance(value, Definition) and isinstance(value.node, ast.ClassDef):
                bases.append(value)
            elif isinstance(value, External) and isinstance(_known_base(value.name), type):
                bases.append(_known_base(value.name))  # type: ignore[arg-type]
            elif isinstance(value, External) and table_base(value.name) is not None:
                bases.append(table_base(value.name))  # type: ignore[arg-type]  # trio.abc.AsyncResource
            else:
                return None
        return bases


def _names_in_bases(root: Optional[Scope]) -> frozenset[str]:
    """The names (`Base`, `mixins.Base`'s `Base`) in the bases of every class statement of a module."""
    found: set[str] = set()
    for scope in [] if root is None else root.preorder():
        statement = scope.node
        if isinstance(statement, ast.ClassDef):
            for base in statement.bases:
                for node in ast.walk(base):
                    if isinstance(node, ast.Name):
                        found.add(node.id)
                    elif isinstance(node, ast.Attribute):
                        found.add(node.attr)
    return frozenset(found)


def _is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None
