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

from flake8_async_tips.scopes import COMPREHENSION_LIKE, FUNCTION_LIKE, Scope, ScopedVisitor, ScopeKind, WalkOrder
from flake8_async_tips.version_tests import branch_taken


@dataclass(eq=False, slots=True)
class Binding:
    """One statement that binds a name, and what is known of the bound value."""

    node: ast.AST
    scope: Scope
    # The expression assigned (`name = value`, `name := value`), if simple.
    value: Optional[ast.expr] = None
    # `with value as name` / `async with value as name`: the entered expression.
    entered: Optional[ast.expr] = None
    entered_async: bool = False
    # `import a.b as name` / `from a import b as name`: the dotted name imported.
    imported: Optional[str] = None
    # `name: T = value`: what the annotation says the value is, where the value says nothing.
    annotation: Optional[ast.expr] = None
    # `reader, writer = value`: the value unpacked, and this name's position in it.
    unpacked: Optional[tuple[ast.expr, int]] = None
    # Never run here: a def or class in the body of `if TYPE_CHECKING:`, or any binding in the
    # branch of an `if sys.version_info ...:` test that this interpreter does not take.
    for_type_checkers: bool = False
    # `for name in iterable:` (a plain `for`): the iterable whose items the name takes.
    iterated: Optional[ast.expr] = None


