"""What an operator expression makes: `path / "name"`, `a or b`, `a if c else b`, `Stream[str]`.

`a / b` calls `type(a).__truediv__(a, b)`, unless b's class is a subclass
of a's with its own `__rtruediv__` (which then goes first), or the left
method returns NotImplemented (and the right one is tried). Followed only
where neither can happen: the left operand is an instance whose class
(a class of the project, or one of the tables: `anyio.Path`)
has the method, and the right operand is a literal (`"name"`, `f"{n}.txt"`,
a number) or a value known to be a str, bytes, int or float, whose classes
have no reflected method that could take over for another class. The
result is what calling that method gives (its annotation, its agreeing
returns, or the tables), so `(path / "log").write_text(s)` without `await`
is an ASY100 as `path.write_text(s)` is.

`limiter or default_limiter()`, `a and b` and `a if ready else b` hold
what one of their operands holds, whichever is chosen: followed when every
operand is known (`limiter: CapacityLimiter | None` is known as a
CapacityLimiter: on None, what is asked of it raises anyway). A mixin of
`Inference` below the evaluator, given it as `self`.
"""

from __future__ import annotations

import ast

from flake8_async_tips import known_apis
from flake8_async_tips.inference.call_sites import CallSiteModel
from flake8_async_tips.inference.values import (
    MAX_DEPTH,
    Definition,
    External,
    Instance,
    Value,
    Values,
    _table_instance,
    canonical_class,
    union_of,
)
from flake8_async_tips.scopes import Scope

_METHODS = {
    ast.Add: "__add__",
    ast.Sub: "__sub__",
    ast.Mult: "__mul__",
    ast.MatMult: "__matmul__",
    ast.Div: "__truediv__",
    ast.FloorDiv: "__floordiv__",
    ast.Mod: "__mod__",
    ast.Pow: "__pow__",
    ast.LShift: "__lshift__",
    ast.RShift: "__rshift__",
    ast.BitOr: "__or__",
    ast.BitXor: "__xor__",
    ast.BitAnd: "__and__",
}
# Right operands whose class cannot take the operation over from another class's method.
_PLAIN_OPERANDS = frozenset({"builtins.str", "builtins.bytes", "builtins.int", "builtins.float"})
# The call a method is made as: its arguments do not say what it returns.
_OPERATOR_CALL = ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=[])


class OperatorModel(CallSiteModel):
    """`a OP b` through the method of a's class; `Cls[T]` of a generic class."""

    def _operator_values(self, expr: ast.expr, scope: Scope, depth: int) -> Values:
        if isinstance(expr, ast.BoolOp):
            # `limiter or default_limiter()`, `a and b`: one of the operands' values, whichever it is.
            return self._any_of(expr.values, scope, depth + 1)
        if isinstance(expr, ast.IfExp):
            return self._any_of([expr.body, expr.orelse], scope, depth + 1)
        assert isinstance(expr, ast.BinOp)
        method = _METHODS.get(type(expr.op))
        if method is None or depth > MAX_DEPTH or not self._plain_operand(expr.right, scope, depth + 1):
            return None
        left = self.values(expr.left, scope, depth + 1)  # type: ignore[attr-defined]
        if left is None or not all(isinstance(value, Instance) for value in left):
            return None  # `int | None` of classes, a builtin's own arithmetic: not followed
        return union_of(left, lambda value: self._operated_by(value, method, depth + 1))

    def _any_of(self, operands: list[ast.expr], scope: Scope, depth: int) -> Values:
        collected: set[Value] = set()
        for operand in operands:
            found = self.values(operand, scope, depth + 1)  # type: ignore[attr-defined]
            if found is None:
                return None
            collected |= found
        return frozenset(collected)

    def _operated_by(self, operand: Instance, method: str, depth: int) -> Values:
        if isinstance(operand.of, External) and operand.of.name.startswith("builtins."):
            return None
        found = self._member_values(operand, method, depth + 1)  # type: ignore[attr-defined]
        if found is None or len(found) != 1:
            return None
        (bound,) = found
        return self._called_values(bound, _OPERATOR_CALL, self.root_scope, depth + 1)  # type: ignore[attr-defined]

    def _specialized_class(self, expr: ast.Subscript, scope: Scope, depth: int) -> Values:
        """`Stream[str]` of a generic class: called, it makes what the class makes (a generic
        alias calls its origin). Only a class whose `Cls[...]` is certainly such an alias."""
        found = self._only_value(expr.value, scope, depth + 1)  # type: ignore[attr-defined]
        if isinstance(found, External):
            name = canonical_class(found.name)
            if name in known_apis.RETURNED_TUPLES or _table_instance(name) is not None:
                return frozenset({found})
        found = None if found is None else self._resolved(found, depth + 1)  # `trio._channel.open_memory_channel`
        if isinstance(found, Definition) and isinstance(found.node, ast.ClassDef):
            if found.module._subscripts_to_alias(found, depth + 1):
                return frozenset({found})
        return None

    def _plain_operand(self, expr: ast.expr, scope: Scope, depth: int) -> bool:
        """A literal, or a value known to be of a builtin class with no say in another class's operator."""
        if isinstance(expr, ast.JoinedStr):
            return True
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, (str, bytes, int, float))
        found = self.values(expr, scope, depth + 1)  # type: ignore[attr-defined]
        return found is not None and all(
            isinstance(value, Instance) and isinstance(value.of, External) and value.of.name in _PLAIN_OPERANDS
            for value in found
        )
