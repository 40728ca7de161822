"""The certain fixes of `flake8-async-tips fix`, one fixer per code.

Each fixer gets one finding and the parsed module and returns either a Fix
(edits on the source text at the AST's positions) or a Refusal saying why
the fix is not certain: then the finding is listed, not fixed.
"""

from __future__ import annotations

import ast
import re
import tokenize
from typing import Callable, Optional

from flake8_async_tips.fix_edits import (
    COMPREHENSIONS,
    SCOPES,
    Edit,
    Finding,
    Fix,
    Module,
    Outcome,
    Refusal,
    enclosing_scope,
    why_not_async_here,
)

FIXABLE_CODES = ("ASY100", "ASY103", "ASY105", "ASY108", "ASY109", "ASY300", "ASY301", "ASY302", "ASY303", "ASY304")
LIBRARIES = ("asyncio", "trio", "anyio")
# `with`, `for` and their async forms are found by the keyword at the node's start.
ASYNC_KEYWORD = re.compile(r"async[ \t\f]+")


def insert_await(module: Module, finding: Finding, call: Optional[ast.AST]) -> Outcome:
    if not isinstance(call, ast.Call):
        return Refusal(finding, "what is reported is not a call")
    reason = why_not_async_here(module, call)
    if reason:
        return Refusal(finding, reason)
    parent = module.parents.get(call)
    # `await` binds looser than `.x`, `[i]` and `(...)`: `await f().x` would await `f().x`.
    needs_parentheses = (
        (isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is call)
        or (isinstance(parent, ast.Call) and parent.func is call)
    )
    start, end = module.start(call), module.end(call)
    if needs_parentheses:
        return Fix(finding, (Edit(start, start, "(await "), Edit(end, end, ")")))
    return Fix(finding, (Edit(start, start, "await "),))


COROUTINE_NAMED = re.compile(r"^(?:coroutine|the awaitable returned by) '(?P<name>[^']+)'")


def reported_call(module: Module, finding: Finding) -> Optional[ast.AST]:
    """The call the message names (`fetch()()` starts two calls at one place), else the outermost."""
    match = COROUTINE_NAMED.match(finding.message)
    calls = module.nodes_at(finding, ast.Call)
    named = [call for call in calls if match and module.segment(call.func) == match["name"]]  # type: ignore
    return named[0] if len(named) == 1 else module.outermost(finding, ast.Call)


def fix_unawaited(module: Module, finding: Finding) -> Outcome:
    """ASY100 and ASY108: the reported call gets `await`."""
    return insert_await(module, finding, reported_call(module, finding))


def _statement_keyword(module: Module, finding: Finding, node: ast.AST, keyword: str) -> Optional[Refusal]:
    if not module.text.startswith(keyword, module.start(node)):
        return Refusal(finding, f"no '{keyword}' keyword where the statement starts")
    return None


def add_async_to_statement(module: Module, finding: Finding, node: ast.AST, keyword: str) -> Outcome:
    refusal = _statement_keyword(module, finding, node, keyword)
    reason = why_not_async_here(module, node)
    if refusal or reason:
        return refusal or Refusal(finding, reason or "")
    start = module.start(node)
    return Fix(finding, (Edit(start, start, "async "),))


def remove_async_from_statement(module: Module, finding: Finding, node: ast.AST) -> Outcome:
    match = ASYNC_KEYWORD.match(module.text, module.start(node))
    if not match:
        return Refusal(finding, "no 'async' keyword where the statement starts")
    return Fix(finding, (Edit(match.start(), match.end(), ""),))


def _with_of_item(module: Module, finding: Finding, kind: type) -> Optional[ast.AST]:
    for expression in module.nodes_at(finding, ast.expr):
        for ancestor in module.ancestors(expression):
            if isinstance(ancestor, ast.withitem) and ancestor.context_expr is expression:
                statement = module.parents.get(ancestor)
                if isinstance(statement, kind):
                    return statement
    return None


