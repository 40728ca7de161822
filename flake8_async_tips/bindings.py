"""Name resolution within one module: what a name refers to, and how sure we are.

The index records, for every scope, the statements that bind each name
(defs, assignments, imports, `del`, `global`/`nonlocal` declarations...),
so a rule can ask "is `fetch` here certainly an `async def`?" and get
YES only when every binding the name can reach is one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional

from flake8_async_tips.scopes import COMPREHENSION_LIKE, FUNCTION_LIKE, Scope, ScopedVisitor, ScopeKind
from flake8_async_tips.verdict import Verdict


@dataclass
class ScopeBindings:
    names: dict[str, list[ast.AST]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    # A star import may bind any name: lookups reaching this scope are unknown.
    has_star_import: bool = False
    # The function's body contains `yield`: calling it makes a generator.
    is_generator: bool = False

    def add(self, name: str, node: ast.AST) -> None:
        self.names.setdefault(name, []).append(node)


class BindingIndex:
    """Bindings per scope, keyed by the node that opens the scope."""

    def __init__(self, module: ast.AST) -> None:
        self.module = module
        self.scopes: dict[int, ScopeBindings] = {}

    @classmethod
    def build(cls, tree: ast.AST) -> BindingIndex:
        index = cls(tree)
        _BindingCollector(index).run(tree)
        return index

    def of(self, node: ast.AST) -> ScopeBindings:
        bindings = self.scopes.get(id(node))
        if bindings is None:
            bindings = self.scopes[id(node)] = ScopeBindings()
        return bindings

    def lookup(self, name: str, scope: Scope) -> Optional[list[ast.AST]]:
        """The bindings `name` can refer to when evaluated in `scope`.

        None when the answer is not known: a star import on the way, or a
        name bound nowhere in the module (a builtin, or a missing one).
        """
        current: Optional[Scope] = scope
        starting = True
        while current is not None:
            # Class bodies are invisible to the functions and comprehensions inside them.
            if current.kind is ScopeKind.CLASS and not starting:
                current = current.parent
                continue
            bindings = self.of(current.node)
            if name in bindings.declared_global:
                return self._module_lookup(name)
            if name in bindings.names and name not in bindings.declared_nonlocal:
                return bindings.names[name]
            if bindings.has_star_import:
                return None
            starting = False
            current = current.parent
        return None

    def _module_lookup(self, name: str) -> Optional[list[ast.AST]]:
        bindings = self.of(self.module)
        if bindings.has_star_import and name not in bindings.names:
            return None
        return bindings.names.get(name)

    def is_coroutine_function(self, name: str, scope: Scope) -> Verdict:
        """Is `name`, evaluated in `scope`, certainly a coroutine function (an async def without yield)?"""
        found = self.lookup(name, scope)
        if not found:
            return Verdict.UNKNOWN
        return Verdict.all_of([self._binding_is_coroutine_function(node) for node in found])

    def _binding_is_coroutine_function(self, node: ast.AST) -> Verdict:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.decorator_list:
                # A decorator may return anything: a sync wrapper, a task factory...
                return Verdict.UNKNOWN
            if isinstance(node, ast.FunctionDef):
                return Verdict.NO
            return Verdict.NO if self.of(node).is_generator else Verdict.YES
        if isinstance(node, ast.ClassDef):
            return Verdict.NO
        return Verdict.UNKNOWN


class _BindingCollector(ScopedVisitor):
    """Fills a BindingIndex in one walk of the tree."""

    def __init__(self, index: BindingIndex) -> None:
        super().__init__()
        self.index = index
        self.walrus_targets: set[int] = set()

    def _bind(self, name: str, node: ast.AST, scope: Optional[Scope] = None) -> None:
        scope = scope or self.scope
        bindings = self.index.of(scope.node)
        if name in bindings.declared_global or name in bindings.declared_nonlocal:
            return  # the declaration itself was recorded where the name lives
        bindings.add(name, node)

    def _bind_parameters(self, function: ast.AST, args: ast.arguments) -> None:
        every_arg = [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg]
        bindings = self.index.of(function)
        for arg in every_arg:
            if arg is not None:
                bindings.add(arg.arg, arg)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._bind(node.name, node)
        self._bind_parameters(node, node.args)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._bind(node.name, node)
        self._bind_parameters(node, node.args)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._bind_parameters(node, node.args)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name, node)

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load) and id(node) not in self.walrus_targets:
            self._bind(node.id, node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # An assignment expression in a comprehension binds in the enclosing function.
        target_scope = self.scope
        while target_scope.kind in COMPREHENSION_LIKE and target_scope.parent is not None:
            target_scope = target_scope.parent
        if isinstance(node.target, ast.Name):
            self.walrus_targets.add(id(node.target))
            self._bind(node.target.id, node, target_scope)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name.partition(".")[0], node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.index.of(self.scope.node).has_star_import = True
            else:
                self._bind(alias.asname or alias.name, node)

    def visit_Global(self, node: ast.Global) -> None:
        self.index.of(self.scope.node).declared_global.update(node.names)
        module = self.index.of(self.index.module)
        for name in node.names:
            module.add(name, node)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.index.of(self.scope.node).declared_nonlocal.update(node.names)
        # Which enclosing function owns the name is resolved lazily by Python;
        # marking every candidate keeps each of their answers honest (UNKNOWN).
        enclosing = self.scope.parent
        while enclosing is not None:
            if enclosing.kind in FUNCTION_LIKE:
                for name in node.names:
                    self.index.of(enclosing.node).add(name, node)
            enclosing = enclosing.parent

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name, node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        if getattr(node, "name", None):
            self._bind(node.name, node)  # type: ignore[attr-defined]

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        if getattr(node, "rest", None):
            self._bind(node.rest, node)  # type: ignore[attr-defined]

    def visit_Yield(self, node: ast.AST) -> None:
        if self.scope.kind in FUNCTION_LIKE:
            self.index.of(self.scope.node).is_generator = True

    visit_YieldFrom = visit_Yield
