from .loop_base import LoopTestCase, record


class ConnectionTest(LoopTestCase):
    def test_run(self):
        self.loop.run_until_complete(self.con.execute("select 1"))

    async def test_forgotten(self):
        self.con.execute("select 1")  # error: ASY100
        await self.con.execute("select 1")

    async def test_pool(self):
        with self.create_pool():  # error: ASY302
            pass
        async with self.create_pool() as pool:
            pool.close()  # error: ASY100


class RecordingTest(LoopTestCase):
    # Its own `open` decides what `setUp` stores.
    @classmethod
    def open(cls, **options):
        return record("db", **options)

    async def test_recorded(self):
        self.con.execute("select 1")
