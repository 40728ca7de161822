import pytest

from .clients import AsyncClient, Pipeline, SyncClient


async def fetch(client: AsyncClient, sync: SyncClient, pipe: Pipeline):
    client.get("a")  # error: ASY100
    await client.get("b")
    sync.get("c")
    pipe.get("d")
    with pytest.raises(TypeError):
        client.get(None)
