# Read in outline from relay.py: which class's methods store `self.<name>` is kept for each name.
from typing import AsyncIterable, Iterable, Union


def iterate_in_thread(content):
    return iter(content)


class Response:
    def __init__(self, status: int = 200):
        self.status = status


class StreamingResponse(Response):
    # A sibling's stores: they do not reach the instances of another subclass of Response.
    def __init__(self, content: Union[Iterable[bytes], AsyncIterable[bytes]], sync: bool = False):
        super().__init__()
        if sync:
            self.body_iterator = iterate_in_thread(content)
        else:
            self.body_iterator = content


class Buffered:
    def __init__(self, data):
        self.chunks = list(data)
