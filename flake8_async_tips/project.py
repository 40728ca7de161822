"""Where the linted file sits: its project's import roots and its own module name.

Found from the file's path alone (flake8 gives the real path, or the
`--stdin-display-name` for an editor's unsaved buffer): the directory above
the outermost package (`__init__.py` chain) is an import root, and so is a
`src/` directory on the way up, as in src layouts. Inside a project (a
folder with pyproject.toml, setup.cfg, setup.py, tox.ini, pytest.ini or .git)
the folders pytest puts on sys.path are roots too (`pytest_paths`).

A module with a `.pyi` stub beside it (or a compiled module with one) is
read from the stub, as type checkers read it: motor builds its classes at
run time and declares them in stubs, asyncpg's protocol is compiled. A
stub's `async def` promises an awaitable, not a coroutine (motor's methods
return Futures): dropping its call is an ASY100 that says "awaitable", and
the function is not taken for a coroutine function (no ASY107 or ASY109). An
attribute no class on the way defines is what an annotated `__getattr__`
returns (`def __getattr__(self, name) -> Database`: `client.test_db`).
unittest's `TestCase` and `IsolatedAsyncioTestCase` are bases whose members
are the runtime's: an attribute a test case stores on `self` in `setUp` is
followed as in any class.

A star import (`from .sync import *`) binds what the module it names
exports, read from source: its literal `__all__`, else its public
module-level names. A name that several star imports export, a module with
a computed `__all__`, or one that cannot be read leaves the name unknown.
"""

from __future__ import annotations

import ast
import configparser
import io
import os
import re
import sys
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Optional


@dataclass(frozen=True)
class ProjectLayout:
    roots: tuple[str, ...]
    module_name: Optional[str]
    is_package: bool
    # The folder and file name of the module (pytest's conftest.py files are looked up from there).
    directory: Optional[str] = None
    file_name: Optional[str] = None

    @property
    def package(self) -> Optional[str]:
        """The package relative imports start from."""
        if self.module_name is None:
            return None
        if self.is_package:
            return self.module_name
        return self.module_name.rpartition(".")[0]

    def absolute_import(self, relative: str) -> Optional[str]:
        """`..db.fetch` seen from `app.api.views` -> `app.db.fetch`; None if it leaves the project."""
        return _absolute_import(self.package, relative)

    @property
    def project_folder(self) -> Optional[str]:
        """The folder whose source files are the project (searched for callers and subclasses): the
        nearest one with a project marker, else the import root of the module's package."""
        if self.directory is None:
            return None
        return project_root(self.directory) or (self.roots[0] if self.roots else self.directory)

    def find_module_file(self, dotted: str) -> Optional[str]:
        """The source file of a project module, or None if no root has it."""
        return _find_module_file(self.roots, dotted)


# Asked for every relative import of every module read, again for each file that reads it.
@lru_cache(maxsize=65536)
def _absolute_import(package: Optional[str], relative: str) -> Optional[str]:
    level = len(relative) - len(relative.lstrip("."))
    rest = relative[level:]
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    dotted = ".".join([*base, rest] if rest else base)
    return dotted or None


# The lookup caches below are bounded to what one project's files ask again and again: over a
# whole corpus, 65536 entries each held more memory than the module cache (11 MB in all).
@lru_cache(maxsize=8192)
def _find_module_file(roots: tuple[str, ...], dotted: str) -> Optional[str]:
    for root in roots:
        found = _module_file_in(root, dotted)
        if found is not None:
            return found
    return None


# Files of one project share most of their roots in different tuples: each root is searched once per name.
@lru_cache(maxsize=8192)
def _module_file_in(root: str, dotted: str) -> Optional[str]:
    *packages, leaf = dotted.split(".")
    folder = os.path.join(root, *packages)
    # Most names are not in most roots: a folder's listing, read once, says so without a stat per name.
    entries = _folder_entries(folder)
    # A stub beside the source (or for a compiled module) is what type checkers read: it
    # declares what a module built at run time has (motor's classes, asyncpg's protocol).
    for name in (leaf + ".pyi", leaf + ".py"):
        if name in entries:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
    if leaf in entries:
        for name in ("__init__.pyi", "__init__.py"):
            candidate = os.path.join(folder, leaf, name)
            if os.path.isfile(candidate):
                return candidate
    return None


@lru_cache(maxsize=1024)
def _folder_entries(folder: str) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()  # no such folder (or not one): nothing in it


