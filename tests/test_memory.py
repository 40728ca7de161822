"""Nothing of a linted file outlives its lint, and the cache of other modules stays bounded.

flake8 lints a whole project in one long-lived process (an editor's
language server for hours): a tree kept by mistake is kept for every file.
"""

from __future__ import annotations

import ast
import gc
import weakref
from pathlib import Path

import pytest

from flake8_async_tips import inference
from flake8_async_tips.checker import AsyncTipsChecker
from flake8_async_tips.inference import module_cache

# Names astroid is asked about and fails to find: it caches each failure with
# its exception, whose traceback would hold the frames of the lint.
MISSING_LIBRARY = """\
import vendor_library_nowhere_to_be_found as vendor


async def main():
    vendor.fetch()
    async with vendor.open_session() as session:
        session.get()
    for item in vendor.stream():
        print(item)
"""


def lint_and_forget(source: str, filename: str) -> weakref.ref[ast.AST]:
    tree = ast.parse(source)
    checker = AsyncTipsChecker(tree, source.splitlines(keepends=True), filename)
    list(checker.run())
    return weakref.ref(tree)


def test_the_linted_tree_is_freed_after_failed_library_lookups(tmp_path: Path) -> None:
    refs = [lint_and_forget(MISSING_LIBRARY, str(tmp_path / f"module{i}.py")) for i in range(3)]
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None]


def test_the_module_cache_is_bounded(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    count = inference.MAX_CACHED_MODULES + 10
    for i in range(count):
        (package / f"m{i}.py").write_text("async def fetch():\n    pass\n")
    importer = "".join(f"from pkg.m{i} import fetch as fetch{i}\n" for i in range(count))
    importer += "\n\nasync def main():\n" + "".join(f"    fetch{i}()\n" for i in range(count))
    source = importer
    tree = ast.parse(source)
    checker = AsyncTipsChecker(tree, source.splitlines(keepends=True), str(package / "main.py"))
    assert sum(text.startswith("ASY100") for _, _, text, _ in checker.run()) == count
    assert len(inference._MODULES) <= inference.MAX_CACHED_MODULES


def test_a_cached_module_set_aside_from_the_collector_is_still_freed_when_evicted(tmp_path: Path) -> None:
    """settle_module_cache() freezes the cache: only reference counting can free it then."""
    for i in range(inference.MAX_CACHED_MODULES * 2 + inference.SETTLE_EVERY):
        (tmp_path / f"mod{i}.py").write_text("class Client:\n    async def get(self):\n        return 1\n")
    first = inference.module_at(str(tmp_path / "mod0.py"), frozenset())
    assert first is not None
    first_ref = weakref.ref(first)
    tree_ref = weakref.ref(first.bindings.module)
    for i in range(1, inference.SETTLE_EVERY + 1):
        inference.module_at(str(tmp_path / f"mod{i}.py"), frozenset())
    del first
    inference.settle_module_cache()  # mod0 is frozen with the rest of the cache
    try:
        for i in range(inference.SETTLE_EVERY + 1, inference.MAX_CACHED_MODULES * 2 + inference.SETTLE_EVERY):
            inference.module_at(str(tmp_path / f"mod{i}.py"), frozenset())
        assert (first_ref(), tree_ref()) == (None, None)
    finally:
        gc.unfreeze()


CONFTEST = """\
import pytest


@pytest.fixture
async def client():
    async def make(name):
        return [part for part in name.split(".") if part]
    yield make
"""


def test_a_module_read_in_full_set_aside_from_the_collector_is_still_freed_when_evicted(tmp_path: Path) -> None:
    """conftest.py files are read in full, nested scopes and all: no parent <-> child cycle may outlive them."""
    for i in range(inference.MAX_CACHED_MODULES + inference.SETTLE_EVERY):
        (tmp_path / f"conftest{i}.py").write_text(CONFTEST)
    def read_in_full(name: str) -> object:
        return module_cache.module_at(str(tmp_path / name), frozenset(), inference.Inference, in_full=True)

    first = read_in_full("conftest0.py")
    assert first is not None
    first_ref = weakref.ref(first)
    tree_ref = weakref.ref(first.bindings.module)  # type: ignore[attr-defined]
    for i in range(1, inference.SETTLE_EVERY + 1):
        read_in_full(f"conftest{i}.py")
    del first
    inference.settle_module_cache()
    try:
        for i in range(inference.SETTLE_EVERY + 1, inference.MAX_CACHED_MODULES + inference.SETTLE_EVERY):
            read_in_full(f"conftest{i}.py")
        assert (first_ref(), tree_ref()) == (None, None)
    finally:
        gc.unfreeze()


def test_the_module_cache_is_bounded_by_the_size_of_the_sources_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project of large modules (sqlalchemy's are 100-300 KB) keeps fewer of them."""
    module_cache._MODULES.clear()
    body = "class Client:\n    async def get(self):\n        return 1\n" + "# padding\n" * 300  # about 3 KB
    monkeypatch.setattr(module_cache, "MAX_CACHED_SOURCE_BYTES", 3 * len(body))
    for i in range(10):
        (tmp_path / f"big{i}.py").write_text(body)
        assert inference.module_at(str(tmp_path / f"big{i}.py"), frozenset()) is not None
    assert len(module_cache._MODULES) == 3
    assert [key[0] for key in module_cache._MODULES] == [str(tmp_path / f"big{i}.py") for i in (7, 8, 9)]
    # A module larger than the whole budget is still kept, alone: the file being asked about needs it.
    huge = body * 4
    (tmp_path / "huge.py").write_text(huge)
    assert inference.module_at(str(tmp_path / "huge.py"), frozenset()) is not None
    assert [key[0] for key in module_cache._MODULES] == [str(tmp_path / "huge.py")]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cyclic_collector_is_paused_for_the_analysis_only(tmp_path: Path, enabled: bool) -> None:
    """A file's analysis runs without the cyclic collector (its objects are freed by
    reference counting), and leaves it as it found it, reports and all."""
    seen_enabled: list[bool] = []
    original = AsyncTipsChecker._analyse

    def analyse(self: AsyncTipsChecker, *args: object) -> None:
        seen_enabled.append(gc.isenabled())
        original(self, *args)  # type: ignore[arg-type]
        seen_enabled.append(gc.isenabled())

    source = "async def fetch():\n    pass\n\n\nasync def main():\n" + "    [x for x in range(3)]\n" * 200
    source += "    fetch()\n"
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        AsyncTipsChecker._analyse = analyse  # type: ignore[method-assign]
        tree = ast.parse(source)
        checker = AsyncTipsChecker(tree, source.splitlines(keepends=True), str(tmp_path / "main.py"))
        found = [text for _, _, text, _ in checker.run()]
        after = gc.isenabled()
    finally:
        AsyncTipsChecker._analyse = original  # type: ignore[method-assign]
        (gc.enable if was_enabled else gc.disable)()
    assert seen_enabled == [False, False]
    assert after is enabled
    assert [text[:6] for text in found] == ["ASY100"]
    ref = weakref.ref(tree)
    del tree, checker
    assert ref() is None, "the tree waits for the cyclic collector"
