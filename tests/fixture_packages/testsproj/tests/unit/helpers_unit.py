async def settle():
    pass
