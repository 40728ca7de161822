"""Pathological inputs: the plugin must lint them without failing, and still find the bugs in them.

Each input is a small project written to tmp_path and linted twice: in this
process through the checker class (`support.lint`, with the file's real path
so that cross-module inference reads its neighbours), and by real flake8 as
a subprocess. Both must agree, neither may report the plugin's own failure
(ASY000) or print anything on stderr (the plugin logs a warning line there
when it fails, and an uncaught exception is a traceback), and a hang fails
through the subprocess timeout rather than a timed assertion.

The inputs: a 20,000-line module; expressions and blocks nested as deep as
this interpreter's `compile()` (or `ast.parse`) accepts, measured here since
the limits are the interpreter's; import cycles, class-hierarchy cycles and
star-import cycles between project modules; 1 MB literals; files in
non-UTF-8 encodings; files that do not parse; and odd files (empty, comments
only, form feeds, CR/CRLF line endings, control characters).

Almost every file carries an obvious bug (an un-awaited coroutine call): a
finding there proves the plugin really ran on the file instead of silently
skipping it. Expectations are inline comments on the generated lines:

* `# error: ASY100` -- the finding must be reported on this line;
* `# maybe: ASY100` -- a real bug the plugin may or may not prove (it reports
  only what is certain; a cycle or star import can leave it unknown);
* `# lint: E999` on line 1 -- the file does not parse: flake8 reports E999 and
  the plugin never sees it.

Any other finding fails the test.

Where flake8 itself fails before any plugin runs (pyflakes' recursion on
deeply nested subscripts, a null byte on CPython 3.10, a `rot13` coding
cookie), the test says so and checks that the failure is not the plugin's.
"""

from __future__ import annotations

import ast
import re
import sys
import tokenize
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest
from support import flake8, lint

TIMEOUT = 120  # seconds for one flake8 run; only a hang should come near it
SELECT = "ASY,E999"
INTERNAL_ERROR = "ASY000"
MEGABYTE = 1 << 20

# A line of flake8's default output format: path:line:col: CODE message
OUTPUT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")
EXPECTATION = re.compile(r"#\s*(?P<kind>error|maybe):\s*(?P<codes>ASY\d{3}(?:\s*,\s*ASY\d{3})*)")
SYNTAX_ERROR_MARK = "# lint: E999"

# The one-line bug most inputs end with: certainly reported wherever the plugin runs.
BUG = "\n\nasync def main():\n    asyncio.sleep(1)  # error: ASY100\n"

Files = dict[str, "str | bytes"]
Finding = tuple[int, str]  # (line, code)


# -- running both linters and checking what they say ------------------------------------------


def write_files(root: Path, files: Files) -> list[str]:
    """Write `files` (relative path -> text or bytes) under `root`; the relative paths, sorted."""
    for relative, content in files.items():
        # flake8 runs with `root` as its working directory, first on sys.path: a string.py there
        # would shadow the standard library's string module and break flake8 itself.
        assert Path(relative).parts[0].removesuffix(".py") not in sys.stdlib_module_names, relative
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
    return sorted(files)


def read_like_flake8(path: Path) -> str:
    """The text flake8 hands to the plugins.

    Decoded by the coding cookie (universal newlines), else as latin-1 --
    flake8's fallback -- and without a leading byte-order mark, in either form.
    """
    try:
        with tokenize.open(path) as file:
            text = file.read()
    except (SyntaxError, UnicodeError):
        with open(path, encoding="latin-1") as file:
            text = file.read()
    for bom in ("\ufeff", "\xef\xbb\xbf"):
        text = text.removeprefix(bom)
    return text


def expectations(text: str) -> tuple[set[Finding], set[Finding]]:
    """(required, allowed) (line, code) pairs from the inline comments."""
    required: set[Finding] = set()
    allowed: set[Finding] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        for match in EXPECTATION.finditer(line):
            found = {(number, code.strip()) for code in match["codes"].split(",")}
            allowed |= found
            if match["kind"] == "error":
                required |= found
    return required, allowed


def expects_syntax_error(text: str) -> bool:
    return text.startswith(SYNTAX_ERROR_MARK)


