"""Other modules, read in outline: their function bodies cut to what inference asks of them.

The linted file is read in full, but a module it imports is only asked
about its top-level names, its classes and what calling its functions
makes. Those answers need a function's signature and decorators, whether
its body yields, what it returns (a decorator's nested wrapper, or
nothing at all), its `global` declarations and whether it is a stub. The
rest of each body (most of a module's nodes) is dropped before the
bindings are indexed, which keeps the per-process module cache small: its
size is what flake8's garbage collector walks on every full collection.

A pruned function's own scope is marked opaque: nothing is known of the
names bound in it, so no answer can come from what was dropped. Kept:
`return Client()` (a call of a name bound outside, arguments cut), and in
a method `return await self._prepare(query)` (a call of a method of its own
instance, `self` never rebound), which inference evaluates on the instance.
For each attribute name the methods storing it on `self` are kept too:
whose instances may hold it.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional, Union

from flake8_async_tips.bindings import BindingIndex, ScopeBindings
from flake8_async_tips.bodies import always_raises, is_stub
from flake8_async_tips.decorators import (
    argument_holders,
    first_parameter,
    first_parameter_binding,
    is_overload,
    leading_aliases,
    returned_name,
)
from flake8_async_tips.node_fields import child_nodes

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# A `self.<name> = <chain>` store kept: the chain (the value itself, in a def read whole), the
# method, its name for the instance.
_KeptStore = tuple[Union[tuple[str, ...], ast.expr], Function, str]
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_YIELDS = (ast.Yield, ast.YieldFrom)
_NESTED_SCOPE_CLASSES = frozenset(_NESTED_SCOPES)
_COMPREHENSION_CLASSES = frozenset(_COMPREHENSIONS)


def outline_index(tree: ast.Module, source: Optional[bytes] = None) -> BindingIndex:
    """The bindings of `tree` after cutting its function bodies down (`tree` is changed in place).

    With the `source` the tree was parsed from, a function whose text holds
    no `yield`, no `:=` and no comprehension storing an attribute is read by
    its statements only: no expression of its body can make it a generator,
    bind one of its names or store an attribute.
    """
    pruned: dict[Function, bool] = {}
    stored: set[str] = set()
    self_stored: set[str] = set()
    declared: dict[str, list[ast.expr]] = {}
    lines = _source_lines(source)
    stored_none: set[str] = set()
    valued: dict[str, list[_KeptStore]] = {}
    cut: set[str] = set()
    storing: dict[str, list[Function]] = {}
    functions = _functions_outside_bodies(tree)
    whole = _read_whole(tree, [function for function, _ in functions])
    for function, instance_name in functions:
        _prune(
            function,
            pruned,
            (stored, self_stored, declared, stored_none, valued, cut, storing),
            lines,
            instance_name,
            whole,
        )
    index = BindingIndex.build(tree)
    index.loaded_names = {}  # asked of the linted file only
    index.stored_attributes |= stored | self_stored | set(declared) | stored_none
    index.unrecorded_stores |= stored
    index.unrecorded_self_stores |= self_stored - stored
    index.self_store_annotations = {
        name: found for name, found in declared.items() if name not in index.unrecorded_self_stores
    }
    index.self_store_values = {
        name: found
        for name, found in valued.items()
        if name in index.unrecorded_self_stores and name not in cut and name not in declared
    }
    index.self_store_methods = storing
    index.forget_scope_children()
    for function, is_generator in pruned.items():
        # Shared: what is kept per module is what the garbage collector walks.
        index.scopes[id(function)] = _OPAQUE_GENERATOR if is_generator else _OPAQUE_FUNCTION
    return index


_OPAQUE_FUNCTION = ScopeBindings(opaque=True)
_OPAQUE_GENERATOR = ScopeBindings(opaque=True, is_generator=True)


_RETURNS_NOTHING = ast.Return(value=None)
_RETURNS_A_VALUE = ast.Return(value=ast.Constant(value=...))
_RETURNS_NONE = ast.Return(value=ast.Constant(value=None))
_PASS = ast.Pass()
_NO_ARGUMENTS = ast.arguments(
    posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]
)


def _functions_outside_bodies(tree: ast.Module) -> list[tuple[Function, Optional[str]]]:
    """Every def in the module's and classes' statements, not inside another function.

    Each with the name its first parameter gives the instance, for a method
    whose first parameter is bound to it (None for the others).
    """
    found: list[tuple[Function, Optional[str]]] = []
    # (node, the class whose body holds it)
    pending: list[tuple[ast.AST, Optional[ast.ClassDef]]] = [(statement, None) for statement in tree.body]
    while pending:
        node, owner = pending.pop()
        if isinstance(node, _FUNCTIONS):
            binding = first_parameter_binding(node) if owner is not None else None
            # `cls.loop = loop` in `setUpClass`: a value every instance of the class reads.
            method = binding == "instance" or (binding == "class" and node.name in SETUP_METHODS)
            found.append((node, first_parameter(node) if method else None))
        elif isinstance(node, ast.stmt):
            inner = node if isinstance(node, ast.ClassDef) else owner
            # Statements nest only in statements (if/for/try/with/match/class bodies).
            for child in child_nodes(node):
                if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                    pending.append((child, inner))
        elif isinstance(node, (ast.excepthandler, ast.match_case)):
            pending.extend((statement, owner) for statement in node.body)
    return found


# A test case's set-up methods: what they store on the instance (or on the class, `cls.loop = loop`
# in `setUpClass`) is what every test of the class reads; read whole, their stores keep their values.
SETUP_METHODS = frozenset({"setUp", "asyncSetUp", "setUpClass", "setup_method", "setup_class"})


def _read_whole(tree: ast.Module, functions: list[Function]) -> frozenset[int]:
    """The defs kept whole, by id: a metaclass's `__new__(mcls, name, bases, ns)` and the methods of its
    class it calls on `mcls` (for which names of a class body they may rewrite, inference/metaclasses.py),
    every method but the dunders of a class with a set-up method (the helpers its tests call:
    `self.create_pool()`), and a def returning a call of one of its parameters (`return pool_class(dsn)`:
    what it makes depends on the call, read for its arguments by inference/specialization.py).
    `functions`: the defs outside function bodies, the only ones asked about."""
    found: set[int] = {id(function) for function in functions if _returns_call_of_parameter(function)}
    for cls in _classes_outside_bodies(tree):
        defs = {statement.name: statement for statement in cls.body if isinstance(statement, _FUNCTIONS)}
        if SETUP_METHODS & set(defs):
            # Not the dunders: `__init__` and the like hold the class's machinery, not its helpers.
            found.update(id(function) for name, function in defs.items() if not name.startswith("__"))
        if "__await__" in defs:
            found.add(id(defs["__await__"]))  # what awaiting the object gives (inference/functions.py)
        new = defs.get("__new__")
        if not isinstance(new, ast.FunctionDef) or len(new.args.posonlyargs + new.args.args) != 4:
            continue
        found.add(id(new))
        first = (new.args.posonlyargs + new.args.args)[0].arg
        for node in ast.walk(new):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == first:
                helper = defs.get(node.attr)
                if helper is not None:
                    found.add(id(helper))
    return frozenset(found)


def _classes_outside_bodies(tree: ast.Module) -> Iterator[ast.ClassDef]:
    """Every class statement in the module's and classes' statements, not inside a function."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, _FUNCTIONS):
            continue
        if isinstance(node, ast.ClassDef):
            yield node
        for child in child_nodes(node):
            if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                pending.append(child)