@lru_cache(maxsize=4096)
def layout_of(filename: str) -> ProjectLayout:
    path = os.path.abspath(filename)
    directory = os.path.dirname(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    root = directory
    while os.path.isfile(os.path.join(root, "__init__.py")):
        parts.insert(0, os.path.basename(root))
        parent = os.path.dirname(root)
        if parent == root:
            break
        root = parent
    roots = [root]
    roots.extend(candidate for candidate in test_roots(directory) if candidate not in roots)
    probe = directory
    while True:
        if os.path.basename(probe) == "src" and probe not in roots:
            roots.append(probe)
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    module_name = ".".join(parts) if all(part.isidentifier() for part in parts) else None
    return ProjectLayout(tuple(roots), module_name or None, is_package, directory, os.path.basename(path))


@lru_cache(maxsize=4096)
def conftest_files(directory: str) -> tuple[str, ...]:
    """The conftest.py files pytest reads for a test in `directory`: its own folder's first, up to the rootdir."""
    found: list[str] = []
    top = project_root(directory)
    probe = directory
    for _ in range(MAX_FOLDERS_UP):
        candidate = os.path.join(probe, "conftest.py")
        if os.path.isfile(candidate):
            found.append(candidate)
        parent = os.path.dirname(probe)
        if probe == top or parent == probe:
            break
        probe = parent
    return tuple(found)


def test_roots(directory: str) -> tuple[str, ...]:
    project = project_root(directory)
    return () if project is None else pytest_paths(directory, project)


# What marks the folder pytest takes as its rootdir, and a project's top.
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "pytest.ini", ".git")
MAX_FOLDERS_UP = 64


@lru_cache(maxsize=4096)
def project_root(directory: str) -> Optional[str]:
    """The nearest folder at or above `directory` that holds one of PROJECT_MARKERS."""
    probe = directory
    for _ in range(MAX_FOLDERS_UP):
        if any(os.path.exists(os.path.join(probe, marker)) for marker in PROJECT_MARKERS):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent
    return None


@lru_cache(maxsize=4096)
def pytest_paths(directory: str, project: str) -> tuple[str, ...]:
    """The folders pytest puts on sys.path for a test module in `directory`, nearest first.

    In its default (prepend) import mode pytest inserts the first folder
    without `__init__.py` above each conftest.py, from the test's folder up to
    the rootdir; `python -m pytest` inserts the rootdir itself; the
    `pythonpath` ini option adds its folders. A src layout's tests import the
    package from `src/` (installed in development mode): that folder counts
    too, as does the folder the project's packaging config names for its
    packages (`where = ["lib"]`, `package_dir = =lib`: sqlalchemy's `lib/`).
    """
    found: list[str] = []
    probe = directory
    for _ in range(MAX_FOLDERS_UP):
        if os.path.isfile(os.path.join(probe, "conftest.py")):
            found.append(_first_folder_outside_packages(probe))
        if probe == project:
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    found.append(project)
    source = os.path.join(project, "src")
    if os.path.isdir(source):
        found.append(source)
    found.extend(os.path.normpath(os.path.join(project, entry)) for entry in ini_pythonpath(project))
    found.extend(package_folders(project))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=256)
def _read_pyproject(project: str) -> Optional[tuple[str, Optional[dict[str, Any]]]]:
    """pyproject.toml's text and, where the standard library reads TOML (3.11+), its tables.

    None without the file; ValueError for one that is not valid TOML. The
    tables are shared by every caller: read them, never change them.
    """
    path = os.path.join(project, "pyproject.toml")
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as file:
        text = file.read().decode("utf-8")
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        return text, None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(str(error)) from error


@lru_cache(maxsize=1024)
def package_folders(project: str) -> tuple[str, ...]:
    """The folders under `project` its setuptools config installs packages from, other than itself.

    `[tool.setuptools.packages.find] where` and `[tool.setuptools]
    package-dir`'s root entry in pyproject.toml; `[options.packages.find]
    where` and `[options] package_dir`'s root entry in setup.cfg. Only
    existing folders inside the project; an unreadable file says nothing.
    """
    entries: list[str] = []
    for reader in (_pyproject_package_folders, _setup_cfg_package_folders):
        try:
            entries.extend(reader(project))
        except (OSError, ValueError, UnicodeDecodeError, configparser.Error):
            continue
    top = os.path.normpath(project)
    found = []
    for entry in entries:
        folder = os.path.normpath(os.path.join(project, entry))
        if folder != top and folder.startswith(top + os.sep) and os.path.isdir(folder):
            found.append(folder)
    return tuple(dict.fromkeys(found))


