"""Which of a name's bindings in its own scope reach one read of it.

The binding index is flow-insensitive: a name bound twice in a function
(`stream = await FileWriteStream.from_path(p)`, later `stream = await
FileReadStream.from_path(p)`) holds either value everywhere, so what the
two disagree on stays unknown. Here the statements of the scope are read in
order: when one binding certainly runs before the read and no other can run
between them, that binding is the only one that reaches it.

Only certain cases narrow; every doubt answers with all the bindings (the
flow-insensitive answer):
- the read and the bindings are in one scope (a closure sees the last
  value at call time, a `nonlocal` write in a nested def anything);
- the nearest earlier statement of the read's block that binds the name is
  a plain binding statement (`x = ...`, `x: T = ...`, `x += ...`, `del x`,
  an import, a def or class, a `with ... as x` whose body binds nothing
  else): a binding inside an `if`, a loop, a `try` or a `match` may not
  have run, so it gives up;
- leaving a loop's body for the loop statement, any other binding in the
  loop may come back round (a `for` target alone binds each pass: it is the
  one); leaving an `except` handler, `else` or `finally` of a `try` whose
  earlier parts bind the name, nothing is certain;
- with nothing before the read, a function's one parameter of that name.
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_async_tips.bindings import Binding, BindingIndex
from flake8_async_tips.scopes import COMPREHENSION_LIKE, Scope

# (parent statement, the node holding the block (the parent, an except handler or a match case),
#  the block, the statement's index in it), by statement.
_Place = tuple[Optional[ast.stmt], Optional[ast.AST], list, int]

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TRIES = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


class _ScopeStatements:
    """The statement tree of one scope's body: where each statement sits; a node's statement by position.

    Only statements are indexed (most scopes asked about have one read to narrow): a node is
    found by descending through the statements whose source range holds it, then checked to be
    in the innermost one's own parts (its expressions, not its blocks) by identity.
    """

    __slots__ = ("places", "body")

    def __init__(self, scope_node: ast.AST) -> None:
        self.places: dict[int, _Place] = {}
        body = getattr(scope_node, "body", None)
        self.body: list = body if isinstance(body, list) else []
        pending: list[tuple[list, Optional[ast.stmt], Optional[ast.AST]]] = [(self.body, None, None)]
        while pending:
            statements, parent, holder = pending.pop()
            for index, statement in enumerate(statements):
                self.places[id(statement)] = (parent, holder, statements, index)
                pending.extend((block, statement, owner) for block, owner in _blocks(statement))

    def statement_of(self, node: ast.AST) -> Optional[ast.stmt]:
        """The innermost statement of this scope whose own parts hold `node`; None if none does."""
        if id(node) in self.places:
            return node  # type: ignore[return-value]  # a def, class, import or global statement
        position = _position(node)
        if position is None:
            return None
        found: Optional[ast.stmt] = None
        block: Optional[list] = self.body
        while block is not None:
            candidate = _containing(block, position)
            if candidate is None:
                break
            found, block = candidate, None
            if isinstance(candidate, _DEFINITIONS):
                break  # its decorators, defaults or bases, or a nested scope's body (checked below)
            for inner, _ in _blocks(candidate):
                if _containing(inner, position) is not None:
                    block = inner
                    break
        if found is None or not _in_own_parts(node, found):
            return None
        return found


def _blocks(statement: ast.stmt) -> list[tuple[list, ast.AST]]:
    """The statement's blocks of this scope, each with the node holding it (itself, a handler, a case)."""
    found: list[tuple[list, ast.AST]] = []
    nested_scope = isinstance(statement, _DEFINITIONS)
    for name in statement._fields:
        value = getattr(statement, name, None)
        if not isinstance(value, list) or not value or (nested_scope and name == "body"):
            continue
        if isinstance(value[0], ast.stmt):
            found.append((value, statement))
        elif isinstance(value[0], (ast.excepthandler, ast.match_case)):
            found.extend((holder.body, holder) for holder in value)
    return found