def fix_with(module: Module, finding: Finding) -> Outcome:
    """ASY302 `with` -> `async with`, ASY303 the reverse: every item of the statement must be reported."""
    kind = ast.With if finding.code == "ASY302" else ast.AsyncWith
    if finding.code == "ASY302" and not finding.message.endswith("use 'async with'"):
        # A coroutine or a task: neither supports 'async with' either.
        return Refusal(finding, "not an async context manager: 'async with' would fail too")
    statement = _with_of_item(module, finding, kind)
    if statement is None:
        return Refusal(finding, "no with statement at the reported item")
    items = statement.items  # type: ignore[attr-defined]
    if not all(module.reported(finding.code, item.context_expr) for item in items):
        return Refusal(finding, "the other context managers of the statement are not reported alike")
    if finding.code == "ASY302":
        return add_async_to_statement(module, finding, statement, "with")
    return remove_async_from_statement(module, finding, statement)


def _comprehension_of_iter(module: Module, finding: Finding) -> Optional[tuple[ast.AST, ast.comprehension]]:
    for expression in module.nodes_at(finding, ast.expr):
        generator = module.parents.get(expression)
        if isinstance(generator, ast.comprehension) and generator.iter is expression:
            return module.parents[generator], generator
    return None


def _for_keyword(module: Module, generator: ast.comprehension) -> Optional[tokenize.TokenInfo]:
    """The `for` token of a comprehension's generator (the AST gives it no position)."""
    target = module.start(generator.target)
    keyword = None
    for token in module.tokens():
        if module.token_offset(token.start) >= target:
            break
        if token.type == tokenize.NAME and token.string == "for":
            keyword = token
    return keyword


def fix_comprehension(
    module: Module, finding: Finding, comprehension: ast.AST, generator: ast.comprehension
) -> Outcome:
    if not isinstance(comprehension, COMPREHENSIONS):
        return Refusal(finding, "a generator expression: changing its 'async' changes what it is to its consumer")
    keyword = _for_keyword(module, generator)
    if keyword is None:
        return Refusal(finding, "no 'for' keyword found")
    for_start = module.token_offset(keyword.start)
    if finding.code == "ASY300":
        match = re.search(r"async[ \t\f]+$", module.text[max(0, for_start - 40):for_start])
        if not match or not generator.is_async:
            return Refusal(finding, "no 'async' keyword before 'for'")
        return Fix(finding, (Edit(for_start - len(match.group()), for_start, ""),))
    reason = why_not_async_here(module, comprehension, allow_comprehensions=False)
    if reason:
        return Refusal(finding, reason)
    return Fix(finding, (Edit(for_start, for_start, "async "),))


def fix_for(module: Module, finding: Finding) -> Outcome:
    """ASY300 `async for` -> `for`; ASY301 `for` -> `async for`, or `await` on a coroutine iterated."""
    in_comprehension = _comprehension_of_iter(module, finding)
    if finding.code == "ASY301" and "a coroutine: add 'await'" in finding.message:
        statement = module.outermost(finding, ast.For)
        iterable = statement.iter if isinstance(statement, ast.For) else module.outermost(finding, ast.Call)
        return insert_await(module, finding, iterable)
    if in_comprehension:
        return fix_comprehension(module, finding, *in_comprehension)
    if finding.code == "ASY300":
        statement = module.outermost(finding, ast.AsyncFor)
        if statement is None:
            return Refusal(finding, "no 'async for' statement at the reported position")
        return remove_async_from_statement(module, finding, statement)
    statement = module.outermost(finding, ast.For)
    if statement is None:
        return Refusal(finding, "no 'for' statement at the reported position")
    return add_async_to_statement(module, finding, statement, "for")


FUNCTION_NAMED = re.compile(r"got the function '(?P<name>[A-Za-z_][A-Za-z_0-9]*)': call it")


def _binds(function: ast.AST, name: str) -> bool:
    """Whether a function binds `name` itself (a parameter, an assignment, an import, a def)."""
    arguments = function.args  # type: ignore[attr-defined]
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
    if any(argument is not None and argument.arg == name for argument in every):
        return True
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not function:
            if node.name == name:
                return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
    return False


def module_coroutine_function(module: Module, name: str) -> Optional[ast.AsyncFunctionDef]:
    """The module's one top-level `async def name`, when nothing else at module level binds the name."""
    bindings = [node for node in module.tree.body if _binds_at_module_level(node, name)]
    if len(bindings) == 1 and isinstance(bindings[0], ast.AsyncFunctionDef):
        return bindings[0]
    return None


