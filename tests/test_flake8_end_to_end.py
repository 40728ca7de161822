"""Real flake8, run as a subprocess: what a user sees on the command line.

Every test runs `python -m flake8` in its own tmp_path. Unless a test is
about a config file, the directory gets a `.flake8` with an empty `[flake8]`
section so that flake8's upward search for configuration stops there and a
stray setup.cfg/tox.ini above tmp_path cannot change the outcome. `--isolated`
is used only where a config file present in the directory must be ignored.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from support import flake8

import flake8_async_tips

TIMEOUT = 120

# A line of flake8's default output format: path:line:col: CODE message
OUTPUT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")

SAMPLE = """\
import asyncio


def load(url):
    return await fetch(url)


async def rows(cursor):
    yield from cursor.batch()


def save(lock):
    async with lock:
        pass


async def main():
    asyncio.sleep(1)
"""
# 1-based columns, as flake8 prints them.
SAMPLE_ASY = [
    (5, 12, "ASY200"),
    (9, 5, "ASY305"),
    (13, 5, "ASY202"),
    (18, 5, "ASY100"),
]

MODULE_AWAIT = "import asyncio\n\nawait asyncio.sleep(0)\n"
MODULE_AWAIT_FINDING = (3, 1, "ASY200")


def run_flake8(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return flake8(*args, cwd=cwd, stdin=stdin, timeout=TIMEOUT)


def findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int, str, str]]:
    """(path, line, col, code, message) of each stdout line; every line must parse."""
    parsed = []
    for raw in result.stdout.splitlines():
        match = OUTPUT_LINE.match(raw)
        assert match, f"unexpected flake8 output line: {raw!r}\nstderr:\n{result.stderr}"
        parsed.append(
            (match["path"], int(match["line"]), int(match["col"]), match["code"], match["message"])
        )
    return parsed


def asy(result: subprocess.CompletedProcess[str]) -> list[tuple[int, int, str]]:
    return [(line, col, code) for _, line, col, code, _ in findings(result) if code.startswith("ASY")]


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    assert "flake8_async_tips" not in result.stderr, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory whose empty [flake8] section stops flake8's upward config search."""
    (tmp_path / ".flake8").write_text("[flake8]\n")
    return tmp_path


# -- output format and positions -------------------------------------------


def test_file_on_disk_exact_positions(project: Path) -> None:
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "sample.py")
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = findings(result)
    assert {path for path, *_ in lines} == {"sample.py"}
    assert asy(result) == SAMPLE_ASY
    # Other plugins' findings are interleaved, sorted by position.
    assert ("sample.py", 5, 18, "F821") in [row[:4] for row in lines]
    assert [(line, col) for _, line, col, _, _ in lines] == sorted((line, col) for _, line, col, _, _ in lines)


def test_exact_output_lines(project: Path) -> None:
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "--select", "ASY", "sample.py")
    assert result.stdout.splitlines() == [
        "sample.py:5:12: ASY200 'await' inside non-async function 'load': make 'load' async",
        "sample.py:9:5: ASY305 'yield from' inside async function 'rows': "
        "loop with 'for'/'async for' and 'yield' each item",
        "sample.py:13:5: ASY202 'async with' inside non-async function 'save': make 'save' async or use 'with'",
        "sample.py:18:5: ASY100 coroutine 'asyncio.sleep' is never awaited: add 'await'",
    ]
    assert result.returncode == 1


def test_file_in_subdirectory_keeps_its_path(project: Path) -> None:
    package = project / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(SAMPLE)
    result = run_flake8(project, "--select", "ASY", ".")
    paths = {path for path, *_ in findings(result)}
    assert {Path(path).as_posix().removeprefix("./") for path in paths} == {"pkg/mod.py"}
    assert asy(result) == SAMPLE_ASY


def test_stdin_with_display_name(project: Path) -> None:
    result = run_flake8(project, "--stdin-display-name", "app.py", "-", stdin=SAMPLE)
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = findings(result)
    assert lines, result.stderr
    assert {path for path, *_ in lines} == {"app.py"}
    assert asy(result) == SAMPLE_ASY


def test_stdin_clean_source(project: Path) -> None:
    result = run_flake8(project, "--stdin-display-name", "app.py", "-", stdin="async def f():\n    return 1\n")
    assert (result.returncode, result.stdout) == (0, "")


def test_version_names_plugin_and_version(project: Path) -> None:
    result = run_flake8(project, "--version")
    assert result.returncode == 0
    # flake8 wraps the plugin list: compare with whitespace normalised.
    text = " ".join(result.stdout.split())
    assert f"flake8-async-tips: {flake8_async_tips.__version__}" in text


