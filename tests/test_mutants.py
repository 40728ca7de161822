"""The mutation step of benchmarks/mutants.py: keywords dropped in place, sites listed right."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import mutation  # noqa: E402

SOURCE = '''\
import asyncio


async def main(session, items):
    await asyncio.sleep(1)
    x = await session.get()          # bound, not a statement: no site
    await (await session.factory())  # the value is an await, not a call: no site
    await  session.close(); await session.flush()
    async with session.lock() as lock, \\
            session.other():
        await lock.release()
    async for item in session.stream(
        items,
    ):
        print([y async for y in item])   # a comprehension: left alone
    async with asyncio.timeout(1):
        pass
    print("é"); await session.unicode()
'''


def _lines(text: str) -> list[str]:
    return mutation.split_lines(text)


@pytest.mark.parametrize(
    "kind, expected",
    [
        # Columns are UTF-8 byte offsets, as in the AST: "é" counts two on line 18.
        ("await", [(5, 4, 5), (8, 4, 8), (8, 28, 8), (11, 8, 11), (18, 17, 18)]),
        ("async with", [(9, 4, 10), (16, 4, 16)]),
        ("async for", [(12, 4, 14)]),
    ],
)
def test_sites_and_line_numbers(kind: str, expected: list[tuple[int, int, int]]) -> None:
    mutant, sites = mutation.mutate(SOURCE, kind)
    assert [(s.line, s.col, s.head_end_line) for s in sites] == expected
    assert all(s.kind == kind for s in sites)
    original, changed = _lines(SOURCE), _lines(mutant)
    assert len(changed) == len(original)
    mutated = {s.line for s in sites}
    for number, (before, after) in enumerate(zip(original, changed), start=1):
        if number in mutated:
            assert after != before and s_source_line(sites, number) == before.rstrip("\n")
        else:
            assert after == before
    ast.parse(mutant)


def s_source_line(sites: list[mutation.Site], line: int) -> str:
    return next(s.source_line for s in sites if s.line == line)


def test_the_keyword_alone_is_deleted() -> None:
    lines = _lines(mutation.mutate(SOURCE, "await")[0])
    assert lines[4] == "    asyncio.sleep(1)\n"
    assert lines[7] == "    session.close(); session.flush()\n"
    assert lines[17] == '    print("é"); session.unicode()\n'
    lines = _lines(mutation.mutate(SOURCE, "async with")[0])
    assert lines[8] == "    with session.lock() as lock, \\\n"
    lines = _lines(mutation.mutate(SOURCE, "async for")[0])
    assert lines[11] == "    for item in session.stream(\n"
    assert lines[14] == "        print([y async for y in item])   # a comprehension: left alone\n"


def test_mutated_statements_are_the_sync_twins() -> None:
    tree = ast.parse(mutation.mutate(SOURCE, "async with")[0])
    assert not any(isinstance(n, ast.AsyncWith) for n in ast.walk(tree))
    assert sum(isinstance(n, ast.With) for n in ast.walk(tree)) == 2
    tree = ast.parse(mutation.mutate(SOURCE, "await")[0])
    calls = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)}
    assert {5, 8, 11, 18} <= calls
    # What was no site is untouched: the binding, the double await.
    assert sum(isinstance(n, ast.Await) for n in ast.walk(tree)) == 3


def test_line_ends_are_kept() -> None:
    source = "async def f(s):\r\n    await s.a()\r\n\x0c\r\n    await s.b()\r\n"
    mutant, sites = mutation.mutate(source, "await")
    assert mutant == "async def f(s):\r\n    s.a()\r\n\x0c\r\n    s.b()\r\n"
    assert [s.line for s in sites] == [2, 4]


def test_no_site_no_mutant() -> None:
    assert mutation.mutate("async def f():\n    return 1\n", "async for") == ("", [])


def test_the_mirror_keeps_what_the_plugin_reads(tmp_path: Path) -> None:
    # The project files mark the top and its src/ root: a mirror without them
    # would resolve `import pkg` from docs/ differently than the corpus does.
    import mutants

    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "docs").mkdir()
    for name, text in {
        "pyproject.toml": "[tool.pytest.ini_options]\n",
        "tox.ini": "",
        "README.md": "",
        "src/pkg/__init__.py": "",
        "src/pkg/data.json": "{}",
        "docs/example.py": "import pkg\n",
    }.items():
        (root / name).write_text(text)
    dest = tmp_path / "mirror"
    mutants.mirror(root, ["."], dest)
    mutants.mirror(root, ["."], dest)  # a second call links nothing twice
    kept = sorted(str(path.relative_to(dest)) for path in dest.rglob("*") if path.is_file())
    assert kept == ["docs/example.py", "pyproject.toml", "src/pkg/__init__.py", "tox.ini"]
