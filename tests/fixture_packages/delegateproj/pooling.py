from .statements import DatabaseLink


class PooledLink(DatabaseLink):
    # Overrides the delegated method: what `catalog_listing()` gives is not known for a DatabaseLink.
    async def _open_listing(self):
        return [1, 2, 3]