def _returns_call_of_parameter(function: ast.AST) -> bool:
    if not isinstance(function, _FUNCTIONS):
        return False
    parameters = _parameter_names(function)
    return any(
        isinstance(node, ast.Return)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id in parameters
        for node in function.body
    )


def _source_lines(source: Optional[bytes]) -> Optional[list[bytes]]:
    # Lines as the tokenizer counts them (\n, \r\n, \r), for the node positions. Not for
    # encodings where the ASCII bytes of `yield` could be part of another character.
    if source is None or b"\x00" in source:
        return None
    return source.splitlines()


# `for self.x in` / `for a, obj.b in`: a comprehension whose target stores an attribute (a loop
# statement's targets are read anyway). Anything resembling one counts; the bound keeps the
# search linear (a target's attribute more than 1000 characters after its `for` is not seen).
_ATTRIBUTE_TARGET = re.compile(rb"\bfor\b.{0,1000}?\.\s*[^\s.,()\[\]:=]+\s*(?:\bin\b|[,)\]])", re.DOTALL)


def _read_in_full(function: Function, lines: Optional[list[bytes]]) -> bool:
    """May an expression of the body make it a generator, bind one of its names or store an attribute?"""
    end = getattr(function, "end_lineno", None)
    if lines is None or end is None:
        return True
    # A line of margin each side: a wrong position may cost speed, never an answer.
    text = b"\n".join(lines[max(function.lineno - 2, 0): end + 1])
    return b"yield" in text or b":=" in text or _ATTRIBUTE_TARGET.search(text) is not None


