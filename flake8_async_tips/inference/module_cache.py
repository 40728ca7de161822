"""Other modules of the project (and installed ones), read once per process, and the per-file memos.

`module_at` reads a module in outline and builds its evaluator with the
constructor it is given (the evaluator asking passes its own class): this
layer sits below the evaluator and imports none of it, so there is no cycle
between reading a module and evaluating it.
"""

from __future__ import annotations

import ast
import gc
from collections import OrderedDict
from typing import Any, Callable, Optional, Protocol, Union

from flake8_async_tips.bindings import BindingIndex
from flake8_async_tips.inference.values import Definition, Values
from flake8_async_tips.outline import outline_index
from flake8_async_tips.project import ProjectLayout, layout_of


class MakesEvaluator(Protocol):
    """The evaluator's constructor (`Inference`), given by the layer that asks for a module."""

    def __call__(
        self, bindings: BindingIndex, layout: ProjectLayout, declared: frozenset[str], *, remember_resolutions: bool
    ) -> Any:
        ...


# Other modules (the project's, installed ones), read once per process (flake8
# lints a project's files in a few long-lived processes), kept while recently used.
MAX_CACHED_MODULES = 64
# A module's outline takes about 4x its source's size in memory: the cache also stops at this
# much source (sqlalchemy's modules are 100-300 KB each). Measured on the real-world corpus
# (flake8 in one process, peak memory / modules read): 4 MB 121 MB / 947, 2.5 MB 114 MB / 1,021,
# 2 MB 112 MB / 1,136; 48 modules of 4 MB gave 114 MB too, but read 1,127. Once stubs, overloads
# and the stores' chains were read (and inference went twice as deep): 2.5 MB 118 MB / 1,063,
# 2 MB 115 MB / 1,258, 1.5 MB 114 MB / 1,553.
MAX_CACHED_SOURCE_BYTES = 2 * 1024 * 1024
# The evaluators `make` built, with the size of the source each was read from.
_MODULES: OrderedDict[tuple[str, frozenset[str], bool], tuple[Optional[Any], int]] = OrderedDict()


# Modules read before the cache is set aside again: each time costs one full collection, and
# what is not yet set aside is walked by every full collection flake8 makes. On the real-world
# corpus, 8 made flake8's collections cost what they do without the plugin (16: +1 s, 48: +3 s).
SETTLE_EVERY = 8
_read_since_settled = 0


# While a file with no async word is linted, only the modules that may hold something async are
# read (prefilter.may_hold_async): its findings can come only from async code elsewhere. On the
# real-world corpus the sync files' other reads were half of all the reading (sqlalchemy's tests
# asking of its modules), for no finding.
_READABLE: list[Optional[Callable[[str], bool]]] = [None]


def read_only_modules(readable: Optional[Callable[[str], bool]]) -> None:
    """For the file about to be linted: other modules are read only if `readable(path)` (None: all of them)."""
    _READABLE[0] = readable


# id(class node) -> (depth it was read at, the node, its bases); for one linted file.
_CLASS_BASES: dict[int, tuple[int, ast.AST, Optional[list[Union[Definition, type]]]]] = {}

# id(expression) -> (depth it was evaluated at, its values, the evaluator, the expression, the
# scope node); for one linted file. One int per key: the memo is most of a file's transient memory.
_VALUES: dict[int, tuple[int, Values, object, object, object]] = {}
# Each distinct answer once: thousands of reads of one name (`r.set`, `r.get`) give equal sets.
_ANSWERS: dict[frozenset[Any], frozenset[Any]] = {}
# Calls read for their arguments (inference/specialization.py): how many in this linted file, and
# the defs being read so (by id), one inside another.
_SPECIALIZED: dict[str, Any] = {"count": 0, "active": set()}


def forget_linted_file() -> None:
    """Drop what one linted file's questions remembered, once its rules have run.

    The memos hold the file's tree and definitions: kept, they would keep the
    file alive until the next one (or for good, after the last), and give the
    long-lived cache references from one file's definitions to another's.
    """
    _CLASS_BASES.clear()
    _VALUES.clear()
    _ANSWERS.clear()
    _SPECIALIZED["count"] = 0
    _SPECIALIZED["active"].clear()


def settle_module_cache() -> None:
    """Set the long-lived cache aside from the cyclic garbage collector, between two files.

    Every full collection flake8 triggers would otherwise walk each cached
    module's nodes again. A full collection first frees the files linted so
    far; `gc.freeze()` then exempts what is left, which stays reclaimable by
    reference counting: the cached modules hold no reference cycles (outline
    scopes keep no children, cached modules remember no resolutions), so an
    evicted one is freed at once.
    """
    global _read_since_settled
    forget_linted_file()
    if _read_since_settled < SETTLE_EVERY:
        return
    _read_since_settled = 0
    gc.collect()
    gc.freeze()


def module_at(path: str, declared: frozenset[str], make: MakesEvaluator, in_full: bool = False) -> Optional[Any]:
    """The evaluator `make` builds of the module in `path`, or None if it cannot be read as Python.

    Read in outline (function bodies cut down to what other modules ask of
    them), unless `in_full`: pytest's conftest.py files, whose fixtures' bodies say what they give.
    """
    global _read_since_settled
    # Refused before the cache is asked: a file's findings must not depend on what was read before it.
    readable = _READABLE[0]
    if readable is not None and not readable(path):
        return None
    key = (path, declared, in_full)
    # A module read in full answers every question an outline does: it is not read again.
    for known in (key, (path, declared, True)):
        if known in _MODULES:
            _MODULES.move_to_end(known)
            return _MODULES[known][0]
    module: Optional[Any] = None
    source = b""
    # Parsing and outlining allocate a whole tree that the cache keeps: the cyclic garbage
    # collector, run again and again on the way, would only scan what stays (it was two
    # fifths of the reading time). It runs as usual once the module is read (for a module a
    # linted file imports, once the file's analysis is over: the checker pauses it too).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as file:
            source = file.read()
        tree = ast.parse(source, path)
        if in_full:
            index = BindingIndex.build(tree)
            index.forget_scope_children()
        else:
            index = outline_index(tree, source)
        module = make(index, layout_of(path), declared, remember_resolutions=False)
        if path.endswith(".pyi"):
            module.stub_file = True
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        module = None  # unreadable or not valid Python: nothing is known of it
    finally:
        if collecting:
            gc.enable()
    _MODULES[key] = (module, len(source))
    _read_since_settled += 1
    cached_bytes = sum(size for _, size in _MODULES.values())
    while len(_MODULES) > 1 and (len(_MODULES) > MAX_CACHED_MODULES or cached_bytes > MAX_CACHED_SOURCE_BYTES):
        cached_bytes -= _MODULES.popitem(last=False)[1][1]
    return module
