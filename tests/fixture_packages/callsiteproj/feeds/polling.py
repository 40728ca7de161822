# A function's parameter holds the class every call passes, when no other module may call it.
from .models import Feed


async def poll_here(feed):
    feed.refresh()  # error: ASY100


async def poll_shared(feed):
    # runner.py imports it and calls it with a Snapshot: the calls here do not tell.
    feed.refresh()


async def main():
    await poll_here(Feed())
    await poll_shared(Feed())