def _prune(
    function: Function,
    pruned: dict[Function, bool],
    stored: tuple[
        set[str], set[str], dict[str, list[ast.expr]], set[str], dict[str, list[_KeptStore]], set[str],
        dict[str, list[Function]],
    ],
    lines: Optional[list[bytes]],
    instance_name: Optional[str] = None,
    whole: frozenset[int] = frozenset(),
) -> None:
    """Cut `function` down; `stored` collects the attribute names its body stores (on other objects, on the
    instance); `instance_name` is its first parameter when that is the instance of its class; the defs
    in `whole` (by id) keep their bodies."""
    facts = _BodyFacts(function, statements_only=not _read_in_full(function, lines), instance_name=instance_name)
    stored[0].update(facts.stored_attributes)
    stored[1].update(facts.stored_on_instance)
    stored[3].update(facts.stored_none)
    whole_values = _whole_stores(function, instance_name) if id(function) in whole and instance_name else {}
    for name in facts.stored_on_instance:
        valued = facts.valued_on_instance.get(name)
        if id(function) in whole:
            # Read whole: the stores' own expressions, evaluated in the body (inference/instance_stores.py).
            kept = whole_values.get(name, [])
            valued = kept if len(kept) == facts.store_count(name) else None
        if valued is None or instance_name is None:
            stored[5].add(name)  # a store whose value is cut away
        else:
            stored[4].setdefault(name, []).extend((value, function, instance_name) for value in valued)
    for name, declared in facts.annotated_on_instance.items():
        stored[2].setdefault(name, []).extend(declared)
    for name in (*facts.stored_on_instance, *facts.annotated_on_instance):
        stored[6].setdefault(name, []).append(function)
    if facts.unusual_yield or id(function) in whole:
        return  # kept whole: a yield where the bindings' walk does not look is a generator for CPython
    if is_stub(function) or always_raises(function):
        # Its body (a docstring, `...`, one raise) is what says it is a stub or refuses to run.
        # An overload keeps its first parameter's annotation: the type of `self` may pick it.
        _drop_signature(function, keep_self_annotation=is_overload(function))
        pruned[function] = False
        return
    kept: list[ast.stmt] = []
    for statement in function.body:
        if isinstance(statement, _FUNCTIONS):
            _prune(statement, pruned, stored, lines)  # a decorator's wrapper, returned by name
            kept.append(statement)
    kept.extend(facts.globals)
    # Returns of a name (a decorator's wrapper or argument, also through
    # `functools.wraps(fn)(wrapper)`) are kept as `return name`; the others
    # only say whether a value is returned. Shared nodes: nothing binds in them.
    argument = first_parameter(function)
    names = [returned_name(returned) for returned in facts.returns]
    if argument in facts.bound_names:
        # Rebound in the body (`self = other`): a return of that name no longer gives back the argument.
        names = [None if name == argument else name for name in names]
    if set(names) & set(leading_aliases(function)):
        # `orig = fn; ...; return orig` gives back the argument: kept as `return fn`.
        holders = argument_holders(function)
        names = [argument if name in holders else name for name in names]
    kept.extend(ast.Return(value=ast.Name(id=name, ctx=ast.Load())) for name in names if name is not None)
    if any(returned.value is None for returned in facts.returns):
        kept.append(_RETURNS_NOTHING)
    other_values = [
        returned.value for returned, name in zip(facts.returns, names) if returned.value is not None and name is None
    ]
    if any(_is_none(value) for value in other_values):
        kept.append(_RETURNS_NONE)
        other_values = [value for value in other_values if not _is_none(value)]
    calls = [_call_of_outer_name(value, facts.bound_names | _parameter_names(function)) for value in other_values]
    # `return await self._prepare(query)`: a method handing the work to another of its instance's,
    # kept with its first parameter's name (inference/functions.py evaluates it on the instance).
    delegating = argument if instance_name == argument and argument not in facts.bound_names else None
    if delegating is not None and first_parameter_binding(function) == "instance":
        calls = [_call_on_instance(value, delegating) if call is None else call for value, call in zip(other_values, calls)]
    else:
        delegating = None
    # `return Client()` says what a call gives; its arguments do not.
    kept.extend(ast.Return(value=call) for call in calls if call is not None)
    if None in calls:
        kept.append(_RETURNS_A_VALUE)
    kept.append(_PASS)  # a real body, not a stub's
    function.body = kept
    # The argument's name is kept where something returns it, or a nested wrapper returns its call.
    kept_first = argument in names or any(
        isinstance(statement, _FUNCTIONS) and _returns_call_of(statement, argument) for statement in kept
    ) or (delegating is not None and any(call is not None and _roots_at(call, delegating) for call in calls))
    _drop_signature(function, keep_first=argument if kept_first else None)
    pruned[function] = facts.is_generator


