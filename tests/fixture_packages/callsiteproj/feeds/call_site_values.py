# Values from call sites: an unannotated parameter holds what every call of its function passes.
import asyncio
import inspect


class Feed:
    async def refresh(self):
        return True

    def size(self):
        return 0


class Cache:
    def refresh(self):
        return True


async def poll_feed(feed):
    while not feed.refresh():  # error: ASY108
        pass
    feed.refresh()  # error: ASY100
    feed.size()


async def poll_with_default(feed, times=2):
    feed.refresh()  # error: ASY100


async def poll_by_keyword(*, feed):
    feed.refresh()  # error: ASY100


async def poll_recursively(feed, rounds):
    feed.refresh()  # error: ASY100
    if rounds:
        await poll_recursively(feed, rounds - 1)


async def poll_through_inner(feed):
    async def poll_inner(source):
        source.refresh()  # error: ASY100

    await poll_inner(feed)


def refresh_from_sync(feed):
    feed.refresh()  # error: ASY204


async def poll_chained(feed):
    await poll_feed(feed)
    feed.refresh()  # error: ASY100


# Below, what the calls pass is not one known class, or the function may get other values.


async def poll_mixed(feed):
    feed.refresh()


async def poll_unknown(feed):
    feed.refresh()


async def poll_as_callback(feed):
    feed.refresh()


async def poll_type_tested(feed):
    if inspect.iscoroutinefunction(feed.refresh):
        await feed.refresh()
    else:
        feed.refresh()


async def poll_isinstance(feed):
    if isinstance(feed, Cache):
        return
    feed.refresh()


async def poll_left_to_default(feed=None):
    feed.refresh()


async def poll_star_args(feed):
    feed.refresh()


async def poll_exported(feed):
    feed.refresh()


__all__ = ["poll_exported"]


async def poll_never_called(feed):
    feed.refresh()


async def poll_rebound(feed):
    feed.refresh()


async def poll_matched(feed):
    match feed:
        case Cache():
            return
    feed.refresh()


async def poll_class_passed(feed):
    feed.refresh()


def identity(function):
    return function


@identity
async def poll_decorated(feed):
    feed.refresh()


class Poller:
    async def poll(self, feed):
        feed.refresh()


async def main(other):
    await poll_feed(Feed())
    await poll_with_default(Feed())
    await poll_by_keyword(feed=Feed())
    await poll_recursively(Feed(), 2)
    await poll_through_inner(Feed())
    refresh_from_sync(Feed())
    await poll_chained(Feed())
    await poll_mixed(Feed())
    await poll_mixed(Cache())
    await poll_unknown(other)
    await poll_as_callback(Feed())
    callbacks = [poll_as_callback]
    await poll_type_tested(Feed())
    await poll_isinstance(Feed())
    await poll_left_to_default(Feed())
    await poll_left_to_default()
    await poll_star_args(*[Feed()])
    await poll_exported(Feed())
    await poll_rebound(Feed())
    await poll_matched(Feed())
    await poll_class_passed(Feed)
    await poll_decorated(Feed())
    await Poller().poll(Feed())
    return callbacks


poll_rebound = None
