import contextlib


async def order_events():
    yield "created"


class EventFeed:
    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration


class AuditedFeed(EventFeed):
    pass


class Ledger:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@contextlib.asynccontextmanager
async def checkout():
    yield
