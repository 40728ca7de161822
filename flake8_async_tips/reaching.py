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
    """The statement tree of one scope's body: where each statement sits, and each node's statement."""

    __slots__ = ("places", "statement_of")

    def __init__(self, scope_node: ast.AST) -> None:
        self.places: dict[int, _Place] = {}
        self.statement_of: dict[int, ast.stmt] = {}
        body = getattr(scope_node, "body", None)
        if isinstance(body, list):
            self._block(body, None, None)

    def _block(self, block: list, parent: Optional[ast.stmt], holder: Optional[ast.AST]) -> None:
        pending = [(block, parent, holder)]
        while pending:
            statements, parent, holder = pending.pop()
            for index, statement in enumerate(statements):
                self.places[id(statement)] = (parent, holder, statements, index)
                self.statement_of[id(statement)] = statement
                pending.extend(self._parts(statement))

    def _parts(self, statement: ast.stmt) -> list:
        """The statement's own expressions are located; its blocks are returned, to be walked."""
        blocks = []
        nested_scope = isinstance(statement, _DEFINITIONS)
        for name in statement._fields:
            value = getattr(statement, name, None)
            if nested_scope and name == "body":
                continue  # another scope: its statements are not this one's
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                blocks.append((value, statement, statement))
            elif isinstance(value, list) and value and isinstance(value[0], (ast.excepthandler, ast.match_case)):
                for holder in value:
                    for part in holder._fields:
                        inner = getattr(holder, part, None)
                        if part == "body":
                            blocks.append((inner, statement, holder))
                        else:
                            self._locate(inner, statement)
                    self.statement_of[id(holder)] = statement
            else:
                self._locate(value, statement)
        return blocks

    def _locate(self, value: object, statement: ast.stmt) -> None:
        stack = list(value) if isinstance(value, list) else [value]
        statement_of = self.statement_of
        while stack:
            node = stack.pop()
            if isinstance(node, ast.AST):
                statement_of[id(node)] = statement
                stack.extend(ast.iter_child_nodes(node))


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
        narrowed = _Narrowing(statements, read, scope, found).binding()
        return found if narrowed is None else [narrowed]


class _Narrowing:
    """One question: the one binding of `found` that certainly reaches `read`, or None."""

    def __init__(self, statements: _ScopeStatements, read: ast.Name, scope: Scope, found: list[Binding]) -> None:
        self.statements = statements
        self.read = read
        self.scope = scope
        self.found = found
        self.parameters = [binding for binding in found if isinstance(binding.node, ast.arg)]
        # Each located binding with the statements around it, innermost first.
        self.chains: list[tuple[Binding, list[ast.stmt]]] = []
        self.complete = True
        for binding in found:
            if binding in self.parameters:
                continue
            statement = statements.statement_of.get(id(binding.node))
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
        statement = self.statements.statement_of.get(id(self.read))
        if not self.complete or statement is None or len(self.parameters) > 1:
            return None
        if not self._nothing_binds_first_in(statement):
            return None
        current = statement
        while True:
            parent, holder, block, index = self.statements.places[id(current)]
            for earlier in reversed(block[:index]):
                inside = self._inside(earlier)
                if inside:
                    return _plain_binding(earlier, inside)
            if parent is None:
                # Nothing binds the name before the read: only a parameter can have.
                return self.parameters[0] if self.parameters else None
            entered = self._entering(parent, holder, block)
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

    def _entering(self, parent: ast.stmt, holder: Optional[ast.AST], block: list) -> object:
        """Leaving `block` for `parent`: its one binding that runs before every pass, None (doubt), or _CLIMB."""
        inside = [binding for binding in self._inside(parent) if not self._in_block(binding, block)]
        if isinstance(parent, (ast.For, ast.AsyncFor)):
            if block is not parent.body:
                return _CLIMB if not self._inside(parent) else None
            others = [binding for binding in self._inside(parent) if not _within(binding.node, parent.target)]
            targets = [binding for binding in self._inside(parent) if _within(binding.node, parent.target)]
            if others:
                return None
            if len(targets) == 1 and isinstance(parent.target, ast.Name):
                return targets[0]
            return None if targets else _CLIMB
        if isinstance(parent, ast.While):
            return None if self._inside(parent) else _CLIMB
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
            if block is parent.finalbody or block is parent.orelse:
                return None if inside else _CLIMB
            # An except handler: the body may have run in part; the handler's own `as name` is not followed.
            return None if inside else _CLIMB
        if isinstance(parent, ast.Match):
            return None if any(not self._in_block(binding, block) for binding in self._inside(parent)) else _CLIMB
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
