"""The fields of an AST node that may hold nodes worth visiting, per node class.

`ast.iter_child_nodes` tries every field of every node, identifiers,
numbers and expression contexts included; the walks here visit every
node of every linted file and of the bodies read in outline, so they ask
only the fields that can hold an expression, a statement or one of the
other nodes the hooks read.
"""

from __future__ import annotations

import ast

# Fields that never hold a node worth visiting: expression contexts and operators, and
# the fields of identifiers, numbers and constants (read by the hooks, never walked).
_SKIPPED_FIELDS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "asname", "module", "level", "conversion", "is_async", "type_comment"}
    | {"kwd_attrs", "rest"}
)
_SKIPPED_FIELDS_OF: dict[str, frozenset[str]] = {
    "Constant": frozenset({"value", "kind"}),
    "MatchSingleton": frozenset({"value"}),
    "Global": frozenset({"names"}),
    "Nonlocal": frozenset({"names"}),
}
# `name` is an identifier in every class but TypeAlias, where it is a Name node.
_NAME_IS_A_NODE = frozenset({"TypeAlias"})

_PLANS: dict[type, tuple[str, ...]] = {}


def field_plan(cls: type) -> tuple[str, ...]:
    """The fields of `cls` that may hold nodes, in the order of its `_fields`."""
    plan = _PLANS.get(cls)
    if plan is None:
        name = cls.__name__
        skipped = _SKIPPED_FIELDS | _SKIPPED_FIELDS_OF.get(name, frozenset())
        if name not in _NAME_IS_A_NODE:
            skipped |= {"name"}
        plan = _PLANS[cls] = tuple(f for f in getattr(cls, "_fields", ()) if f not in skipped)
    return plan


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of `node`, as `ast.iter_child_nodes` gives them, less contexts and operators."""
    found: list[ast.AST] = []
    cls = node.__class__
    plan = _PLANS.get(cls)
    if plan is None:
        plan = field_plan(cls)
    for name in plan:
        value = getattr(node, name, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    found.append(item)
        elif isinstance(value, ast.AST):
            found.append(value)
    return found
