"""The import roots of a linted file: packages, src layouts and the folders pytest puts on sys.path."""

from __future__ import annotations

from pathlib import Path

import pytest

from flake8_async_tips import project
from flake8_async_tips.project import ini_pythonpath, layout_of


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _roots(path: Path) -> list[str]:
    layout_of.cache_clear()
    project.project_root.cache_clear()
    project.pytest_paths.cache_clear()
    project.ini_pythonpath.cache_clear()
    project._read_pyproject.cache_clear()
    return list(layout_of(str(path)).roots)


def test_tests_folder_with_conftest_src_layout_and_rootdir(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "src/app/__init__.py": "",
        "tests/conftest.py": "",
        "tests/api/test_x.py": "",
    })
    roots = _roots(tmp_path / "tests" / "api" / "test_x.py")
    assert roots[0] == str(tmp_path / "tests" / "api")  # the module's own folder first, as pytest inserts it
    assert roots[1:4] == [str(tmp_path / "tests"), str(tmp_path), str(tmp_path / "src")]


def test_conftest_inside_a_package_inserts_the_folder_above_it(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "setup.py": "",
        "tests/__init__.py": "",
        "tests/conftest.py": "",
        "tests/test_x.py": "",
    })
    roots = _roots(tmp_path / "tests" / "test_x.py")
    assert roots == [str(tmp_path)]


def test_no_project_marker_means_no_pytest_roots(tmp_path: Path) -> None:
    _tree(tmp_path, {"loose/conftest.py": "", "loose/test_x.py": ""})
    roots = _roots(tmp_path / "loose" / "test_x.py")
    assert str(tmp_path / "loose") in roots
    assert str(tmp_path) not in roots


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("pytest.ini", "[pytest]\npythonpath = lib tools\n", ("lib", "tools")),
        ("tox.ini", "[pytest]\npythonpath = lib\n", ("lib",)),
        ("tox.ini", "[tox]\nenvlist = py\n", ()),
        ("setup.cfg", "[tool:pytest]\npythonpath = lib\n", ("lib",)),
        ("pyproject.toml", "[tool.pytest.ini_options]\npythonpath = ['lib', \"more\"]\n", ("lib", "more")),
        ("pyproject.toml", '[tool.pytest.ini_options]\npythonpath = "lib"\n', ("lib",)),
        ("pyproject.toml", "[tool.pytest]\npythonpath = ['lib']\n", ("lib",)),
        ("pyproject.toml", "[tool.black]\nline-length = 1\n", ()),
    ],
)
def test_pytest_pythonpath_option(tmp_path: Path, name: str, text: str, expected: tuple[str, ...]) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert ini_pythonpath(str(tmp_path)) == expected


def test_pythonpath_pattern_reader_agrees_with_tomllib() -> None:
    text = "[tool.other]\npythonpath = ['no']\n[tool.pytest.ini_options]\naddopts = '-q'\npythonpath = ['lib', 'x']\n"
    assert project._pyproject_pythonpath_by_pattern(text) == ("lib", "x")
    assert project._pyproject_pythonpath_by_pattern("[tool.black]\n") is None


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", "[tool.pytest.ini_options\npythonpath = [\n"),
        ("setup.cfg", "[tool:pytest\npythonpath = lib\n"),
        ("tox.ini", "not an ini file at all\n"),
        ("pytest.ini", "\xff\xfe garbage"),
    ],
)
def test_broken_config_files_give_no_roots_and_no_error(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_bytes(text.encode("latin-1"))
    assert ini_pythonpath(str(tmp_path)) == ()
    (tmp_path / "test_x.py").write_text("", encoding="utf-8")
    assert str(tmp_path) in _roots(tmp_path / "test_x.py")


def test_names_in_class_bases_reads_each_class_statement_from_its_indentation(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/models.py": (
            "class Plain(Base):\n"
            "    class Inner(mixins.Other[T],\n"
            "                metaclass=Meta):\n"
            "        pass\n"
            "x = subclass(NotABase)\n"
            "y = 'class Quoted(InAString)'\n"
            "\tclass Tabbed(ViaTab): pass\n"
            "z = make_class(AlsoNot); class Late(AfterSemicolon): pass\n"
        ),
        "pkg/empty.py": "def f():\n    return 1\n",
    })
    project.names_in_class_bases.cache_clear()
    project._subclass_statements.cache_clear()
    project.project_source_files.cache_clear()
    found = project.names_in_class_bases(str(tmp_path))
    # A class statement after `;` is not seen: the names are a superset only of what
    # statements at the start of their line name (the scan's documented reach).
    assert found == frozenset({"Base", "mixins", "Other", "T", "metaclass", "Meta", "ViaTab"})