def _returns_call_of(function: Function, name: Optional[str]) -> bool:
    """Does a (pruned) def return a call of `name`, an outer name?"""
    return name is not None and any(
        isinstance(statement, ast.Return)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id == name
        for statement in function.body
    )


def _drop_signature(function: Function, keep_first: Optional[str] = None, keep_self_annotation: bool = False) -> None:
    # Parameters, their defaults and annotations are only read through the
    # function's own scope's names, and that scope is opaque; a decorator that
    # returns its argument keeps that one's name, which says so. The return
    # annotation stays: it says what calling the function gives.
    positional = [*function.args.posonlyargs, *function.args.args]
    if keep_self_annotation and positional and positional[0].annotation is not None:
        function.args = _first_argument_only(positional[0].arg, positional[0].annotation)
        return
    function.args = _NO_ARGUMENTS if keep_first is None else _first_argument_only(keep_first)


def _call_of_outer_name(value: ast.expr, bound_inside: set[str]) -> Optional[ast.expr]:
    """`Client(...)`, `pkg.make(...)`, `await connect(...)`, arguments cut, if the root name is not the function's own.

    The function's scope is opaque once cut down: a kept value must mean the
    same in the enclosing scope, where inference looks its names up.
    """
    awaited = isinstance(value, ast.Await)
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call):
        return None
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id in bound_inside:
        return None
    bare = ast.Call(func=call.func, args=[], keywords=[])
    return ast.Await(value=bare) if awaited else bare


def _call_on_instance(value: ast.expr, instance: str) -> Optional[ast.expr]:
    """`self.method(...)` / `await self.method(...)`, arguments cut, `self` being `instance`."""
    call = value.value if isinstance(value, ast.Await) else value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and _roots_at(call, instance)):
        return None
    bare = ast.Call(func=call.func, args=[], keywords=[])
    return ast.Await(value=bare) if isinstance(value, ast.Await) else bare


def _roots_at(value: ast.expr, name: str) -> bool:
    """Is `value` a call (awaited or not) of an attribute of the name itself (`name.method(...)`)?"""
    call = value.value if isinstance(value, ast.Await) else value
    func = getattr(call, "func", None)
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _parameter_names(function: Function) -> set[str]:
    arguments = function.args
    every_arg = [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs, arguments.kwarg]
    return {arg.arg for arg in every_arg if arg is not None}


