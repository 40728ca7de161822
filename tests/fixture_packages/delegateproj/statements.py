# Read in outline from queries.py: a project decorator whose wrapper returns the method's call keeps
# what the call gives; the annotation's `cursor` is the module (the def's own name is not bound yet).
import functools

from . import cursor


def checked(meth):
    @functools.wraps(meth)
    def _check(self, *args, **kwargs):
        self.check_open()
        return meth(self, *args, **kwargs)

    return _check


class PreparedQuery:
    def __init__(self, connection):
        self.connection = connection

    def check_open(self):
        return None

    @checked
    def cursor(self) -> cursor.RowCursor:
        return cursor.RowCursor()


class DatabaseLink:
    # Subclassed in pooling.py: `self` is not exactly a DatabaseLink, yet `_prepare_query` has no
    # other definition in the project: the project's one is what the delegation gives.
    async def prepare(self, query):
        return await self._prepare_query(query)

    async def _prepare_query(self, query):
        return PreparedQuery(self)

    async def catalog_listing(self):
        return await self._open_listing()

    async def _open_listing(self):
        return cursor.RowCursor()
