# What shop.outlined's cut-down function bodies still answer.
from shop.outlined import (
    OutlinedDraft,
    OutlinedProcess,
    OutlinedReply,
    OutlinedResponse,
    Service,
    fetch,
    handler,
    lazy_tick,
    numbers,
    refresh,
    runner,
    ticks,
)


async def main():
    fetch()  # error: ASY100
    handler()  # rebound by a `global` statement in a function: not known
    runner()  # rebound by a `global` statement in a nested class: not known
    refresh()  # its decorator returns a plain def
    for number in numbers(3):
        print(number)
    async for number in numbers(3):  # error: ASY300
        print(number)
    for tick in ticks():  # error: ASY301
        print(tick)
    for tick in lazy_tick():
        print(tick)
    service = Service()
    service.start()  # error: ASY100
    service.stop()  # a stored attribute: not known
    async for item in Service():  # error: ASY300
        print(item)


def read_outlined(response: OutlinedResponse, reply: OutlinedReply, draft: OutlinedDraft):
    for chunk in response.body:  # error: ASY301
        print(chunk)
    for chunk in reply.content:  # stored on another object in its module: not known
        print(chunk)
    for chunk in draft.pages:  # error: ASY301
        print(chunk)
    for chunk in draft.sections:  # stored on self, its value cut away: not known
        print(chunk)


def read_process(process: OutlinedProcess):
    for chunk in process.output:  # error: ASY301
        print(chunk)
    for chunk in process.errors:  # error: ASY301
        print(chunk)
    for chunk in process.label:  # an unannotated parameter: not known
        print(chunk)
