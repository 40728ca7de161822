"""The generated library tables, checked against the libraries themselves.

The plugin never imports a library; this test does, as an oracle: for every
library of flake8_async_tips/generated_apis.py installed at the version the
table was generated from, each entry must say what the imported object
really is (inspect.iscoroutinefunction, the protocol methods the class
has...). And regenerating from the installed source must give the committed
entry, so the table cannot fall behind the script.

Run it in the generation venv too, where every library is installed:
`.genvenv/bin/python -m pytest tests/test_generated_apis.py`.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.metadata
import inspect
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from flake8_async_tips import generated_apis, known_apis

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import generate_api_tables  # noqa: E402

BY_KEY = {library.key: library for library in generate_api_tables.LIBRARIES}
_MISSING = object()


def _installed_version(key: str) -> str | None:
    library = BY_KEY[key]
    if library.distribution is None:
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    try:
        return importlib.metadata.version(library.distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


REGENERATE = ".genvenv/bin/python scripts/generate_api_tables.py --only {key}"


def _require_matching(key: str) -> None:
    """Skip, saying why, unless the library is installed at the version its table was generated from."""
    installed, generated = _installed_version(key), generated_apis.LIBRARIES[key]["version"]
    if installed is None:
        pytest.skip(f"{key} is not installed here")
    if installed != generated:
        pytest.skip(f"{key} {installed} is installed, the table is of {generated}: {REGENERATE.format(key=key)}")


def _lookup(name: str) -> Any:
    """The object a dotted public name refers to, importing the longest module prefix."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute, _MISSING)
            if found is _MISSING:
                return _MISSING
        return found
    return _MISSING


