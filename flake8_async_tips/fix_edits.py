"""What the fixers of `flake8-async-tips fix` work with: findings, edits, the parsed module.

An Edit replaces a span of the decoded source text, found from the AST's
positions; nothing outside the edits is touched, so comments, quoting and
line endings stay byte-identical. The edits of one Fix are applied together
or not at all. The fixers themselves are in fix_rules.py.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Optional, Union


@dataclass(frozen=True)
class Finding:
    row: int
    col: int  # flake8's column: the AST's col_offset + 1
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}:{self.col}: {self.code} {self.message}"


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets in the decoded source
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    finding: Finding
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Refusal:
    finding: Finding
    reason: str


def split_source_lines(text: str) -> list[str]:
    """Lines as the tokenizer counts them (\\n, \\r\\n, \\r), ends kept; str.splitlines splits on more."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    return lines or [""]


class Module:
    """One parse of the source, with what the fixers ask of it."""

    def __init__(self, text: str, findings: list[Finding]) -> None:
        self.text = text
        self.tree = ast.parse(text)
        self.findings = findings
        self.lines = split_source_lines(text)
        self.line_starts = [0]
        for line in self.lines:
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.parents: dict[ast.AST, ast.AST] = {}
        self.at_position: dict[tuple[int, int], list[ast.AST]] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if hasattr(node, "col_offset") and hasattr(node, "lineno"):
                self.at_position.setdefault((node.lineno, node.col_offset), []).append(node)
        self._tokens: Optional[list[tokenize.TokenInfo]] = None

    def offset(self, lineno: int, utf8_col: int) -> int:
        # The AST counts columns in UTF-8 bytes; the edits work on characters.
        line = self.lines[lineno - 1]
        return self.line_starts[lineno - 1] + len(line.encode("utf-8")[:utf8_col].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        return self.text[self.start(node):self.end(node)]

    def nodes_at(self, finding: Finding, kind: Union[type, tuple[type, ...]]) -> list[ast.AST]:
        nodes = self.at_position.get((finding.row, finding.col - 1), [])
        return [node for node in nodes if isinstance(node, kind)]

    def outermost(self, finding: Finding, kind: Union[type, tuple[type, ...]]) -> Optional[ast.AST]:
        nodes = self.nodes_at(finding, kind)
        return max(nodes, key=lambda node: (self.end(node), -len(self.ancestors(node))), default=None)

    def ancestors(self, node: ast.AST) -> list[ast.AST]:
        chain = []
        while node in self.parents:
            node = self.parents[node]
            chain.append(node)
        return chain

    def reported(self, code: str, node: ast.AST) -> bool:
        return any(
            f.code == code and (f.row, f.col - 1) == (node.lineno, node.col_offset)  # type: ignore[attr-defined]
            for f in self.findings
        )

    def tokens(self) -> list[tokenize.TokenInfo]:
        if self._tokens is None:
            self._tokens = list(tokenize.generate_tokens(io.StringIO(self.text).readline))
        return self._tokens

    def token_offset(self, token_position: tuple[int, int]) -> int:
        # The tokenizer counts columns in characters.
        return self.line_starts[token_position[0] - 1] + token_position[1]


# --- where a change is allowed ---------------------------------------------


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.GeneratorExp, ast.Module)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)


def enclosing_scope(module: Module, node: ast.AST) -> ast.AST:
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, SCOPES):
            return ancestor
    return module.tree


def why_not_async_here(module: Module, node: ast.AST, allow_comprehensions: bool = True) -> Optional[str]:
    """None when `await`/`async with`/`async for` may go at node; else why not."""
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.JoinedStr):
            return "inside an f-string"
        if isinstance(ancestor, COMPREHENSIONS) and not allow_comprehensions:
            return "inside a comprehension"
        if isinstance(ancestor, ast.AsyncFunctionDef):
            return None
        if isinstance(ancestor, ast.FunctionDef):
            return f"'{ancestor.name}' is not async; making it async would change its callers"
        if isinstance(ancestor, ast.Lambda):
            return "inside a lambda, which cannot be async"
        if isinstance(ancestor, ast.GeneratorExp):
            return "inside a generator expression, which 'await' would make asynchronous"
        if isinstance(ancestor, ast.ClassDef):
            return f"in the body of class '{ancestor.name}', which cannot be async"
    return "at module level, where it cannot be async"


Outcome = Union[Fix, Refusal]


# --- applying ----------------------------------------------------------------


def apply_edits(text: str, edits: list[Edit]) -> str:
    pieces, position = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(text[position:edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def overlaps(first: Fix, second: Fix) -> bool:
    # Two insertions at one point conflict too: their order would be a guess.
    return any(
        (a.start < b.end and b.start < a.end) or a.start == b.start or (a.start == a.end and b.start < a.start < b.end)
        or (b.start == b.end and a.start < b.start < a.end)
        for a in first.edits for b in second.edits
    )