def _pyproject_package_folders(project: str) -> list[str]:
    found = _read_pyproject(project)
    if found is None:
        return []
    text, tables = found
    if tables is None:
        return _pyproject_package_folders_by_pattern(text)
    setuptools = tables.get("tool", {}).get("setuptools", {})
    if not isinstance(setuptools, dict):
        return []
    packages = setuptools.get("packages")
    where = packages.get("find", {}).get("where", []) if isinstance(packages, dict) else []
    package_dir = setuptools.get("package-dir", {})
    root = package_dir.get("") if isinstance(package_dir, dict) else None
    folders = [entry for entry in (where if isinstance(where, list) else [where]) if isinstance(entry, str)]
    return folders + ([root] if isinstance(root, str) else [])


# `where = ["lib"]` in `[tool.setuptools.packages.find]`; `package-dir = {"" = "lib"}` in `[tool.setuptools]`.
_TOML_WHERE = re.compile(
    r"^\s*\[tool\.setuptools\.packages\.find\][^\[]*?^\s*where\s*=\s*(\[[^\]]*\]|\"[^\"]*\"|'[^']*')",
    re.MULTILINE | re.DOTALL,
)
_TOML_ROOT_PACKAGE_DIR = re.compile(
    r"^\s*\[tool\.setuptools\][^\[]*?^\s*package-dir\s*=\s*\{[^}]*?[\"']{2}\s*=\s*[\"']([^\"']*)[\"']",
    re.MULTILINE | re.DOTALL,
)


def _pyproject_package_folders_by_pattern(text: str) -> list[str]:
    """The same answer for the plain spellings, without a TOML parser."""
    where = _TOML_WHERE.search(text)
    folders = re.findall(r"[\"']([^\"']*)[\"']", where.group(1)) if where else []
    root = _TOML_ROOT_PACKAGE_DIR.search(text)
    return folders + ([root.group(1)] if root else [])


def _setup_cfg_package_folders(project: str) -> list[str]:
    path = os.path.join(project, "setup.cfg")
    if not os.path.isfile(path):
        return []
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    folders = parser.get("options.packages.find", "where", fallback="").split()
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        name, equals, folder = line.partition("=")
        if equals and not name.strip() and folder.strip():
            folders.append(folder.strip())
    return folders


def _first_folder_outside_packages(directory: str) -> str:
    probe = directory
    for _ in range(MAX_FOLDERS_UP):
        if not os.path.isfile(os.path.join(probe, "__init__.py")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return probe


@lru_cache(maxsize=1024)
def ini_pythonpath(project: str) -> tuple[str, ...]:
    """pytest's `pythonpath` option, from the first of its config files that has a pytest section."""
    for reader in (_pytest_ini, _pyproject_toml, _tox_ini, _setup_cfg):
        try:
            found = reader(project)
        except (OSError, ValueError, UnicodeDecodeError, configparser.Error):
            continue  # an unreadable config file: pytest would stop there; nothing is known from it
        if found is not None:
            return found
    return ()


def _ini_section(path: str, section: str) -> Optional[tuple[str, ...]]:
    if not os.path.isfile(path):
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    if not parser.has_section(section):
        return None
    return tuple(parser.get(section, "pythonpath", fallback="").split())


def _pytest_ini(project: str) -> Optional[tuple[str, ...]]:
    found = _ini_section(os.path.join(project, "pytest.ini"), "pytest")
    return () if found is None and os.path.isfile(os.path.join(project, "pytest.ini")) else found


def _tox_ini(project: str) -> Optional[tuple[str, ...]]:
    return _ini_section(os.path.join(project, "tox.ini"), "pytest")


def _setup_cfg(project: str) -> Optional[tuple[str, ...]]:
    return _ini_section(os.path.join(project, "setup.cfg"), "tool:pytest")


def _pyproject_toml(project: str) -> Optional[tuple[str, ...]]:
    found = _read_pyproject(project)
    if found is None:
        return None
    text, tables = found
    if tables is None:
        return _pyproject_pythonpath_by_pattern(text)
    tool = tables.get("tool", {}).get("pytest")
    if not isinstance(tool, dict):
        return None
    # pytest 9 reads [tool.pytest] natively; [tool.pytest.ini_options] before that.
    options = tool.get("ini_options", tool)
    value = options.get("pythonpath", ())
    entries = value.split() if isinstance(value, str) else value
    return tuple(entry for entry in entries if isinstance(entry, str))


_TOML_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$", re.MULTILINE)
_TOML_PYTHONPATH = re.compile(r"^\s*pythonpath\s*=\s*(\[[^\]]*\]|\"[^\"]*\"|'[^']*')", re.MULTILINE)


def _pyproject_pythonpath_by_pattern(text: str) -> Optional[tuple[str, ...]]:
    """The same answer for the plain spellings of the option, without a TOML parser."""
    sections = list(_TOML_SECTION.finditer(text))
    for index, section in enumerate(sections):
        if section.group(1).strip() not in ("tool.pytest.ini_options", "tool.pytest"):
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(text)
        match = _TOML_PYTHONPATH.search(text, section.end(), end)
        if match is None:
            return ()
        return tuple(re.findall(r"[\"']([^\"']*)[\"']", match.group(1)))
    return None


@lru_cache(maxsize=8192)
def installed_module_file(dotted: str) -> Optional[str]:
    """The source file of an installed third-party module, found on sys.path without importing anything."""
    if dotted.partition(".")[0] in sys.stdlib_module_names:
        return None
    return ProjectLayout(_search_path_folders(tuple(sys.path)), None, False).find_module_file(dotted)


@lru_cache(maxsize=16)
def _search_path_folders(search_path: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(path for path in search_path if path and os.path.isdir(path))


@lru_cache(maxsize=4096)
def found_on_disk(top: str, roots: tuple[str, ...]) -> bool:
    """Does anything of that name (source, package, compiled, namespace) lie in the roots or on sys.path?"""
    # Where nothing of that name exists, no finder can answer for it: it is not known at all.
    for directory in (*roots, *sys.path):
        try:
            entries = os.listdir(directory or ".")
        except OSError:
            continue
        if top in entries or any(entry.startswith(top + ".") for entry in entries):
            return True
    return False


# Folders of a project tree that hold no module of the project itself.
_NOT_PROJECT_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})
# A tree larger than this is not read through for a name: the answer is "it may be used there".
MAX_PROJECT_FILES = 20000
MAX_PROJECT_BYTES = 256 * 1024 * 1024


