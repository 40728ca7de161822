# What entering another module's context managers binds, read in outline.
from shop.managers import Guarded, Scoped, Unit


async def main():
    async with Unit() as unit:
        unit.flush()  # error: ASY100
    with Scoped() as repo:
        repo.load("k")  # error: ASY100
    async with Scoped() as entered_repo:
        entered_repo.load("k")  # error: ASY100
    async with Guarded() as guarded:
        guarded.flush()  # `self` is rebound in __aenter__: not known
