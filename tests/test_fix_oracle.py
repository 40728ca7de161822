"""The fix command's oracle: a bug program CPython fails on runs clean once fixed.

For every fixable code, bug programs (the oracle fixtures the fix repairs,
and tests/fixtures/fix/) are copied, the real command fixes the copies in
one run, and both versions run under this interpreter: the bug must show the
failure its `# oracle:` line names, the fixed program must exit 0 with none
of the failures test_oracle.py watches for, and re-linting it must report
none of the codes that were fixed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import flake8
from test_fixtures import expected_findings
from test_oracle import FAILURE_SIGNATURES, oracle_texts, run_program

from flake8_async_tips.fix_rules import FIXABLE_CODES

FIXTURES = Path(__file__).parent / "fixtures"
# Oracle fixtures whose findings all have a certain fix (the others are listed, not fixed).
ORACLE_BUGS = [
    *sorted((FIXTURES / "oracle").glob("asy100_*.py")),
    FIXTURES / "oracle" / "asy103_asyncio_run_function.py",
    FIXTURES / "oracle" / "asy103_run_until_complete_function.py",
    FIXTURES / "oracle" / "asy108_if_coroutine.py",
    FIXTURES / "oracle" / "asy109_create_task_function.py",
    FIXTURES / "oracle" / "asy109_gather_function.py",
    *sorted((FIXTURES / "oracle").glob("asy30[0-3]_*.py")),
    FIXTURES / "oracle" / "asy304_await_time_sleep.py",
]
# Oracle fixtures of fixable codes whose findings have no certain fix: listed, left as they are.
NOT_FIXED = [FIXTURES / "oracle" / "asy302_with_task.py"]
ORACLE_BUGS = [path for path in ORACLE_BUGS if path not in NOT_FIXED]
BUGS = ORACLE_BUGS + sorted((FIXTURES / "fix").glob("*.py"))


@pytest.fixture(scope="module")
def fixed_copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fixed")
    for path in BUGS:
        shutil.copy(path, directory / path.name)
    result = subprocess.run(
        [sys.executable, "-m", "flake8_async_tips", "fix", "--isolated", "."],
        cwd=directory, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return directory


def _codes(path: Path) -> set[str]:
    return {code for _, code in expected_findings(path.read_text(encoding="utf-8"))}


def test_every_fixable_code_has_a_bug_program() -> None:
    covered = set().union(*(_codes(path) for path in BUGS))
    assert set(FIXABLE_CODES) <= covered


@pytest.mark.parametrize("bug", BUGS, ids=[path.name for path in BUGS])
def test_the_bug_fails_and_the_fixed_program_runs_clean(bug: Path, fixed_copies: Path) -> None:
    source = bug.read_text(encoding="utf-8")
    if not expected_findings(source):
        pytest.skip("no finding on this Python (`# error[>=3.11]: ...`): nothing to fix")
    texts = oracle_texts(source)
    if texts:  # ASY105's warning is only shown from Python 3.12 on
        shown = run_program(bug)
        assert any(text in shown.stdout + shown.stderr for text in texts), shown.stdout + shown.stderr
    fixed = fixed_copies / bug.name
    assert fixed.read_text(encoding="utf-8") != source
    compile(fixed.read_text(encoding="utf-8"), str(fixed), "exec")
    result = run_program(fixed)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Some programs print their own first line (the `# oracle:` comment): that is not a failure.
    own_lines = set(source.splitlines())
    shown_lines = "\n".join(line for line in output.splitlines() if line.rstrip("\n") not in own_lines)
    assert not [signature for signature in FAILURE_SIGNATURES if signature in shown_lines], output
    assert "DeprecationWarning" not in output


@pytest.mark.parametrize("bug", BUGS, ids=[path.name for path in BUGS])
def test_relinting_the_fixed_program_reports_none_of_the_fixed_codes(bug: Path, fixed_copies: Path) -> None:
    result = flake8("--isolated", "--select=ASY", bug.name, cwd=fixed_copies)
    reported = {line.split()[1] for line in result.stdout.splitlines() if line.strip()}
    assert not reported & _codes(bug), result.stdout


@pytest.mark.parametrize("bug", NOT_FIXED, ids=[path.name for path in NOT_FIXED])
def test_a_finding_without_a_certain_fix_is_listed_and_the_file_left_as_it_is(bug: Path, tmp_path: Path) -> None:
    copy = tmp_path / bug.name
    shutil.copy(bug, copy)
    result = subprocess.run(
        [sys.executable, "-m", "flake8_async_tips", "fix", "--isolated", bug.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not fixed automatically" in result.stdout
    assert copy.read_bytes() == bug.read_bytes()