def test_help_lists_option(project: Path) -> None:
    result = run_flake8(project, "--help")
    assert result.returncode == 0
    assert "--async-tips-allow-top-level-await" in result.stdout


# -- noqa, selection --------------------------------------------------------


def test_noqa(project: Path) -> None:
    (project / "noqa.py").write_text(
        "def bare(x):\n"
        "    return await x  # noqa\n"
        "\n\n"
        "def coded(x):\n"
        "    return await x  # noqa: ASY200\n"
        "\n\n"
        "def other_code(x):\n"
        "    return await x  # noqa: ASY201\n"
        "\n\n"
        "def several(x):\n"
        "    return await x  # noqa: E501,ASY200\n"
    )
    result = run_flake8(project, "--select", "ASY", "noqa.py")
    assert asy(result) == [(10, 12, "ASY200")]
    assert result.returncode == 1


def test_noqa_prefix_of_code(project: Path) -> None:
    """flake8 matches `# noqa:` codes by prefix: ASY2 covers ASY200, ASY3 does not."""
    (project / "noqa.py").write_text(
        "def a(x):\n    return await x  # noqa: ASY2\n\n\ndef b(x):\n    return await x  # noqa: ASY3\n"
    )
    result = run_flake8(project, "--select", "ASY", "noqa.py")
    assert asy(result) == [(6, 12, "ASY200")]


def test_select_family_prefix(project: Path) -> None:
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "--select", "ASY2", "sample.py")
    codes = [code for *_, code, _ in findings(result)]
    assert codes == ["ASY200", "ASY202"]
    assert "ASY305" not in codes and "ASY100" not in codes
    assert result.returncode == 1


def test_select_several_prefixes(project: Path) -> None:
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "--select", "ASY1,ASY2,ASY3", "sample.py")
    assert [(line, col, code) for _, line, col, code, _ in findings(result)] == SAMPLE_ASY


def test_extend_ignore(project: Path) -> None:
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "--extend-ignore", "ASY200", "sample.py")
    assert asy(result) == [(9, 5, "ASY305"), (13, 5, "ASY202"), (18, 5, "ASY100")]
    # The default selection still reports the other plugins.
    assert any(code == "F821" for *_, code, _ in findings(result))


def test_select_only_other_codes_hides_plugin(project: Path) -> None:
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "--select", "F", "sample.py")
    assert asy(result) == []


# -- exit codes -------------------------------------------------------------


def test_exit_code_one_with_findings(project: Path) -> None:
    (project / "bad.py").write_text("def f(x):\n    return await x\n")
    result = run_flake8(project, "bad.py")
    assert result.returncode == 1
    assert asy(result) == [(2, 12, "ASY200")]


def test_exit_code_zero_without_findings(project: Path) -> None:
    (project / "good.py").write_text("async def f(x):\n    return await x\n")
    result = run_flake8(project, "good.py")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_exit_code_zero_with_exit_zero(project: Path) -> None:
    (project / "bad.py").write_text("def f(x):\n    return await x\n")
    result = run_flake8(project, "--exit-zero", "bad.py")
    assert result.returncode == 0
    assert asy(result) == [(2, 12, "ASY200")]


def test_exit_code_zero_when_findings_ignored(project: Path) -> None:
    (project / "bad.py").write_text("def f(x):\n    return await x\n")
    result = run_flake8(project, "--extend-ignore", "ASY", "bad.py")
    assert (result.returncode, result.stdout) == (0, "")


# -- the option: command line and config files -------------------------------


