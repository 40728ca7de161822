import asyncio


def make_lock():
    return asyncio.Lock()
