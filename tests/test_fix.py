"""`flake8-async-tips fix`: the edits (in process) and the real command (subprocesses)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import lint

from flake8_async_tips import fix
from flake8_async_tips.fix_edits import Finding, Fix, Module, Refusal, apply_edits
from flake8_async_tips.fix_rules import fix_for_finding

# --- in process: the checker class stands in for flake8 -----------------------


def findings_of(text: str) -> list[Finding]:
    return [Finding(line, col + 1, *message.split(" ", 1)) for line, col, message in lint(text)]


def fixed(text: str) -> fix.FileResult:
    return fix.fix_text(text, findings_of(text), findings_of)


def test_await_is_inserted_and_the_rest_of_the_line_is_kept() -> None:
    source = "import asyncio\n\n\nasync def main():\n    asyncio.sleep(0)  # a comment\n"
    assert fixed(source).fixed_text == source.replace("    asyncio", "    await asyncio")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("fetch().attr", "(await fetch()).attr"),
        ("fetch()[0]", "(await fetch())[0]"),
        ("fetch()()", "(await fetch())()"),
        ("-fetch()", "-await fetch()"),
        ("not fetch()", "not await fetch()"),
        ("fetch() + 1", "await fetch() + 1"),
    ],
)
def test_await_is_parenthesised_where_precedence_needs_it(expression: str, expected: str) -> None:
    source = f"async def fetch():\n    pass\n\n\nasync def main():\n    x = {expression}\n"
    column = source.splitlines()[5].index("fetch") + 1
    module = Module(source, [])
    outcome = fix_for_finding(module, Finding(6, column, "ASY100", "coroutine 'fetch' is never awaited"))
    assert isinstance(outcome, Fix)
    assert apply_edits(source, list(outcome.edits)).splitlines()[5] == f"    x = {expected}"


def test_columns_are_utf8_bytes_in_the_ast_and_characters_in_the_edit() -> None:
    source = 'import asyncio\n\n\nasync def main():\n    print("été"); asyncio.sleep(0)\n'
    assert fixed(source).fixed_text.splitlines()[4] == '    print("été"); await asyncio.sleep(0)'


def test_crlf_line_endings_and_comments_stay_byte_identical() -> None:
    source = "import asyncio\r\n# head\r\n\r\nasync def main():\r\n    with asyncio.Lock():  # keep\r\n\tpass\r\n"
    source = source.replace("\tpass", "        pass")
    result = fixed(source)
    assert result.fixed_text == source.replace("    with", "    async with")


def test_a_with_of_several_items_is_fixed_only_when_every_item_is_reported() -> None:
    source = "import asyncio\n\n\nasync def main():\n    with asyncio.Lock(), open('f'):\n        pass\n"
    result = fixed(source)
    assert result.fixed_text == source
    assert [reason for _, reason in result.left] == [
        "the other context managers of the statement are not reported alike"
    ]


def test_a_fix_that_needs_a_sync_function_to_become_async_is_not_applied() -> None:
    source = "async def rows():\n    yield 1\n\n\ndef main():\n    for row in rows():\n        pass\n"
    result = fixed(source)
    assert result.fixed_text == source
    assert [(f.code, reason) for f, reason in result.left] == [
        ("ASY301", "'main' is not async; making it async would change its callers")
    ]


def test_async_for_and_async_with_lose_async() -> None:
    source = (
        "async def main():\n    async for i in range(3):\n        pass\n"
        "    async with open('f') as handle:\n        pass\n    return [i async  for i in range(2)]\n"
    )
    assert fixed(source).fixed_text == (
        "async def main():\n    for i in range(3):\n        pass\n"
        "    with open('f') as handle:\n        pass\n    return [i for i in range(2)]\n"
    )


def test_a_comprehension_over_an_async_iterable_becomes_async_in_an_async_def() -> None:
    source = "async def rows():\n    yield 1\n\n\nasync def main():\n    return [r for r in rows()]\n"
    assert fixed(source).fixed_text.endswith("    return [r async for r in rows()]\n")


def test_a_function_is_called_only_when_it_needs_no_argument() -> None:
    source = (
        "import asyncio\n\n\nasync def work(delay):\n    pass\n\n\nasync def idle(delay=1, *, x=2):\n    pass\n\n\n"
        "async def main():\n    await asyncio.gather(work, idle)\n"
    )
    result = fixed(source)
    assert result.fixed_text.endswith("    await asyncio.gather(work, idle())\n")
    assert [reason for _, reason in result.left] == ["'work' needs arguments (delay)"]


def test_a_function_defined_elsewhere_is_not_called() -> None:
    source = "import asyncio\nfrom app import main\n\nasyncio.run(main)\n"
    result = fix.fix_text(source, [Finding(4, 1, "ASY103", "'asyncio.run()' needs a coroutine, "
                                           "got the function 'main': call it, 'main()'")], findings_of)
    assert result.fixed_text == source
    assert "its arguments are unknown" in result.left[0][1]


ENTRY = (
    "import asyncio\n\n\nasync def main():\n    pass\n\n\n"
    "loop = asyncio.get_event_loop()\nloop.run_until_complete(main())\n"
)


def test_the_event_loop_entry_idiom_becomes_asyncio_run() -> None:
    assert fixed(ENTRY).fixed_text.endswith("\n\n\nasyncio.run(main())\n")
    one_line = ENTRY.replace("loop = asyncio.get_event_loop()\nloop.", "asyncio.get_event_loop().")
    assert fixed(one_line).fixed_text == fixed(ENTRY).fixed_text


def test_a_loop_used_for_anything_else_is_kept() -> None:
    source = ENTRY + "loop.close()\n"
    result = fixed(source)
    assert result.fixed_text == source
    assert [f.code for f, _ in result.left] == ["ASY105"]


def test_sync_sleep_uses_the_imported_library_or_imports_asyncio() -> None:
    trio_source = "import time\nimport trio\n\n\nasync def main():\n    await time.sleep(1)\n"
    assert fixed(trio_source).fixed_text.endswith("    await trio.sleep(1)\n")
    bare = (
        '"""Doc."""\nfrom __future__ import annotations\nimport time\n\n\n'
        "async def main():\n    await time.sleep(1)\n"
    )
    assert fixed(bare).fixed_text == bare.replace("import time", "import asyncio\nimport time").replace(
        "time.sleep(1)", "asyncio.sleep(1)"
    )


def test_overlapping_fixes_are_applied_in_passes() -> None:
    # Both fixes add `import asyncio` at one place: the second waits for the next pass.
    source = "import time\n\n\nasync def main():\n    await time.sleep(1)\n    await time.sleep(2)\n"
    result = fixed(source)
    assert len(result.applied) == 2
    assert result.fixed_text.count("import asyncio") == 1
    assert "time.sleep" not in result.fixed_text


@pytest.mark.parametrize("name", ["construct_mismatch.py", "await_rules.py", "entered_values.py", "libraries.py"])
def test_fixing_is_idempotent_and_the_fixed_findings_are_gone(name: str) -> None:
    source = (Path(__file__).parent / "fixtures" / name).read_text(encoding="utf-8")
    first = fixed(source)
    assert first.applied
    if fix.compiles(source):
        compile(first.fixed_text, name, "exec")
    ast.parse(first.fixed_text)
    again = fixed(first.fixed_text)
    assert again.fixed_text == first.fixed_text and not again.applied
    fixed_sites = {(f.finding.code, f.finding.message) for f in first.applied}
    assert not fixed_sites & {(f.code, f.message) for f in findings_of(first.fixed_text)}


def test_other_codes_are_listed_as_not_fixed() -> None:
    source = "import asyncio\n\n\nasync def main():\n    result = asyncio.sleep(1)\n"
    result = fixed(source)
    assert [(f.code, reason) for f, reason in result.left] == [("ASY101", "not fixed automatically")]
    assert isinstance(fix_for_finding(Module(source, []), result.left[0][0]), Refusal)


# --- the real command ---------------------------------------------------------

BUG = "import asyncio\n\n\nasync def main():\n    asyncio.sleep(0)\n    with asyncio.Lock():\n        pass\n"
GOOD = BUG.replace("    asyncio.sleep", "    await asyncio.sleep").replace("    with", "    async with")


def command(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "flake8_async_tips", "fix", *args], cwd=cwd, input=stdin, capture_output=True,
        timeout=300,
    )


def test_the_command_fixes_in_place_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BUG)
    first = command("app.py", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "app.py").read_text() == GOOD
    assert b"app.py:5:5: ASY100" in first.stdout and b"(fixed)" in first.stdout
    second = command("app.py", cwd=tmp_path)
    assert second.returncode == 0 and (tmp_path / "app.py").read_text() == GOOD
    assert b"fixed 0 finding(s); 0 left" in second.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]  # no temporary file left


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BUG)
    result = command("--diff", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / "app.py").read_text() == BUG
    diff = result.stdout.decode()
    assert diff.startswith("--- a/app.py\n+++ b/app.py\n@@ ")
    assert "\n-    asyncio.sleep(0)\n" in diff and "\n+    await asyncio.sleep(0)\n" in diff


def test_stdin_prints_the_fixed_text(tmp_path: Path) -> None:
    result = command("-", cwd=tmp_path, stdin=BUG.encode())
    assert result.stdout.decode() == GOOD
    assert result.returncode == 0, result.stderr


def test_the_console_script_runs_the_command(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "flake8-async-tips"
    if not script.exists():
        pytest.skip("the console script is not installed in this environment")
    (tmp_path / "app.py").write_text(BUG)
    result = subprocess.run([str(script), "fix", "--diff", "app.py"], cwd=tmp_path, capture_output=True, timeout=300)
    assert b"+    await asyncio.sleep(0)" in result.stdout


def test_config_files_noqa_and_select_decide_what_is_fixed(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    ignored.py: ASY100\n")
    (tmp_path / "ignored.py").write_text(BUG)
    (tmp_path / "noqa.py").write_text(BUG.replace("sleep(0)", "sleep(0)  # noqa: ASY100"))
    (tmp_path / "selected.py").write_text(BUG)
    result = command("--select=ASY302", "ignored.py", "noqa.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ignored.py").read_text() == BUG.replace("    with", "    async with")
    assert "    asyncio.sleep(0)  # noqa: ASY100" in (tmp_path / "noqa.py").read_text()
    assert (tmp_path / "selected.py").read_text() == BUG  # not on the command line
    result = command("ignored.py", cwd=tmp_path)  # per-file-ignores still holds on a re-lint
    assert (tmp_path / "ignored.py").read_text() == BUG.replace("    with", "    async with")


def test_extra_flake8_options_are_passed_on(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-ignore = ASY100\n")
    (tmp_path / "app.py").write_text(BUG)
    command("--isolated", "app.py", cwd=tmp_path)  # --isolated: setup.cfg is not read
    assert (tmp_path / "app.py").read_text() == GOOD


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.py", b"async def main(:\n    asyncio.sleep(0)\n"),
        ("latin.py", b"import asyncio\n# caf\xe9\n\n\nasync def main():\n    asyncio.sleep(0)\n"),
    ],
)
def test_a_file_that_does_not_parse_or_decode_is_reported_and_untouched(
    tmp_path: Path, name: str, content: bytes
) -> None:
    (tmp_path / name).write_bytes(content)
    result = command(name, cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / name).read_bytes() == content
    assert f"{name}: ".encode() in result.stdout and b"left untouched" in result.stdout


def test_a_file_that_cannot_be_written_is_reported_and_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app.py").write_text(BUG)
    monkeypatch.chdir(tmp_path)

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(13, "Permission denied", destination)

    monkeypatch.setattr(os, "replace", refuse)
    assert fix.main(["app.py"]) == 1
    assert (tmp_path / "app.py").read_text() == BUG
    assert "app.py: [Errno 13] Permission denied" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


def test_python_m_without_fix_still_shows_the_docs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flake8_async_tips", "ASY100"], capture_output=True, text=True)
    assert result.returncode == 0 and "ASY100" in result.stdout


README_APP = """import asyncio
import time

from lib import fetch, ready


async def main():
    fetch()  # a comment the fix keeps
    if ready():
        with asyncio.Lock():
            await time.sleep(1)


asyncio.run(main)
"""


def test_the_readme_example_diff_is_what_the_command_prints(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```diff\n$ flake8-async-tips fix --diff ", 1)[1].split("```", 1)[0]
    arguments, shown = block.split("\n", 1)
    (tmp_path / "app.py").write_text(README_APP)
    result = command("--isolated", "--diff", *arguments.split(), cwd=tmp_path)
    assert result.stdout.decode() == shown
