async def wait_ready():
    pass


def make_url(path):
    return path
