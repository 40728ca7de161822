"""The documentation agrees with the code: docs/rules.md, README, CHANGELOG, fixtures.

docs/rules.md is generated from the code classes' docstrings by
`python -m flake8_async_tips.docs`; these tests fail when it is out of date,
when a docstring lacks a section, when the set of codes differs between the
registry, docs/rules.md, the CHANGELOG's Unreleased section, the README's code
table and the fixtures' `# error:` expectations, and when what the docs say
an option does is not what the plugin does.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_fixtures import EXPECTATION

from flake8_async_tips import docs
from flake8_async_tips.checker import INTERNAL_ERROR_CODE, AsyncTipsChecker
from flake8_async_tips.options import ALLOW_TOP_LEVEL_AWAIT, COROUTINE_FUNCTIONS, DEFAULT_OFF, Config
from flake8_async_tips.rules import all_error_classes

REPO = Path(__file__).parent.parent
RULES_MD = REPO / "docs" / "rules.md"
README = REPO / "README.md"
CHANGELOG = REPO / "CHANGELOG.md"
FIXTURE_DIRS = [REPO / "tests" / "fixtures", REPO / "tests" / "fixture_packages"]

REGISTRY = [error.code for error in all_error_classes()]
ALL_CODES = sorted([*REGISTRY, INTERNAL_ERROR_CODE])
RENDERED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options", "Limits")
# A runtime error or warning as CPython prints it, quoted in backticks.
QUOTED_RUNTIME_MESSAGE = re.compile(r"`[^`]*(?:Error|Warning|Task was destroyed)[^`]*`")


def rules_md() -> str:
    return RULES_MD.read_text(encoding="utf-8")


def code_section(markdown: str, code: str) -> str:
    """The text under `### CODE`, up to the next code or family heading."""
    match = re.search(rf"^### {code}\n(.*?)(?=^### |^## |\Z)", markdown, flags=re.MULTILINE | re.DOTALL)
    assert match, f"docs/rules.md has no '### {code}' heading"
    return match[1]


def subsection(section: str, title: str) -> str:
    match = re.search(rf"^#### {re.escape(title)}\n(.*?)(?=^#### |\Z)", section, flags=re.MULTILINE | re.DOTALL)
    return match[1].strip() if match else ""


# -- docs/rules.md is generated and up to date ------------------------------


def test_rules_md_is_up_to_date() -> None:
    assert RULES_MD.exists(), "docs/rules.md is missing: run python -m flake8_async_tips.docs"
    assert rules_md() == docs.render(), "docs/rules.md is out of date: run python -m flake8_async_tips.docs"


def test_the_generator_writes_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "out" / "rules.md"
    assert docs.main(["--check", str(target)]) == 1  # missing counts as out of date
    assert docs.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == docs.render()
    assert docs.main(["--check", str(target)]) == 0
    target.write_text(docs.render() + "edited by hand\n", encoding="utf-8")
    assert docs.main(["--check", str(target)]) == 1


def test_python_dash_m_runs_the_generator(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    result = subprocess.run(
        [sys.executable, "-m", "flake8_async_tips.docs", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8") == docs.render()


def test_the_default_output_is_the_checkouts_rules_md() -> None:
    assert docs.default_output() == RULES_MD


# -- every code has every section ----------------------------------------------


@pytest.mark.parametrize("error", all_error_classes(), ids=lambda error: error.code)
def test_docstring_has_the_required_sections(error: type) -> None:
    summary, sections = docs.parse_docstring(error.code, error.__doc__)
    assert summary
    for title in docs.REQUIRED_SECTIONS:
        assert sections[title].strip(), f"{error.code}: empty {title!r}"
    for title in docs.CODE_SECTIONS:
        ast.parse(sections[title])  # the code blocks are Python


@pytest.mark.parametrize(
    ("docstring", "problem"),
    [
        (None, "no docstring"),
        (
            "Summary.\n\n    What it does:\n        x\n",
            "missing section(s) 'Why is this bad?', 'Example:', 'Use instead:'",
        ),
        (
            "Summary.\n\n    What it does:\n        x\n    Why is this bad?\n        y\n    Example:\n        a\n"
            "    Use instead:\n        b\n    Caveats:\n        c\n",
            "unknown section",
        ),
        (
            "Summary.\n\n    What it does:\n\n    Why is this bad?\n        y\n    Example:\n        a\n"
            "    Use instead:\n        b\n",
            "section 'What it does:' is empty",
        ),
    ],
)
def test_a_docstring_lacking_a_section_is_rejected(docstring: str | None, problem: str) -> None:
    with pytest.raises(docs.DocstringError, match=re.escape(problem)):
        docs.parse_docstring("ASY999", docstring)


@pytest.mark.parametrize("code", ALL_CODES)
def test_rules_md_has_every_subsection(code: str) -> None:
    section = code_section(rules_md(), code)
    title = section.strip().splitlines()[0]
    assert title.startswith("**") and title.endswith("**"), f"{code}: no title line"
    for heading in RENDERED_SECTIONS:
        assert subsection(section, heading), f"{code}: no '#### {heading}' text in docs/rules.md"


@pytest.mark.parametrize("code", REGISTRY)
def test_why_quotes_cpythons_error(code: str) -> None:
    why = subsection(code_section(rules_md(), code), "Why is this bad?")
    if code in docs.NO_RUNTIME_ERROR:
        assert "CPython raises nothing" in why
    else:
        assert QUOTED_RUNTIME_MESSAGE.search(why), f"{code}: 'Why is this bad?' quotes no CPython error"


@pytest.mark.parametrize("code", sorted(docs.RUNTIME_MESSAGE_SUPPLEMENT))
def test_runtime_message_supplements_are_what_cpython_prints(code: str) -> None:
    """A supplement is CPython's output for that code's oracle program, and only stands in for the docstring."""
    (error,) = [error for error in all_error_classes() if error.code == code]
    _, sections = docs.parse_docstring(code, error.__doc__)
    assert not QUOTED_RUNTIME_MESSAGE.search(sections["Why is this bad?"]), (
        f"{code}'s docstring now quotes CPython's error: drop it from RUNTIME_MESSAGE_SUPPLEMENT"
    )
    oracle_lines = [
        line.split(":", 1)[1].strip()
        for path in sorted((REPO / "tests" / "fixtures" / "oracle").glob(f"{code.lower()}_*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# oracle:")
    ]
    assert any(text in docs.RUNTIME_MESSAGE_SUPPLEMENT[code] for text in oracle_lines), oracle_lines


def test_default_off_codes_say_so() -> None:
    readme = README.read_text(encoding="utf-8")
    for code in DEFAULT_OFF:
        assert "Off by default" in subsection(code_section(rules_md(), code), "Options")
        assert f"--extend-select {code}" in rules_md()
        (row,) = [line for line in readme.splitlines() if line.startswith(f"| [{code}]")]
        assert "off by default" in row


# -- the same codes everywhere ----------------------------------------------------


def changelog_unreleased_codes() -> set[str]:
    text = CHANGELOG.read_text(encoding="utf-8")
    match = re.search(r"^## \[Unreleased\]\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "CHANGELOG.md has no '## [Unreleased]' section"
    return set(re.findall(r"\bASY\d{3}\b", match[1]))


def readme_table_rows() -> dict[str, str]:
    """code -> its row in the README's code table."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| \[?(ASY\d{3})\b", line)
        if match:
            assert match[1] not in rows, f"README lists {match[1]} twice"
            rows[match[1]] = line
    return rows