def lint_in_process(path: Path) -> list[Finding] | None:
    """The checker class's findings on the file at `path`; None when it does not parse (flake8's E999)."""
    text = read_like_flake8(path)
    try:
        ast.parse(text, str(path))
    except (SyntaxError, ValueError):  # ValueError: null bytes, before Python 3.12
        return None
    results = lint(text, filename=str(path))
    assert not [message for *_, message in results if message.startswith(INTERNAL_ERROR)], results
    return sorted((line, message.split(" ", 1)[0]) for line, _, message in results)


def lint_with_flake8(root: Path, relatives: list[str]) -> dict[str, list[Finding]]:
    """Real flake8's findings per file (every file present, even with none)."""
    result = flake8("--isolated", "--select", SELECT, *relatives, cwd=root, timeout=TIMEOUT)
    # Nothing on stderr: no traceback, no "flake8-async-tips: ... failed" warning line.
    assert result.stderr == "", result.stderr
    assert INTERNAL_ERROR not in result.stdout, result.stdout
    findings: dict[str, list[Finding]] = {relative: [] for relative in relatives}
    for line in result.stdout.splitlines():
        match = OUTPUT_LINE.match(line)
        assert match, f"not a finding line: {line!r}"
        findings[Path(match["path"]).as_posix()].append((int(match["line"]), match["code"]))
    # flake8 exits 1 exactly when it printed findings, 0 when the files are clean.
    assert result.returncode == (1 if result.stdout else 0), (result.returncode, result.stdout)
    return {relative: sorted(found) for relative, found in findings.items()}


def check_project(root: Path, files: Files, linted: list[str] | None = None) -> dict[str, list[Finding]]:
    """Lint the files both ways and check each against its inline expectations; flake8's findings.

    All `files` are written (the plugin may read any of them for cross-module
    inference); `linted` (default: all) are the ones linted and checked.
    """
    written = write_files(root, files)
    relatives = written if linted is None else sorted(linted)
    by_flake8 = lint_with_flake8(root, relatives)
    for relative in relatives:
        path = root / relative
        text = read_like_flake8(path)
        in_process = lint_in_process(path)
        if expects_syntax_error(text):
            assert in_process is None, f"{relative} was expected not to parse"
            assert [code for _, code in by_flake8[relative]] == ["E999"], (relative, by_flake8[relative])
            continue
        assert in_process is not None, f"{relative} does not parse"
        required, allowed = expectations(text)
        found = set(in_process)
        assert required <= found, (relative, "missing", sorted(required - found))
        assert found <= allowed, (relative, "unexpected", sorted(found - allowed))
        assert by_flake8[relative] == in_process, (relative, by_flake8[relative], in_process)
    return by_flake8


# -- a 20,000-line module ------------------------------------------------------------------------


def huge_module(lines: int = 20_000) -> str:
    """Functions, classes and coroutines calling one another, with a bug every 100 blocks."""
    parts = ["import asyncio\n\n\n"]
    count = 3
    block = 0
    while count < lines:
        previous = max(block - 1, 0)
        bug = f"        fetch_{previous}(key)  # error: ASY100\n" if block % 100 == 0 else ""
        text = (
            f"async def fetch_{block}(x):\n"
            f"    await asyncio.sleep(0)\n"
            f"    return await fetch_{previous}(x - 1) if x else x\n"
            f"\n\n"
            f"def compute_{block}(x):\n"
            f"    return compute_{previous}(x - 1) + {block} if x > 0 else {block}\n"
            f"\n\n"
            f"class Service{block}(Service{previous} if {block} else object):\n"
            f"    def __init__(self):\n"
            f"        self.value = compute_{block}(1)\n"
            f"\n"
            f"    async def load(self, key):\n"
            f"{bug}"
            f"        return await fetch_{block}(key)\n"
            f"\n"
            f"    async def refresh(self):\n"
            f"        await self.load({block})\n"
            f"        return await Service{previous}().load(compute_{block}(2))\n"
            f"\n\n"
        )
        parts.append(text)
        count += text.count("\n")
        block += 1
    parts.append(
        "async def main():\n"
        "    asyncio.sleep(1)  # error: ASY100\n"
        f"    fetch_{block - 1}(1)  # error: ASY100\n"
        "    Service3().load(1)  # error: ASY100\n"
    )
    return "".join(parts)


