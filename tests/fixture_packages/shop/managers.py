"""Read in outline by shop.uses_managers: what entering these context managers binds."""
from .db import Repo


class Unit:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        pass

    async def flush(self):
        pass


class Scoped:
    def __enter__(self) -> Repo:
        return Repo()

    def __exit__(self, *exc):
        pass

    async def __aenter__(self):
        return Repo()

    async def __aexit__(self, *exc):
        pass


class Guarded:
    async def __aenter__(self):
        # Rebinds its first parameter: what it returns is not the object entered.
        self = Unit()
        return self

    async def __aexit__(self, *exc):
        pass

    async def flush(self):
        pass
