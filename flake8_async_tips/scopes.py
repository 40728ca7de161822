"""Which scope evaluates each node: the fact every family's rules start from.

CPython decides "is this `await` legal?" by the scope that *evaluates* the
expression, not by the block it is written in: a default value, an
annotation, a decorator or a class base runs in the enclosing scope, and so
does the first iterable of a comprehension. `ScopedVisitor` walks a tree
with that knowledge, iteratively (deeply nested code must not exhaust the
Python stack), and calls a rule's `visit_<NodeType>` hook for each node with
`self.scope` set to the scope that evaluates it.
"""

from __future__ import annotations

import ast
import enum
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

from flake8_plugin_utils import Visitor

from flake8_async_tips.node_fields import field_plan

# PEP 649 (3.14) turns annotations into lazily compiled functions of their
# own, whose rules for `await` differ from the enclosing scope's.
ANNOTATIONS_ARE_LAZY = sys.version_info >= (3, 14)

# bpo-33346 (3.11): a list/set/dict comprehension containing an async one
# becomes async itself; before, only the enclosing scope's own async-ness
# counted.
ASYNC_COMPREHENSIONS_PROPAGATE = sys.version_info >= (3, 11)


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    ASYNC_FUNCTION = "async function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"
    GENERATOR_EXPRESSION = "generator expression"
    # PEP 695 (3.12+): type parameters, their bounds, `type X = ...` values,
    # and a generic class's bases or a generic def's annotations. Never async.
    ANNOTATION = "annotation scope"


FUNCTION_LIKE = frozenset({ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION, ScopeKind.LAMBDA})
COMPREHENSION_LIKE = frozenset({ScopeKind.COMPREHENSION, ScopeKind.GENERATOR_EXPRESSION})

_COMPREHENSION_NODES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Nodes whose children are not all evaluated in the node's own scope.
_SCOPE_MAKERS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    *_COMPREHENSION_NODES,
    ast.comprehension,
    ast.AnnAssign,
)
# The same for nodes of newer Pythons, by name (3.12+).
_SPECIAL_NAMES = frozenset({"TypeAlias", "TypeVar", "ParamSpec", "TypeVarTuple"})


@dataclass(eq=False, slots=True)
class Scope:
    """One Python scope; identity is the node that opens it."""

    kind: ScopeKind
    node: ast.AST
    parent: Optional[Scope]
    children: list[Scope] = field(default_factory=list)

    @property
    def name(self) -> str:
        return getattr(self.node, "name", "") or {
            ScopeKind.LAMBDA: "<lambda>",
            ScopeKind.MODULE: "<module>",
        }.get(self.kind, "<comprehension>")

    def preorder(self) -> list[Scope]:
        """This scope and every scope nested in it, parents before children."""
        ordered: list[Scope] = []
        pending: list[Scope] = [self]
        while pending:
            scope = pending.pop()
            ordered.append(scope)
            pending.extend(reversed(scope.children))
        return ordered

    def forget_children(self) -> None:
        """Drop the links down to every nested scope, which make each parent and child a reference cycle.

        Done once nothing will walk the scopes downwards again: they are then
        freed by reference counting alone, with the tree they point to.
        """
        for scope in self.preorder():
            scope.children = []

    def enclosing_function(self) -> Optional[Scope]:
        """The nearest def/async def/lambda scope, or None at module/class level."""
        scope: Optional[Scope] = self
        while scope is not None and scope.kind in COMPREHENSION_LIKE:
            scope = scope.parent
        if scope is not None and scope.kind in FUNCTION_LIKE:
            return scope
        return None

    def runs_in_async_function(self) -> bool:
        """Code of this scope is an `async def`'s own (its comprehensions' included)."""
        function = self.enclosing_function()
        return function is not None and function.kind is ScopeKind.ASYNC_FUNCTION


def has_future_annotations(tree: ast.AST) -> bool:
    """`from __future__ import annotations` at the top of the module."""
    for statement in getattr(tree, "body", []):
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            if any(alias.name == "annotations" for alias in statement.names):
                return True
        elif not (
            isinstance(statement, (ast.ImportFrom, ast.Import))
            or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        ):
            break
    return False