def _first_argument_only(name: str, annotation: Optional[ast.expr] = None) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=name, annotation=annotation)],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )


# _NONE_STORES: `obj.attr = None` leaves nothing any use of the attribute could succeed on (no
# method, no protocol): an instance attribute is judged by the other stores' values. It still makes
# a method of that name uncertain, as any store does.


class _BodyFacts:
    """What a function's own body does (its nested scopes' bodies only for stored attributes and globals)."""

    def __init__(self, function: Function, statements_only: bool = False, instance_name: Optional[str] = None) -> None:
        self.is_generator = False
        self.unusual_yield = False
        self.returns: list[ast.Return] = []
        self.globals: list[ast.Global] = []
        self.stored_attributes: set[str] = set()
        # `self.<name> = ...` in the method's own scope, `self` its instance (`instance_name`), never rebound.
        self.stored_on_instance: set[str] = set()
        self._instance_name = instance_name
        self._instance_store_count: dict[str, int] = {}
        self.stored_none: set[str] = set()
        # Every name bound in the body's own scope (and, read in full, in its nested scopes: more
        # than needed, never less).
        self.bound_names: set[str] = set()
        direct_defs = {id(node) for node in function.body if isinstance(node, _FUNCTIONS)}
        if statements_only:
            self._read_statements(function, direct_defs)
        else:
            self._read_everything(function, direct_defs)
        # `self.<name> = <parameter>` for every store of a name, the parameter annotated: what it declares.
        self.annotated_on_instance: dict[str, list[ast.expr]] = {}
        if instance_name in self.bound_names:
            self.stored_attributes |= self.stored_on_instance  # `self` rebound: not certainly the instance
            self.stored_on_instance = set()
        elif self.stored_on_instance:
            declared = _parameter_stores(function, instance_name, self.bound_names)
            for name in list(self.stored_on_instance):
                if len(declared.get(name, ())) == self._instance_store_count[name]:
                    self.annotated_on_instance[name] = declared[name]
                    self.stored_on_instance.discard(name)
        # `self.<name> = <chain>` for every store of a name: the values, their arguments cut.
        self.valued_on_instance: dict[str, list[tuple[str, ...]]] = {}
        if self.stored_on_instance and instance_name is not None:
            kept = _chain_stores(function, instance_name, self.bound_names | _parameter_names(function))
            for name in self.stored_on_instance:
                if len(kept.get(name, ())) == self._instance_store_count[name]:
                    self.valued_on_instance[name] = kept[name]

    def store_count(self, name: str) -> int:
        return self._instance_store_count.get(name, 0)

    def _store(self, target: ast.Attribute, own: bool) -> None:
        receiver = target.value
        if own and isinstance(receiver, ast.Name) and receiver.id == self._instance_name:
            self.stored_on_instance.add(target.attr)
            self._instance_store_count[target.attr] = self._instance_store_count.get(target.attr, 0) + 1
        else:
            self.stored_attributes.add(target.attr)

    def _read_everything(self, function: Function, direct_defs: set[int]) -> None:
        # (node, in the function's own scope, inside a comprehension)
        pending: list[tuple[ast.AST, bool, bool]] = [(node, True, False) for node in function.body]
        none_targets: set[int] = set()
        while pending:
            node, own, in_comprehension = pending.pop()
            cls = node.__class__  # exact classes: see _name_bound_by
            if cls is ast.Assign and _is_none(node.value):  # type: ignore[attr-defined]
                targets = node.targets  # type: ignore[attr-defined]
                none_targets.update(id(target) for target in targets if isinstance(target, ast.Attribute))
            elif cls is ast.Attribute and node.ctx.__class__ is not ast.Load:  # type: ignore[attr-defined]
                if id(node) in none_targets:
                    self.stored_none.add(node.attr)  # type: ignore[attr-defined]
                else:
                    self._store(node, own)  # type: ignore[arg-type]
            bound = _name_bound_by(node)
            if bound is not None:
                self.bound_names.add(bound)
            if cls is ast.Global:
                # Even in a nested class or def: it rebinds a module name, which then is not known.
                self.globals.append(node)  # type: ignore[arg-type]
            if not own:
                pending.extend((child, False, False) for child in child_nodes(node))
                continue
            if cls is ast.Yield or cls is ast.YieldFrom:
                if in_comprehension:
                    self.unusual_yield = True
                self.is_generator = True
            elif cls is ast.Return:
                self.returns.append(node)  # type: ignore[arg-type]
            elif cls is ast.AnnAssign and _contains_yield(node.annotation):  # type: ignore[attr-defined]
                self.unusual_yield = True
            if cls in _NESTED_SCOPE_CLASSES:
                if id(node) in direct_defs:
                    continue  # pruned on its own, stored attributes included
                body = [node.body] if isinstance(node, ast.Lambda) else node.body
                body_ids = {id(child) for child in body}
                for child in child_nodes(node):
                    # Headers (decorators, defaults, annotations, bases) are evaluated
                    # in this function: a yield there makes it a generator.
                    if id(child) not in body_ids and _contains_yield(child):
                        self.unusual_yield = True
                    pending.append((child, False, False))
                continue
            nested_comprehension = in_comprehension or cls in _COMPREHENSION_CLASSES
            pending.extend((child, True, nested_comprehension) for child in child_nodes(node))

    def _read_statements(self, function: Function, direct_defs: set[int]) -> None:
        """The same facts from the statements alone, for a body with no `yield`, `:=` or `for obj.attr in`.

        Without those, an expression binds no name of the function (a
        comprehension's or lambda's names are their own) and stores no
        attribute: only statements and their targets do.
        """
        # (statement, in the function's own scope)
        pending: list[tuple[ast.AST, bool]] = [(node, True) for node in function.body]
        while pending:
            node, own = pending.pop()
            if isinstance(node, ast.Return):
                if own:
                    self.returns.append(node)
                continue
            if isinstance(node, ast.Global):
                self.globals.append(node)
                continue
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                self.bound_names.add(node.name)
                if id(node) not in direct_defs:
                    pending.extend((child, False) for child in node.body)  # stored attributes and globals
                continue
            assigns_none = isinstance(node, ast.Assign) and _is_none(node.value)
            for target in _statement_targets(node):
                if assigns_none and isinstance(target, ast.Attribute):
                    self.stored_none.add(target.attr)  # `proc.stdin = None`: see _NONE_STORES
                    continue
                for inner in ast.walk(target):
                    if isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
                        self.bound_names.add(inner.id)
                    elif isinstance(inner, ast.Attribute) and not isinstance(inner.ctx, ast.Load):
                        self._store(inner, own)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.bound_names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(node, field, ()):
                    if isinstance(child, ast.excepthandler):
                        if getattr(child, "name", None):
                            self.bound_names.add(child.name)  # type: ignore[attr-defined]
                        pending.extend((statement, own) for statement in child.body)  # type: ignore[attr-defined]
                    elif isinstance(child, ast.match_case):
                        self.bound_names.update(
                            bound for bound in map(_name_bound_by, ast.walk(child.pattern)) if bound is not None
                        )
                        pending.extend((statement, own) for statement in child.body)
                    else:
                        pending.append((child, own))


