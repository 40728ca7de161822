"""The tools the plugin is used through, each run for real.

python-lsp-server, pre-commit, tox and the flake8-json / flake8-sarif
formatters come from the `integration` extra
(`pip install -e '.[test,integration]'`); a test whose tool is missing is
skipped and says which. flake8-async is installed by its test into a
virtualenv of its own, so that its `ASYNC` codes cannot change what the
other tests see. pre-commit and the flake8-async test need the package
index (pip) to build their environments.

Plain flake8 conventions (per-file-ignores, --show-source, --format=pylint,
--jobs with cross-module inference) and bad input from the user are here
too, where tests/test_flake8_end_to_end.py and
tests/test_flake8_await_family.py do not already cover them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import flake8

REPO = Path(__file__).parent.parent
PACKAGES = Path(__file__).parent / "fixture_packages"
BIN = Path(sys.executable).parent
TIMEOUT = 120
INSTALL_TIMEOUT = 600

BAD_SOURCE = """\
import asyncio


def load(url):
    return await fetch(url)


async def main():
    asyncio.sleep(1)
"""
BAD_FINDINGS = [(5, 12, "ASY200"), (9, 5, "ASY100")]


def require_module(module: str, package: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{package} is not installed: pip install -e '.[integration]'")


def run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None, timeout: int = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout)


def tool_env(**extra: str) -> dict[str, str]:
    """The environment, with this interpreter's scripts (flake8, pylsp...) first on the PATH."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PRE_COMMIT", "TOX_", "PIP_REQUIRE"))}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.update(extra)
    return env


def assert_no_plugin_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "flake8_async_tips" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


def asy_lines(text: str) -> list[tuple[int, int, str]]:
    return [
        (int(line), int(col), code)
        for line, col, code in re.findall(r"^.+?:(\d+):(\d+): (ASY\d{3}) ", text, flags=re.MULTILINE)
    ]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory whose empty [flake8] section stops flake8's upward config search."""
    (tmp_path / ".flake8").write_text("[flake8]\n")
    return tmp_path


# -- python-lsp-server ------------------------------------------------------------


class LspClient:
    """A minimal JSON-RPC client over a server's stdio (LSP's Content-Length framing)."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stderr = b""
        self.next_id = 0
        threading.Thread(target=self._read_messages, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_messages(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                headers = {}
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = stream.read(int(headers["content-length"]))
                self.messages.put(json.loads(body))
        finally:
            self.messages.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()

    def send(self, method: str, params: dict[str, Any], *, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()
        return message.get("id")

    def wait_for(self, predicate: Any, timeout: float) -> dict[str, Any]:
        """The first message the predicate accepts; the ones before it are dropped."""
        deadline = time.monotonic() + timeout
        seen = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                break
            if message is None:
                pytest.fail(f"the server exited; messages: {seen}\nstderr: {self.stderr.decode(errors='replace')}")
            if predicate(message):
                return message
            seen.append(message)
        pytest.fail(f"no matching message within {timeout}s; got: {json.dumps(seen)[:3000]}")

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                request = self.send("shutdown", {}, request=True)
                self.wait_for(lambda message: message.get("id") == request, timeout=10)
                self.send("exit", {})
                self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - whatever happened, the server must not outlive the test
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)


PYLSP_SETTINGS = {
    "pylsp": {
        "plugins": {
            "flake8": {"enabled": True, "executable": str(BIN / "flake8")},
            "pycodestyle": {"enabled": False},
            "pyflakes": {"enabled": False},
            "mccabe": {"enabled": False},
        }
    }
}


@pytest.fixture
def pylsp_client(project: Path) -> Iterator[LspClient]:
    require_module("pylsp", "python-lsp-server")
    client = LspClient([sys.executable, "-m", "pylsp"], cwd=project, env=tool_env())
    try:
        request = client.send(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": project.as_uri(),
                "capabilities": {},
                "initializationOptions": PYLSP_SETTINGS,
            },
            request=True,
        )
        client.wait_for(lambda message: message.get("id") == request, timeout=60)
        client.send("initialized", {})
        client.send("workspace/didChangeConfiguration", {"settings": PYLSP_SETTINGS})
        yield client
    finally:
        client.close()


def open_buffer(client: LspClient, path: Path, text: str) -> list[dict[str, Any]]:
    """Open an unsaved buffer; the diagnostics pylsp publishes for it."""
    uri = path.as_uri()
    client.send(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    message = client.wait_for(
        lambda message: message.get("method") == "textDocument/publishDiagnostics"
        and message["params"]["uri"] == uri
        and message["params"]["diagnostics"],
        timeout=60,
    )
    return message["params"]["diagnostics"]


def test_pylsp_publishes_the_asy_finding_of_an_unsaved_buffer(pylsp_client: LspClient, project: Path) -> None:
    buffer = project / "app.py"  # never written to disk
    diagnostics = open_buffer(pylsp_client, buffer, BAD_SOURCE)
    assert not buffer.exists()
    asy = sorted(
        (item["range"]["start"]["line"] + 1, item["range"]["start"]["character"] + 1, item["code"])
        for item in diagnostics
        if item.get("code", "").startswith("ASY")
    )
    assert asy == BAD_FINDINGS
    assert {item["source"] for item in diagnostics} == {"flake8"}
    (await_outside,) = [item for item in diagnostics if item["code"] == "ASY200"]
    assert await_outside["message"].startswith("ASY200 'await' inside non-async function 'load'")


def test_pylsp_buffer_sees_the_projects_other_modules(pylsp_client: LspClient, project: Path) -> None:
    """pylsp passes the buffer's path as --stdin-display-name: cross-module inference still works."""
    shutil.copytree(PACKAGES / "shop", project / "shop")
    buffer = project / "shop" / "editing.py"
    source = "from .db import fetch_order\n\n\nasync def handle(order_id):\n    fetch_order(order_id)\n"
    diagnostics = open_buffer(pylsp_client, buffer, source)
    asy = [(item["range"]["start"]["line"] + 1, item["code"]) for item in diagnostics if item["code"].startswith("ASY")]
    assert asy == [(5, "ASY100")], diagnostics


