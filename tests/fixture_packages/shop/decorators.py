import asyncio
import functools


def blocking(fn):
    """Makes an async function callable from sync code."""

    @functools.wraps(fn)
    def wrapper(*args):
        return asyncio.run(fn(*args))

    return wrapper


def logged(fn):
    """Keeps the function async."""

    @functools.wraps(fn)
    async def wrapper(*args):
        return await fn(*args)

    return wrapper


@blocking
async def refresh_now():
    pass


@logged
async def refresh_logged():
    pass


def identity(fn):
    """Returns the function itself: its kind is kept."""
    return fn


def timed(fn):
    """A wrapper through functools.wraps(fn)(wrapper): the wrapper's kind."""

    async def wrapper(*args):
        return await fn(*args)

    return functools.wraps(fn)(wrapper)


def retry(times):
    """A decorator factory: `@retry(3)` returns `decorate`, which returns an async wrapper."""

    def decorate(fn):
        @functools.wraps(fn)
        async def wrapper(*args):
            for _ in range(times):
                try:
                    return await fn(*args)
                except OSError:
                    pass

        return wrapper

    return decorate


def in_thread(times):
    """A factory whose decorator runs the coroutine: sync."""

    def decorate(fn):
        def wrapper(*args):
            return asyncio.run(fn(*args))

        return wrapper

    return decorate


REGISTERED = {}


def registered(fn, /):
    """trio's enable_ki_protection: an alias of the argument taken first, then returned."""
    original = fn
    if hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    REGISTERED[fn.__name__] = True
    return original


def unwrapped(fn):
    """Returns what the argument wraps, not the argument: unknown."""
    if hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def late_alias(fn):
    """The alias is taken after the argument may have been replaced: unknown."""
    fn = getattr(fn, "__wrapped__", fn)
    original = fn
    return original


def guarded(meth):
    """asyncpg's connresource.guarded: a sync wrapper that returns the decorated function's call."""

    @functools.wraps(meth)
    def _check(self, *args, **kwargs):
        self.validate()
        return meth(self, *args, **kwargs)

    return _check


def sometimes(meth):
    """A wrapper with another return than the call: unknown."""

    def _maybe(*args):
        if not args:
            return None
        return meth(*args)

    return _maybe
