"""`python -m flake8_async_tips [CODE]`: the documentation, read from the installed package.

A user who installed only the plugin (no checkout, no docs/rules.md) lists
the codes and reads one code's full documentation, as `ruff rule` does; the
package's metadata points to the project's home, docs, changelog and issues.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_async_tips.rules import all_error_classes

REPO = Path(__file__).parent.parent
HOME = "https://github.com/flake8-async-tips/flake8-async-tips"


def docs_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # From a directory with no checkout in it: what the installed package alone gives.
    return subprocess.run(
        [sys.executable, "-m", "flake8_async_tips", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_without_a_code_it_lists_every_code(tmp_path: Path) -> None:
    result = docs_command(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("ASY")]
    assert listed == sorted(["ASY000", *(error.code for error in all_error_classes())])
    assert "ASY104  (Opinionated, off by default)" in result.stdout
    assert "python -m flake8_async_tips ASY100" in result.stdout


@pytest.mark.parametrize("given", ["ASY100", "asy104", "ASY000"])
def test_one_code_prints_its_whole_documentation_as_rules_md_has_it(tmp_path: Path, given: str) -> None:
    result = docs_command(given, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for heading in ("#### What it does", "#### Why is this bad?", "#### Example", "#### Use instead", "#### Options"):
        assert heading in text, heading
    # The same text as the checked-in docs/rules.md, section for section.
    rules_md = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text.startswith(f"### {given.upper()}\n")
    assert text.rstrip("\n") in rules_md


def test_an_unknown_code_is_an_error_naming_the_codes(tmp_path: Path) -> None:
    result = docs_command("ASY999", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown code 'ASY999'" in result.stderr and "ASY100" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_package_metadata_links_home_docs_changelog_and_issues() -> None:
    urls = dict(
        entry.split(", ", 1) for entry in importlib.metadata.metadata("flake8-async-tips").get_all("Project-URL") or []
    )
    assert urls["Homepage"] == HOME
    assert set(urls) == {"Homepage", "Documentation", "Changelog", "Issues"}
    assert all(url.startswith(HOME) for url in urls.values()), urls