@pytest.mark.parametrize(
    "config",
    [
        {"pyproject.toml": "[project]\nname = 'x'\n\n[tool.setuptools.packages.find]\nwhere = [\"lib\"]\n"},
        {"pyproject.toml": "[project]\nname = 'x'\n\n[tool.setuptools]\npackage-dir = {\"\" = \"lib\"}\n"},
        {"setup.cfg": "[metadata]\nname = x\n\n[options.packages.find]\nwhere = lib\n"},
        {"setup.cfg": "[metadata]\nname = x\n\n[options]\npackage_dir =\n    =lib\n"},
    ],
    ids=["pyproject-find-where", "pyproject-package-dir", "setup-cfg-find-where", "setup-cfg-package-dir"],
)
def test_the_folder_packaging_installs_from_is_a_root_of_the_tests(tmp_path: Path, config: dict[str, str]) -> None:
    """sqlalchemy's tests import `sqlalchemy` from `lib/`, where its packaging config finds it."""
    _tree(tmp_path, {**config, "lib/pkg/__init__.py": "", "test/conftest.py": "", "test/test_x.py": ""})
    project.package_folders.cache_clear()
    assert str(tmp_path / "lib") in _roots(tmp_path / "test" / "test_x.py")


def test_packaging_folders_outside_the_project_or_missing_are_not_roots(tmp_path: Path) -> None:
    _tree(tmp_path / "proj", {
        "pyproject.toml": "[tool.setuptools.packages.find]\nwhere = [\"..\", \"missing\", \".\"]\n",
        "test_x.py": "",
    })
    (tmp_path / "elsewhere").mkdir()
    project.package_folders.cache_clear()
    assert project.package_folders(str(tmp_path / "proj")) == ()


@pytest.mark.parametrize(
    "text, folders",
    [
        ("[project]\nname = 'x'\n\n[tool.setuptools.packages.find]\nwhere = [\"lib\"]\nnamespaces = false\n", ["lib"]),
        ("[tool.setuptools]\ninclude-package-data = true\npackage-dir = {\"\" = \"lib\"}\n", ["lib"]),
        ("[tool.setuptools]\npackage-dir = {\"pkg\" = \"elsewhere\"}\n", []),
        ("[tool.other]\nwhere = [\"lib\"]\n", []),
    ],
)
def test_packaging_folders_read_by_pattern_agree_with_the_toml_reader(text: str, folders: list[str]) -> None:
    """Python 3.10 has no tomllib: the plain spellings are read by pattern, to the same answer."""
    assert project._pyproject_package_folders_by_pattern(text) == folders
    tomllib = pytest.importorskip("tomllib")
    setuptools = tomllib.loads(text).get("tool", {}).get("setuptools", {})
    where = setuptools.get("packages", {}).get("find", {}).get("where", [])
    root = setuptools.get("package-dir", {}).get("")
    assert where + ([root] if root else []) == folders


def test_a_method_may_be_overridden_by_a_subclass_statement_of_the_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "base.py").write_text(
        "class Base:\n    def send(self):\n        return 1\n    def close(self):\n        return 2\n"
        "    def flush(self):\n        return 3\n"
    )
    (tmp_path / "middle.py").write_text("from base import Base\nclass Middle(Base):\n    close = Base.send\n")
    (tmp_path / "leaf.py").write_text("import middle\nclass Leaf(middle.Middle):\n    async def send(self):\n        pass\n")
    (tmp_path / "other.py").write_text(
        "class Unrelated:\n    def flush(self):\n        pass\n"
        "def patch(obj):\n    obj.drain = None\n    setattr(obj, 'reset', None)\n    if obj == 1:\n        pass\n"
    )
    project.may_be_overridden.cache_clear()
    top = str(tmp_path)
    assert project.may_be_overridden(top, "Base", "send")  # two levels down
    assert project.may_be_overridden(top, "Base", "close")  # assigned in a subclass's body
    assert not project.may_be_overridden(top, "Base", "flush")  # only an unrelated class defines it
    assert not project.may_be_overridden(top, "Leaf", "send")
    replaced = project.replaced_attributes(top)
    assert replaced is not None and {"drain", "reset"} <= replaced and "flush" not in replaced


def test_a_module_function_is_used_from_elsewhere_only_by_a_file_that_names_its_module(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "feeds.py").write_text("def poll(feed):\n    return feed\n\ndef drain(feed):\n    return feed\n")
    (tmp_path / "other.py").write_text("def poll():\n    return 1\n")  # its own `poll`
    (tmp_path / "runner.py").write_text("from feeds import drain\ndrain(1)\n")
    (tmp_path / "channels-example.py").write_text("def poll(feed):\n    return feed\n")
    for cached in (project.files_naming, project.project_source_files):
        cached.cache_clear()
    top, feeds = str(tmp_path), str(tmp_path / "feeds.py")
    assert not project.used_from_elsewhere(top, "poll", feeds)
    assert project.used_from_elsewhere(top, "drain", feeds)
    assert not project.used_from_elsewhere(top, "poll", str(tmp_path / "channels-example.py"))
    (tmp_path / "reexport.py").write_text("from feeds import *\n")
    for cached in (project.files_naming, project.project_source_files):
        cached.cache_clear()
    assert project.used_from_elsewhere(top, "poll", feeds)  # `from reexport import poll` may follow