@dataclass(slots=True)
class ScopeBindings:
    names: dict[str, list[Binding]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    # A star import may bind any name: lookups reaching this scope are unknown
    # (unless the evaluator reads the modules star_imports names: `..sync`, `pkg.mod`).
    has_star_import: bool = False
    star_imports: list[str] = field(default_factory=list)
    # The function's body contains `yield`: calling it makes a generator.
    is_generator: bool = False
    # Read in outline (another module's function, body cut down): no lookup here is certain.
    opaque: bool = False

    def add(self, name: str, binding: Binding) -> None:
        self.names.setdefault(name, []).append(binding)


class BindingIndex:
    """Bindings per scope, keyed by the node that opens the scope."""

    def __init__(self, module: ast.AST) -> None:
        self.module = module
        self.scopes: dict[int, ScopeBindings] = {}
        # For methods: the class whose body defines them (by function node).
        self.method_class: dict[int, ast.ClassDef] = {}
        # For classes: the scope their statement runs in, where their bases are evaluated.
        self.class_scope: dict[int, Scope] = {}
        # For parameters: the function or lambda they belong to (by arg node).
        self.parameter_of: dict[int, ast.AST] = {}
        # Every attribute name assigned or deleted anywhere (`obj.name = ...`):
        # such a name may be rebound on instances, so a class's method of that name is not certain.
        self.stored_attributes: set[str] = set()
        # The stores behind stored_attributes, each with its assigned value (`self.client = Client()`).
        self.attribute_stores: dict[str, list[Binding]] = {}
        # Attribute names stored where no store was recorded (bodies read in outline).
        self.unrecorded_stores: set[str] = set()
        # Those of them stored only as `self.<name> = ...` in the instance methods of a class.
        self.unrecorded_self_stores: set[str] = set()
        # The others, each `self.<name> = <parameter>`: the parameters' annotations, by name.
        self.self_store_annotations: dict[str, list[ast.expr]] = {}
        # Those whose every store's value is a chain of names, attributes and calls (arguments cut),
        # kept with the method and the method's name for the instance: `self.db = self.client.main`.
        self.self_store_values: dict[str, list[tuple[tuple[str, ...], ast.AST, str]]] = {}
        # The methods read in outline whose body stores `self.<name>`, by name: whose instances hold it.
        self.self_store_methods: dict[str, list[ast.AST]] = {}
        # `setattr(...)`, `vars(...)` or `__dict__` somewhere: any attribute may be written.
        self.writes_attributes_dynamically = False
        # The names each scope loads, by the node that opens it (the linted file's only).
        self.loaded_names: dict[int, set[str]] = {}
        self.root_scope: Optional[Scope] = None
        self.walk_order: Optional[WalkOrder] = None
        self._scope_of: Optional[dict[int, Scope]] = None
        # The name of every `async def`, in any scope.
        self.coroutine_names: set[str] = set()
        # Nodes in branches of `if sys.version_info ...:` tests this interpreter does not take (by id).
        self.other_version_nodes: set[int] = set()

    @classmethod
    def build(cls, tree: ast.AST, record_walk: bool = False) -> BindingIndex:
        """The index of `tree`; with `record_walk`, the walk's order too, for the rules to replay."""
        index = cls(tree)
        collector = _BindingCollector(index)
        collector.run(tree, record=record_walk)
        index.root_scope = collector.root_scope
        index.walk_order = collector.walk_order
        # `setattr(obj, name, v)` / `vars(obj)[name] = v`: the builtins, not a local of that name
        # (`if vars := _run_vars.get(loop):`). Looked up once every binding is known.
        index.writes_attributes_dynamically = index.writes_attributes_dynamically or any(
            index.lookup(name, scope) in ([], None) for name, scope in collector.dynamic_writer_reads
        )
        return index

    def forget_scope_children(self) -> None:
        """Drop the links from each scope to the scopes nested in it (parent <-> child cycles).

        Only the linted file's rules walk scopes downwards. Another module's
        index is kept in the module cache, which is set aside from the cyclic
        collector: a cycle there would outlive its module's eviction for good.
        """
        if self.root_scope is not None:
            self.root_scope.forget_children()
        self._scope_of = None

    def names_loaded_within(self, node: ast.AST) -> set[str]:
        """The names loaded in the scope `node` opens and in every scope nested in it."""
        if self._scope_of is None:
            every = [] if self.root_scope is None else self.root_scope.preorder()
            self._scope_of = {id(scope.node): scope for scope in every}
        scope = self._scope_of.get(id(node))
        found: set[str] = set()
        for inner in [] if scope is None else scope.preorder():
            found |= self.loaded_names.get(id(inner.node), _NOTHING)
            declared = self.of(inner.node)
            found |= declared.declared_global
            found |= declared.declared_nonlocal
        return found

    def of(self, node: ast.AST) -> ScopeBindings:
        bindings = self.scopes.get(id(node))
        if bindings is None:
            bindings = self.scopes[id(node)] = ScopeBindings()
        return bindings

    def lookup(self, name: str, scope: Scope) -> Optional[list[Binding]]:
        """The bindings `name` can refer to when evaluated in `scope`.

        An empty list for a name bound nowhere in the module (a builtin, or
        a missing one); None when the answer is not known (a star import on
        the way).
        """
        return self._search(name, scope)[0]

    def star_imports_reached(self, name: str, scope: Scope) -> Optional[list[str]]:
        """The modules star-imported where a lookup of `name` in `scope` gives up (None: not so)."""
        found, star_scope = self._search(name, scope)
        return None if found is not None or star_scope is None else star_scope.star_imports or None

    def _search(self, name: str, scope: Scope) -> tuple[Optional[list[Binding]], Optional[ScopeBindings]]:
        """(what `lookup` answers, the scope whose star import stopped the search, if one did)."""
        current: Optional[Scope] = scope
        starting = True
        scopes = self.scopes
        while current is not None:
            # Class bodies are invisible to the functions and comprehensions inside them.
            if current.kind is ScopeKind.CLASS and not starting:
                current = current.parent
                continue
            bindings = scopes.get(id(current.node))
            if bindings is not None:  # a scope nothing binds in has no entry
                if bindings.opaque:
                    return None, None
                if name in bindings.declared_global:
                    return self._module_lookup(name), None
                if name in bindings.names and name not in bindings.declared_nonlocal:
                    return bindings.names[name], None
                if bindings.has_star_import:
                    return None, bindings
            starting = False
            current = current.parent
        return [], None

    def _module_lookup(self, name: str) -> Optional[list[Binding]]:
        bindings = self.of(self.module)
        if bindings.has_star_import and name not in bindings.names:
            return None
        return bindings.names.get(name, [])


_NOTHING: frozenset[str] = frozenset()
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


# The nodes a binding is made for (the names of imports, defs and classes, assignment targets).
_VERSIONED_BINDINGS = (ast.alias, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Name, ast.arg)


def _names_type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`: true for type checkers only."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


# Builtins that write attributes by a computed name.
_DYNAMIC_ATTRIBUTE_WRITERS = frozenset({"setattr", "vars"})


class _BindingCollector(ScopedVisitor):
    """Fills a BindingIndex in one walk of the tree."""

    def __init__(self, index: BindingIndex) -> None:
        super().__init__()
        self.index = index
        # Name targets whose binding is recorded by their statement's hook.
        self.described_targets: set[int] = set()
        # Attribute targets of a simple assignment: id -> the value assigned (and its annotation).
        self.assigned_attributes: dict[int, ast.expr] = {}
        self.annotated_attributes: dict[int, ast.expr] = {}
        # Attribute elements of an unpacking assignment: id -> (the value unpacked, the position).
        self.unpacked_attributes: dict[int, tuple[ast.expr, int]] = {}
        # Defs and classes in the body of `if TYPE_CHECKING:` (by node).
        self.type_checking_defs: set[int] = set()
        # The scope the last name was read in, and the set of names read there.
        self._loading_scope: Optional[Scope] = None
        self._loaded: set[str] = set()
        # Reads of the names of `setattr` and `vars`, with their scopes.
        self.dynamic_writer_reads: list[tuple[str, Scope]] = []

    def _bind(self, name: str, binding: Binding) -> None:
        bindings = self.index.of(binding.scope.node)
        if name in bindings.declared_global or name in bindings.declared_nonlocal:
            # The declaration itself was recorded where the name lives.
            return
        bindings.add(name, binding)

    def _bind_here(self, name: str, node: ast.AST, **facts: object) -> None:
        dead = self.index.other_version_nodes
        if dead and id(node) in dead:
            facts["for_type_checkers"] = True
        self._bind(name, Binding(node, self.scope, **facts))  # type: ignore[arg-type]

    def _bind_parameters(self, function: ast.AST, args: ast.arguments) -> None:
        # Parameters live in the function's own scope, which the walk opens after this hook.
        every_arg = [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg]
        bindings = self.index.of(function)
        for arg in every_arg:
            if arg is not None:
                bindings.add(arg.arg, Binding(arg, self.scope))
                self.index.parameter_of[id(arg)] = function

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        # `if TYPE_CHECKING:`, also `if sys.version_info >= (3, 11) and TYPE_CHECKING:`.
        conditions = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
        if any(_names_type_checking(condition) for condition in conditions):
            self.type_checking_defs.update(
                id(statement) for statement in node.body if isinstance(statement, _DEFINITIONS)
            )
        taken = branch_taken(test)
        if taken is not None:
            for statement in node.orelse if taken else node.body:
                self.index.other_version_nodes.update(
                    id(inner) for inner in ast.walk(statement) if isinstance(inner, _VERSIONED_BINDINGS)
                )

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._bind_here(node.name, node, for_type_checkers=id(node) in self.type_checking_defs)
        if isinstance(node, ast.AsyncFunctionDef):
            self.index.coroutine_names.add(node.name)
        self._bind_parameters(node, node.args)
        if isinstance(self.scope.node, ast.ClassDef):
            self.index.method_class[id(node)] = self.scope.node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._bind_parameters(node, node.args)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind_here(node.name, node, for_type_checkers=id(node) in self.type_checking_defs)
        self.index.class_scope[id(node)] = self.scope

    def visit_Name(self, node: ast.Name) -> None:
        if node.ctx.__class__ is ast.Load:
            # Most names are read in the scope of the name read before them.
            if self.scope is not self._loading_scope:
                key = id(self.scope.node)
                loaded = self.index.loaded_names.get(key)
                if loaded is None:
                    loaded = self.index.loaded_names[key] = set()
                self._loading_scope, self._loaded = self.scope, loaded
            self._loaded.add(node.id)
        elif id(node) not in self.described_targets:
            self._bind_here(node.id, node)
        if node.id in _DYNAMIC_ATTRIBUTE_WRITERS and node.ctx.__class__ is ast.Load:
            self.dynamic_writer_reads.append((node.id, self.scope))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not isinstance(node.ctx, ast.Load):
            self.index.stored_attributes.add(node.attr)
            store = Binding(
                node,
                self.scope,
                value=self.assigned_attributes.pop(id(node), None),
                annotation=self.annotated_attributes.pop(id(node), None),
                unpacked=self.unpacked_attributes.pop(id(node), None),
            )
            self.index.attribute_stores.setdefault(node.attr, []).append(store)
        if node.attr == "__dict__":
            self.index.writes_attributes_dynamically = True

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.described_targets.add(id(target))
                self._bind_here(target.id, target, value=node.value)
            elif isinstance(target, ast.Attribute):
                self.assigned_attributes[id(target)] = node.value
            elif isinstance(target, (ast.Tuple, ast.List)) and all(
                isinstance(element, (ast.Name, ast.Attribute)) for element in target.elts
            ):
                for position, element in enumerate(target.elts):
                    if isinstance(element, ast.Attribute):
                        # `self.send, self.receive = open_memory_channel(0)`
                        self.unpacked_attributes[id(element)] = (node.value, position)
                        continue
                    self.described_targets.add(id(element))
                    self._bind_here(element.id, element, unpacked=(node.value, position))  # type: ignore[attr-defined]

    def visit_For(self, node: ast.For) -> None:
        if isinstance(node.target, ast.Name):
            self.described_targets.add(id(node.target))
            self._bind_here(node.target.id, node.target, iterated=node.iter)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and node.value is not None:
            self.described_targets.add(id(node.target))
            self._bind_here(node.target.id, node.target, value=node.value, annotation=node.annotation)
        elif isinstance(node.target, ast.Attribute) and node.value is not None:
            self.assigned_attributes[id(node.target)] = node.value
            self.annotated_attributes[id(node.target)] = node.annotation

    def _visit_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if isinstance(item.optional_vars, ast.Name):
                self.described_targets.add(id(item.optional_vars))
                self._bind_here(
                    item.optional_vars.id,
                    item.optional_vars,
                    entered=item.context_expr,
                    entered_async=isinstance(node, ast.AsyncWith),
                )

    visit_With = _visit_with
    visit_AsyncWith = _visit_with

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # An assignment expression in a comprehension binds in the enclosing function.
        target_scope = self.scope
        while target_scope.kind in COMPREHENSION_LIKE and target_scope.parent is not None:
            target_scope = target_scope.parent
        if isinstance(node.target, ast.Name):
            self.described_targets.add(id(node.target))
            self._bind(node.target.id, Binding(node.target, target_scope, value=node.value))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._bind_here(alias.asname, alias, imported=alias.name)
            else:
                # `import a.b` binds `a`, the top-level package.
                top = alias.name.partition(".")[0]
                self._bind_here(top, alias, imported=top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        package = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                bindings = self.index.of(self.scope.node)
                bindings.has_star_import = True
                bindings.star_imports.append(package)
            else:
                separator = "" if package.endswith(".") else "."
                self._bind_here(alias.asname or alias.name, alias, imported=f"{package}{separator}{alias.name}")

    def visit_Global(self, node: ast.Global) -> None:
        self.index.of(self.scope.node).declared_global.update(node.names)
        module = self.index.of(self.index.module)
        for name in node.names:
            module.add(name, Binding(node, self.scope))

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.index.of(self.scope.node).declared_nonlocal.update(node.names)
        # Which enclosing function owns the name is resolved lazily by Python;
        # marking every candidate keeps each of their answers honest (UNKNOWN).
        enclosing = self.scope.parent
        while enclosing is not None:
            if enclosing.kind in FUNCTION_LIKE:
                for name in node.names:
                    self.index.of(enclosing.node).add(name, Binding(node, self.scope))
            enclosing = enclosing.parent

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind_here(node.name, node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        if getattr(node, "name", None):
            self._bind_here(node.name, node)  # type: ignore[attr-defined]

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        if getattr(node, "rest", None):
            self._bind_here(node.rest, node)  # type: ignore[attr-defined]

    def visit_Yield(self, node: ast.AST) -> None:
        if self.scope.kind in FUNCTION_LIKE:
            self.index.of(self.scope.node).is_generator = True

    visit_YieldFrom = visit_Yield
