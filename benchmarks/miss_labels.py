"""Why a mutated site may have been missed: a rough label from the AST shape around it.

Used by benchmarks/mutants.py --misses.  The label names what the plugin has
to know to report the site: the shape of the awaited call's receiver, or of
the context manager / iterable, and where the name it starts from is bound
(a parameter, `x = await f()`, the target of `async with ... as x`, an
import...).  It is read from the ORIGINAL file's AST, nothing is inferred:
the label says where to look, not what the plugin concluded.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import sys
from pathlib import Path

import mutation

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class FileLabeler:
    """Labels the sites of one original file (its tree and parent links built once)."""

    def __init__(self, tree: ast.Module, path: Path, project_root: Path) -> None:
        self.tree = tree
        self.path = path
        self.project_root = project_root
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        # (kind, line, col) -> statement: a file can hold thousands of sites.
        self.sites = {
            (kind, *mutation.keyword_position(node)): node
            for kind in mutation.KINDS for node in mutation.find_sites(tree, kind)
        }
        self.origins: dict[str, str] = {}

    # --- entry point -----------------------------------------------------------------

    def label(self, kind: str, line: int, col: int) -> str:
        node = self._site(kind, line, col)
        if node is None:
            return "site not found"
        function = self._enclosing(node, _FUNCTIONS)
        if kind == "await":
            return self._call(node.value.value, function)
        if kind == "async with":
            expr = node.items[0].context_expr
            return self._expr(expr, function)  # the first item's: the others rarely differ in shape
        return self._expr(node.iter, function)

    def _site(self, kind: str, line: int, col: int) -> ast.stmt | None:
        return self.sites.get((kind, line, col))

    # --- shapes ----------------------------------------------------------------------

    def _expr(self, expr: ast.expr, function: ast.AST | None) -> str:
        if isinstance(expr, ast.Call):
            return self._call(expr, function)
        if isinstance(expr, ast.Name):
            return f"name [{self._binding(expr.id, function, expr.lineno)}]"
        if isinstance(expr, ast.Attribute):
            return self._attribute(expr, function, called=False)
        return f"other expression ({type(expr).__name__})"

    def _call(self, call: ast.Call, function: ast.AST | None) -> str:
        callee = call.func
        if isinstance(callee, ast.Name):
            return f"f() [{self._binding(callee.id, function, call.lineno)}]"
        if isinstance(callee, ast.Attribute):
            return self._attribute(callee, function, called=True)
        if isinstance(callee, ast.Call):
            return "f(...)() (a call's result called)"
        return f"other callee ({type(callee).__name__})"

    def _attribute(self, attribute: ast.Attribute, function: ast.AST | None, called: bool) -> str:
        """`x.m()` (called) or `x.attr`, described by the shape of x and where its root name is bound."""
        last = "m()" if called else "attr"
        value = attribute.value
        if isinstance(value, ast.Name):
            if function is not None and value.id in ("self", "cls") and self._is_first_parameter(value.id, function):
                note = self._method_note(attribute.attr, function) if called else self._self_note(function)
                return f"{value.id}.{last}{note}"
            return f"name.{last} [name: {self._binding(value.id, function, attribute.lineno)}]"
        if isinstance(value, ast.Attribute):
            root = value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in ("self", "cls"):
                return f"{root.id}.attr.{last}" + self._self_note(function)
            if isinstance(root, ast.Name):
                return f"name.attr.{last} [name: {self._binding(root.id, function, attribute.lineno)}]"
            return f"(...).attr.{last}"
        if isinstance(value, ast.Call):
            return f"f(...).{last} (of a call's result)"
        if isinstance(value, ast.Subscript):
            return f"x[...].{last}"
        return f"({type(value).__name__}).{last}"

    # --- where a name comes from -----------------------------------------------------

    def _binding(self, name: str, function: ast.AST | None, line: int) -> str:
        scope = function
        while scope is not None:
            found = _local_binding(name, scope, line)
            if found:
                return found  # an enclosing function's binding is labelled as a local one
            scope = self._enclosing(scope, _FUNCTIONS)
        found = _local_binding(name, self.tree, line)
        if found is None:
            return "builtin" if hasattr(builtins, name) else "unbound here (star import or dynamic)"
        if found.startswith("import"):
            return found + " " + self._import_origin(name)
        return "module-level " + found

    def _import_origin(self, name: str) -> str:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
                if node.level:
                    return "(relative: project)"
                return self._module_origin(node.module or "")
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (alias.asname or alias.name.split(".")[0]) == name:
                        return self._module_origin(alias.name)
        return "(?)"

    def _module_origin(self, module: str) -> str:
        top = module.split(".")[0]
        if top not in self.origins:
            self.origins[top] = self._top_origin(top)
        return self.origins[top]

    def _top_origin(self, top: str) -> str:
        if top in sys.stdlib_module_names:
            return "(stdlib)"
        for base in (self.project_root, self.project_root / "src", self.project_root / "lib"):
            if (base / top).is_dir() or (base / f"{top}.py").is_file():
                return "(project)"
        if (self.path.parent / top).is_dir() or (self.path.parent / f"{top}.py").is_file():
            return "(sibling module, no package: tests layout)"
        # find_spec of a top-level name only searches sys.path: nothing is imported.
        if importlib.util.find_spec(top) is not None:
            return "(installed)"
        return "(not installed)"

    def _self_note(self, function: ast.AST | None) -> str:
        return " [in a decorated method]" if function is not None and function.decorator_list else ""

    def _method_note(self, method: str, function: ast.AST) -> str:
        notes = []
        if function.decorator_list:
            notes.append("in a decorated method")
        klass = self._enclosing(function, (ast.ClassDef,))
        target = None
        if klass is not None:
            target = next((n for n in klass.body if isinstance(n, _FUNCTIONS) and n.name == method), None)
        if target is None:
            notes.append("method not in this class: inherited or dynamic")
        elif target.decorator_list:
            notes.append("callee decorated")
        elif isinstance(target, ast.FunctionDef):
            notes.append("callee a plain def")
        return f" [{', '.join(notes)}]" if notes else ""

    def _is_first_parameter(self, name: str, function: ast.AST) -> bool:
        params = [*function.args.posonlyargs, *function.args.args]
        return bool(params) and params[0].arg == name

    def _enclosing(self, node: ast.AST, types: tuple[type, ...]) -> ast.AST | None:
        node = self.parents.get(node)
        while node is not None and not isinstance(node, types):
            node = self.parents.get(node)
        return node


def _local_binding(name: str, scope: ast.AST, line: int) -> str | None:
    """How `name` is bound directly in `scope` (the last binding before `line`, else the first)."""
    found: list[tuple[int, str]] = []
    if isinstance(scope, _FUNCTIONS):
        args = scope.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.arg == name:
                annotated = "annotated" if arg.annotation is not None else "unannotated"
                decorated = ", function decorated" if scope.decorator_list else ""
                found.append((scope.lineno, f"{annotated} parameter{decorated}"))
    for node in _own_nodes(scope):
        what = _binds(node, name)
        if what:
            found.append((node.lineno, what))
    if not found:
        return None
    before = [item for item in found if item[0] <= line]
    return (before[-1] if before else found[0])[1]


def _own_nodes(scope: ast.AST):
    """The nodes of `scope`'s body, not those of nested functions, classes or lambdas."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*_FUNCTIONS, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _targets(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _binds(node: ast.AST, name: str) -> str | None:
    if isinstance(node, _FUNCTIONS) and node.name == name:
        kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        return f"local {kind}" + (", decorated" if node.decorator_list else "")
    if isinstance(node, ast.ClassDef) and node.name == name:
        return "local class" + (", decorated" if node.decorator_list else "")
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if (alias.asname or alias.name.split(".")[0]) == name:
                return "import of a module" if isinstance(node, ast.Import) else "imported name"
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(name in _targets(t) for t in targets):
            if isinstance(node, ast.AnnAssign):
                return "annotated assignment"
            if isinstance(node.value, ast.Await):
                return "bound by x = await f()"
            if isinstance(node.value, ast.Call):
                return "bound by x = f()"
            return "bound by x = other expression"
    if isinstance(node, (ast.For, ast.AsyncFor)) and name in _targets(node.target):
        return "async for target" if isinstance(node, ast.AsyncFor) else "for target"
    if isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None and name in _targets(item.optional_vars):
                return "async with ... as x" if isinstance(node, ast.AsyncWith) else "with ... as x"
    if isinstance(node, ast.NamedExpr) and node.target.id == name:
        return "bound by (x := ...)"
    if isinstance(node, ast.ExceptHandler) and node.name == name:
        return "except ... as x"
    return None