def test_twenty_thousand_line_module(tmp_path: Path) -> None:
    source = huge_module()
    assert source.count("\n") >= 20_000
    findings = check_project(tmp_path, {"huge.py": source})
    # One bug every 100 blocks plus the three at the end, all found.
    assert len(findings["huge.py"]) == source.count("# error: ASY100") >= 10


# -- nesting as deep as the interpreter accepts --------------------------------------------------


def compiles(source: str) -> bool:
    try:
        compile(source, "<deep>", "exec", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError):
        return False
    return True


def parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError):
        return False
    return True


@lru_cache(maxsize=None)
def deepest(make: Callable[[int], str], accepts: Callable[[str], bool] = compiles) -> int:
    """The largest depth for which `accepts(make(depth))`, by bisection.

    The limits are the interpreter's (the tokenizer's 200 nested brackets, 100
    indentation levels, the compiler's 20 statically nested blocks on
    CPython 3.10-3.13), so they are measured, not written down.
    """
    low, high = 0, 1000
    assert accepts(make(low)) and not accepts(make(high))
    while low < high:
        middle = (low + high + 1) // 2
        if accepts(make(middle)):
            low = middle
        else:
            high = middle - 1
    return low


HEADER = "import asyncio\n\n\nasync def fetch():\n    return 1\n\n\ndef wrap(value):\n    return value\n\n\n"


def in_main(*lines: str) -> str:
    """HEADER and an `async def main()` with these body lines."""
    return HEADER + "async def main():\n" + "".join(f"    {line}\n" for line in lines)


def nested_parentheses(depth: int) -> str:
    return in_main(
        "(" * depth + "asyncio.sleep(1)" + ")" * depth + "  # error: ASY100",
        "return await " + "(" * depth + "fetch()" + ")" * depth,
    )


def nested_lists(depth: int) -> str:
    return in_main("asyncio.sleep(1)  # error: ASY100", "return " + "[" * depth + "await fetch()" + "]" * depth)


def nested_calls(depth: int) -> str:
    return in_main("asyncio.sleep(1)  # error: ASY100", "return await " + "wrap(" * depth + "fetch()" + ")" * depth)


def nested_dicts_and_subscripts(depth: int) -> str:
    value = "fetch"
    for level in range(depth):
        value = f"{{'k': {value}}}['k']" if level % 2 else f"[{value}][0]"
    return in_main("asyncio.sleep(1)  # error: ASY100", f"return await ({value})()")


def nested_if_blocks(depth: int) -> str:
    lines = [HEADER + "async def main(flag):"]
    lines += ["    " * (level + 1) + "if flag:" for level in range(depth)]
    lines.append("    " * (depth + 1) + "asyncio.sleep(1)  # error: ASY100")
    return "\n".join(lines) + "\n"


BLOCK_OPENERS = ["if x:", "for x in y:", "while x:", "with x:", "try:", "async with x:", "async for x in y:"]


def nested_mixed_blocks(depth: int) -> str:
    """if/for/while/with/try/async with/async for, one inside the other."""
    lines = [HEADER + "async def main(x, y):"]
    for level in range(depth):
        lines.append("    " * (level + 1) + BLOCK_OPENERS[level % len(BLOCK_OPENERS)])
    lines.append("    " * (depth + 1) + "asyncio.sleep(1)  # error: ASY100")
    for level in reversed(range(depth)):
        if BLOCK_OPENERS[level % len(BLOCK_OPENERS)] == "try:":
            lines += ["    " * (level + 1) + "finally:", "    " * (level + 2) + "pass"]
    return "\n".join(lines) + "\n"


def nested_functions_and_classes(depth: int) -> str:
    """async def / def / class, one inside the other, with an un-awaited call at every async level."""
    lines = [HEADER.rstrip("\n"), ""]
    for level in range(depth):
        indent = "    " * level
        kind = level % 3
        if kind == 0:
            lines += [f"{indent}async def f{level}():", f"{indent}    fetch()  # error: ASY100"]
        elif kind == 1:
            lines += [f"{indent}def f{level}():", f"{indent}    pass"]
        else:
            lines += [f"{indent}class C{level}:", f"{indent}    pass"]
    lines += ["    " * depth + "async def innermost():", "    " * (depth + 1) + "asyncio.sleep(1)  # error: ASY100"]
    return "\n".join(lines) + "\n"