def _in_own_parts(node: ast.AST, statement: ast.stmt) -> bool:
    """Is `node` in the statement's expressions or other non-block parts (an except handler
    itself, a case's pattern and guard), not in one of its blocks?"""
    nested_scope = isinstance(statement, _DEFINITIONS)
    for name in statement._fields:
        value = getattr(statement, name, None)
        if (nested_scope and name == "body") or (isinstance(value, list) and value and isinstance(value[0], ast.stmt)):
            continue
        if isinstance(value, list) and value and isinstance(value[0], (ast.excepthandler, ast.match_case)):
            for holder in value:
                parts = [getattr(holder, part) for part in holder._fields if part != "body"]
                if holder is node or _within(node, parts):
                    return True
        elif _within(node, value):
            return True
    return False


def _start(node: ast.AST) -> tuple[int, int]:
    # A statement made by the outline (another module's cut-down body) has no position.
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _position(node: ast.AST) -> Optional[tuple[int, int, int, int]]:
    try:
        return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
    except AttributeError:
        return None


def _containing(block: list, position: tuple[int, int, int, int]) -> Optional[ast.stmt]:
    start, end = position[:2], position[2:]
    for statement in block:
        if _start(statement) > start:
            return None  # statements are in source order
        if end <= (getattr(statement, "end_lineno", 0) or 0, getattr(statement, "end_col_offset", 0) or 0):
            return statement
    return None


def _within(node: ast.AST, part: object) -> bool:
    """`node` is `part` or inside it (`part` a node or a list of nodes)."""
    stack = list(part) if isinstance(part, list) else [part]
    while stack:
        current = stack.pop()
        if current is node:
            return True
        if isinstance(current, ast.AST):
            stack.extend(ast.iter_child_nodes(current))
    return False


class ReachingBindings:
    """Answers `reaching(read, scope, found)` for the reads of one module, one scope body read at a time."""

    def __init__(self, index: BindingIndex) -> None:
        self.index = index
        self._statements: dict[int, _ScopeStatements] = {}

    def reaching(self, read: ast.Name, scope: Scope, found: list[Binding]) -> list[Binding]:
        """The bindings of `found` (those of `read.id` in `scope`) that can reach `read`: one, or all."""
        if len(found) < 2 or scope.kind in COMPREHENSION_LIKE:
            return found
        if self.index.scopes.get(id(scope.node)) is None or self.index.of(scope.node).names.get(read.id) is not found:
            return found  # bound in an enclosing scope: a closure reads it at call time
        statements = self._statements.get(id(scope.node))
        if statements is None:
            statements = self._statements[id(scope.node)] = _ScopeStatements(scope.node)
        narrowed = _Narrowing(statements, read, found).binding()
        return found if narrowed is None else [narrowed]


