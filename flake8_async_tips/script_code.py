"""Which code of a module only ever runs as a script, where no event loop can be set (ASY105).

`asyncio.get_event_loop()` warns (3.12, 3.13) and fails (3.14) only when no
loop is current, and whether one is depends on who runs the code: a caller,
a pytest fixture (an autouse `loop` fixture in conftest.py) or an installed
pytest plugin may have set one. The plugin can be sure of that only for
code that nothing outside the module can run first:

- module-level statements (the `if __name__ == "__main__":` block too) of a
  module that is not a test module or conftest.py, which pytest imports;
- a module-level function called only from such code, or from other such
  functions, and never referenced in any other way: not decorated (a
  decorator such as `@pytest.fixture` or `@app.route` hands it to others),
  not named like a test, not listed in `__all__`, not passed around.

Anything else may run after a loop was set: it stays silent.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePath

# Modules pytest imports and whose functions its fixtures and plugins run.
TEST_MODULE = re.compile(r"^(test_.*|.*_test|conftest)\.py$")
# Functions pytest (or unittest) calls, whatever the module does.
TEST_FUNCTION = re.compile(r"^test")


@dataclass(frozen=True)
class ScriptCode:
    """The answer for one module."""

    # Module-level code runs only as a script (or on import, before anything can set a loop).
    module_level: bool
    # The `def` nodes that only script code calls.
    functions: frozenset[ast.AST]


NOTHING = ScriptCode(module_level=False, functions=frozenset())


def script_code(tree: ast.AST, filename: str) -> ScriptCode:
    if not isinstance(tree, ast.Module) or TEST_MODULE.match(PurePath(filename).name):
        return NOTHING
    return ScriptCode(module_level=True, functions=frozenset(_functions_only_script_code_calls(tree)))


def _functions_only_script_code_calls(tree: ast.Module) -> set[ast.AST]:
    candidates = _candidate_functions(tree)
    if not candidates:
        return set()
    # Every read of a candidate's name, with the module-level function it is in (None: module level).
    calls: dict[str, list[object]] = {name: [] for name in candidates}
    other_uses: set[str] = set(_names_in_strings(tree))
    for reference, enclosing, is_call in _references(tree, set(candidates)):
        if is_call:
            calls[reference].append(enclosing)
        else:
            other_uses.add(reference)
    kept = {name for name in candidates if name not in other_uses and calls[name]}
    # The greatest set whose members are called only from module level or from members,
    # then only those that module-level code reaches (a cycle nothing calls is not kept).
    changed = True
    while changed:
        changed = False
        allowed = [None, *(candidates[name] for name in kept)]
        for name in list(kept):
            if any(all(caller is not other for other in allowed) for caller in calls[name]):
                kept.discard(name)
                changed = True
    reached: set[str] = set()
    frontier = [name for name in kept if None in calls[name]]
    while frontier:
        name = frontier.pop()
        if name in reached:
            continue
        reached.add(name)
        node = candidates[name]
        frontier.extend(other for other in kept if any(caller is node for caller in calls[other]))
    return {candidates[name] for name in reached}


def _candidate_functions(tree: ast.Module) -> dict[str, ast.AST]:
    """Undecorated, non-test module-level `def`s whose name nothing else at module level binds."""
    bound: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound[node.id] = bound.get(node.id, 0) + 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[node.name] = bound.get(node.name, 0) + 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound[name] = bound.get(name, 0) + 1
        elif isinstance(node, ast.arg):
            bound[node.arg] = bound.get(node.arg, 0) + 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bound[name] = bound.get(name, 0) + 2
    found = {}
    for statement in tree.body:
        if not isinstance(statement, ast.FunctionDef) or statement.decorator_list:
            continue
        if TEST_FUNCTION.match(statement.name) or bound.get(statement.name) != 1:
            continue
        found[statement.name] = statement
    return found


def _names_in_strings(tree: ast.Module) -> list[str]:
    """Every string constant of the module: `__all__`, `getattr(module, "main")`, an entry-point
    table may name a function for others to call."""
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def _references(tree: ast.Module, names: set[str]) -> list[tuple[str, object, bool]]:
    """(name, who runs it, is it the callee of a call?) for each read of `names`.

    Who runs it: None for module-level code (a class body there too: it runs
    where the class statement does), the module-level `def` node for code in
    that function, and ELSEWHERE for any other function, method or lambda,
    which anything may call.
    """
    found: list[tuple[str, object, bool]] = []
    pending: list[tuple[ast.AST, object]] = [(tree, None)]
    while pending:
        node, owner = pending.pop()
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            found.append((node.id, owner, False))
            continue
        children: list[ast.AST] = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            found.append((node.func.id, owner, True))
            children = [*node.args, *node.keywords]
        for child in children:
            if node is tree and isinstance(child, ast.FunctionDef):
                pending.append((child, child))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                pending.append((child, ELSEWHERE))
            else:
                pending.append((child, owner))
    return found


# Stands for code that is neither module level nor a candidate function's own body.
ELSEWHERE = object()
