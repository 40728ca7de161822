class Lock:
    async def acquire(self):
        pass


class _Private:
    async def acquire(self):
        pass


class Event:
    """Also exported by events.py: which one a star import of both gives depends on the order."""

    def wait(self):
        pass
