"""What a function's body says without running it: an interface stub, or a body that always raises."""

from __future__ import annotations

import ast


def is_stub(function: ast.AST) -> bool:
    """A body of only a docstring, `...` or `raise NotImplementedError`: an interface, not code.

    (`pass` is not one: `def __aexit__(self, *exc): pass` is real code that returns None.)
    """
    for statement in getattr(function, "body", []):
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring or `...`
        if isinstance(statement, ast.Raise):
            raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                continue
        return False
    return True


def always_raises(function: ast.AST) -> bool:
    """A def whose whole body (but a docstring) raises: calling it never returns.

    `raise NotImplementedError` is not counted: it is how an interface
    method says a subclass provides the real one.
    """
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = [statement for statement in function.body if not _is_docstring(statement)]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return not (isinstance(raised, ast.Name) and raised.id == "NotImplementedError")


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
