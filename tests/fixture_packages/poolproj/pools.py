# Read in outline from use.py: `__await__` is read whole, `return self` of a method kept.
class ConnectionPool:
    def __init__(self, dsn):
        self._dsn = dsn

    async def _open_connections(self):
        return self

    def __await__(self):
        return self._open_connections().__await__()

    async def close(self):
        return None

    def acquire(self):
        return Lease(self)


class Lease:
    def __init__(self, pool):
        self.pool = pool

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None


class TracingPool(ConnectionPool):
    """Subclasses the pool without replacing `_open_connections`: awaiting still gives the pool."""


def create_connection_pool(dsn):
    return ConnectionPool(dsn)


class Closer:
    def close(self):
        return None


class Starter:
    async def _begin(self):
        return self

    def __await__(self):
        return self._begin().__await__()

    async def close(self):
        return None


class QuickStarter(Starter):
    async def _begin(self):
        return Closer()


def make_starter():
    return QuickStarter()