class ScopedVisitor(Visitor[Any]):
    """A rule set run over the tree with the scope that evaluates each node known.

    Unlike `ast.NodeVisitor`, a hook `visit_<NodeType>(node)` only inspects
    its node; the walk itself descends (iteratively) into every child, so a
    hook never calls `generic_visit`. After the walk, `finish()` runs once
    for rules that need the whole file (an async def's `return` may come
    before the `yield` that makes it a generator). Several visitors share
    one walk through `walk_together`.

    Annotations that CPython never evaluates are not visited: under
    `from __future__ import annotations`, on 3.14+, and local variable
    annotations in a function. Type parameters, their bounds, `type X = ...`
    values and what a generic def or class evaluates with its type
    parameters in view are visited in ANNOTATION scopes.
    """

    def __init__(self, config: Any = None, context: Any = None) -> None:
        super().__init__(config)
        self.context = context
        self.scope: Scope = Scope(ScopeKind.MODULE, ast.Module(body=[], type_ignores=[]), None)
        self.root_scope = self.scope
        # The order of the last walk, when it was recorded.
        self.walk_order: Optional[WalkOrder] = None

    def run(self, tree: ast.AST, record: bool = False) -> None:
        failures = walk_together(tree, [self], record=record)
        if failures:
            raise failures[self]

    def finish(self) -> None:
        """Called once after the walk; rules that need the whole file override it."""

    # ast.NodeVisitor.visit would recurse; route it through the iterative walk.
    def visit(self, node: ast.AST) -> None:
        self.run(node)


# A node class -> the fields to walk, last first; _SPECIAL for the nodes whose children
# are not all evaluated in the node's own scope.
_SPECIAL: tuple[str, ...] = ("<special>",)
_WALK_PLANS: dict[type, tuple[str, ...]] = {}


def _defines_hook(visitor_class: type, name: str) -> bool:
    """A rule's own hook; not ast.NodeVisitor's visit_Constant, which would walk the node again."""
    key = (visitor_class, name)
    defined = _HOOKS_DEFINED.get(key)
    if defined is None:
        hook = getattr(visitor_class, name, None)
        defined = _HOOKS_DEFINED[key] = hook is not None and hook is not getattr(ast.NodeVisitor, name, None)
    return defined


# (visitor class, hook name) -> whether the class defines that hook; asked again at every walk.
_HOOKS_DEFINED: dict[tuple[type, str], bool] = {}


@dataclass(eq=False)
class WalkOrder:
    """The nodes of one walk in the order visited, each with the scope that evaluates it.

    Recorded by the first walk of a file (the bindings'), replayed by the
    second (the rules'), which then need not work out the children again.
    """

    root: Scope
    nodes: list[ast.AST] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)


def walk_together(
    tree: ast.AST,
    visitors: list[ScopedVisitor],
    record: bool = False,
    replay: Optional[WalkOrder] = None,
) -> dict[ScopedVisitor, Exception]:
    """One iterative walk of `tree` for all `visitors`; each visitor's hooks see its own `self.scope`.

    A visitor whose hook (or `finish`) raises is dropped from the rest of
    the walk; the others go on. Returns the exception of each dropped one.
    With `record`, each visitor's `walk_order` keeps the order; with
    `replay`, a recorded order of the same tree is followed instead.
    """
    if replay is not None:
        root = replay.root
        visited: Iterator[tuple[ast.AST, Scope]] = zip(replay.nodes, replay.scopes)
    else:
        root = Scope(ScopeKind.MODULE, tree, None)
        nodes, scopes = _walk(tree, root)
        visited = zip(nodes, scopes)
        if record:
            order = WalkOrder(root, nodes, scopes)
            for visitor in visitors:
                visitor.walk_order = order
    for visitor in visitors:
        visitor.scope = visitor.root_scope = root
    failures: dict[ScopedVisitor, Exception] = {}
    # Node class -> the hooks of the visitors still walking; most classes have none.
    dispatch: dict[type, list[tuple[ScopedVisitor, Any]]] = {}
    for node, scope in visited:
        hooks = dispatch.get(node.__class__)
        if hooks is None:
            name = "visit_" + node.__class__.__name__
            hooks = dispatch[node.__class__] = [
                (visitor, getattr(visitor, name))
                for visitor in visitors
                if visitor not in failures and _defines_hook(type(visitor), name)
            ]
        if not hooks:
            continue
        for visitor, hook in hooks:
            visitor.scope = scope
            try:
                hook(node)
            except Exception as error:  # noqa: BLE001 - reported by the caller; the others go on
                if visitor not in failures:
                    failures[visitor] = error
                    _drop_hooks_of(visitor, dispatch)
    for visitor in visitors:
        if visitor not in failures:
            visitor.scope = root
            try:
                visitor.finish()
            except Exception as error:  # noqa: BLE001
                failures[visitor] = error
    return failures