def _function_tree(function: Any) -> ast.AST | None:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return None
    tree = ast.parse(source).body[0]
    return tree if isinstance(tree, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _only_raises(method: Any) -> bool:
    tree = _function_tree(method)
    if tree is None:
        return False
    body = [s for s in tree.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _supports(cls: type, *methods: str) -> bool:
    return all(getattr(cls, method, None) is not None and not _only_raises(getattr(cls, method)) for method in methods)


def _from_contextlib(function: Any) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and code.co_filename == contextlib.__file__


def _annotated_return(method: Any) -> Any:
    """What a method's return annotation evaluates to in its module (a string one too); _MISSING if it cannot."""
    function = inspect.unwrap(method)
    annotation = getattr(function, "__annotations__", {}).get("return", _MISSING)
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, dict(function.__globals__))
        except Exception:  # noqa: BLE001 - a name only type checkers see (TYPE_CHECKING) proves nothing
            return _MISSING
    return getattr(annotation, "__origin__", annotation)


def _returns_built(function: Any, cls: type) -> bool:
    """Every `return` of the function's source builds `cls`, as the function's globals resolve it."""
    tree = _function_tree(function)
    if tree is None:
        return False
    namespace = inspect.unwrap(function).__globals__
    returns = generate_api_tables._returns(tree)
    for node in returns:
        if not isinstance(node.value, ast.Call):
            return False
        try:
            built = eval(compile(ast.Expression(node.value.func), "<callee>", "eval"), dict(namespace))
        except Exception:  # noqa: BLE001 - a name the globals cannot give is a wrong entry
            return False
        if getattr(built, "__origin__", built) is not cls:  # a generic alias builds its origin
            return False
    return bool(returns)


def _returns_self(method: Any) -> bool:
    tree = _function_tree(method)
    if tree is None:
        return False
    first = [*tree.args.posonlyargs, *tree.args.args][0].arg
    returns = generate_api_tables._returns(tree)
    return bool(returns) and all(isinstance(r.value, ast.Name) and r.value.id == first for r in returns)


def _wrong_entries(key: str) -> tuple[list[str], list[str]]:
    """(wrong, absent): entries the imported library contradicts, and names it does not have here."""
    table = generated_apis.LIBRARIES[key]
    wrong: list[str] = []
    absent: list[str] = []

    def get(name: str) -> Any:
        found = _lookup(name)
        if found is _MISSING:
            absent.append(name)
        return found

    for name in table["coroutine_functions"]:
        found = get(name)
        if found is not _MISSING and not inspect.iscoroutinefunction(found):
            wrong.append(f"{name} is no coroutine function")
    for name, result in table["factory_results"].items():
        found = get(name)
        if found is _MISSING:
            continue
        if result == f"{name}()":
            if table["iterables"].get(result) == ["async"]:
                ok = inspect.isasyncgenfunction(found)
            elif table["context_managers"].get(result) == ["async"]:
                ok = _from_contextlib(found) and inspect.isasyncgenfunction(inspect.unwrap(found))
            elif table["context_managers"].get(result) == ["sync"]:
                ok = _from_contextlib(found) and inspect.isgeneratorfunction(inspect.unwrap(found))
            else:
                ok = False
        else:
            made = _lookup(result)
            ok = isinstance(made, type) and not inspect.iscoroutinefunction(found) and _returns_built(found, made)
        if not ok:
            wrong.append(f"{name} does not make {result}")
    classes: dict[str, type] = {}
    for name in {*table["classes"], *table["context_managers"], *table["iterables"], *table["awaitables"]}:
        if name.endswith("()"):
            continue
        found = get(name)
        if found is _MISSING:
            continue
        # `Databases = WeightedList[...]`: a generic alias calls and reads through to its class.
        found = getattr(found, "__origin__", found)
        if not isinstance(found, type):
            wrong.append(f"{name} is no class")
        else:
            classes[name] = found
    for name, canonical in table["class_aliases"].items():
        found, target = _lookup(name), _lookup(canonical)
        if found is _MISSING or target is _MISSING:
            absent.append(name)
        elif getattr(found, "__origin__", found) is not getattr(target, "__origin__", target):
            wrong.append(f"{name} is not {canonical}")
    for name, cls in classes.items():
        expected_cm = table["context_managers"].get(name)
        if expected_cm is not None:
            actual = [p for p, methods in (("sync", ("__enter__", "__exit__")), ("async", ("__aenter__", "__aexit__")))
                      if _supports(cls, *methods)]
            if actual != expected_cm:
                wrong.append(f"{name} supports {actual} as a context manager, not {expected_cm}")
        expected_iteration = table["iterables"].get(name)
        if expected_iteration is not None:
            sync = _supports(cls, "__iter__") or _supports(cls, "__getitem__")
            actual = [p for p, yes in (("sync", sync), ("async", _supports(cls, "__aiter__"))) if yes]
            if actual != expected_iteration:
                wrong.append(f"{name} supports {actual} as an iterable, not {expected_iteration}")
        if name in table["awaitables"] and not _supports(cls, "__await__"):
            wrong.append(f"{name} is not awaitable")
    for name, entered in table["entered_as"].items():
        cls = classes.get(name)
        if cls is None and _lookup(name) is _MISSING:
            continue  # counted as absent above
        if cls is None:
            wrong.append(f"{name} entered as {entered}")
            continue
        methods = [getattr(cls, method) for method in ("__enter__", "__aenter__") if _supports(cls, method)]
        if entered == name and methods and all(_returns_self(method) for method in methods):
            continue
        # Else entering gives what the one enter method's annotation names, as its module resolves it.
        target = _lookup(entered)
        if len(methods) != 1 or not isinstance(target, type) or _annotated_return(methods[0]) is not target:
            wrong.append(f"{name} entered as {entered}")
    return wrong, absent


@pytest.mark.parametrize("key", list(generated_apis.LIBRARIES))
def test_every_entry_is_what_the_imported_library_says(key: str) -> None:
    _require_matching(key)
    wrong, absent = _wrong_entries(key)
    assert wrong == []
    # Platform-only modules (asyncio's Windows event loops) and names of other Python versions (anyio's
    # Path.copy from 3.14) are missing here: they cannot be checked, so they must stay few.
    table = generated_apis.LIBRARIES[key]
    total = sum(len(entries) for name, entries in table.items() if name != "version")
    assert len(absent) <= max(5, total // 10), absent


@pytest.mark.parametrize("key", list(generated_apis.LIBRARIES))
def test_regenerating_from_the_installed_source_gives_the_committed_table(key: str) -> None:
    _require_matching(key)
    assert generate_api_tables.generate_library(BY_KEY[key]) == generated_apis.LIBRARIES[key]


def test_the_committed_module_is_the_script_output() -> None:
    text = (REPO / "flake8_async_tips" / "generated_apis.py").read_text(encoding="utf-8")
    assert text == generate_api_tables.render(generated_apis.LIBRARIES)


def test_every_library_of_the_script_has_a_table() -> None:
    assert list(generated_apis.LIBRARIES) == [library.key for library in generate_api_tables.LIBRARIES]


def test_every_generated_entry_reaches_the_plugin_tables() -> None:
    for table in generated_apis.LIBRARIES.values():
        assert set(table["coroutine_functions"]) <= known_apis.COROUTINE_FUNCTIONS
        assert set(table["classes"]) <= known_apis.CLASSES
        for name in table["factory_results"]:
            assert name in known_apis.FACTORY_RESULTS or name in known_apis.RETURNS_INSTANCE_OF


def _reaches_asy100(names: list[str]) -> list[str]:
    """The coroutine functions and methods among `names` that a call without `await` does not report."""
    from support import lint  # the plugin's runner, imported here: the generation venv has no flake8
    classes = generated_apis_classes()
    tops = sorted({name.partition(".")[0] for name in names})
    lines = [f"import {top}" for top in tops]
    call_lines = {}
    for index, name in enumerate(names):
        owner, _, attribute = name.rpartition(".")
        if owner in classes:
            lines += [f"async def call_{index}(instance: {owner}):", f"    instance.{attribute}()"]
        else:
            lines += [f"async def call_{index}():", f"    {name}()"]
        call_lines[len(lines)] = name
    reported = {line for line, _, text in lint("\n".join(lines) + "\n") if text.startswith("ASY100")}
    return [name for line, name in call_lines.items() if line not in reported]


def generated_apis_classes() -> frozenset[str]:
    return frozenset(name for table in generated_apis.LIBRARIES.values() for name in table["classes"])


@pytest.mark.parametrize("key", list(generated_apis.LIBRARIES))
def test_every_coroutine_entry_reaches_asy100(key: str) -> None:
    # A module-level function is called by its dotted name, a method through an annotated parameter.
    names = [
        name for name in generated_apis.LIBRARIES[key]["coroutine_functions"]
        if name.rpartition(".")[0] in generated_apis_classes() or "." in name and not any(
            name.startswith(cls + ".") for cls in generated_apis_classes())
    ]
    if not names:
        pytest.skip(f"{key} has no coroutine function")
    assert _reaches_asy100(names) == []


# The dunders a member lookup or protocol question may ask about; the others (`__module__`,
# `__orig_bases__`, `__static_attributes__`...) are the class machinery's own.
_ASKED_DUNDERS = frozenset(
    {"__iter__", "__next__", "__aiter__", "__anext__", "__enter__", "__exit__", "__aenter__", "__aexit__",
     "__await__", "__getitem__", "__call__", "__getattr__", "__getattribute__"}
)


def _missing_members(key: str) -> list[str]:
    """Names a listed class (or a base of its library) defines at run time that its members do not list."""
    table = generated_apis.LIBRARIES[key]
    library = next(library for library in generate_api_tables.LIBRARIES if library.key == key)
    missing = []
    for name, listed in table.get("members", {}).items():
        cls = getattr(_lookup(name), "__origin__", _lookup(name))
        if not isinstance(cls, type):
            continue  # absent here (platform, version): counted by the entries' test
        members = set(listed.split())
        for klass in cls.__mro__:
            if klass.__module__.partition(".")[0] not in library.packages:
                continue
            for attribute in vars(klass):
                dunder = attribute.startswith("__") and attribute.endswith("__")
                machinery = attribute.startswith("_abc_") or attribute in ("_is_protocol", "_is_runtime_protocol")
                if (dunder and attribute not in _ASKED_DUNDERS) or machinery:
                    continue
                if attribute not in members:
                    missing.append(f"{name}: {klass.__qualname__}.{attribute}")
    return missing


@pytest.mark.parametrize("key", list(generated_apis.LIBRARIES))
def test_a_class_lists_every_member_it_has(key: str) -> None:
    """A project class inheriting from a listed class looks up what it lacks there: a name left out
    would be taken for one the base does not have."""
    _require_matching(key)
    assert _missing_members(key) == []