def _binds_at_module_level(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return statement.name == name
    return any(
        (isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load))
        or (isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (alias.asname or alias.name.split(".")[0]) == name for alias in node.names))
        for node in ast.walk(statement)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
    )


def required_arguments(function: ast.AsyncFunctionDef) -> list[str]:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    required = positional[: len(positional) - len(arguments.defaults)]
    required += [a for a, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is None]
    return [argument.arg for argument in required]


def fix_function_for_coroutine(module: Module, finding: Finding) -> Outcome:
    """ASY103 / ASY109 "got the function 'work': call it": `work` -> `work()` when it needs no argument."""
    match = FUNCTION_NAMED.search(finding.message)
    if not match:
        return Refusal(finding, "not a function given for a coroutine")
    name = match["name"]
    candidates = list(module.nodes_at(finding, ast.Name))
    for call in module.nodes_at(finding, ast.Call):
        candidates += [argument for argument in call.args[:1]]  # type: ignore[attr-defined]
    names = [node for node in candidates if isinstance(node, ast.Name) and node.id == name]
    if not names:
        return Refusal(finding, f"'{name}' is not a plain name at the reported position")
    use = names[0]
    function = module_coroutine_function(module, name)
    if function is None:
        return Refusal(finding, f"'{name}' is not one async def of this module, so its arguments are unknown")
    if any(_binds(scope, name) for scope in module.ancestors(use) if isinstance(scope, SCOPES[:3])):
        return Refusal(finding, f"'{name}' is rebound in the enclosing function")
    required = required_arguments(function)
    if required:
        return Refusal(finding, f"'{name}' needs arguments ({', '.join(required)})")
    end = module.end(use)
    return Fix(finding, (Edit(end, end, "()"),))


def imported_libraries(module: Module) -> dict[str, str]:
    """{library: the name it is bound to} for the module's top-level `import asyncio` (trio, anyio)."""
    bound: dict[str, str] = {}
    for statement in module.tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name in LIBRARIES:
                    bound.setdefault(alias.name, alias.asname or alias.name)
    return bound


def import_insertion(module: Module) -> Optional[int]:
    """Where `import asyncio` goes: the line of the first statement after the docstring and __future__."""
    body = module.tree.body
    index = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            index = 1
    while index < len(body) and isinstance(body[index], ast.ImportFrom) and body[index].module == "__future__":
        index += 1
    if index < len(body):
        if body[index].col_offset != 0:
            return None
        return module.line_starts[body[index].lineno - 1]
    if not body:
        return 0
    last = body[-1]
    line_end = module.line_starts[last.end_lineno]  # type: ignore[attr-defined]
    return line_end if module.text[:line_end].endswith(("\n", "\r")) else None


