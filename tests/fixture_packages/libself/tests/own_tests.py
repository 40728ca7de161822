"""A library's own tests: `anyio` resolves to the repository's src/, and the table still answers for its API."""

import anyio


async def check():
    with anyio.create_task_group():  # error: ASY302
        pass
    async with anyio.create_task_group():
        pass
    anyio.sleep(1)  # error: ASY100
