"""What calling a callable makes: the kinds every inference question is asked in."""

from __future__ import annotations


class CallableKind:
    COROUTINE_FUNCTION = "coroutine function"
    ASYNC_GENERATOR_FUNCTION = "async generator function"
    GENERATOR_FUNCTION = "generator function"
    SYNC_FUNCTION = "function"
    # Decorated with contextlib.contextmanager / asynccontextmanager.
    SYNC_CONTEXT_FACTORY = "context manager factory"
    ASYNC_CONTEXT_FACTORY = "async context manager factory"
    CLASS = "class"
    UNKNOWN = "unknown"


FUNCTION_KINDS = frozenset(
    {
        CallableKind.COROUTINE_FUNCTION,
        CallableKind.ASYNC_GENERATOR_FUNCTION,
        CallableKind.GENERATOR_FUNCTION,
        CallableKind.SYNC_FUNCTION,
        CallableKind.SYNC_CONTEXT_FACTORY,
        CallableKind.ASYNC_CONTEXT_FACTORY,
    }
)