def fixture_codes() -> set[str]:
    found = set()
    for directory in FIXTURE_DIRS:
        for path in directory.rglob("*.py"):
            for match in EXPECTATION.finditer(path.read_text(encoding="utf-8")):
                found.update(code.strip() for code in match["codes"].split(","))
    return found


@pytest.mark.parametrize(
    ("where", "codes"),
    [
        ("docs/rules.md", lambda: set(docs.documented_codes(rules_md()))),
        ("CHANGELOG.md (Unreleased)", changelog_unreleased_codes),
        ("the README code table", lambda: set(readme_table_rows())),
    ],
)
def test_the_registry_and_the_docs_list_the_same_codes(where: str, codes) -> None:  # type: ignore[no-untyped-def]
    listed = codes()
    expected = set(ALL_CODES)
    assert listed == expected, f"{where}: missing {sorted(expected - listed)}, unknown {sorted(listed - expected)}"


def test_rules_md_lists_each_code_once_in_order() -> None:
    listed = docs.documented_codes(rules_md())
    assert sorted(listed[:-1]) == listed[:-1] == REGISTRY
    assert listed[-1] == INTERNAL_ERROR_CODE


def test_every_code_has_a_fixture() -> None:
    """ASY000 is exempt only while no fixture expects it (no source is meant to produce it)."""
    found = fixture_codes()
    exempt = {INTERNAL_ERROR_CODE} - found
    missing, unknown = sorted(set(ALL_CODES) - found - exempt), sorted(found - set(ALL_CODES))
    assert found | exempt == set(ALL_CODES), f"no fixture for {missing}; fixtures expect unknown codes {unknown}"


def test_readme_rows_link_to_their_docs() -> None:
    anchors = {code.lower() for code in docs.documented_codes(rules_md())}
    for code, row in readme_table_rows().items():
        link = f"[{code}](docs/rules.md#{code.lower()})"
        assert row.startswith(f"| {link} |"), f"README row for {code} does not start with {link}"
        assert code.lower() in anchors


def test_every_option_is_documented_with_its_config_key() -> None:
    readme = README.read_text(encoding="utf-8")
    option_docs, _ = docs.plugin_options_doc()
    assert {option.flag for option in option_docs} == {ALLOW_TOP_LEVEL_AWAIT, COROUTINE_FUNCTIONS}
    for option in option_docs:
        rows = [line for line in readme.splitlines() if line.startswith(f"| `{option.flag}` |")]
        assert len(rows) == 1, f"README's options table has no row for {option.flag}"
        assert f"`{option.config_key} = " in rows[0], f"README gives no config key for {option.flag}"
        assert f"| `{option.flag}` | `{option.config_key} = " in rules_md()


