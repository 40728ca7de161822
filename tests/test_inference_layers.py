"""The inference package is split by layers: each file imports only the layers below it.

An abstract evaluator is mutually recursive (evaluating `self.x.y` looks up a
class member, which evaluates its binding); the recursion goes through the
evaluator object the lower layers are given, never through an import. These
tests read the files' imports with `ast`, so a cycle cannot come back
unnoticed, even one Python would tolerate at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "flake8_async_tips"
PACKAGE = SOURCE / "inference"
ROOT = "flake8_async_tips.inference"

# Bottom first. A file may import only files before it in this list.
LAYERS = [
    "syntax",
    "values",
    "module_cache",
    "project_names",
    "metaclasses",
    "classes",
    "overrides",
    "instance_stores",
    "construction",
    "functions",
    "annotations",
    "generics",
    "overloads",
    "items",
    "fixtures",
    "call_sites",
    "operators",
    "specialization",
    "evaluator",
    "callable_kinds",
    "protocols",
    "__init__",
]
MAX_LINES = 400


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module `path` imports (at any depth of its tree), as absolute dotted names.

    `from pkg import name` counts as `pkg.name` when that is a module of this
    source tree, else as `pkg`.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.add(submodule if module_file(submodule) is not None else module)
    return found


def module_file(dotted: str) -> Path | None:
    if not dotted.startswith("flake8_async_tips"):
        return None
    relative = Path(*dotted.split(".")[1:])
    candidates = [SOURCE / relative / "__init__.py"]
    if relative.parts:
        candidates.append(SOURCE / relative.with_suffix(".py"))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def dotted_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    name = dotted_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def layer_of(dotted: str) -> str:
    return "__init__" if dotted == ROOT else dotted.removeprefix(ROOT + ".")


def test_every_file_of_the_package_has_a_declared_layer() -> None:
    assert sorted(path.stem for path in PACKAGE.glob("*.py")) == sorted(LAYERS)
    assert not (SOURCE / "inference.py").exists()


@pytest.mark.parametrize("layer", LAYERS)
def test_each_file_imports_only_the_layers_below_it(layer: str) -> None:
    path = PACKAGE / f"{layer}.py"
    below = set(LAYERS[: LAYERS.index(layer)])
    imported = {
        layer_of(name)
        for name in imported_modules(path, package_of(path))
        if name == ROOT or name.startswith(ROOT + ".")
    }
    assert imported <= below, f"{layer}.py imports {sorted(imported - below)}, not below it"


@pytest.mark.parametrize("layer", LAYERS)
def test_no_file_of_the_package_is_over_the_limit(layer: str) -> None:
    lines = len((PACKAGE / f"{layer}.py").read_text().splitlines())
    assert lines <= MAX_LINES, f"{layer}.py has {lines} lines"


def test_outline_does_not_import_the_inference_package() -> None:
    path = SOURCE / "outline.py"
    imported = imported_modules(path, package_of(path))
    assert not {name for name in imported if name == ROOT or name.startswith(ROOT + ".")}


def test_no_import_cycle_goes_through_the_inference_package() -> None:
    """Nothing the package imports from the rest of the plugin imports the package back, even lazily."""
    graph: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        graph[dotted_name(path)] = {
            name for name in imported_modules(path, package_of(path)) if module_file(name) is not None
        }
    # A submodule's import runs its package's __init__ first.
    for name in list(graph):
        parent = name.rpartition(".")[0]
        if parent.startswith("flake8_async_tips") and parent in graph:
            graph[name].add(parent)

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        pending = list(graph.get(start, ()))
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(graph.get(name, ()))
        return seen

    inference_modules = {name for name in graph if name == ROOT or name.startswith(ROOT + ".")}
    outside = {name for module in inference_modules for name in graph[module]} - inference_modules
    for name in sorted(outside):
        assert not reachable(name) & inference_modules, f"{name} imports the inference package back"


def test_the_package_reexports_the_objects_its_layers_use() -> None:
    """tests/test_memory.py reads the cache through `inference`: the same dicts and limits the cache uses."""
    # Imported here: the tests above read the files, and report a wrong import even when it breaks importing.
    from flake8_async_tips import inference
    from flake8_async_tips.inference import module_cache

    assert inference._MODULES is module_cache._MODULES
    assert inference._VALUES is module_cache._VALUES
    assert inference._CLASS_BASES is module_cache._CLASS_BASES
    assert inference.MAX_CACHED_MODULES == module_cache.MAX_CACHED_MODULES
    assert inference.SETTLE_EVERY == module_cache.SETTLE_EVERY
    assert inference.settle_module_cache is module_cache.settle_module_cache
