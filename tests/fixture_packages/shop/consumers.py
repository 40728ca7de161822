# Cross-module ASY3xx: the iterables and context managers come from shop.streams.
from shop.streams import AuditedFeed, EventFeed, Ledger, checkout, order_events


async def consume():
    for event in order_events():  # error: ASY301
        print(event)
    for event in AuditedFeed():  # error: ASY301
        print(event)
    async for event in EventFeed():
        print(event)
    async with Ledger():  # error: ASY303
        pass
    with Ledger():
        pass
    async with checkout():
        pass
    return list(order_events())  # error: ASY307
