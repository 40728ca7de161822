"""Each mistake flake8-async-tips catches, once. Run: flake8 --select ASY1,ASY2,ASY3,E9 --extend-select ASY104 examples/"""

import asyncio
import time


async def fetch(url):
    await asyncio.sleep(0)
    return url


def load(url):
    return await fetch(url)  # ASY200: make 'load' async


def consume(rows):
    async for row in rows:  # ASY201: make 'consume' async or use 'for'
        print(row)


def save(lock):
    async with lock:  # ASY202: make 'save' async or use 'with'
        pass


def names(rows):
    return [row async for row in rows]  # ASY203: make 'names' async


def refresh():
    fetch("/status")  # ASY204: this coroutine never runs


async def rows_of(batches):
    yield from batches  # ASY305: use 'for ...: yield'


async def ticks(n):
    for i in range(n):
        yield i
    return n  # ASY306: async generators can only use a bare 'return'


async def main(urls):
    fetch("/")  # ASY100: add 'await'
    pending = fetch("/pending")  # ASY101: stored, never awaited
    asyncio.run(fetch("/nested"))  # ASY102: a loop is already running here
    asyncio.create_task(fetch("/background"))  # ASY106: keep a reference to the task
    asyncio.get_running_loop().call_soon(fetch, "/")  # ASY107: call_soon won't await it
    if fetch("/ready"):  # ASY108: a coroutine is always true
        pass
    await asyncio.gather(fetch)  # ASY109: pass fetch("/"), not the function


async def constructs(lock: asyncio.Lock):
    async for i in range(12):  # ASY300: use 'for'
        print(i)
    for tick in ticks(3):  # ASY301: use 'async for'
        print(tick)
    with lock:  # ASY302: use 'async with'
        pass
    async with open("data.txt"):  # ASY303: use 'with'
        pass
    await time.sleep(1)  # ASY304: use asyncio.sleep
    print(list(ticks(3)))  # ASY307: [t async for t in ticks(3)]


class Session:
    async def __enter__(self):  # ASY308: use __aenter__
        return self


def old_style():
    loop = asyncio.get_event_loop()  # ASY105: use asyncio.run()
    loop.run_until_complete(fetch("/"))


if __name__ == "__main__":
    old_style()  # only this script calls old_style(): no event loop can be set there
    asyncio.run(main)  # ASY103: asyncio.run(main(...)), not the function
    asyncio.run(main(["/"]))  # ASY104 (off by default): a second new event loop in this module