# -- pre-commit ---------------------------------------------------------------------


def test_the_hook_definition() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML (a pre-commit dependency) is not installed")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "flake8-async-tips"
    assert (hook["entry"], hook["language"], hook["types"]) == ("flake8", "python", ["python"])
    assert hook["args"] == ["--select", "ASY1,ASY2,ASY3,E9"]
    assert "additional_dependencies" not in hook  # the repository installs itself


def snapshot_of_working_tree(destination: Path) -> Path:
    """This checkout's files as they are now (tracked and new, not ignored), committed in a new git repository.

    `pre-commit try-repo` clones a repository, and a clone holds only what is committed.
    """
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO)
    if listed.returncode == 0:
        for name in filter(None, listed.stdout.split("\0")):
            source = REPO / name
            if source.is_file():
                (destination / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination / name)
    else:  # not a git checkout (an unpacked sdist): copy all but what git would ignore
        shutil.copytree(
            REPO,
            destination,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".git", ".venv", ".tox", "build", "dist", "*.egg-info", "__pycache__"),
        )
    commit_everything(destination)
    return destination


def commit_everything(directory: Path) -> None:
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "snapshot"]):
        result = run([*git, *args], cwd=directory)
        assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_pre_commit_try_repo_fails_on_the_asy_finding(tmp_path: Path) -> None:
    require_module("pre_commit", "pre-commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook_repo = snapshot_of_working_tree(tmp_path / "hook-repo")
    user_repo = tmp_path / "user-repo"
    user_repo.mkdir()
    run(["git", "init", "-q"], cwd=user_repo)
    (user_repo / "app.py").write_text(BAD_SOURCE)
    (user_repo / "notes.txt").write_text("await is not Python here\n")
    (user_repo / "broken.py").write_text("def f(:\n    pass\n")  # the hook's E9: it must not pass silently
    run(["git", "add", "app.py", "notes.txt", "broken.py"], cwd=user_repo)
    env = tool_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "flake8-async-tips", "--all-files"]

    failed = run(command, cwd=user_repo, env=env, timeout=INSTALL_TIMEOUT)
    output = failed.stdout + failed.stderr
    if failed.returncode not in (0, 1) or "An unexpected error has occurred" in output:
        pytest.fail(f"pre-commit could not run the hook (does pip reach the package index?):\n{output}")
    assert failed.returncode == 1, output
    assert re.search(r"^flake8-async-tips\.+Failed$", failed.stdout, flags=re.MULTILINE), output
    assert "app.py:5:12: ASY200 'await' inside non-async function 'load'" in failed.stdout
    assert "app.py:9:5: ASY100 coroutine 'asyncio.sleep' is never awaited" in failed.stdout
    assert "notes.txt" not in failed.stdout  # types: [python]
    assert re.search(r"^broken\.py:\d+:\d+: E999 SyntaxError", failed.stdout, flags=re.MULTILINE), output

    assert run(["git", "rm", "-qf", "broken.py"], cwd=user_repo).returncode == 0

    (user_repo / "app.py").write_text("import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n")
    run(["git", "add", "app.py"], cwd=user_repo)
    passed = run(command, cwd=user_repo, env=env, timeout=INSTALL_TIMEOUT)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^flake8-async-tips\.+Passed$", passed.stdout, flags=re.MULTILINE), passed.stdout


