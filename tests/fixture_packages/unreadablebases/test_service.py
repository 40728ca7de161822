from unreadablebases.base import ServiceTest


class TestService(ServiceTest):
    async def test_fetch(self):
        self.client.fetch()  # error: ASY100
        await self.client.fetch()
        self.client.close()
        # `make_name` is no method of the project's classes: the unreadable base may define it.
        self.name.fetch()