def _parameter_stores(function: Function, instance_name: Optional[str], bound: set[str]) -> dict[str, list[ast.expr]]:
    """`self.<name> = <parameter>` statements of the body's own scope, by name: the parameters' annotations.

    Only parameters with an annotation that the body never rebinds; `*args`
    and `**kwargs` annotate their items, not themselves.
    """
    arguments = function.args
    annotations = {
        arg.arg: arg.annotation
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        if arg.annotation is not None and arg.arg not in bound and arg.arg != instance_name
    }
    found: dict[str, list[ast.expr]] = {}
    if not annotations:
        return found
    for attribute, value in _instance_assignments(function, instance_name):
        if isinstance(value, ast.Name) and value.id in annotations:
            found.setdefault(attribute, []).append(annotations[value.id])
    return found


def _whole_stores(function: Function, instance_name: str) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for attribute, value in _instance_assignments(function, instance_name):
        found.setdefault(attribute, []).append(value)
    return found


def _instance_assignments(function: Function, instance_name: Optional[str]) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) of each `self.<name> = value` statement of the body's own scope, `self` being `instance_name`."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            continue
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Attribute)
            and isinstance(node.targets[0].value, ast.Name)
            and node.targets[0].value.id == instance_name
        ):
            yield node.targets[0].attr, node.value
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, ()):
                nested = isinstance(child, (ast.excepthandler, ast.match_case))
                pending.extend(getattr(child, "body", ()) if nested else [child])


