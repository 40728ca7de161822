from .models import Snapshot
from .polling import poll_shared


async def run_snapshot():
    await poll_shared(Snapshot())
