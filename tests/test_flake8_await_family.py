"""The await family through real flake8: default-off ASY104, cross-module
inference from an editor's buffer, and the coroutine-functions option."""

from __future__ import annotations

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
