# A helper class of a test stores `self.loop` on its own instances: the test case's `self.loop` and
# `self.con` are still what the base's set-up methods store.
from .loop_base import LoopTestCase


class SourceTest(LoopTestCase):
    async def test_copy_from_source(self):
        class RowSource:
            def __init__(self, loop):
                self.loop = loop
                self.con = None

            def __aiter__(self):
                return self

            async def __anext__(self):
                raise StopAsyncIteration

        source = RowSource(self.loop)
        self.con.execute("select 1")  # error: ASY100
        await self.con.execute("select 1")
        async for row in source:
            print(row)


class PlainConnection:
    def execute(self, query):
        return query


class PlainSourceTest(LoopTestCase):
    # Its own set-up replaces the connection: a store of a class related to the test case.
    def setUp(self):
        super().setUp()
        self.con = PlainConnection()

    async def test_plain(self):
        self.con.execute("select 1")