class _Narrowing:
    """One question: the one binding of `found` that certainly reaches `read`, or None."""

    def __init__(self, statements: _ScopeStatements, read: ast.Name, found: list[Binding]) -> None:
        self.statements = statements
        self.read = read
        self.parameters = [binding for binding in found if isinstance(binding.node, ast.arg)]
        # Each located binding with the statements around it, innermost first.
        self.chains: list[tuple[Binding, list[ast.stmt]]] = []
        self.complete = True
        for binding in found:
            if binding in self.parameters:
                continue
            statement = statements.statement_of(binding.node)
            if statement is None:
                self.complete = False  # a `nonlocal` write in a nested def, or a node of no statement here
                break
            self.chains.append((binding, self._enclosing(statement)))

    def _enclosing(self, statement: ast.stmt) -> list[ast.stmt]:
        chain = [statement]
        parent = self.statements.places[id(statement)][0]
        while parent is not None:
            chain.append(parent)
            parent = self.statements.places[id(parent)][0]
        return chain

    def _inside(self, statement: ast.stmt) -> list[Binding]:
        return [binding for binding, chain in self.chains if statement in chain]

    def binding(self) -> Optional[Binding]:
        statement = self.statements.statement_of(self.read)
        if not self.complete or statement is None or len(self.parameters) > 1:
            return None
        if not self._nothing_binds_first_in(statement):
            return None
        current = statement
        while True:
            parent, _, block, index = self.statements.places[id(current)]
            for earlier in reversed(block[:index]):
                inside = self._inside(earlier)
                if inside:
                    return _plain_binding(earlier, inside)
            if parent is None:
                # Nothing binds the name before the read: only a parameter can have.
                return self.parameters[0] if self.parameters else None
            entered = self._entering(parent, block)
            if entered is not _CLIMB:
                return entered
            current = parent

    def _nothing_binds_first_in(self, statement: ast.stmt) -> bool:
        """No binding of the read's own statement can run before the read (in any pass of a loop)."""
        inside = self._inside(statement)
        if not inside:
            return True
        read = self.read
        if isinstance(statement, (ast.For, ast.AsyncFor)) and _within(read, statement.iter):
            return True  # evaluated once, before the target and the body
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            if _within(read, statement.value):
                return not any(_within(binding.node, statement.value) for binding in inside)
        if isinstance(statement, ast.If) and _within(read, statement.test):
            return not any(_within(binding.node, statement.test) for binding in inside)
        if isinstance(statement, _DEFINITIONS):
            # Decorators, defaults and bases run before the def binds its name.
            return all(binding.node is statement for binding in inside)
        return False

    def _entering(self, parent: ast.stmt, block: list) -> object:
        """Leaving `block` for `parent`: its one binding that runs before every pass, None (doubt), or _CLIMB."""
        every = self._inside(parent)
        inside = [binding for binding in every if not self._in_block(binding, block)]
        if isinstance(parent, (ast.For, ast.AsyncFor)):
            targets = [binding for binding in every if _within(binding.node, parent.target)]
            if block is not parent.body or len(targets) != len(every):
                return None if every else _CLIMB  # the loop may come back round, or run no pass
            if len(targets) == 1 and isinstance(parent.target, ast.Name):
                return targets[0]
            return None if targets else _CLIMB
        if isinstance(parent, ast.While):
            return None if every else _CLIMB
        if isinstance(parent, ast.If):
            return None if any(_within(binding.node, parent.test) for binding in inside) else _CLIMB
        if isinstance(parent, (ast.With, ast.AsyncWith)):
            if not inside:
                return _CLIMB
            if len(inside) == 1 and any(item.optional_vars is inside[0].node for item in parent.items):
                return inside[0]
            return None
        if isinstance(parent, _TRIES):
            if block is parent.body:
                return _CLIMB
            # An else, finally or except block: the body may have run in part; a handler's `as name` is not followed.
            return None if inside else _CLIMB
        if isinstance(parent, ast.Match):
            return None if inside else _CLIMB
        return None

    def _in_block(self, binding: Binding, block: list) -> bool:
        for candidate, chain in self.chains:
            if candidate is binding:
                return any(statement in block for statement in chain)
        return False


_CLIMB = object()


def _plain_binding(statement: ast.stmt, inside: list[Binding]) -> Optional[Binding]:
    """The one binding of a statement that certainly binds the name when it completes; else None."""
    if len(inside) != 1:
        return None
    (binding,) = inside
    node = binding.node
    if isinstance(statement, ast.Assign):
        return binding if _within(node, statement.targets) else None
    if isinstance(statement, ast.AnnAssign):
        return binding if statement.value is not None and node is statement.target else None
    if isinstance(statement, ast.AugAssign):
        return binding if node is statement.target else None
    if isinstance(statement, ast.Delete):
        return binding if _within(node, statement.targets) else None
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return binding if node in statement.names else None
    if isinstance(statement, _DEFINITIONS):
        return binding if node is statement else None
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return binding if any(item.optional_vars is node for item in statement.items) else None
    return None
