"""`if sys.version_info >= (3, 11):` decided as the interpreter running flake8 decides it.

Version-dependent facts follow that interpreter (docs/rules.md): a name bound
in both branches of such a test (`from asyncio import timeout` on 3.11 and
later, `from async_timeout import timeout` before) holds what the branch this
interpreter takes binds: `with timeout(1):` is an ASY302 when flake8 runs on
3.11 or later. Only `sys.version_info <op> (3, 11)` and `sys.version_info[:2]
<op> (3, 11)` with `<`, `<=`, `>`, `>=` are decided. Inside the branch not
taken nothing is inferred (its code runs only on other versions); the
compile-time rules (ASY2xx, ASY305, ASY306) still report there, as
`compile()` does.
"""

from __future__ import annotations

import ast
import operator
import sys
from typing import Callable, Optional

_COMPARISONS: dict[type, Callable[[object, object], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def branch_taken(test: ast.expr) -> Optional[bool]:
    """Whether `sys.version_info <op> (3, 11)` (also `sys.version_info[:2]`) holds here; None for any other test."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1) or type(test.ops[0]) not in _COMPARISONS:
        return None
    version: object = sys.version_info
    left = test.left
    if isinstance(left, ast.Subscript):
        bound = left.slice
        if not (
            isinstance(bound, ast.Slice)
            and bound.lower is None
            and bound.step is None
            and isinstance(bound.upper, ast.Constant)
            and type(bound.upper.value) is int
        ):
            return None
        version = sys.version_info[: bound.upper.value]
        left = left.value
    if not (isinstance(left, ast.Attribute) and left.attr == "version_info"):
        return None
    if not (isinstance(left.value, ast.Name) and left.value.id == "sys"):
        return None
    right = test.comparators[0]
    if not (isinstance(right, ast.Tuple) and right.elts):
        return None
    if not all(isinstance(item, ast.Constant) and type(item.value) is int for item in right.elts):
        return None
    against = tuple(item.value for item in right.elts)  # type: ignore[attr-defined]
    return _COMPARISONS[type(test.ops[0])](version, against)
