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
