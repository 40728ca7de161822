"""Cross-module inference: fixture packages linted from their real paths.

Each module under fixture_packages/ carries inline expectations like the
fixture files; the plugin reads the package's other modules (never imports
them) from the linted file's location, as it does from flake8 and from an
editor's `--stdin-display-name`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import lint
from test_fixtures import expected_findings, ignored_codes

PACKAGES = Path(__file__).parent / "fixture_packages"
MODULES = sorted(PACKAGES.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(PACKAGES)) for path in MODULES])
def test_fixture_module(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    ignored = ignored_codes(source) | {"ASY104"}
    findings = lint(source, filename=str(path))
    actual = sorted((line, code) for line, _, text in findings if (code := text.split(" ", 1)[0]) not in ignored)
    assert actual == expected_findings(source)


def test_cross_module_answers_need_the_file_location() -> None:
    """Without its path the module's imports point nowhere: silence, not guesses."""
    path = PACKAGES / "shop" / "services.py"
    findings = lint(path.read_text(encoding="utf-8"), filename="elsewhere.py")
    lines = {line for line, _, text in findings}
    assert 15 not in lines  # fetch_order, imported relatively