@lru_cache(maxsize=64)
def project_source_files(top: str) -> Optional[tuple[str, ...]]:
    """Every .py/.pyi file under `top`, virtualenvs and hidden folders left out; None when too many."""
    found: list[str] = []
    size = 0
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name not in _NOT_PROJECT_FOLDERS
            and not os.path.isfile(os.path.join(folder, name, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith((".py", ".pyi")):
                path = os.path.join(folder, name)
                found.append(path)
                try:
                    size += os.path.getsize(path)
                except OSError:
                    return None
                if len(found) > MAX_PROJECT_FILES or size > MAX_PROJECT_BYTES:
                    return None
    return tuple(found)


def named_elsewhere(top: str, name: str, linted: str) -> bool:
    """Does any source file under `top` but `linted` hold `name` as a word (an import, a call, a string...)?

    True when it cannot be told (too large a tree, a file that cannot be read).
    """
    files = files_naming(top, name)
    linted = os.path.abspath(linted)
    return files is None or any(path != linted for path in files)


def used_from_elsewhere(top: str, name: str, linted: str) -> bool:
    """May another source file under `top` use `name` of the module `linted`? One that holds the word
    and names the module too (`from .channels import consumer`, `import channels`); every file holding
    it when a file naming the module star-imports (`from .channels import *` re-exports it unnamed).
    A file whose name is no identifier (`channels-backpressure.py`) is no module an import names."""
    files = files_naming(top, name)
    linted = os.path.abspath(linted)
    if files is None:
        return True
    others = files - {linted}
    if not others:
        return False
    stem = os.path.splitext(os.path.basename(linted))[0]
    if stem == "__init__":
        stem = os.path.basename(os.path.dirname(linted))
    if not stem.isidentifier():
        return False
    importers = files_naming(top, stem)
    if importers is None or others & importers:
        return True
    return any(_star_imports(path) for path in importers - {linted})


_STAR_IMPORT = re.compile(rb"\bimport[ \t]+\*")


def _star_imports(path: str) -> bool:
    """Does the file hold an `import *` (True when it cannot be read)?"""
    try:
        with open(path, "rb") as handle:
            return _STAR_IMPORT.search(handle.read()) is not None
    except OSError:
        return True


def _texts(files: tuple[str, ...]) -> Iterator[tuple[str, Optional[bytes]]]:
    """Each file with its bytes, read one at a time; None for a file that cannot be read."""
    for path in files:
        try:
            with open(path, "rb") as handle:
                text: Optional[bytes] = handle.read()
        except OSError:
            text = None
        yield path, text


@lru_cache(maxsize=1024)
def files_naming(top: str, name: str) -> Optional[frozenset[str]]:
    """The source files under `top` (absolute paths) that hold `name` as a word; None when it cannot be told."""
    files = project_source_files(top)
    if files is None:
        return None
    needle = name.encode()
    word = re.compile(rb"(?<!\w)" + re.escape(needle) + rb"(?!\w)")
    found: set[str] = set()
    for path, text in _texts(files):
        if text is None:
            return None
        # The plain search first: most files do not hold the name at all.
        if needle in text and word.search(text):
            found.add(os.path.abspath(path))
    return frozenset(found)


@lru_cache(maxsize=1024)
def fixture_name_sites(top: str, directory: str, name: str) -> Optional[tuple[tuple[str, str], ...]]:
    """Where under `directory` (a folder of the project under `top`) a fixture `name` may be defined or
    parametrized: (path, "def") for each `def name(` or `name="name"`, (path, "parametrize") for a file
    that says `parametrize` and holds the word in a string. None when it cannot be told."""
    files = project_source_files(top)
    if files is None:
        return None
    needle = name.encode()
    escaped = re.escape(needle)
    defined = re.compile(rb"\bdef[ \t]+" + escaped + rb"[ \t]*\(|\bname[ \t]*=[ \t]*[\"']" + escaped + rb"[\"']")
    inside = os.path.join(os.path.abspath(directory), "")
    found: list[tuple[str, str]] = []
    for path in files:
        path = os.path.abspath(path)
        if not path.startswith(inside):
            continue
        try:
            with open(path, "rb") as handle:
                text = handle.read()
        except OSError:
            return None
        if needle not in text:
            continue
        found.extend((path, "def") for _ in defined.finditer(text))
        if b"parametrize" in text and _in_a_string(text, name):
            found.append((path, "parametrize"))
    return tuple(found)


_STRING_TOKENS = frozenset({tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)})


def _in_a_string(text: bytes, name: str) -> bool:
    """Does a string literal of the source hold `name` as a word (`parametrize("client, n", ...)`)? True
    when the source cannot be tokenized."""
    word = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
    try:
        for token in tokenize.tokenize(io.BytesIO(text).readline):
            if token.type in _STRING_TOKENS and word.search(token.string):
                return True
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return True
    return False


# `class Name(Base, mixins.Other[T], metaclass=M):` up to the first `)`, over several lines if need be.
# Searched from its keyword, a literal the regex engine finds fast (a pattern starting at `^`
# is tried at every line, 5x slower); only indentation may come before it on its line.
_CLASS_STATEMENT_BASES = re.compile(rb"class[ \t]+(\w+)[ \t]*\(([^)]*)")
_WORD = re.compile(rb"[A-Za-z_]\w*")


@lru_cache(maxsize=64)
def names_in_class_bases(top: str) -> Optional[frozenset[str]]:
    """Every name written in the bases of a class statement of a source file under `top`.

    A class whose name is not among them has no subclass in the project
    (short of one made by `type(...)` at run time). None when it cannot be told.
    """
    index = _subclass_statements(top)
    return None if index is None else frozenset(word.decode("ascii", "replace") for word in index)


def _class_statements(text: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The name and the text between the parentheses of each class statement (from its line's indentation)."""
    position = 0
    while True:
        match = _CLASS_STATEMENT_BASES.search(text, position)
        if match is None:
            return
        start = match.start()
        if text[text.rfind(b"\n", 0, start) + 1:start].strip(b" \t"):
            position = start + 1  # `class` inside a line (`subclass(`, a string): look on from its next byte
        else:
            yield match.group(1), match.group(2)
            position = match.end()


@lru_cache(maxsize=16)
def _subclass_statements(top: str) -> Optional[dict[bytes, tuple[tuple[str, bytes], ...]]]:
    """For each name written in a class statement's bases: the (file, class name) of those statements."""
    files = project_source_files(top)
    if files is None:
        return None
    found: dict[bytes, list[tuple[str, bytes]]] = {}
    for path, text in _texts(files):
        if text is None:
            return None
        for name, bases in _class_statements(text):
            for word in set(_WORD.findall(bases)):
                found.setdefault(word, []).append((path, name))
    return {word: tuple(statements) for word, statements in found.items()}


# An attribute store (`Client.send = patched`) or `setattr(obj, "send", ...)` of a literal name: two
# patterns, each starting with a literal the regex engine searches for fast.
_ATTRIBUTE_STORED = re.compile(rb"\.([A-Za-z_]\w*)[ \t]*=(?!=)")
_ATTRIBUTE_SET = re.compile(rb"setattr\([^,\n]*,[ \t]*[\"']([A-Za-z_]\w*)")


@lru_cache(maxsize=16)
def replaced_attributes(top: str) -> Optional[frozenset[str]]:
    """The names the source files under `top` store as attributes or give to `setattr` as a literal."""
    files = project_source_files(top)
    if files is None:
        return None
    found: set[bytes] = set()
    for path, text in _texts(files):
        if text is None:
            return None
        found.update(_ATTRIBUTE_STORED.findall(text))
        if b"setattr(" in text:
            found.update(_ATTRIBUTE_SET.findall(text))
    return frozenset(word.decode("ascii", "replace") for word in found)


# More subclass statements than this below one class and the answer is "it may be overridden".
MAX_SUBCLASS_STATEMENTS = 400


@lru_cache(maxsize=1024)
def may_be_overridden(top: str, class_name: str, method: str) -> bool:
    """May a class statement of the project below `class_name` bind `method` in its body? Its
    subclasses are found by the names in class statements' bases, again for theirs (a name shared
    by two classes counts for both), and their bodies read from their files."""
    index = _subclass_statements(top)
    if index is None:
        return True
    below: dict[str, set[str]] = {}  # file -> the subclasses it holds
    seen = {class_name.encode("ascii", "replace")}
    pending = list(seen)
    count = 0
    while pending:
        for path, subclass in index.get(pending.pop(), ()):
            below.setdefault(path, set()).add(subclass.decode("ascii", "replace"))
            count += 1
            if count > MAX_SUBCLASS_STATEMENTS:
                return True
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    for path, subclasses in below.items():
        if not _holds_word(path, method):
            continue  # the name is bound nowhere in the file: no class there binds it
        bodies = _class_body_names(path)
        if bodies is None or any(method in bodies.get(subclass, {method}) for subclass in subclasses):
            return True
    return False


def _holds_word(path: str, word: str) -> bool:
    """May the file bind `word` anywhere (True when it cannot be read)? The cheap question before a
    parse (`_binding_form`)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError:
        return True
    return word.encode("ascii", "replace") in text and _binding_form(word).search(text) is not None


@lru_cache(maxsize=1024)
def _binding_form(word: str) -> re.Pattern[bytes]:
    """The word on the target side of a `=` (before the line's first `=`, not called there), or after
    `def`, `class`, `as` or `for`, or in an `import`."""
    escaped = re.escape(word.encode("ascii", "replace"))
    return re.compile(
        rb"^[^\n=#]*\b" + escaped + rb"\b(?![ \t]*\()[^\n=]*=(?!=)"
        rb"|(?:def|class|as|for)[ \t]+" + escaped + rb"\b|import[^\n]*\b" + escaped + rb"\b",
        re.M,
    )


@lru_cache(maxsize=256)
def _class_body_names(path: str) -> Optional[dict[str, frozenset[str]]]:
    """For each class statement of the file, by name (two of one name merged): what its body binds.

    Only statements are walked (the bodies of compound statements, defs and classes): a name a
    class body binds is a def's, a class's, an import's, a handler's or a target's. A file with
    `:=` has its class bodies' statements walked whole, for the targets inside expressions."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError):
        return None
    whole = b":=" in text
    found: dict[str, set[str]] = {}
    statements: list[ast.AST] = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.ClassDef):
            _bound_in_body(node, found.setdefault(node.name, set()), whole)
        statements.extend(_child_statements(node))
    return {name: frozenset(bound) for name, bound in found.items()}


def _child_statements(node: ast.AST) -> list[ast.AST]:
    return [
        child
        for field in ("body", "orelse", "finalbody", "handlers", "cases")
        for child in getattr(node, field, ())
        if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case))
    ]


def _bound_in_body(cls: ast.ClassDef, names: set[str], whole: bool) -> None:
    pending: list[ast.AST] = list(cls.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue  # their own bodies bind their own names
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        if isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            targets = [node.target]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        if whole and isinstance(node, ast.stmt):
            targets = [node]  # its expressions too (a walrus target), not the bodies it holds
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                    names.add(sub.id)
                elif isinstance(sub, ast.MatchAs) and sub.name:
                    names.add(sub.name)
        pending.extend(_child_statements(node))
