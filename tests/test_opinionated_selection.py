"""Opinionated codes (ASY104) report only when the user names them in full.

flake8 lets an explicit `--select` of a prefix beat its default-ignore list,
and a project's `ignore = E501` replaces that list: either would turn ASY104
on for everyone who follows the README's `--select ASY1,ASY2,ASY3`. The
plugin reports ASY104 only when `ASY104` itself is in `--select` or
`--extend-select`, on the command line or in a config file. Every case runs
real flake8.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import flake8

SCRIPT = """\
import asyncio


async def main():
    asyncio.sleep(0)


asyncio.run(main())
asyncio.run(main())
"""
ASY100_LINE = "app.py:5:5: ASY100 coroutine 'asyncio.sleep' is never awaited: add 'await'"
ASY104_LINE = (
    "app.py:9:1: ASY104 'asyncio.run()' starts another event loop in this module "
    "(the first is on line 8): run one main coroutine once"
)


def lint(directory: Path, *args: str) -> list[str]:
    (directory / "app.py").write_text(SCRIPT)
    result = flake8(*args, "app.py", cwd=directory)
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stdout.splitlines() if ": ASY" in line]


@pytest.mark.parametrize(
    ("args", "reported", "others_selected"),
    [
        ((), False, True),
        (("--select", "ASY"), False, True),
        (("--select", "ASY1"), False, True),
        (("--select", "ASY10"), False, True),
        (("--select", "ASY1,ASY2,ASY3,E9"), False, True),
        (("--extend-select", "ASY1"), False, True),
        (("--ignore", "E501"), False, True),
        (("--select", "ASY104"), True, False),
        (("--select", "ASY1,ASY104"), True, True),
        (("--extend-select", "ASY104"), True, True),
        (("--select", "ASY1", "--extend-select", "ASY104"), True, True),
        (("--ignore", "E501", "--extend-select", "ASY104"), True, True),
        # Named, then ignored: flake8's own decision still applies.
        (("--extend-select", "ASY104", "--extend-ignore", "ASY104"), False, True),
        # The more precise code wins, as flake8 decides: ASY104 on, ASY100 off.
        (("--select", "ASY104", "--ignore", "ASY10"), True, False),
    ],
)
def test_command_line(tmp_path: Path, args: tuple[str, ...], reported: bool, others_selected: bool) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")  # stops flake8's upward search for configuration
    found = lint(tmp_path, *args)
    assert (ASY104_LINE in found) is reported, found
    assert (ASY100_LINE in found) is others_selected, found  # the rest of the family is flake8's to select


@pytest.mark.parametrize("config_file", ["setup.cfg", "tox.ini", ".flake8"])
@pytest.mark.parametrize(
    ("settings", "reported"),
    [
        ("extend-select = ASY104\n", True),
        ("select = ASY1,ASY2,ASY3,E9\n", False),
        ("select = ASY1,ASY104\n", True),
        ("ignore = E501\n", False),
        ("extend-select =\n    E9,\n    ASY104\n", True),
    ],
)
def test_config_file(tmp_path: Path, config_file: str, settings: str, reported: bool) -> None:
    (tmp_path / config_file).write_text("[flake8]\n" + settings)
    found = lint(tmp_path)
    assert (ASY104_LINE in found) is reported, found
    assert ASY100_LINE in found, found


def test_asy102_in_a_comprehension_leaves_the_scripts_entry_alone(tmp_path: Path) -> None:
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / "prices.py").write_text(
        "import asyncio\n\n\nasync def price(s):\n    return len(s)\n\n\n"
        "async def main(symbols):\n    return [asyncio.run(price(s)) for s in symbols]\n\n\n"
        'if __name__ == "__main__":\n    print(asyncio.run(main(["AAPL"])))\n'
    )
    result = flake8("--select", "ASY1,ASY104", "prices.py", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "prices.py:9:13: ASY102 'asyncio.run()' starts an event loop inside async function 'main', "
        "where one is already running: await the coroutine"
    ], result.stdout + result.stderr
