# Type aliases other modules import: what an annotation naming them means is read here.
import typing
from collections.abc import Awaitable, Callable

Message = typing.Dict[str, typing.Any]
Send = Callable[[Message], Awaitable[None]]
Receive = typing.Callable[[], typing.Awaitable[Message]]
ASGIApp = Callable[[dict, Receive, Send], Awaitable[None]]
Sync = Callable[[Message], None]
