"""The await family through real flake8: default-off ASY104, cross-module
inference from an editor's buffer, and the coroutine-functions option."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import flake8

PACKAGES = Path(__file__).parent / "fixture_packages"

TWO_ENTRIES = """\
import asyncio


async def main():
    await asyncio.sleep(0)


asyncio.run(main())
asyncio.run(main())
"""


def test_asy104_is_off_by_default_and_on_with_extend_select(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(TWO_ENTRIES)
    default = flake8("--isolated", "app.py", cwd=tmp_path)
    assert "ASY104" not in default.stdout
    assert default.returncode == 0, default.stdout + default.stderr
    selected = flake8("--isolated", "--extend-select", "ASY104", "app.py", cwd=tmp_path)
    assert selected.stdout.strip() == (
        "app.py:9:1: ASY104 'asyncio.run()' starts another event loop in this module (the first is on line 8): "
        "run one main coroutine once"
    )
    assert selected.returncode == 1


def test_cross_module_inference_from_stdin_uses_the_display_name() -> None:
    services = PACKAGES / "shop" / "services.py"
    result = flake8(
        "--isolated",
        "--select",
        "ASY1,ASY2",
        "--stdin-display-name",
        str(services),
        "-",
        cwd=PACKAGES,
        stdin=services.read_text(encoding="utf-8"),
    )
    assert f"{services}:15:5: ASY100 coroutine 'fetch_order' is never awaited: add 'await'" in result.stdout
    assert f"{services}:50:5: ASY204 coroutine 'get_order' is never awaited" in result.stdout
    assert "Traceback" not in result.stderr


def test_coroutine_functions_option_from_setup_cfg(tmp_path: Path) -> None:
    source = "import vendor\n\n\nasync def main():\n    vendor.fetch()\n    vendor.Client().get()\n"
    (tmp_path / "app.py").write_text(source)
    assert flake8("app.py", cwd=tmp_path).stdout == ""
    (tmp_path / "setup.cfg").write_text("[flake8]\nasync-tips-coroutine-functions = vendor.fetch, vendor.Client.get\n")
    result = flake8("app.py", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "app.py:5:5: ASY100 coroutine 'vendor.fetch' is never awaited: add 'await'",
        "app.py:6:5: ASY100 coroutine 'vendor.Client().get' is never awaited: add 'await'",
    ]


def test_a_malformed_qualified_name_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "setup.cfg").write_text("[flake8]\nasync-tips-coroutine-functions = vendor.fetch, not a name\n")
    result = flake8("app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "flake8: error: --async-tips-coroutine-functions" in result.stderr
    assert "'not' is not a qualified name" in result.stderr


def test_parallel_jobs_give_the_same_findings(tmp_path: Path) -> None:
    for index in range(4):
        (tmp_path / f"module{index}.py").write_text(TWO_ENTRIES + "\n\nasync def g():\n    main()\n")
    serial = flake8("--isolated", "--select", "ASY", "-j1", ".", cwd=tmp_path)
    parallel = flake8("--isolated", "--select", "ASY", "-j2", ".", cwd=tmp_path)
    assert serial.stdout and sorted(serial.stdout.splitlines()) == sorted(parallel.stdout.splitlines())
    assert "Traceback" not in parallel.stderr


CONFTEST_LOOP = """\
import asyncio

import pytest


@pytest.fixture(autouse=True)
def loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
"""
TEST_GETS_THE_LOOP = """\
import asyncio


async def work():
    return 1


def run(coroutine):
    return asyncio.get_event_loop().run_until_complete(coroutine)


def test_x():
    loop = asyncio.get_event_loop()
    assert loop.run_until_complete(work()) == 1


def test_helper():
    assert run(work()) == 1
"""
SCRIPT_GETS_A_LOOP = """\
import asyncio


async def work():
    return 1


def main():
    loop = asyncio.get_event_loop()
    loop.run_until_complete(work())


if __name__ == "__main__":
    main()
"""


def test_asy105_is_silent_where_a_conftest_fixture_sets_the_loop(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST_LOOP)
    (tmp_path / "test_x.py").write_text(TEST_GETS_THE_LOOP)
    linted = flake8("--select", "ASY1,ASY2,ASY3,E9", ".", cwd=tmp_path)
    assert (linted.returncode, linted.stdout) == (0, ""), linted.stdout + linted.stderr
    # CPython agrees: with the fixture's loop set, get_event_loop() neither warns nor fails.
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::DeprecationWarning"]
        + ["test_x.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout


def test_asy105_reports_a_function_only_the_scripts_main_block_calls(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / "app.py").write_text(SCRIPT_GETS_A_LOOP)
    linted = flake8("--select", "ASY1,ASY2,ASY3,E9", "app.py", cwd=tmp_path)
    assert linted.stdout.splitlines() == [
        "app.py:9:12: ASY105 'asyncio.get_event_loop()' outside a coroutine: "
        "use asyncio.run() (or asyncio.new_event_loop())"
    ], linted.stdout + linted.stderr
    # The same text as a test module: pytest may have set a loop before any of it runs.
    (tmp_path / "app.py").rename(tmp_path / "test_app.py")
    assert flake8("--select", "ASY1,ASY2,ASY3,E9", "test_app.py", cwd=tmp_path).stdout == ""


CALLBACKS_WITH_ARGUMENTS = """\
import asyncio
import threading


async def worker(i):
    await asyncio.sleep(0)


async def fetch(url):
    await asyncio.sleep(0)


def start(count, options):
    for i in range(count):
        threading.Thread(target=worker, args=(i,)).start()
    threading.Thread(target=worker, kwargs=options).start()


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(fetch, "/")
    loop.call_later(1, fetch, "/later")
"""


def test_asy107_suggests_a_call_that_keeps_the_arguments(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / "app.py").write_text(CALLBACKS_WITH_ARGUMENTS)
    result = flake8("--select", "ASY107", "app.py", cwd=tmp_path)
    fixes = [line.split("without awaiting: ", 1)[1] for line in result.stdout.splitlines()]
    assert fixes == [
        "pass a sync wrapper, e.g. lambda: asyncio.run(worker(i))",
        "pass a sync wrapper, e.g. lambda: asyncio.run(worker(**options))",
        'schedule it instead: asyncio.create_task(fetch("/"))',
        'schedule it instead: asyncio.create_task(fetch("/later"))',
    ], result.stdout + result.stderr