def newline_of(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


def fix_sync_sleep(module: Module, finding: Finding) -> Outcome:
    """ASY304 `await time.sleep(x)` -> `await asyncio.sleep(x)`, with the library the module imports."""
    awaited = module.outermost(finding, ast.Await)
    call = awaited.value if isinstance(awaited, ast.Await) else None
    if "use 'await asyncio.sleep" not in finding.message or not isinstance(call, ast.Call):
        return Refusal(finding, "not an awaited time.sleep()")
    callee = call.func
    if not ((isinstance(callee, ast.Attribute) and callee.attr == "sleep") or
            (isinstance(callee, ast.Name) and callee.id == "sleep")):
        return Refusal(finding, "the callee is not spelt 'sleep'")
    libraries = imported_libraries(module)
    if len(libraries) > 1:
        return Refusal(finding, f"the module imports {' and '.join(sorted(libraries))}: which sleep is unclear")
    edits = [Edit(module.start(callee), module.end(callee), f"{next(iter(libraries.values()), 'asyncio')}.sleep")]
    if not libraries:
        at = import_insertion(module)
        if at is None:
            return Refusal(finding, "no place for 'import asyncio' found")
        edits.insert(0, Edit(at, at, "import asyncio" + newline_of(module.text)))
    return Fix(finding, tuple(edits))


def _is_get_event_loop(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_event_loop" and not node.args and not node.keywords
    )


def _runs_module_coroutine(module: Module, call: ast.AST) -> Optional[str]:
    """None when `call` is `X.run_until_complete(f(...))`, f one async def of the module (not a future)."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run_until_complete" and len(call.args) == 1 and not call.keywords):
        return "the loop is not only used for run_until_complete(one coroutine)"
    argument = call.args[0]
    if not (isinstance(argument, ast.Call) and isinstance(argument.func, ast.Name)
            and module_coroutine_function(module, argument.func.id)):
        return "what run_until_complete() runs is not a coroutine of this module"
    return None


def _whole_lines(module: Module, statement: ast.stmt) -> Optional[Edit]:
    """The edit deleting a statement's lines, when nothing else is on them but a comment."""
    start, end = module.start(statement), module.end(statement)
    line_start = module.line_starts[statement.lineno - 1]
    line_end = module.line_starts[statement.end_lineno]  # type: ignore[attr-defined]
    if module.text[line_start:start].strip() or not re.fullmatch(r"[ \t]*(#.*)?\s*", module.text[end:line_end]):
        return None
    return Edit(line_start, line_end, "")


def fix_event_loop_entry(module: Module, finding: Finding) -> Outcome:
    """ASY105's entry idiom at module level -> `asyncio.run(main())`."""
    get_loop = next((call for call in module.nodes_at(finding, ast.Call) if _is_get_event_loop(call)), None)
    if get_loop is None or not isinstance(enclosing_scope(module, get_loop), ast.Module):
        return Refusal(finding, "not asyncio.get_event_loop() at module level")
    library = module.segment(get_loop.func.value)  # type: ignore[union-attr]
    parent = module.parents.get(get_loop)
    if isinstance(parent, ast.Attribute):  # asyncio.get_event_loop().run_until_complete(main())
        refusal = _runs_module_coroutine(module, module.parents.get(parent))  # type: ignore[arg-type]
        if refusal:
            return Refusal(finding, refusal)
        return Fix(finding, (Edit(module.start(get_loop), module.end(parent), f"{library}.run"),))
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return Refusal(finding, "the loop is not stored in one name")
    name = parent.targets[0].id
    uses = [node for node in ast.walk(module.tree) if isinstance(node, ast.Name) and node.id == name]
    loads = [node for node in uses if isinstance(node.ctx, ast.Load)]
    if len(uses) != 2 or len(loads) != 1 or not isinstance(module.parents.get(loads[0]), ast.Attribute):
        return Refusal(finding, f"'{name}' is used for more than one run_until_complete()")
    attribute = module.parents[loads[0]]
    refusal = _runs_module_coroutine(module, module.parents.get(attribute))  # type: ignore[arg-type]
    if refusal:
        return Refusal(finding, refusal)
    run_statement = next(a for a in module.ancestors(attribute) if isinstance(a, ast.stmt))
    body = module.parents.get(parent)
    if module.parents.get(run_statement) is not body or run_statement.lineno <= parent.end_lineno:  # type: ignore
        return Refusal(finding, "the loop is created and run in different blocks")
    deletion = _whole_lines(module, parent)
    if deletion is None:
        return Refusal(finding, "the assignment shares its line with other code")
    return Fix(finding, (deletion, Edit(module.start(attribute), module.end(attribute), f"{library}.run")))


FIXERS: dict[str, Callable[[Module, Finding], Outcome]] = {
    "ASY100": fix_unawaited,
    "ASY108": fix_unawaited,
    "ASY103": fix_function_for_coroutine,
    "ASY109": fix_function_for_coroutine,
    "ASY105": fix_event_loop_entry,
    "ASY300": fix_for,
    "ASY301": fix_for,
    "ASY302": fix_with,
    "ASY303": fix_with,
    "ASY304": fix_sync_sleep,
}


def fix_for_finding(module: Module, finding: Finding) -> Outcome:
    fixer = FIXERS.get(finding.code)
    if fixer is None:
        return Refusal(finding, "not fixed automatically")
    try:
        return fixer(module, finding)
    except (AttributeError, IndexError, KeyError, ValueError, StopIteration) as error:
        # A shape the fixer did not expect: leave the code as it is.
        return Refusal(finding, f"the fixer met a shape it does not know ({type(error).__name__})")
