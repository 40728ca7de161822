from typing import AsyncIterable

from .responses import Buffered, Response


class RelayedResponse(Response):
    def __init__(self, content: AsyncIterable[bytes]):
        super().__init__()
        self.body_iterator = content

    async def send(self, send):
        for chunk in self.body_iterator:  # error: ASY301
            await send(chunk)

    async def send_all(self, send):
        async for chunk in self.body_iterator:
            await send(chunk)


class Replay(Buffered):
    # The base's own `__init__` stores `chunks` too (read in outline): a list, or this store's value.
    def switch(self, source: AsyncIterable[bytes]):
        self.chunks = source

    async def replay(self, send):
        for chunk in self.chunks:
            await send(chunk)
