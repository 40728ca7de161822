"""What a test's parameter holds when a fixture of the project supplies it.

A parameter of a test (`test_*` in a module pytest collects by default,
`test_*.py` or `*_test.py`, at module level or in a `Test*` class without
bases) is bound by pytest to the fixture of that name: one defined in the
test's class, then in its module (or imported into it), then in the
`conftest.py` files from the test's folder up to the rootdir; the nearest
wins, and `@pytest.fixture(name=...)` names it. Its value is what the
fixture returns, or yields for a generator fixture; for an async fixture
(pytest-asyncio, anyio), what the coroutine returns or the async generator
yields: the fixture's return annotation (`-> Client`, `-> AsyncIterator[Client]`)
or else the values of its `return`/`yield` statements when they agree.

After the conftest.py files come the modules that the test module and those
conftest.py files name in `pytest_plugins` (a literal string or list):
the fixture one of them registers, when exactly one does. A plugin module
that cannot be read (not found, or a library the tables answer for that is
not the project's own, as `aiohttp.pytest_plugin` for aiohttp's users)
makes every name it might register unknown; pytest's `pytester` registers
only its own.

A fixture's own parameter is bound where each test requests the fixture,
and a definition nearer to that test would win there: it is the fixture of
that name seen from where the requesting fixture is defined, only when no
test can see another. For a conftest.py's fixture, nothing else under its
folder defines the name (`def name(`, `name="name"`) or holds it in a
string of a file that says `parametrize`; for a test module's fixture, no
other file names the requesting fixture (none imports it) and the module
defines the name once. A fixture asking for its own name (`def
client(client)`) asks for the one it overrides: unknown.

Left unknown: a name that `pytest.mark.parametrize` (on the test, its class
or a `pytestmark`) may supply, fixtures of installed plugins
(entry points), and a module-level name bound any other way than by a def
or by an import of a plain function or class. Fixtures are read, never
imported.
"""

from __future__ import annotations

import ast
import os
from typing import Optional

from flake8_async_tips.decorators import name_leaf
from flake8_async_tips.inference.items import ItemModel
from flake8_async_tips.inference.module_cache import module_at
from flake8_async_tips.inference.values import _TABLE_PACKAGES, MAX_DEPTH, Definition, Values
from flake8_async_tips.kinds import CallableKind
from flake8_async_tips.project import conftest_files, fixture_name_sites, installed_module_file, named_elsewhere
from flake8_async_tips.scopes import Scope, ScopeKind

_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
_NOT_FIXTURES = frozenset({"self", "cls", "request"})
_Function = (ast.FunctionDef, ast.AsyncFunctionDef)