# file name -> (generator, the limit it goes to)
DEEP_SOURCES = {
    "parentheses": (nested_parentheses, compiles),
    "lists": (nested_lists, compiles),
    "calls": (nested_calls, compiles),
    "if_blocks": (nested_if_blocks, compiles),
    "mixed_blocks": (nested_mixed_blocks, compiles),
    # compile() stops at 20 statically nested loop/with/try blocks; ast.parse (all flake8 asks
    # for) goes on to the indentation limit, so flake8 lints much deeper files than compile() takes.
    "mixed_blocks_to_the_parse_limit": (nested_mixed_blocks, parses),
    "functions_and_classes": (nested_functions_and_classes, compiles),
}


def test_nesting_at_the_limit(tmp_path: Path) -> None:
    files: Files = {}
    for name, (make, accepts) in DEEP_SOURCES.items():
        depth = deepest(make, accepts)
        assert depth >= 20, name  # every limit is well above it: a smaller one means the generator is broken
        files[f"{name}.py"] = make(depth)
    findings = check_project(tmp_path, files)
    assert all(findings.values()), findings  # the innermost bug, at least


def test_dicts_and_subscripts_at_the_limit_in_process() -> None:
    """Through the checker class only: under flake8, pyflakes fails on this file first.

    (pyflakes 3 recurses per level and exceeds the recursion limit; flake8
    then aborts the run with "pyflakes[F] failed during execution due to
    RecursionError" before any other plugin's findings are printed.)
    """
    source = nested_dicts_and_subscripts(deepest(nested_dicts_and_subscripts))
    findings = [(line, message.split(" ", 1)[0]) for line, _, message in lint(source)]
    assert findings == sorted(expectations(source)[0])


def test_nesting_one_past_the_limit_is_flake8s_syntax_error(tmp_path: Path) -> None:
    files: Files = {}
    for make in (nested_parentheses, nested_lists, nested_if_blocks, nested_functions_and_classes):
        source = make(deepest(make, parses) + 1)
        assert not parses(source)
        files[f"{make.__name__}.py"] = SYNTAX_ERROR_MARK + "\n" + source
    check_project(tmp_path, files)


# -- cycles between project modules -------------------------------------------------------------


def package(name: str, modules: dict[str, str]) -> Files:
    """A package directory with an empty __init__.py (unless given) and the modules."""
    files: Files = {f"{name}/__init__.py": ""}
    files.update({f"{name}/{module}.py": text for module, text in modules.items()})
    return files


def test_mutually_recursive_imports(tmp_path: Path) -> None:
    """a imports b and b imports a (absolutely, relatively, the module and its names), calling across."""
    modules = {
        "a": (
            "from app.b import ping\n"
            "from app import b\n"
            "from .b import ping as ping_again\n"
            "\n\n"
            "async def pong(n):\n"
            "    if n:\n"
            "        await ping(n - 1)\n"
            "        ping(n - 1)  # error: ASY100\n"
            "        b.ping(n)  # error: ASY100\n"
            "        ping_again(n)  # error: ASY100\n"
            "        await b.ping(n)\n"
            "    return n\n"
            "\n\n"
            "def sync_pong():\n"
            "    ping(1)  # error: ASY204\n"
        ),
        "b": (
            "from .a import pong\n"
            "from . import a\n"
            "\n\n"
            "async def ping(n):\n"
            "    await pong(n)\n"
            "    pong(n)  # error: ASY100\n"
            "    a.pong(n)  # error: ASY100\n"
            "    return await a.pong(n)\n"
        ),
        # A module that imports itself and names that resolve to nothing but one another.
        "selfish": (
            "from app.selfish import spin, missing\n"
            "from . import selfish\n"
            "from .loop_a import alias\n"
            "\n\n"
            "async def spin(n):\n"
            "    spin(n)  # maybe: ASY100\n"
            "    selfish.spin(n)  # maybe: ASY100\n"
            "    alias()\n"
            "    missing()\n"
            "\n\n"
            "def sync_spin():\n"
            "    selfish.spin(1)  # maybe: ASY204\n"
        ),
        "loop_a": "from .loop_b import alias as alias\n",
        "loop_b": "from .loop_a import alias\n",
    }
    check_project(tmp_path, package("app", modules))