def _drop_hooks_of(visitor: ScopedVisitor, dispatch: dict[type, list[tuple[ScopedVisitor, Any]]]) -> None:
    """A visitor that failed sees no more nodes (the lists are replaced: one may be being iterated)."""
    for cls, hooks in dispatch.items():
        dispatch[cls] = [(other, hook) for other, hook in hooks if other is not visitor]


def _walk(tree: ast.AST, root: Scope) -> tuple[list[ast.AST], list[Scope]]:
    """Every node of `tree`, parents first, and the scope that evaluates each.

    Every node of every linted file passes here once: the whole order is
    built before any visitor sees a node (the scopes are the tree's, not the
    visitors'), and the children of a plain node are pushed straight from
    its walk plan, without building a list of them.
    """
    walk = _ScopeWalk(not ANNOTATIONS_ARE_LAZY and not has_future_annotations(tree))
    nodes: list[ast.AST] = []
    scopes: list[Scope] = []
    stack: list[tuple[ast.AST, Scope]] = [(tree, root)]
    pop, push, plans, node_class = stack.pop, stack.append, _WALK_PLANS, ast.AST
    add_node, add_scope = nodes.append, scopes.append
    while stack:
        node, scope = pop()
        add_node(node)
        add_scope(scope)
        cls = node.__class__
        plan = plans.get(cls)
        if plan is None:
            plan = plans[cls] = _SPECIAL if issubclass(cls, _SCOPE_MAKERS) or cls.__name__ in _SPECIAL_NAMES else (
                tuple(reversed(field_plan(cls)))
            )
        if plan is _SPECIAL:
            children = list(walk.special_children(node, scope))
            children.reverse()
            stack.extend(children)
            continue
        for name in plan:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in reversed(value):
                    if isinstance(item, node_class):
                        push((item, scope))
            elif isinstance(value, node_class):
                push((value, scope))
    return nodes, scopes