# -- tox ------------------------------------------------------------------------------


def tox(command: str, *args: str, workdir: Path, timeout: int = INSTALL_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """`tox COMMAND --workdir WORKDIR ARGS...`, run from the repository root (tox's own files go to WORKDIR)."""
    command_line = [sys.executable, "-m", "tox", command, "--workdir", str(workdir), *args]
    return run(command_line, cwd=REPO, env=tool_env(), timeout=timeout)


def test_tox_configuration_lists_lint_and_every_python(tmp_path: Path) -> None:
    require_module("tox", "tox")
    listed = tox("list", "--no-desc", workdir=tmp_path, timeout=TIMEOUT)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    envs = listed.stdout.split()
    assert envs[:6] == ["lint", "py310", "py311", "py312", "py313", "py314"], listed.stdout
    core = tox("config", "--core", "-k", "skip_missing_interpreters", workdir=tmp_path, timeout=TIMEOUT)
    assert "skip_missing_interpreters = True" in core.stdout, core.stdout + core.stderr
    lint = tox("config", "-e", "lint", "-k", "commands", workdir=tmp_path, timeout=TIMEOUT)
    assert "commands = flake8 --select ASY1,ASY2,ASY3,E9 flake8_async_tips tests" in lint.stdout, lint.stdout


@pytest.mark.slow
def test_tox_lint_env_lints_the_project_with_the_plugin(tmp_path: Path) -> None:
    require_module("tox", "tox")
    result = tox("run", "-e", "lint", workdir=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "commands[0]> flake8 --select ASY1,ASY2,ASY3,E9 flake8_async_tips tests" in output
    assert "lint: OK" in output
    # The env's flake8 has the plugin, and it fails the env on a finding.
    version = tox("exec", "-e", "lint", "--", "flake8", "--version", workdir=tmp_path, timeout=TIMEOUT)
    assert "flake8-async-tips" in " ".join(version.stdout.split()), version.stdout + version.stderr
    bad = tmp_path / "bad.py"
    bad.write_text(BAD_SOURCE)
    found = tox(
        "exec", "-e", "lint", "--", "flake8", "--isolated", "--select", "ASY1,ASY2,ASY3", str(bad),
        workdir=tmp_path,
        timeout=TIMEOUT,
    )  # fmt: skip
    assert found.returncode == 1, found.stdout + found.stderr
    assert asy_lines(found.stdout) == BAD_FINDINGS


# -- flake8 conventions ----------------------------------------------------------------


@pytest.mark.parametrize("where", ["config", "command line"])
def test_per_file_ignores(project: Path, where: str) -> None:
    (project / "app.py").write_text(BAD_SOURCE)
    (project / "tests").mkdir()
    (project / "tests" / "test_app.py").write_text(BAD_SOURCE)
    (project / "notebooks").mkdir()
    (project / "notebooks" / "nb.py").write_text(BAD_SOURCE)
    ignores = "tests/*: ASY1,ASY2 notebooks/*.py: ASY200"
    args = ["--select", "ASY1,ASY2,ASY3"]
    if where == "config":
        (project / ".flake8").write_text(
            "[flake8]\nper-file-ignores =\n    tests/*: ASY1,ASY2\n    notebooks/*.py: ASY200\n"
        )
    else:
        args.append(f"--per-file-ignores={ignores}")
    result = flake8(*args, ".", cwd=project)
    assert_no_plugin_traceback(result)
    reported = sorted(
        (Path(path).as_posix().removeprefix("./"), int(line), code)
        for path, line, code in re.findall(r"^(.+?):(\d+):\d+: (ASY\d{3}) ", result.stdout, flags=re.MULTILINE)
    )
    assert reported == [("app.py", 5, "ASY200"), ("app.py", 9, "ASY100"), ("notebooks/nb.py", 9, "ASY100")]
    assert result.returncode == 1


def test_show_source(project: Path) -> None:
    (project / "app.py").write_text(BAD_SOURCE)
    result = flake8("--select", "ASY1,ASY2,ASY3", "--show-source", "app.py", cwd=project)
    assert result.stdout.splitlines() == [
        "app.py:5:12: ASY200 'await' inside non-async function 'load': make 'load' async",
        "    return await fetch(url)",
        "           ^",
        "app.py:9:5: ASY100 coroutine 'asyncio.sleep' is never awaited: add 'await'",
        "    asyncio.sleep(1)",
        "    ^",
    ]
    assert result.returncode == 1


def test_pylint_format(project: Path) -> None:
    (project / "app.py").write_text(BAD_SOURCE)
    result = flake8("--select", "ASY1,ASY2,ASY3", "--format=pylint", "app.py", cwd=project)
    assert result.stdout.splitlines() == [
        "app.py:5: [ASY200] 'await' inside non-async function 'load': make 'load' async",
        "app.py:9: [ASY100] coroutine 'asyncio.sleep' is never awaited: add 'await'",
    ]
    assert result.returncode == 1


def test_json_format(project: Path) -> None:
    require_module("flake8_json_reporter", "flake8-json")
    (project / "app.py").write_text(BAD_SOURCE)
    result = flake8("--select", "ASY1,ASY2,ASY3", "--format=json", "app.py", cwd=project)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rows = [(item["line_number"], item["column_number"], item["code"]) for item in report["app.py"]]
    assert rows == BAD_FINDINGS
    assert report["app.py"][0]["text"] == "'await' inside non-async function 'load': make 'load' async"
    assert report["app.py"][0]["physical_line"] == "    return await fetch(url)\n"


def test_sarif_format(project: Path) -> None:
    require_module("flake8_sarif_reporter", "flake8-sarif")
    (project / "app.py").write_text(BAD_SOURCE)
    result = flake8("--select", "ASY1,ASY2,ASY3", "--format=sarif", "app.py", cwd=project)
    assert result.returncode == 1, result.stderr
    (sarif_run,) = json.loads(result.stdout)["runs"]
    assert {rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]} == {"ASY100", "ASY200"}
    rows = []
    for item in sarif_run["results"]:
        (location,) = item["locations"]
        region = location["physicalLocation"]["region"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "app.py"
        rows.append((region["startLine"], region["startColumn"], item["ruleId"]))
    assert sorted(rows) == BAD_FINDINGS
    assert any(item["message"]["text"].startswith("'await' inside non-async") for item in sarif_run["results"])


def test_jobs_keep_cross_module_findings_and_config_options(tmp_path: Path) -> None:
    """Worker processes infer across modules and see the config file's options like a serial run."""
    shutil.copytree(PACKAGES, tmp_path / "packages")
    root = tmp_path / "packages"
    (root / "setup.cfg").write_text("[flake8]\nasync-tips-coroutine-functions = vendor.fetch\n")
    (root / "uses_vendor.py").write_text("import vendor\n\n\nasync def main():\n    vendor.fetch()\n")
    serial = flake8("--select", "ASY1,ASY2,ASY3", "--jobs", "1", ".", cwd=root)
    parallel = flake8("--select", "ASY1,ASY2,ASY3", "--jobs", "2", ".", cwd=root)
    assert_no_plugin_traceback(parallel)
    assert sorted(parallel.stdout.splitlines()) == sorted(serial.stdout.splitlines())
    # Findings that need another module, and one that needs the option.
    assert re.search(r"shop/services\.py:15:5: ASY100 coroutine 'fetch_order'", parallel.stdout)
    assert "uses_vendor.py:5:5: ASY100 coroutine 'vendor.fetch'" in parallel.stdout
    assert parallel.returncode == 1


# -- bad input from the user ---------------------------------------------------------------


def test_a_nonexistent_path_is_flake8s_e902(project: Path) -> None:
    result = flake8("missing.py", "missing_dir/", cwd=project)
    assert_no_plugin_traceback(result)
    assert "Traceback" not in result.stderr
    assert "missing.py:0:1: E902 FileNotFoundError" in result.stdout
    assert "missing_dir/:0:1: E902 FileNotFoundError" in result.stdout
    assert result.returncode == 1


def test_a_nonexistent_path_needs_e9_in_a_narrow_selection(project: Path) -> None:
    """flake8 filters its own E902 like any code: `--select ASY1,ASY2,ASY3` hides it (the README says so)."""
    narrow = flake8("--select", "ASY1,ASY2,ASY3", "missing.py", cwd=project)
    assert (narrow.returncode, narrow.stdout, narrow.stderr) == (0, "", "")
    with_e9 = flake8("--select", "ASY1,ASY2,ASY3,E9", "missing.py", cwd=project)
    assert "missing.py:0:1: E902 FileNotFoundError" in with_e9.stdout
    assert with_e9.returncode == 1


def recommended_selections() -> list[str]:
    """Every `--select` the README's code blocks, the pre-commit hook and the tox lint env recommend."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"^```[a-z]*\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL))
    hook = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    tox_lint = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    found = re.findall(r'--select(?:=|\s+|",\s*")([A-Z0-9,]+)', blocks + hook + tox_lint)
    for listed in re.findall(r'"select":\s*\[([^\]]*)\]', blocks):
        found.append(",".join(re.findall(r'"([A-Z0-9]+)"', listed)))
    return sorted(set(found))


def test_the_docs_recommend_selections() -> None:
    # The hook, the tox env, the CLI, stdin, VS Code and pylsp examples; the parser found them.
    assert "ASY1,ASY2,ASY3,E9" in recommended_selections()
    assert len(re.findall("ASY1,ASY2,ASY3", (REPO / "README.md").read_text(encoding="utf-8"))) >= 6


@pytest.mark.parametrize("selection", recommended_selections())
def test_every_recommended_selection_reports_a_broken_file_and_a_missing_path(project: Path, selection: str) -> None:
    (project / "broken.py").write_text("def f(:\n    pass\n")
    result = flake8("--select", selection, "broken.py", "missing.py", cwd=project)
    assert re.search(r"^broken\.py:\d+:\d+: E999 SyntaxError", result.stdout, flags=re.MULTILINE), result.stdout
    assert "missing.py:0:1: E902 FileNotFoundError" in result.stdout, result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize("typo", ["--async-tips-allow-top-level-awiat", "--async-tips-coroutines=a.b"])
def test_a_misspelled_option_is_a_usage_error(project: Path, typo: str) -> None:
    (project / "app.py").write_text("x = 1\n")
    result = flake8(typo, "app.py", cwd=project)
    assert result.returncode == 2
    assert "usage: flake8" in result.stderr
    assert "unrecognized arguments" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--async-tips-coroutine-functions", "vendor.fetch,not-a-name"], "'not-a-name' is not a qualified name"),
        (["--async-tips-coroutine-functions", "fetch"], "'fetch' is not a qualified name"),
        (["--async-tips-coroutine-functions"], "expected one argument"),
    ],
)
def test_a_bad_option_value_on_the_command_line_is_a_usage_error(project: Path, args: list[str], message: str) -> None:
    (project / "app.py").write_text("x = 1\n")
    result = flake8("app.py", *args, cwd=project)  # the option last: a missing value takes no file name
    assert result.returncode == 2, result.stdout + result.stderr
    assert "usage: flake8" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_option_value_declares_nothing(project: Path) -> None:
    (project / ".flake8").write_text("[flake8]\nasync-tips-coroutine-functions =\n")
    (project / "app.py").write_text("import vendor\n\n\nasync def main():\n    vendor.fetch()\n")
    result = flake8("--select", "ASY1,ASY2,ASY3", "app.py", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_misspelled_config_key_is_ignored_by_flake8(project: Path) -> None:
    """flake8 ignores keys it does not know, silently: the option then stays off."""
    (project / ".flake8").write_text("[flake8]\nasync-tips-allow-top-level-awiat = true\n")
    (project / "nb.py").write_text("import asyncio\n\nawait asyncio.sleep(0)\n")
    result = flake8("--select", "ASY1,ASY2,ASY3", "nb.py", cwd=project)
    assert asy_lines(result.stdout) == [(3, 1, "ASY200")]
    assert result.stderr == ""


@pytest.mark.parametrize(
    "config",
    [
        "[flake8]\nasync-tips-allow-top-level-await\n",  # a key without '='
        "async-tips-allow-top-level-await = true\n",  # no section header
    ],
)
def test_an_unparseable_config_file_found_by_flake8_is_skipped_with_a_warning(project: Path, config: str) -> None:
    (project / ".flake8").write_text(config)
    (project / "nb.py").write_text("import asyncio\n\nawait asyncio.sleep(0)\n")
    result = flake8("--select", "ASY1,ASY2,ASY3", "nb.py", cwd=project)
    assert_no_plugin_traceback(result)
    assert asy_lines(result.stdout) == [(3, 1, "ASY200")]  # the plugin ran, with its defaults
    verbose = flake8("-v", "--select", "ASY1,ASY2,ASY3", "nb.py", cwd=project)
    assert "ignoring unparseable config" in verbose.stderr


def test_an_unparseable_config_file_given_with_config_is_flake8s_error(project: Path) -> None:
    """flake8 raises configparser's ParsingError itself: a traceback, but none of its frames is the plugin's."""
    (project / "broken.cfg").write_text("[flake8]\nasync-tips-allow-top-level-await\n")
    (project / "app.py").write_text("x = 1\n")
    result = flake8("--config", "broken.cfg", "app.py", cwd=project)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "ParsingError" in result.stderr
    assert "flake8_async_tips" not in result.stderr


# -- coexistence with flake8-async --------------------------------------------------------

COEXISTENCE_SOURCE = """\
import asyncio

import trio


def load(url):
    return await fetch(url)


async def main():
    asyncio.sleep(1)
    with trio.move_on_after(1):
        pass


asyncio.run(main())
asyncio.run(main())
"""


@pytest.fixture(scope="module")
def venv_with_flake8_async(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with this plugin (editable) and flake8-async: the flake8 to run there."""
    venv = tmp_path_factory.mktemp("coexistence") / "venv"
    created = run([sys.executable, "-m", "venv", str(venv)], cwd=REPO)
    if created.returncode != 0:
        pytest.skip(f"cannot create a virtualenv: {created.stderr.strip()}")
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    installed = run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", str(REPO), "flake8-async"],
        cwd=REPO,
        env=tool_env(),
        timeout=INSTALL_TIMEOUT,
    )
    if installed.returncode != 0:
        reason = f"flake8-async could not be installed (is the package index reachable?):\n{installed.stderr[-2000:]}"
        pytest.skip(reason)
    return python


def flake8_in(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([str(python), "-m", "flake8", *args], cwd=cwd)


def codes_in(output: str) -> list[str]:
    return re.findall(r"^.+?:\d+:\d+: ([A-Z]+\d+) ", output, flags=re.MULTILINE)


@pytest.mark.slow
def test_both_plugins_run_and_select_apart(venv_with_flake8_async: Path, project: Path) -> None:
    python = venv_with_flake8_async
    (project / "app.py").write_text(COEXISTENCE_SOURCE)

    version = flake8_in(python, "--version", cwd=project)
    listed = " ".join(version.stdout.split())
    assert "flake8-async-tips: " in listed and "flake8-async: " in listed, version.stdout

    both = flake8_in(python, "app.py", cwd=project)
    assert_no_plugin_traceback(both)
    assert "Traceback" not in both.stderr
    found = codes_in(both.stdout)
    assert {"ASY200", "ASY100"} <= set(found), both.stdout
    assert any(code.startswith("ASYNC") for code in found), both.stdout  # flake8-async's own finding
    assert "ASY104" not in found  # still off by default

    ours = flake8_in(python, "--select", "ASY1,ASY2,ASY3", "app.py", cwd=project)
    assert codes_in(ours.stdout) == ["ASY200", "ASY100"], ours.stdout  # ASY104 only when named in full
    assert ours.returncode == 1

    theirs = flake8_in(python, "--select", "ASYNC", "app.py", cwd=project)
    assert codes_in(theirs.stdout) and all(code.startswith("ASYNC") for code in codes_in(theirs.stdout))

    shared_prefix = flake8_in(python, "--select", "ASY", "app.py", cwd=project)
    assert {"ASY200", "ASY100"} <= set(codes_in(shared_prefix.stdout))
    assert any(code.startswith("ASYNC") for code in codes_in(shared_prefix.stdout))


@pytest.mark.slow
def test_both_plugins_options_coexist(venv_with_flake8_async: Path, project: Path) -> None:
    python = venv_with_flake8_async
    help_text = flake8_in(python, "--help", cwd=project)
    assert help_text.returncode == 0, help_text.stderr
    assert "--async-tips-allow-top-level-await" in help_text.stdout
    assert "--async-tips-coroutine-functions" in help_text.stdout
    assert "--startable-in-context-manager" in help_text.stdout  # one of flake8-async's
    assert help_text.stderr == ""

    # Each plugin's options from one config file, each applied.
    (project / ".flake8").write_text("[flake8]\nasync-tips-allow-top-level-await = true\nenable = ASYNC100\n")
    (project / "nb.py").write_text("import asyncio\n\nawait asyncio.sleep(0)\n")
    result = flake8_in(python, "--select", "ASY1,ASY2,ASY3", "nb.py", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
