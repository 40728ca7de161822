# Read in outline from the other modules: the overloads keep the annotation of `self`.
from typing import Awaitable, Optional, Union, overload

from .typing_markers import AsyncClientProtocol, SyncClientProtocol


class Commands:
    @overload
    def get(self: SyncClientProtocol, key: str) -> Optional[str]: ...

    @overload
    def get(self: AsyncClientProtocol, key: str) -> Awaitable[Optional[str]]: ...

    def get(self, key: str) -> Union[Optional[str], Awaitable[Optional[str]]]:
        return self.execute_command("GET", key)
