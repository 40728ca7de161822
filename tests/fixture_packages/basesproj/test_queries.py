from .base import ClientTestCase, SyncClient


class QueriesTest(ClientTestCase):
    async def test_drop(self):
        self.db.drop()  # error: ASY100
        await self.db.drop()
        self.client.close()  # error: ASY100
        self.db_name.upper()


class SyncClientTest(ClientTestCase):
    # The instance's own `make_client` decides what `self.client` is.
    def make_client(self):
        return SyncClient()

    async def test_close(self):
        self.client.close()
