from .statements import DatabaseLink


async def rows(link: DatabaseLink):
    statement = await link.prepare("SELECT 1")
    for row in statement.cursor():  # error: ASY301
        print(row)
    async for row in statement.cursor():
        print(row)


async def listed(link: DatabaseLink):
    for item in await link.catalog_listing():  # a PooledLink gives a list
        print(item)
