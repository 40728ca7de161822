"""The mutation step of benchmarks/mutants.py: drop one async keyword at every site of a kind.

Pure (source text in, mutant text and sites out), so tests/test_mutants.py can
check it without the corpus.  Three kinds, each a real bug in async code:

* ``await``: an expression statement ``await CALL(...)`` loses ``await``
  (only statements whose value is ``await`` applied directly to a call: the
  coroutine is then created and dropped, which ASY1xx is about);
* ``async with``: the statement becomes ``with`` (an async-only context manager
  used synchronously, ASY302);
* ``async for``: the statement becomes ``for`` (ASY301); comprehensions are
  left alone.

Only the keyword and the blanks after it are deleted, located with the AST's
positions on the source text, so every line keeps its number (columns after
the keyword on a mutated line move left).  The AST's columns are UTF-8 byte
offsets: the deletion is done on each line's UTF-8 bytes.
"""

from __future__ import annotations

import ast
import dataclasses
import re

KINDS = ("await", "async with", "async for")

# The keyword deleted at each kind's site.
_KEYWORD = {"await": b"await", "async with": b"async", "async for": b"async"}

# Line ends as the tokenizer sees them (str.splitlines would also split on \x0c and friends).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


@dataclasses.dataclass(frozen=True)
class Site:
    """One mutated place: 1-based line and 0-based byte column of the deleted keyword.

    ``head_end_line`` is the last line of the part that names what is awaited,
    entered or iterated (the callee of ``await f(...)``, the context
    expressions of ``async with``, the iterable of ``async for``): a finding
    about the mutation is expected on a line from ``line`` to it.
    """

    kind: str
    line: int
    col: int
    head_end_line: int
    source_line: str


def find_sites(tree: ast.AST, kind: str) -> list[ast.stmt]:
    """The statements of `kind` in `tree`, in source order."""
    if kind == "await":
        found = [
            node for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Await)
            and isinstance(node.value.value, ast.Call)
        ]
    elif kind == "async with":
        found = [node for node in ast.walk(tree) if isinstance(node, ast.AsyncWith)]
    elif kind == "async for":
        found = [node for node in ast.walk(tree) if isinstance(node, ast.AsyncFor)]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def keyword_position(node: ast.stmt) -> tuple[int, int]:
    """(line, byte column) where the site's keyword starts."""
    if isinstance(node, ast.Expr):
        return node.value.lineno, node.value.col_offset
    return node.lineno, node.col_offset


def head_end_line(node: ast.stmt) -> int:
    if isinstance(node, ast.Expr):
        return node.value.value.func.end_lineno
    if isinstance(node, ast.AsyncWith):
        return max(item.context_expr.end_lineno for item in node.items)
    return node.iter.end_lineno


def split_lines(source: str) -> list[str]:
    """The lines of `source` with their line ends, numbered as the AST numbers them."""
    lines = _LINE_END.split(source)
    return lines[:-1] if lines and lines[-1] == "" else lines


def mutate(source: str, kind: str) -> tuple[str, list[Site]]:
    """`source` with every site of `kind` mutated, and the sites; ("", []) when there is none.

    Raises SyntaxError when `source` does not parse, and ValueError when the
    mutant would not parse or would not keep its lines (a case this step does
    not handle; the benchmark then skips that file for that kind).
    """
    tree = ast.parse(source)
    nodes = find_sites(tree, kind)
    if not nodes:
        return "", []
    lines = split_lines(source)
    encoded = [line.encode("utf-8") for line in lines]
    sites = []
    keyword = _KEYWORD[kind]
    # Right to left within a line, so earlier columns stay valid (`await a(); await b()`).
    for node in sorted(nodes, key=keyword_position, reverse=True):
        line, col = keyword_position(node)
        text = encoded[line - 1]
        if line == 1 and text.startswith(b"\xef\xbb\xbf"):
            col += 3  # the tokenizer drops a BOM before counting columns
        if text[col:col + len(keyword)] != keyword:
            raise ValueError(f"line {line} col {col}: {keyword!r} not found in {text!r}")
        end = col + len(keyword)
        while end < len(text) and text[end:end + 1] in (b" ", b"\t"):
            end += 1
        encoded[line - 1] = text[:col] + text[end:]
        sites.append(Site(kind, line, keyword_position(node)[1], head_end_line(node), lines[line - 1].rstrip("\r\n")))
    mutant = b"".join(encoded).decode("utf-8")
    _check(mutant, source, kind, sites)
    return mutant, sorted(sites, key=lambda site: (site.line, site.col))


def _check(mutant: str, source: str, kind: str, sites: list[Site]) -> None:
    if len(split_lines(mutant)) != len(split_lines(source)):
        raise ValueError("the mutant's line count changed")
    try:
        tree = ast.parse(mutant)
    except SyntaxError as error:
        raise ValueError(f"the mutant does not parse: {error}") from None
    if kind != "await" and find_sites(tree, kind):
        raise ValueError(f"an {kind} statement survived the mutation")