def test_readme_keeps_its_two_commands_first() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines[:16] if line.startswith("python3 -m venv")]
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install . && "
        ".venv/bin/flake8 --select ASY1,ASY2,ASY3,E9 --extend-select ASY104 examples/",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test,integration]' && .venv/bin/pytest",
    ]


# -- what the docs say the options do, checked ---------------------------------


def lint_codes(source: str, **config: object) -> set[str]:
    saved = AsyncTipsChecker.config
    AsyncTipsChecker.config = Config(**config)  # type: ignore[arg-type]
    try:
        checker = AsyncTipsChecker(ast.parse(source), source.splitlines(keepends=True), "example.py")
        return {text.split(" ", 1)[0] for _, _, text, _ in checker.run()}
    finally:
        AsyncTipsChecker.config = saved


# A call of `vendor.fetch`, which the plugin cannot see, reported as each code once declared.
DECLARED = frozenset({"vendor.fetch"})
COROUTINE_FUNCTION_CASES = {
    "ASY100": "import vendor\n\n\nasync def f():\n    vendor.fetch()\n",
    "ASY101": "import vendor\n\n\nasync def f():\n    result = vendor.fetch()\n",
    "ASY103": "import asyncio\n\nimport vendor\n\nasyncio.run(vendor.fetch)\n",
    "ASY107": "import threading\n\nimport vendor\n\nthreading.Thread(target=vendor.fetch).start()\n",
    "ASY108": "import vendor\n\n\nasync def f():\n    if vendor.fetch():\n        pass\n",
    "ASY109": "import asyncio\n\nimport vendor\n\n\nasync def f():\n    await asyncio.create_task(vendor.fetch)\n",
    "ASY204": "from vendor import fetch  # the async client\n\n\ndef refresh():\n    fetch()\n",
    "ASY301": "import vendor\n\n\nasync def f():\n    for row in vendor.fetch():\n        pass\n",
    "ASY302": "import vendor\n\n\nasync def f():\n    with vendor.fetch():\n        pass\n",
    "ASY304": "import vendor\n\n\nasync def f():\n    await vendor.fetch\n",
}
TOP_LEVEL_CASES = {
    "ASY200": "import asyncio\n\nawait asyncio.sleep(0)\n",
    "ASY201": "async def rows():\n    yield 1\n\nasync for row in rows():\n    pass\n",
    "ASY202": "import asyncio\n\nasync with asyncio.Lock():\n    pass\n",
    "ASY203": "async def rows():\n    yield 1\n\nnames = [row async for row in rows()]\n",
    "ASY300": "async for i in range(3):\n    pass\n",
    "ASY303": "async with open('data.txt'):\n    pass\n",
    "ASY304": "import time\n\nawait time.sleep(1)\n",
}


def test_every_documented_option_effect_has_a_case() -> None:
    assert set(COROUTINE_FUNCTION_CASES) == set(docs.COROUTINE_FUNCTIONS_FEEDS)
    assert set(TOP_LEVEL_CASES) == set(docs.TOP_LEVEL_AWAIT_PERMITS) | set(docs.TOP_LEVEL_AWAIT_CHECKS)
    for code in docs.COROUTINE_FUNCTIONS_FEEDS:
        assert COROUTINE_FUNCTIONS in subsection(code_section(rules_md(), code), "Options")
    for code in TOP_LEVEL_CASES:
        assert ALLOW_TOP_LEVEL_AWAIT in subsection(code_section(rules_md(), code), "Options")


@pytest.mark.parametrize("code", sorted(COROUTINE_FUNCTION_CASES))
def test_declared_coroutine_functions_feed_the_code(code: str) -> None:
    source = COROUTINE_FUNCTION_CASES[code]
    assert code not in lint_codes(source)
    assert code in lint_codes(source, coroutine_functions=DECLARED)


@pytest.mark.parametrize("code", docs.TOP_LEVEL_AWAIT_PERMITS)
def test_top_level_await_permits_the_code_at_module_level(code: str) -> None:
    source = TOP_LEVEL_CASES[code]
    assert code in lint_codes(source)
    assert code not in lint_codes(source, allow_top_level_await=True)


@pytest.mark.parametrize("code", docs.TOP_LEVEL_AWAIT_CHECKS)
def test_top_level_await_checks_the_code_at_module_level(code: str) -> None:
    source = TOP_LEVEL_CASES[code]
    assert code not in lint_codes(source)
    assert code in lint_codes(source, allow_top_level_await=True)


def test_declared_coroutine_functions_feed_asy204_in_a_file_that_never_says_async() -> None:
    """Found failing at 58acc97: AsyncInSyncRules.applies_to skipped files whose text never says
    'async' or 'await', so ASY204 missed declared (and other modules') coroutine functions there."""
    source = "from vendor import fetch\n\n\ndef refresh():\n    fetch()\n"
    assert "ASY204" in lint_codes(source, coroutine_functions=DECLARED)
