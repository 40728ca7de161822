async def fetch_all():
    return []


async def stream():
    yield 1
