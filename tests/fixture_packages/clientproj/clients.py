from typing import Literal

from .commands import Commands


class AsyncClient(Commands):
    _is_async_client: Literal[True] = True

    async def execute_command(self, *args):
        return None


class SyncClient(Commands):
    _is_async_client: Literal[False] = False

    def execute_command(self, *args):
        return None


class Pipeline(AsyncClient):
    def execute_command(self, *args):
        return self

    def __await__(self):
        return self.run().__await__()

    async def run(self):
        return []