def test_top_level_await_reported_by_default(project: Path) -> None:
    (project / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(project, "--select", "ASY", "notebook.py")
    assert asy(result) == [MODULE_AWAIT_FINDING]
    assert result.returncode == 1


def test_top_level_await_option_on_command_line(project: Path) -> None:
    (project / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(project, "--select", "ASY", "--async-tips-allow-top-level-await", "notebook.py")
    assert (result.returncode, result.stdout) == (0, "")
    assert_no_traceback(result)


def test_top_level_await_option_keeps_other_findings(project: Path) -> None:
    (project / "notebook.py").write_text(MODULE_AWAIT + "\n\ndef f(x):\n    return await x\n")
    result = run_flake8(project, "--select", "ASY", "--async-tips-allow-top-level-await", "notebook.py")
    assert asy(result) == [(7, 12, "ASY200")]


CONFIG_FILES = ["setup.cfg", "tox.ini", ".flake8"]


@pytest.mark.parametrize(
    ("config_name", "value"),
    [(name, "true") for name in CONFIG_FILES] + [("setup.cfg", value) for value in ("True", "1", "yes", "on")],
)
def test_top_level_await_option_from_config(tmp_path: Path, config_name: str, value: str) -> None:
    (tmp_path / config_name).write_text(f"[flake8]\nasync-tips-allow-top-level-await = {value}\n")
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(tmp_path, "--select", "ASY", "notebook.py")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize("config_name", CONFIG_FILES)
def test_top_level_await_option_false_in_config(tmp_path: Path, config_name: str) -> None:
    (tmp_path / config_name).write_text("[flake8]\nasync-tips-allow-top-level-await = false\n")
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(tmp_path, "--select", "ASY", "notebook.py")
    assert asy(result) == [MODULE_AWAIT_FINDING]


def test_underscore_spelling_in_config(tmp_path: Path) -> None:
    """flake8 also accepts the option's dest name (underscores) as a config key."""
    (tmp_path / "setup.cfg").write_text("[flake8]\nasync_tips_allow_top_level_await = true\n")
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(tmp_path, "--select", "ASY", "notebook.py")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_isolated_ignores_config(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[flake8]\nasync-tips-allow-top-level-await = true\n")
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(tmp_path, "--isolated", "--select", "ASY", "notebook.py")
    assert asy(result) == [MODULE_AWAIT_FINDING]


def test_explicit_config_option(tmp_path: Path) -> None:
    (tmp_path / "custom.cfg").write_text("[flake8]\nasync-tips-allow-top-level-await = true\n")
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT)
    (tmp_path / ".flake8").write_text("[flake8]\n")
    result = run_flake8(tmp_path, "--config", "custom.cfg", "--select", "ASY", "notebook.py")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_config_select_and_option_together(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text(
        "[tox]\nenvlist = py\n\n[flake8]\nselect = ASY\nasync-tips-allow-top-level-await = true\n"
    )
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT + "\n\ndef f(x):\n    return await x\n")
    result = run_flake8(tmp_path, "notebook.py")
    assert asy(result) == [(7, 12, "ASY200")]
    assert [code for *_, code, _ in findings(result)] == ["ASY200"]


@pytest.mark.parametrize("config_name", CONFIG_FILES)
def test_invalid_boolean_in_config(tmp_path: Path, config_name: str) -> None:
    """An unknown boolean fails the run, and the failure is not the plugin's.

    Observed with flake8 7.x: flake8 reads the value with
    `configparser.getboolean`, which raises `ValueError: Not a boolean: maybe`;
    flake8 does not catch it, so it prints a Python traceback of its own
    (flake8/options/config.py -> configparser) and exits 1. No frame of
    flake8_async_tips is involved: the plugin never sees the value.
    """
    (tmp_path / config_name).write_text("[flake8]\nasync-tips-allow-top-level-await = maybe\n")
    (tmp_path / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(tmp_path, "notebook.py")
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Not a boolean: maybe" in result.stderr
    assert "flake8_async_tips" not in result.stderr
    if "Traceback" in result.stderr:
        # flake8's own traceback: the last frames are flake8's config reading and configparser.
        assert "flake8/options/config.py" in result.stderr.replace("\\", "/")
        assert result.stderr.rstrip().splitlines()[-1] == "ValueError: Not a boolean: maybe"


def test_option_takes_no_value_on_command_line(project: Path) -> None:
    (project / "notebook.py").write_text(MODULE_AWAIT)
    result = run_flake8(project, "--async-tips-allow-top-level-await=maybe", "notebook.py")
    assert result.returncode == 2  # argparse's usage error
    assert "ignored explicit argument 'maybe'" in result.stderr
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


# -- broken input -----------------------------------------------------------


def test_syntax_error_reports_e999_only(project: Path) -> None:
    (project / "broken.py").write_text("async def f(:\n    await x\n")
    result = run_flake8(project, "broken.py")
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = findings(result)
    assert [code for *_, code, _ in lines] == ["E999"]
    # The column is CPython's error location and differs between versions.
    assert lines[0][:2] == ("broken.py", 1)
    assert lines[0][4].startswith("SyntaxError")


def test_syntax_error_file_does_not_stop_other_files(project: Path) -> None:
    (project / "broken.py").write_text("def f(:\n")
    (project / "sample.py").write_text(SAMPLE)
    result = run_flake8(project, "--select", "E999,ASY", "broken.py", "sample.py")
    assert_no_traceback(result)
    rows = [(path, line, code) for path, line, _, code, _ in findings(result)]
    assert rows == [("broken.py", 1, "E999")] + [("sample.py", line, code) for line, _, code in SAMPLE_ASY]
    assert asy(result) == SAMPLE_ASY