class FixtureModel(ItemModel):
    """A mixin of `Inference`, below the evaluator; given the evaluator as `self`, it asks it `values`."""

    def _fixture_parameter_values(self, arg: ast.arg, depth: int) -> Values:
        """What pytest passes for `arg` of a test or fixture, when a fixture of the project supplies it."""
        function = self.bindings.parameter_of.get(id(arg))
        if depth > MAX_DEPTH or not isinstance(function, _Function) or arg.arg in _NOT_FIXTURES:
            return None
        owner = self.bindings.method_class.get(id(function))
        registered = self._fixture_name(function)
        if registered is not None:
            return self._requested_fixture_values(arg, function, owner, registered, depth + 1)
        if not self._is_collected_test(function, owner):
            return None
        if self._may_be_parametrized(arg.arg, function, owner):
            return None
        key = (arg.arg, id(owner))
        memo = self.__dict__.setdefault("_fixtures_found", {})
        if key not in memo:
            # Every test of a module asks for the same few fixtures.
            memo[key] = self._find_fixture(arg.arg, owner, depth + 1)
        fixture = memo[key]
        return None if fixture is None else fixture.module._fixture_value(fixture, depth + 1)

    def _requested_fixture_values(
        self, arg: ast.arg, function: ast.AST, owner: Optional[ast.ClassDef], registered: str, depth: int
    ) -> Values:
        """A fixture's own parameter: the fixture of that name seen from where this one is defined.

        pytest binds it where each test requests the fixture, and a definition nearer to that
        test would win there: followed only when nothing else under this fixture's folder may
        define or parametrize that name (the tests that can request it are all under it).
        """
        name = arg.arg
        if name == registered or self._may_be_parametrized(name, function, owner):
            return None  # `def client(client)` asks for the fixture it overrides
        directory, top = self.layout.directory, self.layout.project_folder
        if directory is None or top is None:
            return None
        key = (name, id(owner))
        memo = self.__dict__.setdefault("_fixtures_found", {})
        if key not in memo:
            memo[key] = self._find_fixture(name, owner, depth + 1)
        fixture = memo[key]
        if fixture is None:
            return None
        seen = self.__dict__.setdefault("_sole_fixtures_seen", {})
        asked = (name, registered, id(fixture.node))
        if asked not in seen:
            # Asked for each read of the parameter: the folder's files are searched once.
            seen[asked] = self._sole_fixture_seen(directory, top, name, registered, fixture)
        return fixture.module._fixture_value(fixture, depth + 1) if seen[asked] else None

    def _sole_fixture_seen(self, directory: str, top: str, name: str, registered: str, fixture: Definition) -> bool:
        """Is `fixture` what every test that may request this module's fixture `registered` gets for `name`?

        A conftest.py's fixtures serve every test under its folder: nothing there may define or
        parametrize `name`. Another module's serve its own tests (and those of a module importing
        them: none, when no other file names `registered`): only this module's definitions count.
        """
        own = os.path.abspath(os.path.join(directory, self.layout.file_name or ""))
        conftest = self.layout.file_name == "conftest.py"
        linted = self.bindings.walk_order is not None  # as the editor has it, which may differ from the disk
        if conftest:
            found = fixture_name_sites(top, directory, name)
            if found is None:
                return False
            sites = [site for site in found if site[0] != own or not linted]
        elif named_elsewhere(top, registered, own):
            return False
        else:
            sites = []
        if linted or not conftest:
            module = self.bindings.module
            sites += [(own, "def") for node in ast.walk(module) if getattr(node, "name", None) == name]
            if any(isinstance(n, ast.Constant) and n.value == name for n in ast.walk(module)):
                sites.append((own, "parametrize"))  # `name="client"`, or `parametrize("client", ...)` maybe
        if any(kind == "parametrize" for _, kind in sites):
            return False
        layout = fixture.module.layout
        where = os.path.abspath(os.path.join(layout.directory or "", layout.file_name or ""))
        served = where.startswith(os.path.join(os.path.abspath(directory), "")) if conftest else where == own
        return len(sites) == int(served) and all(path == where for path, _ in sites)

    # --- which functions pytest calls with fixtures --------------------------

    def _is_collected_test(self, function: ast.AST, owner: Optional[ast.ClassDef]) -> bool:
        file_name = self.layout.file_name or ""
        stem = file_name[:-3] if file_name.endswith(".py") else ""
        if not (stem.startswith("test_") or stem.endswith("_test")):
            return False
        if not getattr(function, "name", "").startswith("test"):
            return False
        if owner is None:
            return function in self.bindings.module.body
        return owner.name.startswith("Test") and owner in self.bindings.module.body and not owner.bases

    def _fixture_name(self, function: ast.AST) -> Optional[str]:
        """The name a fixture def registers (`name=` or its own), None if it is no fixture."""
        candidates = [
            decorator
            for decorator in getattr(function, "decorator_list", ())
            if name_leaf(decorator.func if isinstance(decorator, ast.Call) else decorator) == "fixture"
        ]
        scope = self._defining_scope(function) if candidates else None
        for decorator in candidates:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if scope is None or self.qualified_name(target, scope) not in _FIXTURE_DECORATORS:
                continue
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    if keyword.arg == "name":
                        named = keyword.value
                        return named.value if isinstance(named, ast.Constant) and isinstance(named.value, str) else None
            return getattr(function, "name", None)
        return None

    def _defining_scope(self, function: ast.AST) -> Optional[Scope]:
        """The scope a module-level def or a method of a module-level class is defined in; else None."""
        owner = self.bindings.method_class.get(id(function))
        if owner is None:
            return self.root_scope if function in self.bindings.module.body else None
        enclosing = self.bindings.class_scope.get(id(owner))
        if enclosing is None or owner not in self.bindings.module.body:
            return None
        return Scope(ScopeKind.CLASS, owner, enclosing)

    def _may_be_parametrized(self, name: str, function: ast.AST, owner: Optional[ast.ClassDef]) -> bool:
        """Does a `parametrize` on the test, its class or the module (`pytestmark`) possibly supply `name`?"""
        places: list[ast.AST] = [function, *([owner] if owner is not None else [])]
        for place in places:
            for decorator in getattr(place, "decorator_list", ()):
                if _parametrizes(decorator, name):
                    return True
        if owner is not None and _marks_parametrize(owner.body):
            return True
        # The module's statements, read once per linted file (asked for each parameter of each test).
        marked = self.__dict__.get("_module_marks_parametrize")
        if marked is None:
            marked = self.__dict__["_module_marks_parametrize"] = _marks_parametrize(self.bindings.module.body)
        return marked

    # --- where the fixture is defined -----------------------------------------

    def _find_fixture(self, name: str, owner: Optional[ast.ClassDef], depth: int) -> Optional[Definition]:
        if owner is not None:
            status, found = self._fixture_in(owner.body, name, depth)
            if status != _ABSENT:
                return found
        status, found = self._fixture_in(self.bindings.module.body, name, depth)
        if status != _ABSENT:
            return found
        directory = self.layout.directory
        if directory is None:
            return None
        own = os.path.join(directory, self.layout.file_name or "")
        plugins = _declared_plugins(self.bindings.module.body)
        for path in conftest_files(directory):
            if path == own:
                continue  # a conftest's own fixtures were looked up in its module body
            module = module_at(path, self.declared_coroutine_functions, type(self), in_full=True)
            if module is None:
                return None
            status, found = module._fixture_in(module.bindings.module.body, name, depth + 1)
            if status != _ABSENT:
                return found
            declared = _declared_plugins(module.bindings.module.body)
            plugins = None if plugins is None or declared is None else plugins + declared
        return None if plugins is None else self._plugin_fixture(name, plugins, depth + 1)

    def _plugin_fixture(self, name: str, plugins: list[str], depth: int) -> Optional[Definition]:
        """The fixture of the modules named in `pytest_plugins`, when exactly one of them registers it.

        A plugin module that cannot be read (not found, or a library the tables answer for
        and that is not the project's) may register any name: then nothing is known.
        """
        found: list[Definition] = []
        for dotted in plugins:
            if dotted == "pytester":
                if name in _PYTESTER_FIXTURES:
                    return None  # pytest's own plugin: not read
                continue
            top = dotted.partition(".")[0]
            path = self.layout.find_module_file(dotted)
            if path is None and top not in _TABLE_PACKAGES:
                path = installed_module_file(dotted)
            if path is None:
                return None
            module = module_at(path, self.declared_coroutine_functions, type(self), in_full=True)
            if module is None:
                return None
            status, fixture = module._fixture_in(module.bindings.module.body, name, depth + 1)
            if status == _UNKNOWN:
                return None
            if fixture is not None:
                found.append(fixture)
        return found[0] if len(found) == 1 else None

    def _fixture_in(self, body: list[ast.stmt], name: str, depth: int) -> tuple[str, Optional[Definition]]:
        """(_FOUND, the fixture), (_ABSENT, None) when nothing in `body` may register `name`, or (_UNKNOWN, None)."""
        found: Optional[Definition] = None
        for statement in body:
            if isinstance(statement, _Function):
                registered = self._fixture_name(statement)
                if registered == name:
                    if found is not None:
                        return _UNKNOWN, None
                    found = self._fixture_definition(statement)
                elif registered is None and statement.name == name and statement.decorator_list:
                    return _UNKNOWN, None  # decorated some other way: maybe a fixture after all
            elif _binds_name(statement, name):
                # `from .fixtures import client` (a fixture imported) or `from aiofile import async_open`
                # (a plain function: pytest registers no fixture for it).
                status, imported = self._imported_fixture(name, depth + 1)
                if status != _ABSENT:
                    return status, imported
        return (_FOUND, found) if found is not None else (_ABSENT, None)

    def _fixture_definition(self, function: ast.AST) -> Optional[Definition]:
        scope = self._defining_scope(function)
        return None if scope is None else Definition(function, scope, self)  # type: ignore[arg-type]

    def _imported_fixture(self, name: str, depth: int) -> tuple[str, Optional[Definition]]:
        """A module-level name bound otherwise than by a def: a fixture, certainly none, or unknown."""
        found = self.values(ast.Name(id=name, ctx=ast.Load()), self.root_scope, depth + 1)
        if found is None or len(found) != 1:
            return _UNKNOWN, None
        (value,) = found
        value = self._resolved(value, depth + 1)
        if not isinstance(value, Definition):
            return _UNKNOWN, None
        if isinstance(value.node, ast.ClassDef):
            return (_UNKNOWN, None) if value.node.decorator_list else (_ABSENT, None)
        registered = value.module._fixture_name(value.node)
        if registered == name:
            return _FOUND, value
        # A plain def registers nothing; a decorated one may be a fixture some other way.
        return (_ABSENT, None) if registered is None and not value.node.decorator_list else (_UNKNOWN, None)

    # --- what the fixture gives -------------------------------------------------

    def _fixture_value(self, fixture: Definition, depth: int) -> Values:
        """What pytest passes for the fixture: its return or yield, the coroutine's result, by annotation first."""
        node = fixture.node
        assert isinstance(node, _Function)
        kind = self._plain_kind(node)
        yields = kind in (CallableKind.GENERATOR_FUNCTION, CallableKind.ASYNC_GENERATOR_FUNCTION)
        if yields:
            return self._generator_yields(fixture, depth + 1)
        if node.returns is not None:
            return self._annotated_instances(node.returns, fixture.scope, depth + 1)
        return self._returned_values(fixture, depth + 1)


