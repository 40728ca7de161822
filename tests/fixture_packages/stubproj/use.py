# client.pyi, not client.py, says what Client has: its `async def`s promise awaitables.
from .client import Client


async def main():
    client = Client()
    client.close()  # error: ASY100
    await client.close()
    client.shop.drop()  # error: ASY100
    await client.shop.drop()
    client.shop.name()
