# Read in outline from test_connections.py: set-up methods are read whole, and what they store is
# evaluated for the test case asked about (`self` its instance, `cls` in `setUpClass` its class).
import asyncio
import os
import unittest


class Connection:
    async def execute(self, query):
        return None


class Recorder:
    def execute(self, query):
        return query


class Pool:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def close(self):
        return None


def make_pool(dsn, pool_class=Pool):
    return pool_class()


async def connect(dsn, **options):
    return Connection()


async def record(dsn, **options):
    return Recorder()


class LoopTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.environ.get("USE_UVLOOP"):
            import uvloop

            loop = uvloop.new_event_loop()
        else:
            loop = asyncio.new_event_loop()
        cls.loop = loop

    @classmethod
    def tearDownClass(cls):
        cls.loop.close()

    @classmethod
    def open(cls, **options):
        return connect("db", **options)

    def setUp(self):
        options = {"timeout": 1}
        self.con = self.loop.run_until_complete(self.open(**options))

    def tearDown(self):
        self.con = None

    def create_pool(self, pool_class=Pool):
        pool = make_pool("db", pool_class=pool_class)
        return pool
