class Feed:
    async def refresh(self):
        return True


class Snapshot:
    def refresh(self):
        return True