_FOUND, _ABSENT, _UNKNOWN = "found", "absent", "unknown"
# What pytest's own `pytester` plugin registers, when a `pytest_plugins` names it.
_PYTESTER_FIXTURES = frozenset(
    {"pytester", "testdir", "linecomp", "LineMatcher", "_pytest", "_sys_snapshot", "_config_for_test"}
)


def _declared_plugins(body: list[ast.stmt]) -> Optional[list[str]]:
    """The module names of a module-level `pytest_plugins = [...]` (or a string); None when not literal."""
    declared: Optional[list[str]] = None
    for statement in body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not any(isinstance(target, ast.Name) and target.id == "pytest_plugins" for target in targets):
                continue
            if not isinstance(statement, ast.Assign) or declared is not None:
                return None
            value = statement.value
            elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements):
                return None
            declared = [e.value for e in elements]  # type: ignore[union-attr]
        elif _binds_name(statement, "pytest_plugins"):
            return None
    return declared or []


def _parametrizes(decorator: ast.expr, name: str) -> bool:
    """`@pytest.mark.parametrize("a,b", ...)` naming `name`; any parametrize it cannot read counts as naming it."""
    if not isinstance(decorator, ast.Call):
        return False
    target = decorator.func
    leaf = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    if leaf != "parametrize":
        return False
    first = decorator.args[0] if decorator.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return name in {part.strip() for part in first.value.split(",")}
    if isinstance(first, (ast.List, ast.Tuple)) and all(
        isinstance(element, ast.Constant) and isinstance(element.value, str) for element in first.elts
    ):
        return name in {element.value.strip() for element in first.elts}  # type: ignore[union-attr]
    return True


def _marks_parametrize(body: list[ast.stmt]) -> bool:
    """A `pytestmark = ...` among the statements that may parametrize (any name: not read further)."""
    for statement in body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in statement.targets
        ):
            marks = ast.walk(statement.value)
            if any(isinstance(node, ast.Attribute) and node.attr == "parametrize" for node in marks):
                return True
    return False


def _binds_name(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return any((alias.asname or alias.name.partition(".")[0]) == name for alias in statement.names)
    if isinstance(statement, ast.ClassDef):
        return statement.name == name
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return any(isinstance(node, ast.Name) and node.id == name for target in targets for node in ast.walk(target))
    # A name bound under `if`/`try` (or by a `star import`) is not read: unknown, as binding it.
    if isinstance(statement, (ast.If, ast.Try, ast.With)):
        return any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(statement))
    return False
