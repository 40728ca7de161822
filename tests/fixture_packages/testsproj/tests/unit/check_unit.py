"""No conftest.py here: its own folder and the ones above, as pytest inserts them."""

from helpers import wait_ready  # tests/conftest.py's folder
from helpers_unit import settle  # its own folder


async def check():
    settle()  # error: ASY100
    wait_ready()  # error: ASY100
