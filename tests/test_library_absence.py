"""The same expectations hold where the async libraries are not installed.

pre-commit runs flake8 in an isolated environment that has the plugin and
flake8 but not the project's dependencies. This test lints every fixture in
a Python started without site-packages (`-S`) whose path holds only the
plugin and what it depends on, and checks the findings are the ones the
full environment gives.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import lint
from test_fixtures import FIXTURE_FILES, fixture_options

TESTS = Path(__file__).parent
REPO = TESTS.parent
THIRD_PARTY = ("trio", "anyio", "aiohttp", "aiofiles", "aiofile")
PLUGIN_DEPENDENCIES = (
    "flake8",
    "pyflakes",
    "pycodestyle",
    "mccabe",
    "astroid",
    "flake8_plugin_utils",
    "typing_extensions",
)

LINT_ALL = """
import json, sys
sys.path[:0] = [{repo!r}, {tests!r}]
from support import lint
missing = []
for name in {third_party!r}:
    try:
        __import__(name)
    except ImportError:
        missing.append(name)
results = {{}}
for path, options in {fixtures!r}:
    with open(path, encoding="utf-8") as file:
        results[path] = lint(file.read(), **options)
print(json.dumps({{"missing": missing, "results": results}}))
"""


@pytest.fixture(scope="module")
def bare_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding links to the plugin's dependencies and nothing else."""
    folder = tmp_path_factory.mktemp("bare-site")
    for name in PLUGIN_DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue  # typing_extensions is only needed before 3.11
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        os.symlink(source, folder / source.name)
    return folder


def test_fixtures_give_the_same_findings_without_the_libraries(bare_path: Path) -> None:
    fixtures = [(str(path), fixture_options(path.read_text(encoding="utf-8"))) for path in FIXTURE_FILES]
    script = LINT_ALL.format(repo=str(REPO), tests=str(TESTS), third_party=THIRD_PARTY, fixtures=fixtures)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(bare_path)
    completed = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert sorted(report["missing"]) == sorted(THIRD_PARTY), "the libraries were still importable"
    for path in FIXTURE_FILES:
        source = path.read_text(encoding="utf-8")
        with_libraries = [list(finding) for finding in lint(source, **fixture_options(source))]
        assert report["results"][str(path)] == with_libraries, path.name
