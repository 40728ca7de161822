__all__ = ["Event", "make_event"]


class Event:
    async def wait(self):
        pass


class Unlisted:
    async def wait(self):
        pass


def make_event():
    return Event()
