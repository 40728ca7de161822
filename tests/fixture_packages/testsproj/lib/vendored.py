async def ping():
    pass


def pong():
    pass
