"""CPython backs every expectation: each oracle fixture also runs as a program.

A fixture under fixtures/oracle/ that expects a finding names the failure
CPython shows for it (`# oracle: coroutine 'fetch' was never awaited`; a
version condition as in the fixtures: `# oracle[>=3.11]: ...`), and running
it must show that text. A fixture that expects no finding must run cleanly:
exit 0 and none of the failures the rules exist to prevent.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_fixtures import _applies, expected_findings, ignored_codes

ORACLE_FIXTURES = sorted((Path(__file__).parent / "fixtures" / "oracle").glob("*.py"))
ORACLE_LINE = re.compile(r"^#\s*oracle(?:\[(?P<op><|>=)(?P<version>\d+\.\d+)\])?:\s*(?P<text>.+?)\s*$", re.MULTILINE)

# What the await rules prevent, as CPython and the async libraries say it.
FAILURE_SIGNATURES = (
    "was never awaited",
    "Traceback",
    "Task was destroyed but it is pending",
    "Task exception was never retrieved",
    "Error:",
)


def oracle_texts(source: str) -> list[str]:
    return [match["text"] for match in ORACLE_LINE.finditer(source) if _applies(match["op"], match["version"])]


def run_program(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=env, cwd=path.parent
    )


@pytest.mark.parametrize("path", ORACLE_FIXTURES, ids=[path.name for path in ORACLE_FIXTURES])
def test_cpython_shows_the_failure_each_expectation_names(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    expected = [code for _, code in expected_findings(source) if code not in ignored_codes(source)]
    result = run_program(path)
    output = result.stdout + result.stderr
    if expected:
        texts = oracle_texts(source)
        assert texts, f"{path.name} expects {expected} but names no failure for this Python"
        assert any(text in output for text in texts), f"CPython did not show {texts}:\n{output}"
    else:
        assert result.returncode == 0, output
        shown = [signature for signature in FAILURE_SIGNATURES if signature in output]
        assert not shown, f"a clean program showed {shown}:\n{output}"


def test_every_oracle_code_has_a_bug_and_the_suite_has_clean_programs() -> None:
    # ASY2xx, ASY305 and ASY306 are compile-time: test_differential_compile.py is their oracle.
    oracle_codes = {
        *("ASY100", "ASY101", "ASY102", "ASY103", "ASY106", "ASY107", "ASY108", "ASY109", "ASY204"),
        *("ASY300", "ASY301", "ASY302", "ASY303", "ASY304", "ASY307", "ASY308"),
    }
    covered = {code for path in ORACLE_FIXTURES for _, code in expected_findings(path.read_text(encoding="utf-8"))}
    assert oracle_codes <= covered
    assert any(path.name.startswith("clean_") for path in ORACLE_FIXTURES)
