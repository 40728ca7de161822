# Read in outline from queries.py.
class RowCursor:
    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration
