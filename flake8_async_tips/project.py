"""Where the linted file sits: its project's import roots and its own module name.

Found from the file's path alone (flake8 gives the real path, or the
`--stdin-display-name` for an editor's unsaved buffer): the directory above
the outermost package (`__init__.py` chain) is an import root, and so is a
`src/` directory on the way up, as in src layouts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional


@dataclass(frozen=True)
class ProjectLayout:
    roots: tuple[str, ...]
    module_name: Optional[str]
    is_package: bool

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
        level = len(relative) - len(relative.lstrip("."))
        rest = relative[level:]
        package = self.package
        if package is None:
            return None
        parts = package.split(".") if package else []
        if level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        dotted = ".".join([*base, rest] if rest else base)
        return dotted or None

    def find_module_file(self, dotted: str) -> Optional[str]:
        """The source file of a project module, or None if no root has it."""
        return _find_module_file(self.roots, dotted)


@lru_cache(maxsize=65536)
def _find_module_file(roots: tuple[str, ...], dotted: str) -> Optional[str]:
    parts = dotted.split(".")
    for root in roots:
        base = os.path.join(root, *parts)
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


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
    probe = directory
    while True:
        if os.path.basename(probe) == "src" and probe not in roots:
            roots.append(probe)
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    module_name = ".".join(parts) if all(part.isidentifier() for part in parts) else None
    return ProjectLayout(tuple(roots), module_name or None, is_package)


@lru_cache(maxsize=8192)
def installed_module_file(dotted: str) -> Optional[str]:
    """The source file of an installed third-party module, found on sys.path without importing anything."""
    if dotted.partition(".")[0] in sys.stdlib_module_names:
        return None
    roots = tuple(path for path in sys.path if path and os.path.isdir(path))
    return ProjectLayout(roots, None, False).find_module_file(dotted)


@lru_cache(maxsize=8192)
def is_installed(top: str) -> bool:
    """Is a top-level module on sys.path at all, with Python source or compiled (found without importing)?"""
    for path in sys.path:
        if not path or not os.path.isdir(path):
            continue
        if os.path.isdir(os.path.join(path, top)) or os.path.isfile(os.path.join(path, top + ".py")):
            return True
        try:
            names = os.listdir(path)
        except OSError:
            continue
        if any(name.startswith(top + ".") and name.endswith((".so", ".pyd")) for name in names):
            return True
    return False
