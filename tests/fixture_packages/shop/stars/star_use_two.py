from .events import *
from .locks import *


async def use_both():
    make_event().wait()  # error: ASY100
    Lock().acquire()  # error: ASY100
    Event().wait()  # both export Event: not known here
    Unlisted().wait()  # not in events.__all__: a NameError at run time, not reported
