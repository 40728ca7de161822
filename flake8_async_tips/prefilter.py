"""Files that certainly hold nothing to report, told apart cheaply.

Every code needs something async in reach: an `async`/`await` keyword, an
async protocol method, `aiter`/`anext`, or a name imported from a module
that may provide an async function, class or event-loop API. A file with
none of these is not walked at all; most sync-only code stops here after a
text search and a look at its import statements.

A module the file imports is async-free when its text has none of the
async words and every module it imports is async-free in turn (the
standard library is, but for the packages the tables know as async). That
is decided on the text alone (no parse), conservatively: an import that
cannot be found, or too many modules to read, means "may be async".

A file with no async word that is checked can be reported on only through
other modules' async code, so it reads only the modules that may hold some
(`may_hold_async`): those with an async word or an awaitable's typing name
(`Awaitable`, `Coroutine`, `types.coroutine`), those importing an async
library other than their own, package `__init__` files and modules under
8 KB, where re-exports gather. A larger module with none of these is not
read from such a file: what it passes on from the modules it imports (a
function returning another module's async object) is found from async code
only. On the real-world corpus these reads were half of all the reading,
for no finding. Declared coroutine functions (`--async-tips-coroutine-functions`)
turn the rule off.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from typing import AnyStr, Iterator, Optional

from flake8_async_tips import known_apis
from flake8_async_tips.context import FileContext
from flake8_async_tips.project import ProjectLayout, found_on_disk, installed_module_file, layout_of

# Any of these in a file's code may lead to a report: the keywords, the async
# builtins, the async protocol methods and names like `AsyncExitStack`.
ASYNC_WORDS = re.compile(r"\b(?:async|await|aiter|anext)\b|__a(?:enter|exit|iter|next|wait)__|\bAsync[A-Z]")
_ASYNC_WORDS_BYTES = re.compile(ASYNC_WORDS.pattern.encode())
# Every match of ASYNC_WORDS contains one of these.
_FRAGMENTS = ("async", "await", "aiter", "anext", "__aenter__", "__aexit__", "Async")
_FRAGMENTS_BYTES = tuple(fragment.encode() for fragment in _FRAGMENTS)


def has_async_word(text: AnyStr) -> bool:
    """An async word outside comments (`# we await the reply` does not count)."""
    if isinstance(text, str):
        if not any(fragment in text for fragment in _FRAGMENTS):
            return False  # the usual case for sync code, decided by fast substring scans
    elif not any(fragment in text for fragment in _FRAGMENTS_BYTES):
        return False
    words = ASYNC_WORDS if isinstance(text, str) else _ASYNC_WORDS_BYTES
    newline, hash_sign, quotes = ("\n", "#", "'\"") if isinstance(text, str) else (b"\n", b"#", b"'\"")
    for match in words.finditer(text):  # type: ignore[arg-type]
        before = text[text.rfind(newline, 0, match.start()) + 1:match.start()]  # type: ignore[arg-type]
        comment = before.find(hash_sign)  # type: ignore[arg-type]
        # A `#` with no quote before it on the line starts a comment, or sits in
        # a string begun on an earlier line: either way the word is not code.
        if comment < 0 or any(quote in before[:comment] for quote in quotes):  # type: ignore[operator]
            return True
    return False


# `from x import ...` and `import x, y.z as w`, at the start of a statement
# (after `;` or `:` too). Matches in strings only add modules to read.
_FROM_IMPORT = re.compile(rb"\bfrom[ \t]+(\.*[\w.]*)[ \t]+import\b")
_IMPORTED_NAME = rb"[\w.]+(?:[ \t]+as[ \t]+\w+)?"
_IMPORT = re.compile(rb"(?<![\w.])import[ \t]+(" + _IMPORTED_NAME + rb"(?:[ \t]*,[ \t]*" + _IMPORTED_NAME + rb")*)")
_AS = re.compile(rb"[ \t]+as[ \t]+\w+")

# Reading more modules than this to clear one import costs more than linting the file.
MAX_MODULES_READ = 200


def _async_packages() -> frozenset[str]:
    """Top-level packages whose use may be reported without an async word in the file.

    Those the tables know to provide coroutine functions, event-loop APIs or
    classes that support only `async for`/`async with`; a package whose every
    such name spells an async word itself (contextlib's AsyncExitStack) needs
    no entry: the text search finds it.
    """
    names: set[str] = set()
    for table in (
        known_apis.COROUTINE_FUNCTIONS,
        known_apis.LOOP_ENTRY_POINTS,
        known_apis.NEW_LOOP_ENTRY_POINTS,
        known_apis.TASK_FACTORIES,
        known_apis.RUN_WITH_COROUTINE,
        known_apis.RUN_WITH_ASYNC_FUNCTION,
        known_apis.RUN_FOREVER,
        known_apis.NEEDS_AWAITABLE_ARGUMENT,
        known_apis.NEEDS_AWAITABLE_ARGUMENTS,
        known_apis.NEEDS_ASYNC_FUNCTION_ARGUMENT,
        known_apis.RETURNS_INSTANCE_OF,
    ):
        names.update(table)
    for protocols in (known_apis.CONTEXT_MANAGER_PROTOCOLS, known_apis.ITERATION_PROTOCOLS):
        names.update(name for name, supported in protocols.items() if known_apis.SYNC not in supported)
    # The standard library's generated entries outside asyncio (contextlib.aclosing, AsyncExitStack
    # methods, IsolatedAsyncioTestCase) serve async code, whose `async` the text search finds; asyncio
    # is in through the hand-written tables. Counting them would make every file importing contextlib
    # read in full.
    return frozenset(
        name.partition(".")[0]
        for name in names
        if not ASYNC_WORDS.search(name.rpartition(".")[2]) and name not in known_apis.GENERATED_STDLIB_NAMES
    )


ASYNC_PACKAGES = _async_packages()

# Module file -> True when it and everything it imports are certainly async-free.
_ASYNC_FREE: dict[str, bool] = {}


def may_report(context: FileContext) -> bool:
    """False only when no code can report anything in this file."""
    if context.config.coroutine_functions or context.has_async_word:
        return True
    layout = layout_of(context.filename)
    for module in _imported_modules(context.tree, layout):
        if module is None or not _module_is_async_free(module, layout):
            return True
    return False


# Besides the async words, what lets a module's own code make an awaitable: the typing names of
# awaitables (a plain `def` annotated `-> Awaitable[T]`) and `types.coroutine`.
_AWAITABLE_WORDS = re.compile(rb"\b(?:Awaitable|Coroutine|coroutine)\b")

# Module file -> may_hold_async's answer; one bool per file any linted file read.
_MAY_HOLD_ASYNC: dict[str, bool] = {}
# A module smaller than this is read whatever its text: it costs little, and re-export modules are small.
# On the real-world corpus, the sync files' reads of larger ones were 98 % of what the rule saves.
SMALL_MODULE_BYTES = 8192


def may_hold_async(path: str) -> bool:
    """Whether a module's own text may define, build or pass on something async.

    It may when it has an async word or an awaitable's typing name, when it
    is a package's `__init__` or a small module (where re-exports gather),
    or when it imports a package the tables know as async other than its
    own. Decided on the module's own text, once per file: a larger module
    that may not can still pass on something async that it imports (a
    function returning another module's object); a linted file with no
    async word gives up those findings for speed (`module_cache.module_at`).
    """
    cached = _MAY_HOLD_ASYNC.get(path)
    if cached is not None:
        return cached
    try:
        with open(path, "rb") as file:
            text = file.read()
    except OSError:
        text = b""
    answer = len(text) < SMALL_MODULE_BYTES or has_async_word(text) or _AWAITABLE_WORDS.search(text) is not None
    if not answer:
        answer = os.path.basename(path) in ("__init__.py", "__init__.pyi")
    if not answer:
        layout = layout_of(path)
        own = (layout.module_name or "").partition(".")[0]
        answer = any(
            dotted is None or (dotted.partition(".")[0] in ASYNC_PACKAGES and dotted.partition(".")[0] != own)
            for dotted in _imports_in_text(text, layout)
        )
    _MAY_HOLD_ASYNC[path] = answer
    return answer


def _imported_modules(tree: ast.AST, layout: ProjectLayout) -> Iterator[Optional[str]]:
    """Absolute names of every module the file's import statements may load; None for one not known."""
    pending = list(getattr(tree, "body", []))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            package = "." * node.level + (node.module or "")
            base = layout.absolute_import(package) if node.level else package
            if base is None:
                yield None
                continue
            yield base
            for alias in node.names:
                if alias.name != "*":
                    yield f"{base}.{alias.name}"  # possibly a submodule
        else:
            # Only statements hold imports: follow the fields that hold statements.
            fields = _STATEMENT_FIELDS_OF.get(node.__class__)
            if fields is None:
                fields = _STATEMENT_FIELDS_OF[node.__class__] = tuple(
                    field for field in _STATEMENT_FIELDS if field in node._fields
                )
            for field in fields:
                statements = getattr(node, field, None)
                if statements:
                    pending.extend(statements)


_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
# Node class -> those of its fields (most statements have none: nothing to try).
_STATEMENT_FIELDS_OF: dict[type, tuple[str, ...]] = {}


def _module_is_async_free(dotted: str, layout: ProjectLayout) -> bool:
    files = _source_files(dotted, layout)
    return files is not None and all(_file_is_async_free(path) for path in files)


def _source_files(dotted: str, layout: ProjectLayout) -> Optional[list[str]]:
    """The source files `import a.b.c` runs (a, a.b, a.b.c); None if one of them may be async unseen."""
    top = dotted.partition(".")[0]
    if top in ASYNC_PACKAGES:
        return None
    files = []
    prefixes = dotted.split(".")
    for end in range(1, len(prefixes) + 1):
        name = ".".join(prefixes[:end])
        path = layout.find_module_file(name) or installed_module_file(name)
        if path is not None:
            files.append(path)
        elif end == 1 and _may_exist_compiled(top, layout):
            return None
    return files


def _may_exist_compiled(top: str, layout: ProjectLayout) -> bool:
    """A top-level module with no source file that astroid might still find (compiled, a namespace)."""
    return top not in sys.stdlib_module_names and found_on_disk(top, layout.roots)


def _file_is_async_free(root: str) -> bool:
    cached = _ASYNC_FREE.get(root)
    if cached is not None:
        return cached
    seen = {root}
    pending = [root]
    while pending:
        path = pending.pop()
        if _ASYNC_FREE.get(path) is True:
            continue
        if len(seen) > MAX_MODULES_READ or not _text_is_async_free(path, seen, pending):
            _ASYNC_FREE[root] = False
            return False
    # Everything reachable from `root` is async-free, so each of them is too.
    for path in seen:
        _ASYNC_FREE[path] = True
    return True


def _text_is_async_free(path: str, seen: set[str], pending: list[str]) -> bool:
    """No async word in the file; the modules it imports are queued (False if one cannot be cleared)."""
    try:
        with open(path, "rb") as file:
            text = file.read()
    except OSError:
        return False
    if has_async_word(text):
        return False
    layout = layout_of(path)
    for dotted in _imports_in_text(text, layout):
        files = None if dotted is None else _source_files(dotted, layout)
        if files is None:
            return False
        for found in files:
            if found not in seen:
                seen.add(found)
                pending.append(found)
    return True


def _imports_in_text(text: bytes, layout: ProjectLayout) -> Iterator[Optional[str]]:
    for match in _FROM_IMPORT.finditer(text):
        if not _starts_a_statement(text, match.start()):
            continue
        module = match.group(1).decode("ascii", "replace")
        base = layout.absolute_import(module) if module.startswith(".") else module
        if not base:
            yield None
            continue
        yield base
        for name in _imported_names(text, match.end()):
            yield f"{base}.{name}"  # possibly a submodule
    for match in _IMPORT.finditer(text):
        if not _starts_a_statement(text, match.start()):
            continue  # prose ("to import for ..."), or the `import` of a `from x import y`
        for part in _AS.sub(b"", match.group(1)).split(b","):
            name = part.strip().decode("ascii", "replace")
            if name:
                yield name


def _starts_a_statement(text: bytes, start: int) -> bool:
    """Only indentation, or a `;` or `:` ending another statement, before `start` on its line."""
    line_start = text.rfind(b"\n", 0, start) + 1
    before = text[line_start:start].rstrip()
    return not before or before.endswith((b";", b":"))


def _imported_names(text: bytes, start: int) -> list[str]:
    """The names after `from x import`: a parenthesized list, or the rest of the (continued) line."""
    while start < len(text) and text[start] in b" \t":
        start += 1
    if text.startswith(b"(", start):
        end = text.find(b")", start)
        names = text[start + 1:end if end >= 0 else len(text)]
    else:
        end = text.find(b"\n", start)
        while end > 0 and text[end - 1:end] == b"\\":
            end = text.find(b"\n", end + 1)
        names = text[start:end if end >= 0 else len(text)].replace(b"\\\n", b" ")
    names = re.sub(rb"#[^\n]*", b"", names)
    found = []
    for part in _AS.sub(b"", names).replace(b";", b",").split(b","):
        name = part.strip().decode("ascii", "replace")
        if name.isidentifier():
            found.append(name)
    return found
