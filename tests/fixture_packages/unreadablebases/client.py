class Client:
    async def fetch(self):
        return 1

    def close(self):
        pass
