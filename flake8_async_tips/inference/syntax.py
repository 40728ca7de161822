"""What a def's or class's own syntax says, before any name is looked up.

The bottom layer of the inference package, with `values`: plain functions of
the stdlib AST, importing nothing of the evaluator.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Optional


def _class_level_annotations(cls: ast.AST) -> dict[str, ast.expr]:
    """`repo: Repo` among the class body's own statements, by name (the first for a name annotated twice)."""
    found: dict[str, ast.expr] = {}
    for statement in getattr(cls, "body", []):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            found.setdefault(statement.target.id, statement.annotation)
    return found


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


def _parsed_string(annotation: ast.expr) -> Optional[ast.expr]:
    """A string annotation's expression (None if it does not parse); any other annotation itself."""
    if not (isinstance(annotation, ast.Constant) and isinstance(annotation.value, str)):
        return annotation
    return _parsed_text(annotation.value.strip())


@lru_cache(maxsize=4096)
def _parsed_text(text: str) -> Optional[ast.expr]:
    # Every question about `"Connection"` would parse it again: one tree per text, shared (never changed).
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError):
        return None