def test_class_hierarchy_cycles(tmp_path: Path) -> None:
    """Classes that are their own base through a cycle, in one module and across two."""
    modules = {
        "same": (
            "class A(object):\n"
            "    async def run(self):\n"
            "        return 1\n"
            "\n\n"
            "class B(A):\n"
            "    pass\n"
            "\n\n"
            "class A(B):  # redefined: now its own grandparent's namesake\n"
            "    def go(self):\n"
            "        return 2\n"
            "\n\n"
            "class Self(Self):\n"
            "    async def run(self):\n"
            "        return 3\n"
            "\n\n"
            "class P(Q):\n"
            "    async def run(self):\n"
            "        return 4\n"
            "\n\n"
            "class Q(P):\n"
            "    pass\n"
            "\n\n"
            "async def main():\n"
            "    A().run()  # maybe: ASY100\n"
            "    A().go()\n"
            "    B().run()  # maybe: ASY100\n"
            "    a = A()\n"
            "    a.run()  # maybe: ASY100\n"
            "    await a.run()\n"
            "    Self().run()  # error: ASY100\n"
            "    P().run()  # error: ASY100\n"
            "    Q().run()  # maybe: ASY100\n"
            "    Q().nothing()\n"
            "    Self().nothing()\n"
        ),
        "left": (
            "from app.right import Right\n"
            "\n\n"
            "class Left(Right):\n"
            "    async def left(self):\n"
            "        return 1\n"
            "\n\n"
            "async def main():\n"
            "    Left().left()  # error: ASY100\n"
            "    Left().right()  # maybe: ASY100\n"
            "    Left().nothing()\n"
            "    instance = Left()\n"
            "    instance.left()  # error: ASY100\n"
            "    await instance.left()\n"
        ),
        "right": (
            "from .left import Left\n"
            "\n\n"
            "class Right(Left):\n"
            "    async def right(self):\n"
            "        return 1\n"
            "\n\n"
            "async def main(worker: Right):\n"
            "    Right().right()  # error: ASY100\n"
            "    Right().left()  # maybe: ASY100\n"
            "    worker.right()  # error: ASY100\n"
            "    worker.nothing()\n"
        ),
    }
    check_project(tmp_path, package("app", modules))


def test_star_import_cycles(tmp_path: Path) -> None:
    """`from .x import *` both ways between two modules, and around a cycle of three."""
    modules = {
        "pair_a": (
            "from .pair_b import *\n"
            "\n\n"
            "async def from_a():\n"
            "    return 1\n"
            "\n\n"
            "async def main():\n"
            "    from_a()  # error: ASY100\n"
            "    from_b()  # maybe: ASY100\n"
            "    await from_b()\n"
        ),
        "pair_b": (
            "from .pair_a import *\n"
            "\n\n"
            "async def from_b():\n"
            "    from_a()  # maybe: ASY100\n"
            "    from_b()  # maybe: ASY100\n"
            "    return 2\n"
        ),
        "ring_1": (
            "from .ring_2 import *\n"
            "\n\n"
            "async def one():\n"
            "    return 1\n"
            "\n\n"
            "async def main():\n"
            "    one()  # error: ASY100\n"
            "    two()  # maybe: ASY100\n"
            "    three()  # maybe: ASY100\n"
        ),
        "ring_2": (
            "from .ring_3 import *\n"
            "\n\n"
            "async def two():\n"
            "    one()  # maybe: ASY100\n"
            "    return 2\n"
        ),
        "ring_3": (
            "from app.ring_1 import *\n"
            "from .ring_2 import *\n"
            "\n\n"
            "async def three():\n"
            "    one()  # maybe: ASY100\n"
            "    two()  # maybe: ASY100\n"
            "    three()  # error: ASY100\n"
            "    return 3\n"
        ),
        # Names imported by name from a module that only star-imports them.
        "user": (
            "from .ring_1 import one, two, three\n"
            "from . import ring_2\n"
            "\n\n"
            "async def main():\n"
            "    one()  # error: ASY100\n"
            "    two()  # maybe: ASY100\n"
            "    ring_2.three()  # maybe: ASY100\n"
        ),
    }
    check_project(tmp_path, package("app", modules))


