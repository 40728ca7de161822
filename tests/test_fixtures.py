"""Fixture files carry their expectations inline; one runner checks them all.

A line ending in `# error: ASY200` (or `# error: ASY200, ASY204`) must get
exactly those codes; any other line must get none. A version condition
limits an expectation to the interpreters that behave so:
`# error[<3.11]: ASY203` or `# error[>=3.11]: ASY203`. A first line
`# options: --async-tips-allow-top-level-await` lints the file with that option,
and `# options: --extend-ignore ASY104` leaves that code to another fixture.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from support import lint

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTATION = re.compile(
    r"#\s*error(?:\[(?P<op><|>=)(?P<version>\d+\.\d+)\])?:\s*(?P<codes>ASY\d{3}(?:\s*,\s*ASY\d{3})*)"
)


def _applies(op: str | None, version: str | None) -> bool:
    if op is None or version is None:
        return True
    wanted = tuple(int(part) for part in version.split("."))
    return sys.version_info[:2] < wanted if op == "<" else sys.version_info[:2] >= wanted


def expected_findings(source: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        for match in EXPECTATION.finditer(line):
            if _applies(match["op"], match["version"]):
                found.extend((number, code.strip()) for code in match["codes"].split(","))
    return sorted(found)


def fixture_options(source: str) -> dict[str, bool]:
    first = source.splitlines()[0] if source else ""
    return {"allow_top_level_await": "--async-tips-allow-top-level-await" in first}


def ignored_codes(source: str) -> set[str]:
    first = source.splitlines()[0] if source else ""
    match = re.search(r"--extend-ignore\s+([A-Z0-9,]+)", first)
    return set(match[1].split(",")) if match else set()


FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[str(path.relative_to(FIXTURES)) for path in FIXTURE_FILES])
def test_fixture(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    ignored = ignored_codes(source)
    # Linted from its own path, as flake8 lints it: a test module keeps its name (pytest binds fixtures to the
    # tests it collects), and a function called in it is looked for in the other files of the project.
    filename = str(path)
    findings = lint(source, filename=filename, **fixture_options(source))
    actual = sorted((line, code) for line, _, text in findings if (code := text.split(" ", 1)[0]) not in ignored)
    assert actual == expected_findings(source)


def test_fixtures_cover_both_reporting_and_clean_lines() -> None:
    for path in FIXTURE_FILES:
        source = path.read_text(encoding="utf-8")
        expectations = list(EXPECTATION.finditer(source))
        assert expectations or "clean" in path.name, f"{path.name} expects no finding on any Python"
        code_lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(code_lines) > len(expectations), f"{path.name} has no clean lines"