def _chain_stores(function: Function, instance_name: str, bound: set[str]) -> dict[str, list[tuple[str, ...]]]:
    """`self.<name> = <chain>` statements of the body's own scope, by name, each value cut to its chain.

    A chain is a name, attributes and calls (`self.cx.motor_test`, `self.make_client()`,
    `asyncio.Lock()`, `await self.connect()`), rooted at the instance or at a name the body
    never binds (a module's name): it means the same outside the cut body, given the instance.
    """
    found: dict[str, list[tuple[str, ...]]] = {}
    for attribute, value in _instance_assignments(function, instance_name):
        chain = _cut_chain(value, instance_name, bound)
        if chain is not None:
            found.setdefault(attribute, []).append(chain)
    return found


# A kept chain, as the steps from its root name: an attribute's name, or CALL for a call
# (its arguments cut); AWAIT first when the value is awaited. `await self.pool.get()` is
# ("await", "self", "pool", "get", "()"): a few interned strings, not a tree of nodes.
CALL = "()"
AWAIT = "await"


def _cut_chain(value: ast.expr, instance_name: str, bound: set[str]) -> Optional[tuple[str, ...]]:
    """The value's chain, if it is one rooted at the instance or at an outer name."""
    steps: list[str] = []
    if isinstance(value, ast.Await):
        if not isinstance(value.value, ast.Call):
            return None
        value = value.value
        steps.append(AWAIT)
    trail: list[str] = []
    while len(trail) <= 16:
        if isinstance(value, ast.Attribute):
            trail.append(value.attr)
            value = value.value
        elif isinstance(value, ast.Call):
            trail.append(CALL)
            value = value.func
        elif isinstance(value, ast.Name):
            if value.id != instance_name and value.id in bound:
                return None
            return tuple(steps + [value.id] + trail[::-1])
        else:
            return None
    return None


def _statement_targets(node: ast.AST) -> list[ast.AST]:
    """The expressions a statement binds or deletes."""
    if isinstance(node, (ast.Assign, ast.Delete)):
        return list(node.targets)
    if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        return [node.target]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    return []


# The other node classes that may bind a name: `except ... as name`, match patterns, type parameters.
_BINDS_BY_NAME_FIELD = frozenset(
    getattr(ast, name)
    for name in ("ExceptHandler", "MatchAs", "MatchStar", "MatchMapping", "TypeVar", "ParamSpec", "TypeVarTuple")
    if hasattr(ast, name)
)


def _name_bound_by(node: ast.AST) -> Optional[str]:
    # By exact class: every node of a parsed tree is of a class of the ast module, never a subclass,
    # and this runs on most nodes of the bodies read in full.
    cls = node.__class__
    if cls is ast.Name:
        return None if node.ctx.__class__ is ast.Load else node.id  # type: ignore[attr-defined]
    if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.ClassDef:
        return node.name  # type: ignore[attr-defined]
    if cls is ast.alias:
        return (node.asname or node.name).partition(".")[0]  # type: ignore[attr-defined]
    if cls is ast.arg:
        return node.arg  # type: ignore[attr-defined]
    if cls not in _BINDS_BY_NAME_FIELD:
        return None
    bound = getattr(node, "name", None) or getattr(node, "rest", None)
    return bound if isinstance(bound, str) else None


def _contains_yield(node: ast.AST) -> bool:
    return any(isinstance(inner, _YIELDS) for inner in ast.walk(node))