# -- 1 MB literals -------------------------------------------------------------------------------


def big_literal_module(assignment: str) -> str:
    return "import asyncio\n\nx = 1\n" + assignment + "\n" + BUG


BIG_LITERALS = {
    "string": "BLOB = '" + "a" * MEGABYTE + "'",
    "bytes": "BLOB = b'" + "\\x00" * (MEGABYTE // 4) + "'",
    "triple_quoted_lines": 'BLOB = """' + "line of text\n" * (MEGABYTE // 13) + '"""',
    # F-strings with few replacement fields: CPython's own tools are slow on many of them,
    # and that is not what is tested here. CPython 3.10/3.11 parse the fields in quadratic
    # time (350,000 of them take minutes), and the tokenize module of CPython 3.12.0-3.12.3
    # takes time proportional to fields x line length (1,024 fields on one 1 MB line take a
    # minute through flake8's tokenizing): one line with 16 fields, or 1,024 fields on 1 KB lines.
    "f_string": "BLOB = f'" + ("a" * (MEGABYTE // 16 - 8) + "{x!r:>5}") * 16 + "'",
    "f_string_lines": 'BLOB = f"""' + ("a" * (1024 - 9) + "{x!r:>5}\n") * 1024 + '"""',
}


def test_one_megabyte_literals(tmp_path: Path) -> None:
    files: Files = {f"big_{name}.py": big_literal_module(assignment) for name, assignment in BIG_LITERALS.items()}
    assert all(len(source) >= MEGABYTE for source in files.values())
    findings = check_project(tmp_path, files)
    assert all(findings.values()), findings  # the bug after the literal in every file


# -- files in other encodings --------------------------------------------------------------------

# Each defines a coroutine function with a non-ASCII name and a string in its
# encoding; user.py (UTF-8) imports it and forgets to await it, so the plugin
# must also read the non-UTF-8 module right to find that bug.
ENCODED_MODULES = {
    "latin_1": ("latin-1", "caf\u00e9", "na\u00efve cr\u00e8me br\u00fbl\u00e9e \u00df"),
    "cp1251": ("cp1251", "\u043f\u043e\u043b\u0443\u0447\u0438\u0442\u044c", "\u041f\u0440\u0438\u0432\u0435\u0442"),
    # In Shift JIS the second byte of U+8868 (0x95 0x5C) is a backslash in ASCII: read as
    # anything but Shift JIS, the string's closing quote is escaped and the file does not parse.
    "shift_jis": ("shift_jis", "\u53d6\u5f97", "\u8868\u793a \u3053\u3093\u306b\u3061\u306f"),
}


def encoded_module(encoding: str, function: str, text: str) -> bytes:
    source = (
        f"# -*- coding: {encoding} -*-\n"
        "import asyncio\n"
        "\n"
        f"GREETING = '{text}'  # {text}\n"
        "\n\n"
        f"async def {function}():\n"
        f"    return GREETING\n" + BUG
    )
    return source.encode(encoding)


def test_non_utf8_coding_cookies(tmp_path: Path) -> None:
    files: Files = {"enc/__init__.py": ""}
    imports, calls = [], []
    for module, (encoding, function, text) in ENCODED_MODULES.items():
        data = encoded_module(encoding, function, text)
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really not UTF-8
        files[f"enc/{module}.py"] = data
        imports.append(f"from enc.{module} import {function}\n")
        calls.append(f"    {function}()  # error: ASY100\n    await {function}()\n")
    files["enc/user.py"] = "".join(imports) + "\n\nasync def main():\n" + "".join(calls)
    findings = check_project(tmp_path, files)
    assert len(findings["enc/user.py"]) == len(ENCODED_MODULES)


def test_undecodable_files_are_read_as_latin1(tmp_path: Path) -> None:
    """flake8 falls back to latin-1 when the declared or default encoding fails; the plugin lints that text.

    A module the plugin reads for cross-module inference gets no fallback
    (Python itself could not import it): calls into it are unknown, not errors.
    """
    files: Files = {
        "odd/__init__.py": "",
        "odd/unknown_codec.py": b"# coding: klingon\nimport asyncio\n\n\nasync def beam():\n    pass\n" + BUG.encode(),
        "odd/not_a_text_codec.py": b"# coding: rot13\nimport asyncio\n\n\nasync def spin():\n    pass\n" + BUG.encode(),
        "odd/invalid_utf8.py": b"import asyncio\nX = '\xff\xfe'\n\n\nasync def junk():\n    pass\n" + BUG.encode(),
        "odd/bom_and_latin1.py": b"\xef\xbb\xbf# coding: latin-1\nimport asyncio\n" + BUG.encode(),
        "odd/user.py": (
            "from odd.unknown_codec import beam\n"
            "from odd.not_a_text_codec import spin\n"
            "from odd.invalid_utf8 import junk\n"
            "\n\n"
            "async def main():\n"
            "    beam()  # maybe: ASY100\n"
            "    spin()  # maybe: ASY100\n"
            "    junk()  # maybe: ASY100\n"
        ),
    }
    # flake8 itself cannot read the rot13 file (see the next test): it is only read by the plugin.
    check_project(tmp_path, files, linted=[name for name in files if "not_a_text_codec" not in name])


def test_non_text_codec_fails_in_flake8_not_in_the_plugin(tmp_path: Path) -> None:
    """`# coding: rot13` names a codec that is not a text encoding.

    flake8 7 catches SyntaxError and UnicodeError from `tokenize.open` but not
    the LookupError this raises: it aborts with a traceback while reading the
    file, before any plugin runs. The plugin, reading the module for another
    file's imports, treats it as unreadable (the test above).
    """
    (tmp_path / "rot13.py").write_bytes(b"# coding: rot13\nimport asyncio\n" + BUG.encode())
    with pytest.raises(SyntaxError, match="not a text encoding"):
        ast.parse((tmp_path / "rot13.py").read_bytes())  # nor to ast.parse, which the plugin uses
    result = flake8("--isolated", "--select", SELECT, "rot13.py", cwd=tmp_path, timeout=TIMEOUT)
    assert INTERNAL_ERROR not in result.stdout
    assert "flake8_async_tips" not in result.stderr
    if result.stderr:
        last_line = result.stderr.rstrip().splitlines()[-1]
        assert last_line.startswith("LookupError: 'rot13' is not a text encoding"), result.stderr
        assert "flake8/processor.py" in result.stderr.replace("\\", "/")
        assert result.stdout == ""
    else:  # a flake8 that reports it as a syntax error
        assert [OUTPUT_LINE.match(line)["code"] for line in result.stdout.splitlines()] == ["E999"]


# -- files that do not parse ---------------------------------------------------------------------

SYNTAX_ERRORS = {
    "invalid_syntax": "import asyncio\n\n\nasync def main(:\n    asyncio.sleep(1)\n",
    "bad_indentation": "import asyncio\n\n\nasync def main():\n    asyncio.sleep(1)\n      asyncio.sleep(2)\n",
    "unterminated_string": "import asyncio\n\n\nasync def main():\n    asyncio.sleep(1)\n    '''never closed\n",
    "unbalanced_parenthesis": "import asyncio\n\n\nasync def main():\n    asyncio.sleep(1))\n",
    "ctrl_z": "import asyncio\n" + BUG + "\x1a",
    "vertical_tab": "import asyncio\n\x0b\n" + BUG,
}


def test_syntax_errors_are_flake8s_e999(tmp_path: Path) -> None:
    files: Files = {f"{name}.py": SYNTAX_ERROR_MARK + "\n" + source for name, source in SYNTAX_ERRORS.items()}
    findings = check_project(tmp_path, files)
    assert len(findings) == len(SYNTAX_ERRORS)


def test_module_importing_a_broken_module(tmp_path: Path) -> None:
    """The plugin reads broken.py for user.py's imports: unknown names, no failure."""
    files: Files = {
        "pkg/__init__.py": "",
        "pkg/broken.py": SYNTAX_ERROR_MARK + "\n\nasync def fetch(:\n    pass\n",
        "pkg/user.py": "import asyncio\nfrom pkg.broken import fetch\n\n\nasync def go():\n    fetch()\n" + BUG,
    }
    check_project(tmp_path, files)


def test_null_bytes_fail_in_flake8_not_in_the_plugin(tmp_path: Path) -> None:
    """A null byte: E999, or (flake8 7 on CPython 3.10) flake8's own uncaught ValueError.

    The plugin never sees such a file: `ast.parse` refuses it before any plugin runs.
    """
    source = b"import asyncio\n# a comment with a \x00 in it\n" + BUG.encode()
    (tmp_path / "nul.py").write_bytes(source)
    assert lint_in_process(tmp_path / "nul.py") is None
    result = flake8("--isolated", "--select", SELECT, "nul.py", cwd=tmp_path, timeout=TIMEOUT)
    assert INTERNAL_ERROR not in result.stdout
    assert "flake8_async_tips" not in result.stderr
    if result.stderr:
        # flake8's processor.build_ast lets ValueError out of ast.parse: its traceback, its bug.
        assert result.stderr.rstrip().endswith("ValueError: source code string cannot contain null bytes")
        assert "flake8/processor.py" in result.stderr.replace("\\", "/")
        assert result.stdout == ""
    else:
        assert [OUTPUT_LINE.match(line)["code"] for line in result.stdout.splitlines()] == ["E999"]
        assert result.returncode == 1


# -- odd but valid files -------------------------------------------------------------------------

ODD_FILES = {
    "empty": b"",
    "only_comments": b"# async def main():\n#     asyncio.sleep(1)\n# await everything\n",
    "only_blank_lines": b"\n\n\n\n",
    "form_feeds_and_crlf": b"import asyncio\r\n\x0c\r\n\r\nasync def main():\r\n    \x0c\r\n"
    b"    asyncio.sleep(1)  # error: ASY100\r\n",
    "cr_only": b"import asyncio\r\r\rasync def main():\r    asyncio.sleep(1)  # error: ASY100\r",
    "mixed_line_endings": b"import asyncio\r\n\n\r\rasync def main():\r\n    x = 1\r"
    b"    asyncio.sleep(1)  # error: ASY100\n",
    "no_final_newline": b"import asyncio\n\n\nasync def main():\n    asyncio.sleep(1)  # error: ASY100",
    "utf8_bom": b"\xef\xbb\xbfimport asyncio\n" + BUG.encode(),
    # Characters str.splitlines() takes for line breaks and Python's tokenizer does not.
    "unicode_line_separators_in_a_string": (
        "import asyncio\nX = 'a\u2028b\u2029c\x1cd\x1de\x1ef\x85g\x0ch'\n" + BUG
    ).encode(),
    "tab_indentation": b"import asyncio\n\n\nasync def main():\n\tif True:\n\t\tasyncio.sleep(1)  # error: ASY100\n",
    "line_continuations": (
        b"import asyncio\n\n\nasync def main():\n    x = 1 + \\\n        2\n"
        b"    asyncio.sleep(x)  # error: ASY100\n"
    ),
}


def test_odd_files(tmp_path: Path) -> None:
    files: Files = {f"{name}.py": data for name, data in ODD_FILES.items()}
    findings = check_project(tmp_path, files)
    # Every file with a bug line had its bug found (the check above); the others are empty.
    assert sorted(name for name, found in findings.items() if not found) == [
        "empty.py",
        "only_blank_lines.py",
        "only_comments.py",
    ]


def test_expectations_are_read_from_the_right_lines() -> None:
    """The checker of all the above: a required finding, an allowed one, and none elsewhere."""
    required, allowed = expectations("x\ny  # error: ASY100, ASY204\nz  # maybe: ASY101\n")
    assert required == {(2, "ASY100"), (2, "ASY204")}
    assert allowed == required | {(3, "ASY101")}
