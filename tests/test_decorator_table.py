"""Every entry of the known-decorator table, checked by running the decorator.

Each entry says what a decorator does to what calling the function makes
(flake8_async_tips/decorators.py). Here each one is applied, for real, to an
async def, a def, a generator and an async generator, the result is called,
and what the call made is compared with the entry's answer. Entries of
libraries not installed here are skipped, naming the library.
"""

from __future__ import annotations

import atexit
import importlib
import inspect
import os
import sys
import warnings
from typing import Any, Callable

import pytest

from flake8_async_tips.decorators import KNOWN_DECORATORS, KnownDecorator, known_effect
from flake8_async_tips.kinds import CallableKind


async def _coroutine_function(*args: Any, **kwargs: Any) -> int:
    return 1


def _sync_function(*args: Any, **kwargs: Any) -> int:
    return 1


def _generator_function(*args: Any, **kwargs: Any) -> Any:
    yield 1


async def _async_generator_function(*args: Any, **kwargs: Any) -> Any:
    yield 1


SAMPLES: dict[str, Callable[..., Any]] = {
    CallableKind.COROUTINE_FUNCTION: _coroutine_function,
    CallableKind.SYNC_FUNCTION: _sync_function,
    CallableKind.GENERATOR_FUNCTION: _generator_function,
    CallableKind.ASYNC_GENERATOR_FUNCTION: _async_generator_function,
}

# How each decorator factory is called in the check (`@lru_cache(maxsize=8)`).
FACTORY_ARGUMENTS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "functools.wraps": ((_sync_function,), {}),
    "functools.lru_cache": ((), {"maxsize": 8}),
    "unittest.mock.patch": (("os.getcwd",), {}),
    "unittest.mock.patch.object": ((os, "getcwd"), {}),
    "unittest.mock.patch.dict": ((os.environ, {"FLAKE8_ASYNC_TIPS_TABLE": "1"}), {}),
    "unittest.mock.patch.multiple": (("os",), {"getcwd": lambda: "/"}),
    "warnings.deprecated": (("checked",), {}),
    "typing_extensions.deprecated": (("checked",), {}),
    "click.command": ((), {}),
    "click.group": ((), {}),
    "click.option": (("--flag",), {"is_flag": True}),
    "click.argument": (("name",), {"required": False}),
    "asgiref.sync.sync_to_async": ((), {"thread_sensitive": False}),
    "asgiref.sync.async_to_sync": ((), {"force_new_loop": True}),
    "pytest.fixture": ((), {"scope": "function"}),
    "pytest_asyncio.fixture": ((), {}),
}


def _resolve(qualified: str) -> Any:
    """The decorator object, importing the longest importable module prefix of its name."""
    parts = qualified.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(qualified)


def _what_calling_made(qualified: str, decorated: Any) -> str:
    if qualified == "builtins.classmethod":
        decorated = type("Owner", (), {"method": decorated}).method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            if qualified.startswith("click.pass_"):
                import click

                with click.Context(click.Command("checked"), obj={}):
                    result = decorated()
            elif qualified.startswith("click."):
                result = decorated.main([], standalone_mode=False) if hasattr(decorated, "main") else decorated()
            else:
                result = decorated()
        except Exception:  # noqa: BLE001 - a call that fails makes nothing the table could describe
            return CallableKind.UNKNOWN
    if inspect.iscoroutine(result):
        result.close()
        return CallableKind.COROUTINE_FUNCTION
    if inspect.isasyncgen(result):
        return CallableKind.ASYNC_GENERATOR_FUNCTION
    if inspect.isgenerator(result):
        return CallableKind.GENERATOR_FUNCTION
    if hasattr(result, "__aenter__") and not hasattr(result, "__enter__"):
        return CallableKind.ASYNC_CONTEXT_FACTORY
    if hasattr(result, "__enter__") and not hasattr(result, "__aenter__"):
        return CallableKind.SYNC_CONTEXT_FACTORY
    if inspect.isawaitable(result):
        return CallableKind.UNKNOWN  # awaitable but no coroutine: the table never says so
    return CallableKind.SYNC_FUNCTION


CASES = [
    (name, called, kind)
    for name, entry in sorted(KNOWN_DECORATORS.items())
    for called in (False, True)
    if (entry.called if called else entry.bare) is not None
    for kind in SAMPLES
]


@pytest.mark.parametrize(
    ("qualified", "called", "kind"),
    CASES,
    ids=[f"{name}{'(...)' if called else ''}-{kind.replace(' ', '_')}" for name, called, kind in CASES],
)
def test_entry_matches_what_the_decorator_does(qualified: str, called: bool, kind: str) -> None:
    effect = known_effect(qualified, called)
    assert effect is not None
    expected = effect.apply(kind)
    if expected == CallableKind.UNKNOWN:
        return  # the table claims nothing: silence is always safe
    try:
        decorator = _resolve(qualified)
    except (ImportError, AttributeError):
        pytest.skip(f"{qualified} is not available on Python {sys.version_info[0]}.{sys.version_info[1]} here")
    if called:
        args, kwargs = FACTORY_ARGUMENTS.get(qualified, ((), {}))
        decorator = decorator(*args, **kwargs)
    sample = SAMPLES[kind]
    decorated = decorator(sample)
    try:
        assert _what_calling_made(qualified, decorated) == expected
    finally:
        if qualified == "atexit.register":
            atexit.unregister(sample)


def test_pytest_marks_return_the_function_they_mark() -> None:
    # Any mark, used bare or called: `slow` is the one this suite registers (--strict-markers).
    assert known_effect("pytest.mark.asyncio", called=False) == known_effect("pytest.mark.parametrize", called=True)
    assert pytest.mark.slow(_coroutine_function) is _coroutine_function
    assert pytest.mark.slow(reason="checked")(_coroutine_function) is _coroutine_function


def test_every_entry_says_something_for_some_use() -> None:
    for name, entry in KNOWN_DECORATORS.items():
        assert isinstance(entry, KnownDecorator)
        assert entry.bare is not None or entry.called is not None, name


def test_contextlib_factories_need_the_right_generator() -> None:
    effect = known_effect("contextlib.contextmanager", called=False)
    assert effect is not None
    assert effect.apply(CallableKind.GENERATOR_FUNCTION) == CallableKind.SYNC_CONTEXT_FACTORY
    assert effect.apply(CallableKind.COROUTINE_FUNCTION) == CallableKind.UNKNOWN
