"""The README's first command: flake8 on the bundled example shows every code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from flake8_async_tips.rules import all_error_classes

REPO = Path(__file__).parent.parent


def test_the_example_shows_a_finding_of_every_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "ASY1,ASY2,ASY3,E9", "--extend-select", "ASY104", "examples/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    shown = set(re.findall(r": (ASY\d{3}) ", result.stdout))
    assert shown == {error.code for error in all_error_classes()}
    # Each finding's line says which code it is meant to show.
    example = (REPO / "examples" / "async_mistakes.py").read_text(encoding="utf-8").splitlines()
    for line in result.stdout.splitlines():
        number, code = re.search(r":(\d+):\d+: (ASY\d{3}) ", line).groups()
        assert code in example[int(number) - 1], line
