"""The evaluator: what an expression refers to (names, attributes, calls, `await`, `with` targets, annotations).

`Evaluator.values` is the one entry point every question of the layers above goes through; the class
and function models below it are asked about members and results, and ask it back through `self`.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import replace
from typing import Optional

from flake8_async_tips import decorators, known_apis
from flake8_async_tips.astroid_bridge import Definition as ExternalKind
from flake8_async_tips.bindings import Binding
from flake8_async_tips.inference.specialization import SpecializationModel
from flake8_async_tips.inference.module_cache import _ANSWERS, _VALUES
from flake8_async_tips.inference.values import (
    union_of,
    MAX_DEPTH,
    AwaitableCallable,
    Definition,
    External,
    Instance,
    Partial,
    Value,
    Values,
    _builtin,
    _overridable,
    _table_instance,
    canonical_class,
    is_table_member,
    member_name,
)
from flake8_async_tips.kinds import CallableKind
from flake8_async_tips.scopes import Scope, comprehension_is_async


_GENERATOR_OBJECTS = {
    CallableKind.GENERATOR_FUNCTION: "types.GeneratorType",
    CallableKind.ASYNC_GENERATOR_FUNCTION: "types.AsyncGeneratorType",
}
_GENERATOR_KIND = {True: CallableKind.ASYNC_GENERATOR_FUNCTION, False: CallableKind.GENERATOR_FUNCTION}


class Evaluator(SpecializationModel):
    """What an expression of one module, evaluated in a scope, may refer to."""

    # --- what an expression refers to ---------------------------------------

    def values(self, expr: ast.AST, scope: Scope, depth: int = 0) -> Values:
        """What `expr`, evaluated in `scope`, may refer to; None when unknown.

        Every rule asks about the same receivers again and again (each
        `self.client.x()` evaluates `self.client`): an answer is remembered
        for the rest of the linted file. One found with at least this much
        depth budget left, or any known answer, is reused; an unknown one
        found with less budget is worked out again.
        """
        if depth > MAX_DEPTH:
            return None
        # Keyed by the expression alone (evaluated where it is written); equal answers are shared.
        remembered = _VALUES.get(id(expr))
        if remembered is not None and remembered[2] is self and remembered[4] is scope.node:
            if remembered[0] <= depth or remembered[1] is not None:
                return remembered[1]
        found = self._evaluate(expr, scope, depth)
        found = found if found is None else _ANSWERS.setdefault(found, found)
        _VALUES[id(expr)] = (depth, found, self, expr, scope.node)  # the expression kept: its id not reused
        return found

    def _evaluate(self, expr: ast.AST, scope: Scope, depth: int) -> Values:
        if isinstance(expr, ast.Name):  # unknown in code this interpreter never runs (`if sys.version_info`)
            dead = id(expr) in self.bindings.other_version_nodes
            return None if dead else self._name_values(expr.id, scope, depth, expr)
        if isinstance(expr, ast.Attribute):
            return self._attribute_values(expr, scope, depth)
        if isinstance(expr, ast.Call):
            return self._call_values(expr, scope, depth)
        if isinstance(expr, ast.NamedExpr):
            return self.values(expr.value, scope, depth + 1)
        if isinstance(expr, ast.Await):
            return self._awaited_values(expr.value, scope, depth + 1)
        if isinstance(expr, ast.Subscript):
            return self._specialized_class(expr, scope, depth + 1)
        if isinstance(expr, (ast.BinOp, ast.BoolOp, ast.IfExp)):
            return self._operator_values(expr, scope, depth + 1)
        if isinstance(expr, ast.GeneratorExp):  # `gen = (x async for x in rows)`: iterable one way only
            made = _GENERATOR_KIND.get(comprehension_is_async(expr))  # type: ignore[call-overload]
            return None if made is None else frozenset({Instance(External(_GENERATOR_OBJECTS[made]))})
        return None

    def _only_value(self, expr: ast.AST, scope: Scope, depth: int = 0) -> Optional[Value]:
        """What `expr` refers to when it is one certain value (a callee, mostly); else None."""
        found = self.values(expr, scope, depth)
        if found is None or len(found) != 1:
            return None
        (value,) = found
        return value

    def qualified_name(self, expr: ast.AST, scope: Scope) -> Optional[str]:
        """`aio.run` after `import asyncio as aio` -> "asyncio.run"; None unless certain."""
        found = self.values(expr, scope)
        if found is not None and len(found) == 1:
            (value,) = found
            if isinstance(value, External):
                return value.name
        return None

    def _name_values(self, name: str, scope: Scope, depth: int, read: Optional[ast.Name] = None) -> Values:
        found = self.bindings.lookup(name, scope)
        if found == [] and hasattr(builtins, name):
            return frozenset({External(f"builtins.{name}")})
        if found is None:
            star_modules = self.bindings.star_imports_reached(name, scope)
            return None if star_modules is None else self._star_imported_values(name, star_modules)
        if not found:
            return None
        if read is not None:  # `x = A(); x = B()`: the binding that reaches this read
            found = self.reaching.reaching(read, scope, found)
        return union_of(decorators.runtime_bindings(found), lambda binding: self._binding_values(binding, depth + 1))

    def _binding_values(self, binding: Binding, depth: int) -> Values:
        node = binding.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return frozenset({Definition(node, binding.scope, self)})
        if binding.imported is not None:
            imported: Optional[str] = binding.imported
            if binding.imported.startswith("."):
                imported = self.layout.absolute_import(binding.imported)
            return None if imported is None else frozenset({External(imported)})
        if binding.value is not None:
            alias = self._type_alias(binding.value, binding.scope)
            if alias is not None:
                return frozenset({alias})
            found = self.values(binding.value, binding.scope, depth + 1)
            if found is None and binding.annotation is not None:
                # `nursery: trio.Nursery = ...`: as for a parameter, the annotation says what it holds.
                found = self._annotated_instances(binding.annotation, binding.scope, depth + 1)
            return found
        if binding.entered is not None:
            return self._entered_values(binding, depth + 1)
        if binding.unpacked is not None:
            return self._unpacked_values(*binding.unpacked, binding.scope, depth + 1)
        if binding.iterated is not None:
            return self._element_values(binding.iterated, binding.scope, depth + 1)
        if isinstance(node, ast.arg):
            found = self._parameter_values(node)
            if found is None and node.annotation is not None and not self._collects_arguments(node):
                # Where inference gives up, the annotation says what the parameter holds.
                found = self._annotated_instances(node.annotation, binding.scope, depth + 1)
            if found is None and not self._collects_arguments(node):
                # A test's or fixture's parameter: what the fixture of that name gives.
                found = self._fixture_parameter_values(node, depth + 1)
            if found is None and node.annotation is None:
                # A plain function's parameter: what every call of it in the project passes.
                found = self._call_site_values(node, depth + 1)
            return found
        return None

    def _collects_arguments(self, arg: ast.arg) -> bool:
        """`*args: T` / `**kwargs: T`: the annotation types each element, not the tuple or dict."""
        function = self.bindings.parameter_of.get(id(arg))
        arguments = getattr(function, "args", None)
        return arguments is not None and (arguments.vararg is arg or arguments.kwarg is arg)

    def _parameter_values(self, arg: ast.arg) -> Values:
        """`self` and `cls`: the first parameter of a method of a module class."""
        function = self.bindings.parameter_of.get(id(arg))
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        owner = self.bindings.method_class.get(id(function))
        positional = [*function.args.posonlyargs, *function.args.args]
        if owner is None or not positional or positional[0] is not arg:
            return None
        class_binding = self._class_definition(owner)
        if class_binding is None:
            return None
        bound_to = decorators.first_parameter_binding(function)
        # A class no class statement of the project subclasses: `self` is an instance of it
        # exactly, and its methods are its own (none is overridden).
        subclassed = self._subclassed_in_project(owner)
        if bound_to == "instance":
            return frozenset({Instance(class_binding, exact=not subclassed)})
        if bound_to == "class":
            return frozenset({replace(class_binding, overridable=subclassed)})
        return None

    def _class_definition(self, node: ast.ClassDef) -> Optional[Definition]:
        scope = self.bindings.class_scope.get(id(node))
        return None if scope is None else Definition(node, scope, self)

    def _attribute_values(self, expr: ast.Attribute, scope: Scope, depth: int) -> Values:
        value = expr.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
            # The cheap question first: an override calls the method it overrides (`async def start` calls
            # `super().start()`): a name no `async def` of the module has is not looked up in the bases.
            if expr.attr in self.bindings.coroutine_names:
                return self._super_member_values(value, expr.attr, scope, depth + 1)
        bases = self.values(expr.value, scope, depth + 1)
        if bases is None:
            return None
        return union_of(bases, lambda base: self._member_values(base, expr.attr, depth + 1))

    def _member_values(self, base: Value, attribute: str, depth: int) -> Values:
        if isinstance(base, External):
            return frozenset({External(f"{base.name}.{attribute}")})
        if isinstance(base, Instance) and isinstance(base.of, External):
            qualified = member_name(base.of.name, attribute)
            if is_table_member(qualified):
                # The tables answer for a library's methods, also inside that library's own project.
                return frozenset({External(qualified)})
            resolved = self._resolved(base.of, depth + 1)
            if resolved is base.of:
                return frozenset({External(qualified)})
            return self._member_values(Instance(resolved, base.exact), attribute, depth + 1)  # type: ignore[arg-type]
        if isinstance(base, Instance) and isinstance(base.of, Definition):
            found = base.of.module._instance_attribute(base.of, attribute, depth, receiver=base)
            # `r.set(...)` of redis's asyncio client: the overload its class fits says what the call makes.
            found = self._bound_overloads(found, base, depth + 1)
            return found if base.exact else _overridable(found)
        if isinstance(base, Definition) and isinstance(base.node, ast.ClassDef):
            found = base.module._class_attribute(base, attribute, depth)
            return _overridable(found) if base.overridable else found
        return None

    def _call_values(self, call: ast.Call, scope: Scope, depth: int) -> Values:
        callee = self._only_value(call.func, scope, depth + 1)
        if callee is None:
            return self._bare_instance(call, scope, depth + 1)  # `Cluster.__new__(Cluster)`
        return self._called_values(callee, call, scope, depth + 1)

    def _called_values(self, callee: Value, call: ast.Call, scope: Scope, depth: int) -> Values:
        """What calling `callee` (the one value `call.func` refers to) makes, `call` written in `scope`."""
        if isinstance(callee, Partial):
            # `partial(Client, timeout=3)()` makes what `Client(timeout=3)` makes.
            if len(callee.func) != 1:
                return None
            (callee,) = callee.func
        if isinstance(callee, External):
            # The table first, by the name as spelled: in a library's own tests (`trio.open_nursery()`
            # in trio's repository) the name also resolves to its source, which says less than the table.
            made = _table_instance(canonical_class(callee.name))
            if made is not None:
                return frozenset({made})
        callee = self._resolved(callee, depth + 1)
        if isinstance(callee, Definition) and isinstance(callee.node, ast.ClassDef):
            return callee.module._constructed_values(callee, depth + 1)
        if (
            isinstance(callee, Definition)
            and isinstance(callee.node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and callee.module.bindings.of(callee.node).is_generator
        ):
            made = _GENERATOR_OBJECTS.get(self.callable_kind(callee, depth + 1))
            if made is not None:
                # `it = agen()`: the generator object, iterable one way only.
                return frozenset({Instance(External(made))})
        if isinstance(callee, Definition) and isinstance(callee.node, ast.FunctionDef):
            found = callee.module._result_values(callee, CallableKind.SYNC_FUNCTION, depth + 1)
            return found if found is not None else self._specialized_call_result(callee, call, scope, False, depth)
        if isinstance(callee, External):
            name = canonical_class(callee.name)
            if name in known_apis.RUN_WITH_COROUTINE and call.args:
                # `asyncio.run(connect())`, `loop.run_until_complete(connect())`: what awaiting it gives.
                return self._awaited_values(call.args[0], scope, depth + 1)
            if name == "functools.partial" and call.args:
                wrapped = self.values(call.args[0], scope, depth + 1)
                return None if wrapped is None else frozenset({Partial(wrapped)})
            made = _table_instance(name)
            if made is not None:
                return frozenset({made})
            if name.startswith("builtins."):
                return frozenset({Instance(External(name))}) if isinstance(_builtin(name), type) else None
            if any(declared.startswith(name + ".") for declared in self.declared_coroutine_functions):
                # The user named a method of it (`vendor.Client.get`): it is a class.
                return frozenset({Instance(External(name))})
            if self._external_kind(name) == ExternalKind.CLASS:
                return frozenset({Instance(External(name))})
        return self._made_by_annotation(callee, None, depth + 1)

    def _awaited_values(self, awaited: ast.expr, scope: Scope, depth: int) -> Values:
        """`await f()` gives what the coroutine function f returns (or what f's `-> Awaitable[T]` says)."""
        if not isinstance(awaited, ast.Call):
            return None
        callee = self._only_value(awaited.func, scope, depth + 1)
        if callee is None:
            return None
        found = self._started_values(callee, awaited, scope, depth + 1) or self._awaited_call_of(callee, depth + 1)
        found = found if found is not None else self._specialized_call_result(callee, awaited, scope, True, depth)
        return found if found is not None else self._awaited_objects(awaited, scope, depth + 1)

    def _awaited_call_of(self, callee: Value, depth: int) -> Values:
        """What awaiting a call of `callee` gives."""
        if isinstance(callee, Partial) and len(callee.func) == 1:
            (callee,) = callee.func  # `opener = partial(AIOFile, context=c); await opener(path)`
        if callee is None or isinstance(callee, Partial):
            return None
        if isinstance(callee, External) and canonical_class(callee.name) in known_apis.AWAITED_AS:
            return frozenset({Instance(External(known_apis.AWAITED_AS[canonical_class(callee.name)]))})
        callee = self._resolved(callee, depth + 1)
        if isinstance(callee, Instance):
            # `await aiohttp_client(app)`: the instance's `__call__` is called.
            methods = self._member_values(callee, "__call__", depth + 1)
            return union_of(methods, lambda method: self._awaited_result(method, depth + 1)) if methods else None
        return self._awaited_result(callee, depth + 1)

    def _awaited_result(self, callee: Value, depth: int) -> Values:
        callee = self._resolved(callee, depth + 1)
        if isinstance(callee, AwaitableCallable):
            if callee.result is None:
                return None
            annotation, scope, module = callee.result
            return module._annotated_instances(annotation, scope, depth + 1)
        if isinstance(callee, Definition) and isinstance(callee.node, ast.AsyncFunctionDef):
            return callee.module._result_values(callee, CallableKind.COROUTINE_FUNCTION, depth + 1)
        if isinstance(callee, Definition) and isinstance(callee.node, ast.FunctionDef):
            if callee.node.returns is not None:
                return callee.module._awaited_return(callee, depth + 1)
            return callee.module._awaited_returned_calls(callee, depth + 1)
        if isinstance(callee, Definition) and isinstance(callee.node, ast.ClassDef):
            return callee.module._awaited_new_instance(callee, depth + 1)  # `conn = await Connection(dsn)`
        return None

    def _unpacked_values(self, value: ast.expr, position: int, scope: Scope, depth: int) -> Values:
        """One name of `a, b = value`: an element of a tuple display, of the table's results, or of an annotation."""
        if isinstance(value, (ast.Tuple, ast.List)):
            if any(isinstance(element, ast.Starred) for element in value.elts) or position >= len(value.elts):
                return None
            return self.values(value.elts[position], scope, depth + 1)
        awaited = isinstance(value, ast.Await)
        call = value.value if isinstance(value, ast.Await) else value
        if not isinstance(call, ast.Call):
            return None
        callee = self._only_value(call.func, scope, depth + 1)
        if callee is None:
            return None
        if isinstance(callee, External):
            tuples = known_apis.AWAITED_TUPLES if awaited else known_apis.RETURNED_TUPLES
            made = tuples.get(canonical_class(callee.name))
            if made is not None and position < len(made):
                return frozenset({Instance(External(made[position]))})
            tabled = self._table_items(callee, awaited)  # `(listener,) = await trio.open_tcp_listeners(0)`
            if tabled is not None:
                return tabled
        callee = self._resolved(callee, depth + 1)
        if not awaited and isinstance(callee, Definition) and isinstance(callee.node, ast.ClassDef):
            # `send, receive = open_memory_channel(0)`: a class whose `__new__` returns a tuple.
            constructor = callee.module._tuple_constructor(callee, depth + 1)
            if constructor is None:
                return None
            return constructor.module._annotated_element(constructor, CallableKind.SYNC_FUNCTION, position, depth + 1)
        kind = CallableKind.COROUTINE_FUNCTION if awaited else CallableKind.SYNC_FUNCTION
        if not isinstance(callee, Definition) or not isinstance(callee.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        found = callee.module._annotated_element(callee, kind, position, depth + 1)
        return found if found is not None else callee.module._returned_items(callee, kind, depth + 1)

    def _entered_values(self, binding: Binding, depth: int) -> Values:
        """What `with expr as name` binds: the tables' context managers, or what `__enter__` returns.

        `async with` binds what awaiting `__aenter__()` gives.
        """
        expr = binding.entered
        assert expr is not None
        if isinstance(expr, ast.Call):
            callee = self.qualified_name(expr.func, binding.scope)
            if callee is not None and callee in known_apis.ENTERED_AS:
                return frozenset({Instance(External(known_apis.ENTERED_AS[callee]))})
            factory = self._context_factory(expr, binding.scope, binding.entered_async, depth + 1)
            if factory is not None:
                # `@contextmanager` / `@asynccontextmanager`: the target is what the generator yields.
                return factory.module._generator_yields(factory, depth + 1)
        managers = self.values(expr, binding.scope, depth + 1)
        if managers is None:
            return None
        return union_of(managers, lambda manager: self._enter_result(manager, binding.entered_async, depth + 1))

    def _enter_result(self, manager: Value, entered_async: bool, depth: int) -> Values:
        if not isinstance(manager, Instance) or depth > MAX_DEPTH:
            return self._made_by_annotation(manager, entered_async, depth + 1)
        if isinstance(manager.of, External) and manager.exact:
            # A library object however it was made (`async with await anyio.connect_tcp(...) as s`):
            # entering an instance of a class the table keys gives what entering a new one gives.
            # (Not one known by an annotation only: a subclass may enter as something else.)
            entered = known_apis.ENTERED_AS.get(canonical_class(manager.of.name))
            if entered is not None:
                return frozenset({Instance(External(entered))})
        methods = self._member_values(manager, "__aenter__" if entered_async else "__enter__", depth + 1)
        if methods is None or len(methods) != 1:
            return None
        (enter,) = methods
        enter = self._resolved(enter, depth + 1)
        if not (isinstance(enter, Definition) and isinstance(enter.node, (ast.FunctionDef, ast.AsyncFunctionDef))):
            return None
        kind = CallableKind.COROUTINE_FUNCTION if entered_async else CallableKind.SYNC_FUNCTION
        if enter.module._returns_itself(enter, kind, depth + 1):
            return frozenset({manager})
        found = enter.module._result_values(enter, kind, depth + 1)
        return found if found is not None else self._bound_result(enter, manager, depth + 1)  # `-> T` of a base
