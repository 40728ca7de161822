from typing import Literal, Protocol


class AsyncClientProtocol(Protocol):
    _is_async_client: Literal[True]


class SyncClientProtocol(Protocol):
    _is_async_client: Literal[False]
