# Cross-module aliases of `Callable[..., Awaitable[T]]`: calling a parameter typed with one makes an awaitable.
import shop.asgi_types

from . import asgi_types
from .asgi_types import ASGIApp, Receive, Send, Sync


class Timing:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        self.app(scope, receive, send)  # error: ASY100
        await self.app(scope, receive, send)


async def respond(send: asgi_types.Send, also: "shop.asgi_types.Send", sync: Sync, receive: Receive):
    send({"type": "http.response.start"})  # error: ASY100
    also({"type": "http.response.body"})  # error: ASY100
    sync({})
    await send({})
    message = await receive()
    return message
