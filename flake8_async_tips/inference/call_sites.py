"""What an unannotated parameter holds when every call of its function passes one class.

```python
class Feed:
    async def refresh(self): ...

async def poll(feed):
    while not feed.refresh():     # ASY108: 'feed' is a Feed here (from the call at line 9)
        ...

asyncio.run(poll(Feed()))
```

A parameter without annotation of a plain function of the linted module
(`def`/`async def` at module level or nested in a function; not a method,
not decorated) holds an instance of a class when all of these hold:

- the function is called at least once, and every call of it passes, for
  that parameter, a value known to be an instance of that one class (a call
  that passes the parameter itself, recursing, carries the same value);
  no call unpacks `*args`/`**kwargs`, and none leaves the parameter to its
  default;
- its name is used nowhere else in the module than as the callee of those
  calls (a spawner of the tables counts as one: `nursery.start_soon(consumer,
  channel)`, `tg.start_soon`, `trio.run`, `anyio.run`, `to_thread.run_sync`,
  `loop.run_in_executor(None, fn, ...)` call it with the positional
  arguments after it), or handed to a library call of the tables that calls it back with
  objects of its own making (`asyncio.start_server(handle, ...)` and
  `start_unix_server` call `handle(reader, writer)` with a StreamReader
  and a StreamWriter; `trio.serve_tcp(handler, port)`, also through
  `nursery.start(trio.serve_tcp, handler, port)`, calls `handler` with a
  SocketStream; each entry checked by running it): not passed as any other
  callback, stored, returned, decorated, named in a string (`__all__`,
  `getattr`, `mock.patch("mod.poll")`) or rebound;
- for a module-level function, no other source file of the project holds
  its name as a word and names the module too (`from .feeds import poll`,
  `import feeds`), nor, when a file naming the module star-imports, any
  other file holding the name: another module that imports it may call it
  with anything (the project is the folder with pyproject.toml, setup.cfg,
  setup.py, tox.ini, pytest.ini or .git above the file, else the import
  root of its package). A file whose name is no identifier
  (`channels-backpressure.py`, a script) is imported by no module;
- the function does not test what the parameter is: no `isinstance`,
  `issubclass`, `hasattr`, `getattr`, `callable`, `type()`, `__class__`,
  `inspect`/`asyncio` `is...` predicate or `match` on it.

Then, inside the function, the parameter is that class's instance, for every
rule; a finding made through it says where the class came from (`'writer'
is a StreamWriter here (from asyncio.start_server at line 12)`). Any doubt
leaves the parameter unknown.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Optional, Union

from flake8_async_tips import known_apis
from flake8_async_tips.bindings import Binding
from flake8_async_tips.decorators import name_leaf
from flake8_async_tips.inference.fixtures import FixtureModel
from flake8_async_tips.inference.values import MAX_DEPTH, Definition, External, Instance, Values, canonical_class
from flake8_async_tips.project import used_from_elsewhere
from flake8_async_tips.scopes import Scope, ScopeKind

_Function = (ast.FunctionDef, ast.AsyncFunctionDef)
_FUNCTION_CLASSES = frozenset(_Function)

# Calls that ask what an object is: a function that makes them expects more than one kind of argument.
_TYPE_TESTS = frozenset(
    {"isinstance", "issubclass", "hasattr", "getattr", "callable", "type", "vars", "dir", "signature"}
)
_TYPE_TEST_WORDS = ("coro", "async", "await", "instance", "subclass", "callable", "function", "method", "class")
# More calls than this and the lines are not all listed in a message.
_LINES_SHOWN = 3


@dataclass(frozen=True)
class CallSiteOrigin:
    """The instance every call passes for a parameter, and the lines of those calls."""

    value: Instance
    lines: tuple[int, ...]
    # The library call that calls the function back, when every call is one of its (`asyncio.start_server`).
    caller: Optional[str] = None

    def note(self, name: str) -> str:
        of = self.value.of
        shown = of.node.name if isinstance(of, Definition) else of.name.rpartition(".")[2]
        listed = ", ".join(str(line) for line in self.lines[:_LINES_SHOWN])
        listed += ", ..." if len(self.lines) > _LINES_SHOWN else ""
        plural = "s" if len(self.lines) > 1 else ""
        if self.caller is not None:
            where = f"{self.caller} at line{plural} {listed}"
        else:
            where = f"the call{plural} at line{plural} {listed}"
        article = "an" if shown[:1].lower() in "aeiou" else "a"
        return f"'{name}' is {article} {shown} here (from {where})"


@dataclass
class _References:
    """Every load of a name in the linted module, with its scope, and the calls among them."""

    loads: dict[str, list[tuple[ast.Name, Scope]]]
    calls: dict[int, ast.Call]  # id of the Name that is a call's func -> the call
    # id of a Name passed to a call -> (the call, its position or keyword)
    arguments: dict[int, tuple[ast.Call, Union[int, str]]]
    strings: set[str]
    def_scopes: dict[int, Scope]  # id of a def -> the scope its statement runs in


class CallSiteModel(FixtureModel):
    """A mixin of `Inference`, below the evaluator; given the evaluator as `self`, it asks it `values`."""

    def _call_site_values(self, arg: ast.arg, depth: int) -> Values:
        origin = self._call_site_origin(arg, depth)
        return None if origin is None else frozenset({origin.value})

    def call_site_note(self, node: ast.AST, scope: Scope) -> str:
        """Where the classes of the parameters `node` uses came from, for a message; "" if none was found so."""
        found = self.__dict__.get("_call_site_found")
        if not found:
            return ""
        notes: list[str] = []
        for name in sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}):
            bindings = self.bindings.lookup(name, scope)
            if bindings and len(bindings) == 1 and isinstance(bindings[0].node, ast.arg):
                origin = found.get(id(bindings[0].node))
                if origin is not None:
                    notes.append(origin.note(name))
        return "".join(f"; {note}" for note in notes)

    def _call_site_origin(self, arg: ast.arg, depth: int) -> Optional[CallSiteOrigin]:
        found = self.__dict__.setdefault("_call_site_found", {})
        if id(arg) in found:
            return found[id(arg)]
        if depth > MAX_DEPTH or self.bindings.walk_order is None:
            return None  # only the linted module is read in full, with every call in it
        pending = self.__dict__.setdefault("_call_site_pending", set())
        if id(arg) in pending:
            return None  # recursion through another function: unknown, safely
        pending.add(id(arg))
        try:
            origin = self._find_call_site_origin(arg, depth)
        finally:
            pending.discard(id(arg))
        found[id(arg)] = origin
        return origin

    def _find_call_site_origin(self, arg: ast.arg, depth: int) -> Optional[CallSiteOrigin]:
        function = self.bindings.parameter_of.get(id(arg))
        if not isinstance(function, _Function) or function.decorator_list:
            return None
        if id(function) in self.bindings.method_class or not self._takes_one_value(arg, function):
            return None
        if not any(function.name in loaded for loaded in self.bindings.loaded_names.values()):
            return None  # called nowhere in the module (the cheap question first)
        references = self._references()
        definition = self._sole_definition(function, references)
        if definition is None or function.name in references.strings:
            return None
        calls: list[tuple[ast.Call, Scope]] = []
        called_back: list[tuple[ast.Call, str]] = []
        for load, scope in references.loads.get(function.name, []):
            bindings = self.bindings.lookup(function.name, scope)
            if bindings is None:
                return None
            if definition not in bindings:
                continue  # another object of that name, in a scope of its own
            if len(bindings) != 1:
                return None  # maybe rebound
            call = references.calls.get(id(load)) or self._spawned_call(references.arguments.get(id(load)), scope)
            if call is not None:
                calls.append((call, scope))
                continue
            caller = self._library_caller(references.arguments.get(id(load)), scope)
            if caller is None:
                return None  # used as a value some other way
            called_back.append(caller)
        if not (calls or called_back) or self._tests_what_it_is(arg.arg, function):
            return None
        origin = self._passed_instance(arg, function, calls, depth, called_back)
        if origin is None or (definition.scope.kind is ScopeKind.MODULE and self._named_elsewhere(function.name)):
            return None
        return origin

    def _library_caller(
        self, passed_to: Optional[tuple[ast.Call, Union[int, str]]], scope: Scope
    ) -> Optional[tuple[ast.Call, str]]:
        """(the call, its callee's name) when the function is handed to a library call of the tables that calls it
        back with objects of its own making (`asyncio.start_server(handle, ...)`)."""
        if passed_to is None:
            return None
        call, where = passed_to
        name = self._canonical_name(call.func, scope)
        if name in known_apis.NEEDS_ASYNC_FUNCTION_ARGUMENT and isinstance(where, int) and where > 0:
            # `nursery.start(trio.serve_tcp, handler, port)` calls `trio.serve_tcp(handler, port)`.
            name, where = self._canonical_name(call.args[0], scope), where - 1
        entry = None if name is None else known_apis.CALLED_BACK_WITH.get(name)
        if entry is None or where not in entry[:2]:
            return None
        return call, name  # type: ignore[return-value]

    def _spawned_call(self, passed_to: Optional[tuple[ast.Call, Union[int, str]]], scope: Scope) -> Optional[ast.Call]:
        """`nursery.start_soon(consumer, channel)`: the call it makes, `consumer(channel)`, when the
        function is the callable a spawner of the tables runs with the positional arguments after it."""
        if passed_to is None or not isinstance(passed_to[1], int):
            return None
        call, where = passed_to
        if known_apis.CALLS_WITH_THE_REST.get(self._canonical_name(call.func, scope) or "") != where:
            return None
        made = ast.Call(func=call.args[where], args=call.args[where + 1:], keywords=[])
        return ast.copy_location(made, call)

    def _canonical_name(self, expr: ast.expr, scope: Scope) -> Optional[str]:
        name = self.qualified_name(expr, scope)  # type: ignore[attr-defined]
        return None if name is None else canonical_class(name)

    def _takes_one_value(self, arg: ast.arg, function: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> bool:
        """An unannotated parameter that is bound to one argument (not `*args`, not `**kwargs`)."""
        arguments = function.args
        return arg.annotation is None and arg is not arguments.vararg and arg is not arguments.kwarg

    def _sole_definition(self, function: ast.AST, references: _References) -> Optional[Binding]:
        """The def's binding, when its name has no other binding in the scope the def stands in."""
        scope = references.def_scopes.get(id(function))
        if scope is None:
            return None
        bindings = self.bindings.of(scope.node).names.get(getattr(function, "name", ""), [])
        if len(bindings) != 1 or bindings[0].node is not function:
            return None
        if scope.kind not in (ScopeKind.MODULE, ScopeKind.FUNCTION, ScopeKind.ASYNC_FUNCTION):
            return None
        return bindings[0]

    def _references(self) -> _References:
        """One pass over the linted module's recorded walk, the first time a call site is asked for."""
        cached = self.__dict__.get("_call_site_references")
        if cached is not None:
            return cached
        loads: dict[str, list[tuple[ast.Name, Scope]]] = {}
        calls: dict[int, ast.Call] = {}
        arguments: dict[int, tuple[ast.Call, Union[int, str]]] = {}
        strings: set[str] = set()
        def_scopes: dict[int, Scope] = {}
        order = self.bindings.walk_order
        # By exact class (a parsed tree has no subclasses of the ast classes): every node of the file passes here.
        name_class, call_class, constant_class, load_class = ast.Name, ast.Call, ast.Constant, ast.Load
        for node, scope in zip(order.nodes, order.scopes):  # type: ignore[union-attr]
            cls = node.__class__
            if cls is name_class:
                if node.ctx.__class__ is load_class:  # type: ignore[attr-defined]
                    loads.setdefault(node.id, []).append((node, scope))  # type: ignore[attr-defined]
            elif cls is call_class:
                if node.func.__class__ is name_class:  # type: ignore[attr-defined]
                    calls[id(node.func)] = node  # type: ignore[attr-defined]
                for position, argument in enumerate(node.args):  # type: ignore[attr-defined]
                    if argument.__class__ is name_class:
                        arguments[id(argument)] = (node, position)  # type: ignore[assignment]
                for keyword in node.keywords:  # type: ignore[attr-defined]
                    if keyword.arg is not None and keyword.value.__class__ is name_class:
                        arguments[id(keyword.value)] = (node, keyword.arg)  # type: ignore[assignment]
            elif cls is constant_class:
                value = node.value  # type: ignore[attr-defined]
                if value.__class__ is str and value.isidentifier():
                    strings.add(value)
            elif cls in _FUNCTION_CLASSES:
                def_scopes[id(node)] = scope
        references = _References(loads, calls, arguments, strings, def_scopes)
        self.__dict__["_call_site_references"] = references
        return references

    def _tests_what_it_is(self, name: str, function: ast.AST) -> bool:
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                leaf = name_leaf(node.func)
                if leaf in _TYPE_TESTS or (leaf.startswith("is") and any(w in leaf.lower() for w in _TYPE_TEST_WORDS)):
                    if any(isinstance(a, ast.Name) and a.id == name for a in ast.walk(node) if a is not node.func):
                        return True
            elif isinstance(node, ast.Attribute) and node.attr == "__class__":
                if isinstance(node.value, ast.Name) and node.value.id == name:
                    return True
            elif isinstance(node, ast.Match):
                if any(isinstance(a, ast.Name) and a.id == name for a in ast.walk(node.subject)):
                    return True
        return False

    def _passed_instance(
        self,
        arg: ast.arg,
        function: Union[ast.FunctionDef, ast.AsyncFunctionDef],
        calls: list[tuple[ast.Call, Scope]],
        depth: int,
        called_back: list[tuple[ast.Call, str]],
    ) -> Optional[CallSiteOrigin]:
        """The one class every call passes an instance of for `arg`, and where; None if a call differs or is unknown.

        A library call in `called_back` passes, at each position, the class its table entry says."""
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        index = positional.index(arg) if arg in positional else None
        by_name = arg not in arguments.posonlyargs
        passed: set[Union[Definition, External]] = set()
        lines: set[int] = set()
        exact = True
        for call, caller in called_back:
            made = known_apis.CALLED_BACK_WITH[caller][2]
            if index is None or index >= len(made):
                return None  # called back with fewer arguments: the default, or a TypeError
            passed.add(External(made[index]))
            lines.add(call.lineno)
        for call, scope in calls:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return None
            if index is not None and index < len(call.args):
                expression: Optional[ast.expr] = call.args[index]
            else:
                expression = next((k.value for k in call.keywords if by_name and k.arg == arg.arg), None)
            if expression is None:
                return None  # the default, or a call that fails
            if self._is_the_parameter_itself(expression, arg, scope):
                continue
            values = self.values(expression, scope, depth + 1)  # type: ignore[attr-defined]
            if not values or not all(isinstance(v, Instance) for v in values):
                return None
            for value in values:
                passed.add(value.of)  # type: ignore[union-attr]
                exact = exact and value.exact  # type: ignore[union-attr]
            lines.add(call.lineno)
        if len(passed) != 1:
            return None
        (of,) = passed
        callers = {caller for _, caller in called_back}
        caller = callers.pop() if len(callers) == 1 and not calls else None
        return CallSiteOrigin(Instance(of, exact=exact), tuple(sorted(lines)), caller)

    def _is_the_parameter_itself(self, expression: ast.expr, arg: ast.arg, scope: Scope) -> bool:
        if not isinstance(expression, ast.Name) or expression.id != arg.arg:
            return False
        bindings = self.bindings.lookup(arg.arg, scope)
        return bool(bindings) and all(b.node is arg for b in bindings)  # type: ignore[union-attr]

    def _named_elsewhere(self, name: str) -> bool:
        layout = self.layout  # type: ignore[attr-defined]
        top = layout.project_folder
        if top is None or layout.file_name is None:
            return True
        return used_from_elsewhere(top, name, os.path.join(layout.directory, layout.file_name))
