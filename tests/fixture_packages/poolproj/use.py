from .pools import create_connection_pool, make_starter


async def run():
    pool = await create_connection_pool("db")
    pool.close()  # error: ASY100
    with pool.acquire():  # error: ASY302
        pass
    async with pool.acquire():
        pass
    await pool.close()


async def start():
    started = await make_starter()
    started.close()  # QuickStarter's `_begin` gives a Closer
