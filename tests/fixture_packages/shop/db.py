import functools


async def fetch_order(order_id):
    return order_id


def sync_order(order_id):
    return order_id


async def stream_orders():
    yield 1


fetch_alias = fetch_order


class Repo:
    async def load(self, key):
        return key

    def save(self, key):
        return key


class CachedRepo(Repo):
    def clear(self):
        pass
