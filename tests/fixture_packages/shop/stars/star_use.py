"""Names bound by star imports of project modules: each module says what it exports."""

from .locks import *


async def use_locks():
    Lock().acquire()  # error: ASY100
    Event().wait()  # locks.Event.wait is a plain def
    print(len([1]))