class _ScopeWalk:
    """The children of the nodes that open or enter scopes, and the scope that evaluates each."""

    def __init__(self, evaluates_annotations: bool) -> None:
        self.evaluates_annotations = evaluates_annotations

    def _new_scope(self, kind: ScopeKind, node: ast.AST, parent: Scope) -> Scope:
        scope = Scope(kind, node, parent)
        parent.children.append(scope)
        return scope

    def special_children(self, node: ast.AST, scope: Scope) -> Iterator[tuple[ast.AST, Scope]]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from self._in_scope(node.decorator_list, scope)
            yield from self._defaults(node.args, scope)
            # With type parameters, annotations are evaluated in their scope.
            outer = self._type_parameter_scope(node, scope)
            yield from self._type_parameters(node, outer)
            yield from self._annotations(node.args, outer)
            if node.returns is not None and self.evaluates_annotations:
                yield node.returns, outer
            kind = ScopeKind.ASYNC_FUNCTION if isinstance(node, ast.AsyncFunctionDef) else ScopeKind.FUNCTION
            yield from self._in_scope(node.body, self._new_scope(kind, node, outer))
        elif isinstance(node, ast.Lambda):
            yield from self._defaults(node.args, scope)
            yield node.body, self._new_scope(ScopeKind.LAMBDA, node, scope)
        elif isinstance(node, ast.ClassDef):
            yield from self._in_scope(node.decorator_list, scope)
            outer = self._type_parameter_scope(node, scope)
            yield from self._type_parameters(node, outer)
            yield from self._in_scope(node.bases, outer)
            yield from self._in_scope(node.keywords, outer)
            yield from self._in_scope(node.body, self._new_scope(ScopeKind.CLASS, node, outer))
        elif isinstance(node, _COMPREHENSION_NODES):
            kind = (
                ScopeKind.GENERATOR_EXPRESSION if isinstance(node, ast.GeneratorExp) else ScopeKind.COMPREHENSION
            )
            inner = self._new_scope(kind, node, scope)
            # The first iterable is evaluated before the comprehension's scope exists.
            yield node.generators[0].iter, scope
            yield from self._in_scope(node.generators, inner)
            if isinstance(node, ast.DictComp):
                yield node.key, inner
                yield node.value, inner
            else:
                yield node.elt, inner
        elif node.__class__.__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):
            return  # bounds and defaults were yielded with their own scopes
        elif isinstance(node, ast.comprehension):
            yield node.target, scope
            if scope.node.generators[0] is not node:  # type: ignore[attr-defined]
                yield node.iter, scope
            yield from self._in_scope(node.ifs, scope)
        elif isinstance(node, ast.AnnAssign):
            yield node.target, scope
            # Local annotations are never compiled; module and class ones are.
            if self.evaluates_annotations and scope.kind in (ScopeKind.MODULE, ScopeKind.CLASS):
                yield node.annotation, scope
            if node.value is not None:
                yield node.value, scope
        elif node.__class__.__name__ == "TypeAlias":
            yield node.name, scope  # type: ignore[attr-defined]
            outer = self._type_parameter_scope(node, scope)
            yield from self._type_parameters(node, outer)
            # The value is evaluated lazily, in an annotation scope of its own.
            yield node.value, self._new_scope(ScopeKind.ANNOTATION, node.value, outer)  # type: ignore[attr-defined]

    def _type_parameter_scope(self, node: ast.AST, scope: Scope) -> Scope:
        """The annotation scope a generic def, class or alias opens; `scope` when it has no type parameters."""
        type_params = getattr(node, "type_params", None)
        if not type_params:
            return scope
        return self._new_scope(ScopeKind.ANNOTATION, type_params[0], scope)

    def _type_parameters(self, node: ast.AST, scope: Scope) -> Iterator[tuple[ast.AST, Scope]]:
        for parameter in getattr(node, "type_params", None) or ():
            yield parameter, scope
            # Bounds, constraints and defaults are evaluated lazily, each in a scope of its own.
            for lazy in (getattr(parameter, "bound", None), getattr(parameter, "default_value", None)):
                if lazy is not None:
                    yield lazy, self._new_scope(ScopeKind.ANNOTATION, lazy, scope)

    def _defaults(self, args: ast.arguments, scope: Scope) -> Iterator[tuple[ast.AST, Scope]]:
        yield from self._in_scope(args.defaults, scope)
        yield from self._in_scope([default for default in args.kw_defaults if default is not None], scope)

    def _annotations(self, args: ast.arguments, scope: Scope) -> Iterator[tuple[ast.AST, Scope]]:
        if self.evaluates_annotations:
            every_arg = [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg]
            for arg in every_arg:
                if arg is not None and arg.annotation is not None:
                    yield arg.annotation, scope

    @staticmethod
    def _in_scope(nodes: list[Any], scope: Scope) -> Iterator[tuple[ast.AST, Scope]]:
        for node in nodes:
            yield node, scope


def generator_expression_is_async(expr: ast.GeneratorExp) -> bool:
    """Does CPython compile `expr` as an async generator expression?

    An `async for` in it, or an `await` in its own code (its element, its
    conditions, its iterables after the first); from Python 3.11 also a
    list, set or dict comprehension in its own code that is async in turn
    (bpo-33346). Before 3.11 such a nested one does not compile (ASY203's),
    and an `await` nested in another generator expression or a lambda
    belongs to that one.
    """
    return comprehension_is_async(expr) is True


def comprehension_is_async(comprehension: ast.AST) -> bool | None:
    """True when async, False when not; None when it does not compile before 3.11 (left to ASY203)."""
    generators: list[ast.comprehension] = comprehension.generators  # type: ignore[attr-defined]
    if any(generator.is_async for generator in generators):
        return True
    own: list[ast.AST] = [*generators[0].ifs]
    for generator in generators[1:]:
        own += [generator.iter, *generator.ifs]
    own += [comprehension.key, comprehension.value] if isinstance(comprehension, ast.DictComp) else [
        comprehension.elt  # type: ignore[attr-defined]
    ]
    nested_async: bool | None = False
    pending = own
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Await):
            return True
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(node, _COMPREHENSION_NODES):
            # Its first iterable is evaluated here; the rest in its own scope.
            pending.append(node.generators[0].iter)
            if not isinstance(node, ast.GeneratorExp) and comprehension_is_async(node) is not False:
                nested_async = True if ASYNC_COMPREHENSIONS_PROPAGATE else None
            continue
        pending.extend(ast.iter_child_nodes(node))
    return nested_async
