"""Decorators read in outline from shop/decorators.py."""

from shop.decorators import (
    guarded,
    identity,
    in_thread,
    late_alias,
    logged,
    refresh_logged,
    refresh_now,
    registered,
    retry,
    sometimes,
    timed,
    unwrapped,
)

from . import decorators


@identity
async def ping():
    pass


@timed
async def save():
    pass


@retry(3)
async def connect():
    pass


@decorators.retry(times=2)
async def reconnect():
    pass


@in_thread(1)
async def load_now():
    pass


@logged
async def load():
    pass


@registered
async def audit():
    pass


@unwrapped
async def audit_unwrapped():
    pass


@late_alias
async def audit_late():
    pass


class Transaction:
    def validate(self):
        pass

    @guarded
    async def start(self):
        pass

    @sometimes
    async def stop(self):
        pass

    async def __aenter__(self):
        await self.start()  # the wrapper returns the coroutine: awaiting it is right
        self.start()  # error: ASY100
        self.stop()
        await self.stop()


async def main():
    ping()  # error: ASY100
    save()  # error: ASY100
    connect()  # error: ASY100
    reconnect()  # error: ASY100
    load_now()  # a sync wrapper that runs the coroutine
    load()  # error: ASY100
    refresh_logged()  # error: ASY100
    refresh_now()  # defined with @blocking over there: sync
    audit()  # error: ASY100
    audit_unwrapped()
    audit_late()
    await ping()
